"""``POST /webhooks/shopify/``: a connected store's ``orders/create`` and ``refunds/create``.

The request stores the delivery and answers; a worker records it (``analytics.shopify_inbox``),
so a burst of orders never makes Shopify wait past its 5 seconds. Checked in this order, each
failure answering JSON ``{code, message}`` and storing nothing: the body is at most ``MAX_BODY``
bytes (else 413 ``too_large``); the shop (``X-Shopify-Shop-Domain``) must be connected (else 401
``unknown_shop``); ``X-Shopify-Hmac-Sha256`` must be the base64 HMAC-SHA256 of the raw body under
the store's secret (or the previous one during a rotation), compared in constant time (else 401
``bad_signature``); the topic (``X-Shopify-Topic``) one we handle (else 400
``unsupported_topic``); ``X-Shopify-Webhook-Id`` present (else 400 ``missing_webhook_id``); the
body a JSON object with the fields we need, money as decimal strings (else 400
``invalid_payload``). Then the delivery is stored and 200 ``{"status": "queued"}`` answered; a
redelivery (same webhook id) answers 200 ``{"status": "duplicate"}`` and stores nothing. A
database that is away answers 503 (Shopify retries).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime

from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, JsonResponse
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from analytics.conversions_stores import store_secrets, unscoped_store_by_domain
from analytics.models import StoreConnection
from analytics.shopify_inbox import shopify_delivery_receive
from analytics.shopify_payloads import (
    ORDERS_CREATE,
    TOPICS,
    BadPayload,
    order_from_payload,
    refund_check,
)
from core.middleware import DATABASE_RETRY_AFTER_SECONDS

logger = logging.getLogger(__name__)

MAX_BODY = 1_000_000  # an order with hundreds of lines is ~100 kB
WEBHOOK_ID_MAX = 100


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


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message}, status=status)


def _too_large(request: HttpRequest) -> bool:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0  # Django reads no body for a length it cannot parse
    return declared > MAX_BODY


def _triggered_at(value: str) -> datetime | None:
    """``X-Shopify-Triggered-At``, kept for support; a value we cannot read is dropped."""
    try:
        parsed = parse_datetime(value.strip()) if value else None
    except ValueError:
        return None
    if parsed is None:
        return None
    try:
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    except OverflowError:
        return None


@csrf_exempt
@require_POST
def shopify_webhook(request: HttpRequest) -> JsonResponse:
    too_large = _error(413, "too_large", f"The body is larger than {MAX_BODY} bytes.")
    if _too_large(request):
        return too_large
    domain = request.headers.get("X-Shopify-Shop-Domain", "").strip().lower()
    store = unscoped_store_by_domain(domain)
    if store is None:
        return _error(401, "unknown_shop", "This shop is not connected to Chorus.")
    try:
        body = request.body
    except RequestDataTooBig:
        return too_large
    if len(body) > MAX_BODY:
        return too_large
    if not signature_valid(store, body, request.headers.get("X-Shopify-Hmac-Sha256", "")):
        return _error(401, "bad_signature", "The HMAC signature does not match the body.")
    topic = request.headers.get("X-Shopify-Topic", "").strip()
    if topic not in TOPICS:
        return _error(400, "unsupported_topic", f"Topics handled: {', '.join(TOPICS)}.")
    webhook_id = request.headers.get("X-Shopify-Webhook-Id", "").strip()
    if not webhook_id or len(webhook_id) > WEBHOOK_ID_MAX:
        return _error(
            400, "missing_webhook_id", "X-Shopify-Webhook-Id must name the delivery (≤ 100)."
        )
    try:
        text = body.decode("utf-8")  # stored as text: exactly what was signed
        payload = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _error(400, "invalid_payload", "The body is not JSON.")
    if not isinstance(payload, dict):
        return _error(400, "invalid_payload", "The body is not a JSON object.")
    if "\\u0000" in text:  # a NUL character cannot be stored in PostgreSQL text
        return _error(400, "invalid_payload", "The body contains a NUL character.")
    try:
        # Parsed now, recorded by the worker: a body we could never record is refused here.
        if topic == ORDERS_CREATE:
            order_from_payload(payload)
        else:
            refund_check(payload)
    except BadPayload as exc:
        return _error(400, "invalid_payload", str(exc))
    try:
        delivery, created = shopify_delivery_receive(
            store=store,
            topic=topic,
            webhook_id=webhook_id,
            body=text,
            event_id=request.headers.get("X-Shopify-Event-Id", "").strip(),
            triggered_at=_triggered_at(request.headers.get("X-Shopify-Triggered-At", "")),
        )
    except (OperationalError, InterfaceError):
        logger.exception("shopify webhook: the database is unavailable")
        answer = _error(503, "database_unavailable", "Try again in a few seconds.")
        answer["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
        return answer
    return JsonResponse({"status": "queued" if created else "duplicate", "id": delivery.public_id})
