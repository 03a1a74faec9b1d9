"""In transit → paid without the webhook: the connected accounts are asked.

Normally a connected account's ``payout.paid`` event settles the transfers made to it before
that payout (``runs.payout_settle_for_account``). An event can be lost for good, or arrive
before our record of the transfer (a crash between Stripe's answer and our commit). So, every
hour (beat, migration 0005), transfers in transit for longer than
``SETTLE_CHECK_AFTER`` are checked against Stripe: ``GET /v1/payouts?status=paid`` as each
connected account (``Stripe-Account``), from the oldest such transfer on; the newest paid payout
settles what it carried. State converges to what the Stripe API says.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import stripe
from django.db import transaction
from django.utils import timezone

from payouts.models import Payout
from payouts.runs import payout_settle_for_account
from payouts.stripe_api import as_dict, stripe_client

logger = logging.getLogger(__name__)

SETTLE_CHECK_AFTER = timedelta(hours=1)


def payout_in_transit_reconcile(*, older_than: timedelta = SETTLE_CHECK_AFTER) -> int:
    """Ask Stripe about every connected account with a transfer in transit for longer than
    ``older_than``; settle what its paid payouts carried. Returns how many payouts settled.
    One account's failure is logged and left for the next check."""
    oldest: dict[str, datetime] = defaultdict(lambda: timezone.now())
    rows = Payout.objects.filter(
        state=Payout.State.IN_TRANSIT,
        transfer_created_at__lt=timezone.now() - older_than,
    ).values_list("destination", "transfer_created_at")
    for destination, created in rows:
        if destination and created is not None:
            oldest[destination] = min(oldest[destination], created)
    settled = 0
    for destination, since in sorted(oldest.items()):
        try:
            page = stripe_client().v1.payouts.list(
                params={"status": "paid", "created": {"gte": int(since.timestamp())}, "limit": 1},
                options={"stripe_account": destination},
            )
        except stripe.StripeError as exc:
            logger.warning("in-transit check of %s failed: %s", destination, exc)
            continue
        latest = [as_dict(p) for p in page.data]
        if not latest or not isinstance(latest[0].get("created"), int):
            continue
        with transaction.atomic(durable=True):
            settled += payout_settle_for_account(
                account_id=destination,
                paid_out_at=datetime.fromtimestamp(latest[0]["created"], tz=UTC),
            )
    return settled
