"""A test order for a connected store: a realistic ``orders/create`` body, signed with the
store's secret, sent through the real webhook endpoint (in process from the store page, or over
HTTP from ``manage.py conversions_test_order``), so a brand sees the whole path work."""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.utils import timezone

from analytics.conversions_stores import secret_decrypt
from analytics.models import StoreConnection
from recruitment.models import Participation


def test_order_payload(store: StoreConnection) -> dict[str, Any]:
    """An order using the promo code of one of the brand's active creators (when there is one),
    so it shows up attributed."""
    participation = (
        Participation.objects.filter(
            organization_id=store.organization_id,
            campaign__brand_id=store.brand_id,
            status=Participation.Status.ACTIVE,
        )
        .order_by("?")
        .first()
    )
    code = participation.promo_code if participation is not None else "NOCODE"
    order_id = 9_000_000_000_000_000_000 + secrets.randbelow(10**15)
    return {
        "id": order_id,
        "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
        "created_at": timezone.now().isoformat(),
        "currency": participation.campaign.currency if participation is not None else "USD",
        "current_subtotal_price": "49.90",
        "total_price": "54.90",
        "discount_codes": [{"code": code.lower(), "amount": "5.00", "type": "fixed_amount"}],
        "landing_site": "/products/demo?utm_source=chorus&utm_medium=creator",
        "customer": {"id": 7_000_000_000_000 + secrets.randbelow(10**9), "email": ""},
        "client_details": {"browser_ip": "203.0.113.7"},
        "note_attributes": [],
        "test": True,
    }


def signed_test_order(store: StoreConnection) -> tuple[bytes, dict[str, str]]:
    """The body and the headers Shopify would send."""
    from analytics.webhooks_shopify import signature

    body = json.dumps(test_order_payload(store)).encode()
    secret = secret_decrypt(store.secret_encrypted) or ""
    headers = {
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Shop-Domain": store.shop_domain,
        "X-Shopify-Hmac-Sha256": signature(secret, body),
        "X-Shopify-Webhook-Id": f"test-{secrets.token_hex(8)}",
        "X-Shopify-API-Version": "2025-01",
        "Content-Type": "application/json",
    }
    return body, headers
