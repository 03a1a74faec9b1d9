"""``POST /webhooks/shopify/``: a connected store's ``orders/create`` and ``refunds/create``.

The request stores the delivery and answers; a worker records it (``analytics.shopify_inbox``),
so a burst of orders never makes Shopify wait past its 5 seconds. Checked in this order, each
failure answering JSON ``{code, message, fields}`` and storing nothing: the body is at most
``MAX_BODY`` bytes (else 413 ``payload_too_large``: a declared length over it is refused unread,
and at most ``MAX_BODY + 1`` bytes are ever read, chunked bodies too); the shop (``X-Shopify-Shop-Domain``) must be connected (else 401
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

# The largest body we take. Shopify documents no cap for HTTPS deliveries, and its staff say bodies
# "can be upwards of a megabyte" (an order with hundreds of line items, each with its tax lines,
# discount allocations, properties and money in two currencies, is 2-5 kB a line); its own
# EventBridge channel now carries 1,000,000 bytes inline. A refusal is final for that order:
# Shopify retries 8 times over 4 hours, then drops it (and may drop the subscription). So 1 MB is
# too tight: 5 MB is twice the largest order we can imagine, and still bounds what one request
# holds in memory (gunicorn workers x 5 MB). The body is read by us, not by Django's
# ``request.body`` (whose DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB, would refuse it first).
MAX_BODY = 5_000_000
READ_CHUNK = 64 * 1024
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
    # The project's error shape (core.api.errors): {code, message, fields}.
    return JsonResponse({"code": code, "message": message, "fields": {}}, status=status)


def _declared_length(request: HttpRequest) -> int | None:
    """Content-Length, or None when the request has none (or one we cannot read)."""
    raw = request.META.get("CONTENT_LENGTH")
    if not raw:
        return None
    try:
        return max(int(raw), 0)
    except ValueError:
        return None


def read_body(request: HttpRequest, limit: int) -> bytes | None:
    """The raw body, or None when it is longer than ``limit``; never reads more than ``limit``
    + 1 bytes. A declared length over the limit is refused before reading anything. A chunked
    body (no Content-Length; gunicorn decodes it into ``wsgi.input``) is read from the server's
    stream, which Django's request stream would show as empty."""
    declared = _declared_length(request)
    if declared is not None and declared > limit:
        return None
    chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
    if declared is None and not chunked:
        return b""
    # Without a length only the server's own stream holds the body (none under ASGI: the request).
    server_stream = request.META.get("wsgi.input")
    stream = request if declared is not None or server_stream is None else server_stream
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = stream.read(min(READ_CHUNK, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return None if total > limit else b"".join(chunks)


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
    too_large = _error(413, "payload_too_large", f"The body is larger than {MAX_BODY} bytes.")
    if (_declared_length(request) or 0) > MAX_BODY:
        return too_large  # refused unread, before even looking the shop up
    domain = request.headers.get("X-Shopify-Shop-Domain", "").strip().lower()
    store = unscoped_store_by_domain(domain)
    if store is None:
        return _error(401, "unknown_shop", "This shop is not connected to Chorus.")
    body = read_body(request, MAX_BODY)  # only for a connected shop: a stranger costs no read
    if body is None:
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
