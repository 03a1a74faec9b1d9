"""The one place that builds the real ``stripe`` client from settings.

``STRIPE_API_BASE`` and ``STRIPE_CONNECT_BASE`` become the client's base addresses, so the
local stand-in (tests, ``make run``) and the real Stripe are reached the same way. The library
retries connection errors, 409s and 5xx ``STRIPE_MAX_NETWORK_RETRIES`` times with the same
Idempotency-Key, which Stripe (and the stand-in) answer with the saved response.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import stripe
from django.conf import settings

from core.errors import ChorusError


def stripe_client() -> stripe.StripeClient:
    return _client(
        settings.STRIPE_SECRET_KEY,
        settings.STRIPE_API_BASE,
        settings.STRIPE_CONNECT_BASE,
        settings.STRIPE_MAX_NETWORK_RETRIES,
        settings.STRIPE_TIMEOUT_SECONDS,
    )


@lru_cache(maxsize=8)  # keyed on the settings, so a test that changes them gets a new client
def _client(
    key: str, api_base: str, connect_base: str, retries: int, timeout: int
) -> stripe.StripeClient:
    if not key:
        raise ChorusError(
            "stripe_not_configured",
            "Payments are not set up on this server (STRIPE_SECRET_KEY is empty).",
            status_code=503,
        )
    return stripe.StripeClient(
        key,
        base_addresses={"api": api_base.rstrip("/"), "connect": connect_base.rstrip("/")},
        max_network_retries=retries,
        http_client=stripe.RequestsClient(timeout=timeout),
    )


def as_dict(obj: Any) -> dict[str, Any]:
    """A StripeObject as plain JSON data (what the API sent)."""
    if isinstance(obj, stripe.StripeObject):
        return obj.to_dict(for_json=True)
    return dict(obj)


def unavailable(exc: stripe.StripeError) -> ChorusError:
    """A Stripe failure as the error a person sees: what happened, and that trying again works."""
    if isinstance(exc, stripe.InvalidRequestError):
        return ChorusError(
            "stripe_refused",
            f"Stripe refused the request: {exc.user_message or exc}",
            status_code=502,
        )
    return ChorusError(
        "stripe_unavailable",
        "Stripe could not be reached just now; nothing was charged or changed. Try again in a "
        "minute.",
        status_code=503,
    )
