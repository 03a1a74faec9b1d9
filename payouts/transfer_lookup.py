"""Before re-sending a payout whose idempotency key Stripe may have forgotten, ask Stripe
whether the transfer exists.

Stripe keeps an ``Idempotency-Key`` for at least 24 hours and may prune it after; a retry under
a pruned key is a new request — a second transfer. So a pending payout first sent longer ago
than ``KEY_TRUSTED_FOR`` is looked up first: ``GET /v1/transfers`` filtered by destination,
``transfer_group`` (one-campaign payouts) and ``created`` since just before the payout row was
written, paged through, matched on ``metadata["chorus_payout"]`` (our row's public id).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from payouts.models import Payout
from payouts.stripe_api import as_dict, stripe_client

# Under Stripe's 24 h, so a key is never trusted at the moment it may be pruned.
KEY_TRUSTED_FOR = timedelta(hours=23)
_CLOCK_SKEW = timedelta(hours=1)
_MAX_PAGES = 50


def key_may_be_forgotten(payout: Payout) -> bool:
    """Whether Stripe may have pruned the payout's idempotency key and made a transfer under it.

    Measured from the key's recorded first use or — when none is recorded — from the row's
    creation: a crash after Stripe answered rolls back our note of the call too, so a pending
    row older than a day may hide a transfer even with no recorded attempt."""
    start = payout.first_attempt_at or payout.created_at
    return start < timezone.now() - KEY_TRUSTED_FOR


def transfer_find(payout: Payout, destination: str) -> dict[str, Any] | None:
    """The transfer Stripe made for this payout, if any (raises stripe errors)."""
    params: dict[str, Any] = {
        "destination": destination,
        "created": {"gte": int((payout.created_at - _CLOCK_SKEW).timestamp())},
        "limit": 100,
    }
    if len(payout.parts) == 1:
        params["transfer_group"] = payout.parts[0]["campaign"]
    for _ in range(_MAX_PAGES):
        page = stripe_client().v1.transfers.list(params=params)  # type: ignore[arg-type]
        rows = [as_dict(t) for t in page.data]
        for row in rows:
            if (row.get("metadata") or {}).get("chorus_payout") == payout.public_id:
                return row
        if not page.has_more or not rows:
            return None
        params["starting_after"] = rows[-1]["id"]
    return None
