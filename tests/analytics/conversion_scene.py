"""Shared scene for the conversion tests: a connected Shopify store, a campaign paying a
commission, creators with codes, and helpers to sign and send webhooks."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from analytics.conversions_stores import store_connect
from analytics.models import Click, ShopifyDelivery, StoreConnection
from analytics.services import visitor_hash
from analytics.tasks import process_shopify_delivery
from analytics.webhooks_shopify import signature
from campaigns.models import Campaign
from recruitment.models import Participation
from tests.conftest import Tenant
from tests.factories.campaigns import CampaignFactory
from tests.factories.recruitment import ParticipationFactory

SECRET = "shpss_0123456789abcdef0123456789abcdef"
SHOP = "acme-shoes.myshopify.com"
WEBHOOK = "/webhooks/shopify/"


@dataclass
class Scene:
    tenant: Tenant
    store: StoreConnection
    campaign: Campaign
    alice: Participation
    bob: Participation


def scene_build(tenant: Tenant, *, commission_cents: int = 500, shop: str = SHOP) -> Scene:
    campaign = CampaignFactory(
        organization=tenant.org,
        brand=tenant.brand,
        commission_per_conversion_cents=commission_cents,
        status=Campaign.Status.ACTIVE,
    )
    alice = ParticipationFactory(campaign=campaign, promo_code="ALICE10", tracking_code="alice")
    bob = ParticipationFactory(campaign=campaign, promo_code="BOB10", tracking_code="bob")
    store = store_connect(
        access=tenant.access(), brand=tenant.brand, shop_domain=shop, secret=SECRET
    )
    return Scene(tenant, store, campaign, alice, bob)


def order_payload(order_id: int = 820982911946154508, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": order_id,
        "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
        "created_at": "2026-11-30T10:00:00-05:00",
        "currency": "USD",
        "current_subtotal_price": "19.99",
        "total_price": "24.99",
        "discount_codes": [],
        "landing_site": None,
        "customer": {"id": 115310627314723954, "email": "buyer@example.com"},
        "client_details": {"browser_ip": "198.51.100.23"},
        "note_attributes": [],
    }
    payload.update(overrides)
    return payload


def refund_payload(order_id: int, refund_id: int, amount: str) -> dict[str, Any]:
    return {
        "id": refund_id,
        "order_id": order_id,
        "created_at": "2026-12-01T10:00:00-05:00",
        "transactions": [
            {
                "id": refund_id + 1,
                "order_id": order_id,
                "kind": "refund",
                "status": "success",
                "amount": amount,
                "currency": "USD",
            },
        ],
        "refund_line_items": [],
    }


def send(
    client: Client,
    payload: Any,
    *,
    topic: str = "orders/create",
    shop: str = SHOP,
    secret: str = SECRET,
    webhook_id: str | None = None,
    raw: bytes | None = None,
    hmac_header: str | None = None,
) -> Any:
    body = raw if raw is not None else json.dumps(payload).encode()
    headers = {
        "X-Shopify-Topic": topic,
        "X-Shopify-Shop-Domain": shop,
        "X-Shopify-Hmac-Sha256": hmac_header
        if hmac_header is not None
        else signature(secret, body),
        "X-Shopify-API-Version": "2025-01",
    }
    # Shopify names every delivery; a fresh id unless the test replays one ("" sends none).
    webhook_id = f"wh-{uuid.uuid4()}" if webhook_id is None else webhook_id
    if webhook_id:
        headers["X-Shopify-Webhook-Id"] = webhook_id
    return client.post(WEBHOOK, data=body, content_type="application/json", headers=headers)


def process_pending() -> list[str]:
    """What a worker does with the stored deliveries: each pending one, in arrival order, run
    through the real task (in this process). Returns the outcomes."""
    pending = ShopifyDelivery.objects.filter(status=ShopifyDelivery.Status.PENDING).order_by("pk")
    return [
        process_shopify_delivery.apply(args=[pk], throw=True).get()
        for pk in pending.values_list("pk", flat=True)
    ]


def deliver(client: Client, payload: Any, **kwargs: Any) -> Any:
    """Send a webhook, then let the worker process what it stored."""
    answer = send(client, payload, **kwargs)
    process_pending()
    return answer


def click(participation: Participation, *, ip: str, at: datetime | None = None) -> Click:
    return Click.objects.create(
        organization_id=participation.organization_id,
        participation=participation,
        created_at=at or timezone.now() - timedelta(hours=1),
        visitor_hash=visitor_hash(ip),
    )
