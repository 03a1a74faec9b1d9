"""``POST /webhooks/shopify/``: a connected store's ``orders/create`` and ``refunds/create``.

Checked in this order, each failure answering JSON ``{code, message}`` and recording nothing:
the shop (``X-Shopify-Shop-Domain``) must be connected (else 401 ``unknown_shop``); the
``X-Shopify-Hmac-Sha256`` header must be the base64 HMAC-SHA256 of the raw body under the
store's secret, compared in constant time (else 401 ``bad_signature``); the topic
(``X-Shopify-Topic``) one we handle (else 400 ``unsupported_topic``); the body a JSON object
with the fields we need, money as decimal strings exact to the currency's minor unit (else
400 ``invalid_payload``). A refund for an order never recorded answers 404 ``order_unknown``
(Shopify retries it, so it lands once its order has). A redelivery (same
``X-Shopify-Webhook-Id``, or the same order/refund id) answers 200 and changes nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.http import HttpRequest, JsonResponse
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from analytics.conversions import (
    Delivery,
    OrderIn,
    RefundIn,
    conversion_record,
    conversion_refund_record,
)
from analytics.conversions_stores import store_secrets, unscoped_store_by_domain
from analytics.models import Conversion, StoreConnection
from core.errors import ChorusError
from core.money import MAX_AMOUNT_CENTS, is_currency, to_cents

logger = logging.getLogger(__name__)

TOPICS = ("orders/create", "refunds/create")
MAX_BODY = 1_000_000


class BadPayload(ValueError):
    pass


def signature(secret: str, body: bytes) -> str:
    """What Shopify sends in X-Shopify-Hmac-Sha256 for ``body``."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def signature_valid(store: StoreConnection, body: bytes, header: str) -> bool:
    if not header:
        return False
    given = header.strip().encode()
    # Every candidate is compared (no early exit), each in constant time.
    matches = [
        hmac.compare_digest(signature(secret, body).encode(), given)
        for secret in store_secrets(store)
    ]
    return any(matches)


# -- parsing -------------------------------------------------------------------------------------


def _id(value: Any, name: str) -> str:
    # Shopify ids pass 2**53: JSON numbers parse to exact Python ints; strings of digits too.
    if isinstance(value, bool) or value is None:
        raise BadPayload(f"{name} is missing.")
    if isinstance(value, int) and value > 0:
        return str(value)
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 64:
        return value.strip()
    raise BadPayload(f"{name} must be a positive integer.")


def _time(value: Any, name: str) -> datetime:
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well formed but impossible (month 13)
        parsed = None
    if parsed is None:
        raise BadPayload(f"{name} must be an ISO-8601 date and time.")
    try:
        # In UTC: an offset such as +18:14 parses but cannot be stored.
        parsed = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    except OverflowError as exc:
        raise BadPayload(f"{name} is out of range.") from exc
    if not 1970 <= parsed.year <= 2100:
        raise BadPayload(f"{name} is out of range.")
    return parsed


def _cents(value: Any, currency: str, name: str) -> int:
    if not isinstance(value, str):  # Shopify sends money as strings; a float would be inexact
        raise BadPayload(f'{name} must be a decimal string such as "19.99".')
    try:
        cents = to_cents(value, currency)
    except ValueError as exc:
        raise BadPayload(f"{name}: {exc}") from exc
    if not 0 <= cents <= MAX_AMOUNT_CENTS:
        raise BadPayload(f"{name} is out of range.")
    return cents


def _currency(value: Any) -> str:
    if not isinstance(value, str) or not is_currency(value.upper()):
        raise BadPayload("currency must be an ISO-4217 code.")
    return value.upper()


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _utm_content(landing_site: Any) -> str:
    """``utm_content`` (our tracking code) from the landing page, a path or a full URL."""
    if not isinstance(landing_site, str) or not landing_site:
        return ""
    values = parse_qs(urlsplit(landing_site).query).get("utm_content", [])
    return values[0].strip()[:32] if values else ""


def _note_attribute(attributes: Any, names: tuple[str, ...]) -> str:
    if not isinstance(attributes, list):
        return ""
    for item in attributes:
        if isinstance(item, dict) and item.get("name") in names:
            return _text(item.get("value"))[:32]
    return ""


