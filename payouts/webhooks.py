"""``POST /webhooks/stripe/``: Stripe's webhook endpoint.

The signature is checked with the stripe library's own verification against every secret in
``STRIPE_WEBHOOK_SECRETS`` (more than one during a rotation), with a timestamp tolerance of
``STRIPE_WEBHOOK_TOLERANCE_SECONDS``, on the raw bytes. A bad or missing signature, a stale
timestamp or a body that is not an event answers 400 and records nothing. A good event is stored
once and processed once (``payouts.events``); the answer is 200 as soon as it is stored, so
Stripe does not retry what we have.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import stripe
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from payouts.events import stripe_event_record

logger = logging.getLogger(__name__)


class BadDelivery(Exception):
    pass


def verified_event(payload: bytes, header: str | None) -> dict[str, Any]:
    """The event in ``payload`` if a configured secret signed it recently; else BadDelivery."""
    secrets = list(settings.STRIPE_WEBHOOK_SECRETS)
    if not secrets:
        logger.error("Stripe webhook refused: STRIPE_WEBHOOK_SECRETS is empty")
        raise BadDelivery("Webhooks are not configured on this server.")
    if not header:
        raise BadDelivery("The Stripe-Signature header is missing.")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadDelivery("The body is not UTF-8.") from exc
    tolerance = settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS
    for secret in secrets:
        try:
            stripe.WebhookSignature.verify_header(text, header, secret, tolerance)
            break
        except stripe.SignatureVerificationError:
            continue
    else:
        raise BadDelivery("The signature does not match, or its timestamp is too old.")
    try:
        event = json.loads(text)
    except ValueError as exc:
        raise BadDelivery("The body is not JSON.") from exc
    _check_shape(event)
    return event


def _check_shape(event: Any) -> None:
    ok = (
        isinstance(event, dict)
        and event.get("object") == "event"
        and isinstance(event.get("id"), str)
        and event["id"].startswith("evt_")
        and len(event["id"]) <= 255
        and isinstance(event.get("type"), str)
        and 0 < len(event["type"]) <= 100
        and isinstance(event.get("created"), int)
        and not isinstance(event.get("created"), bool)
        and isinstance(event.get("data"), dict)
        and isinstance(event["data"].get("object"), dict)
        and (event.get("account") is None or isinstance(event.get("account"), str))
    )
    if not ok:
        raise BadDelivery("The body is not a Stripe event.")


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    try:
        event = verified_event(request.body, request.headers.get("Stripe-Signature"))
    except BadDelivery as exc:
        return JsonResponse(
            {"code": "invalid_webhook", "message": str(exc), "fields": {}}, status=400
        )
    live_key = settings.STRIPE_SECRET_KEY.startswith(("sk_live_", "rk_live_"))
    if bool(event.get("livemode")) != live_key:
        # A Connect endpoint receives live and test events alike: take only our mode's.
        return JsonResponse({"received": True, "ignored": "other mode"})
    _, created = stripe_event_record(event=event)
    return JsonResponse({"received": True, "duplicate": not created})