def order_from_payload(payload: dict[str, Any]) -> OrderIn:
    currency = _currency(payload.get("currency"))
    # The subtotal after discounts, before shipping and taxes (what the creator's sale was);
    # total_price when a store's payload has no subtotal.
    price = payload.get("current_subtotal_price", payload.get("subtotal_price"))
    if price is None:
        price = payload.get("total_price")
    revenue = _cents(price, currency, "current_subtotal_price")
    discounts = payload.get("discount_codes")
    codes = [
        _text(d.get("code"))[:64]
        for d in (discounts if isinstance(discounts, list) else [])
        if isinstance(d, dict) and _text(d.get("code"))
    ]
    customer = payload.get("customer") if isinstance(payload.get("customer"), dict) else {}
    assert isinstance(customer, dict)
    customer_ref = ""
    if customer.get("id") is not None and not isinstance(customer.get("id"), bool):
        customer_ref = f"id:{customer['id']}"
    elif _text(customer.get("email") or payload.get("email")):
        customer_ref = f"email:{_text(customer.get('email') or payload.get('email'))}"
    client = (
        payload.get("client_details") if isinstance(payload.get("client_details"), dict) else {}
    )
    assert isinstance(client, dict)
    tracking = _utm_content(payload.get("landing_site")) or _note_attribute(
        payload.get("note_attributes"), ("chorus_ref", "tracking_code", "utm_content")
    )
    return OrderIn(
        order_id=_id(payload.get("id"), "id"),
        occurred_at=_time(payload.get("created_at"), "created_at"),
        currency=currency,
        revenue_cents=revenue,
        customer_ref=customer_ref,
        browser_ip=_text(client.get("browser_ip"))[:64],
        promo_codes=codes,
        tracking_code=tracking,
    )


def refund_from_payload(payload: dict[str, Any], currency: str) -> RefundIn:
    """The money refunded: the successful ``refund`` transactions (what left the shop)."""
    total = 0
    transactions = payload.get("transactions")
    if not isinstance(transactions, list):
        raise BadPayload("transactions must be a list.")
    for txn in transactions:
        if not isinstance(txn, dict):
            raise BadPayload("transactions must hold objects.")
        if txn.get("kind") == "refund" and txn.get("status") in ("success", None):
            total += _cents(txn.get("amount"), currency, "transactions[].amount")
    return RefundIn(
        order_id=_id(payload.get("order_id"), "order_id"),
        refund_id=_id(payload.get("id"), "id"),
        amount_cents=total,
        occurred_at=_time(payload.get("created_at"), "created_at"),
    )


# -- the view --------------------------------------------------------------------------------------


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message}, status=status)


@csrf_exempt
@require_POST
def shopify_webhook(request: HttpRequest) -> JsonResponse:
    domain = request.headers.get("X-Shopify-Shop-Domain", "").strip().lower()
    store = unscoped_store_by_domain(domain)
    if store is None:
        return _error(401, "unknown_shop", "This shop is not connected to Chorus.")
    body = request.body
    if len(body) > MAX_BODY:
        return _error(400, "invalid_payload", "The body is too large.")
    if not signature_valid(store, body, request.headers.get("X-Shopify-Hmac-Sha256", "")):
        return _error(401, "bad_signature", "The HMAC signature does not match the body.")
    topic = request.headers.get("X-Shopify-Topic", "").strip()
    if topic not in TOPICS:
        return _error(400, "unsupported_topic", f"Topics handled: {', '.join(TOPICS)}.")
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return _error(400, "invalid_payload", "The body is not JSON.")
    if not isinstance(payload, dict):
        return _error(400, "invalid_payload", "The body is not a JSON object.")
    delivery = Delivery(
        store=store,
        webhook_id=request.headers.get("X-Shopify-Webhook-Id", "").strip(),
        topic=topic,
    )
    try:
        if topic == "orders/create":
            conversion, created = conversion_record(
                organization_id=store.organization_id,
                brand_id=store.brand_id,
                source=Conversion.Source.SHOPIFY,
                order=order_from_payload(payload),
                delivery=delivery,
            )
            return JsonResponse(
                {"status": "recorded" if created else "duplicate", "id": conversion.public_id}
            )
        currency = _order_currency(store, payload)
        _refund, created = conversion_refund_record(
            organization_id=store.organization_id,
            brand_id=None,  # the order was recorded through this store: found by its id
            source=Conversion.Source.SHOPIFY,
            refund=refund_from_payload(payload, currency),
            delivery=delivery,
        )
        return JsonResponse({"status": "recorded" if created else "duplicate"})
    except BadPayload as exc:
        return _error(400, "invalid_payload", str(exc))
    except ChorusError as exc:
        return _error(exc.status_code, exc.code, exc.message)


def _order_currency(store: StoreConnection, payload: dict[str, Any]) -> str:
    """Refund amounts are in the order's currency: read it from the recorded order."""
    order_id = _id(payload.get("order_id"), "order_id")
    currency = (
        Conversion.objects.filter(
            organization_id=store.organization_id,
            source=Conversion.Source.SHOPIFY,
            order_id=order_id,
        )
        .values_list("currency", flat=True)
        .first()
    )
    if currency is None:
        raise ChorusError(
            "order_unknown",
            f"No order {order_id!r} was recorded: send the order first.",
            status_code=404,
        )
    return str(currency)
