"""Stale Checkout sessions are expired at Stripe, so a session opened for an old amount cannot
fund it after the campaign's budget changed, the campaign closed, or another payment funded it.

A funding is *stale* when it is still open and the campaign is completed or archived, or its
amount is no longer what is left to fund (budget - funded). Whenever a campaign's budget or
status changes (``campaigns.changes.campaign_terms_changed``, called by every path that writes
them), or a funding is paid or opened, ``funding_expiry_queue`` records the check as background
work (the outbox) in the same transaction; ``funding_expire_stale`` runs it:
``checkout.Session.expire`` per stale session, then the row is ``expired``. A path that changed
a campaign without saying so (a bulk ``QuerySet.update()`` in a shell, raw SQL) is caught by
``funding_expiry_sweep`` (beat, every minute), not only at the campaign's next funding event.

The race: the brand may complete the payment just before the expiry reaches Stripe. Stripe then
refuses the expiry (the session is ``complete``); we read the session and record what Stripe
says was paid (``funding_record_paid``), even if it is more than is left to fund now — money
that was paid is recorded, never lost. A ``checkout.session.completed`` arriving after we
marked a row expired is recorded the same way (``funding_record_paid`` takes any unpaid row).
"""

from __future__ import annotations

import logging
from typing import Any

import stripe
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from campaigns.models import Campaign
from payouts.funding import funding_record_paid
from payouts.models import Funding
from payouts.stripe_api import as_dict, stripe_client

logger = logging.getLogger(__name__)

CLOSED = (Campaign.Status.COMPLETED, Campaign.Status.ARCHIVED)


def stale_fundings(campaign: Campaign) -> Any:
    """The campaign's open fundings that no longer match it."""
    open_rows = Funding.objects.filter(campaign_id=campaign.pk, status=Funding.Status.OPEN)
    if campaign.status in CLOSED:
        return open_rows
    return open_rows.filter(~Q(amount_cents=campaign.budget_cents - campaign.funded_cents))


def funding_expiry_queue(*, campaign_id: int) -> None:
    """Expire the campaign's stale sessions after this transaction commits (nothing is queued
    when none is stale as the transaction sees it). Call inside the transaction that changed the
    campaign or its funding."""
    from core.outbox import outbox_enqueue
    from payouts.tasks import expire_stale_fundings  # the task module imports this one

    campaign = Campaign.objects.filter(pk=campaign_id).only(
        "status", "budget_cents", "funded_cents"
    )
    if any(stale_fundings(c).exists() for c in campaign):
        outbox_enqueue(
            expire_stale_fundings,
            args=[campaign_id],
            dedupe_key=f"funding-expire:{campaign_id}",
        )


def funding_expire_stale(*, campaign_id: int) -> int:
    """Expire the campaign's stale sessions at Stripe. Returns how many were expired; raises a
    Stripe error to be retried (the outbox runs it again)."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return 0
    expired = 0
    for funding in list(stale_fundings(campaign).exclude(checkout_session_id__isnull=True)):
        if _expire_one(funding):
            expired += 1
    return expired


def _expire_one(funding: Funding) -> bool:
    session_id = str(funding.checkout_session_id)
    try:
        session = as_dict(stripe_client().v1.checkout.sessions.expire(session_id))
    except stripe.InvalidRequestError:
        # Not open any more at Stripe: paid just before, or expired already. Stripe says which.
        session = as_dict(stripe_client().v1.checkout.sessions.retrieve(session_id))
    with transaction.atomic(durable=True):
        if session.get("status") == "complete":
            funding_record_paid(session=session)  # what Stripe says was paid
            return False
        return bool(
            Funding.objects.filter(pk=funding.pk, status=Funding.Status.OPEN).update(
                status=Funding.Status.EXPIRED,
                failure_reason="Expired: the campaign's budget or status changed.",
                updated_at=timezone.now(),
            )
        )


def funding_expiry_queue_many(campaign_ids: list[int]) -> None:
    """``campaigns.changes`` listener: the budget or status of these campaigns changed."""
    for campaign_id in campaign_ids:
        funding_expiry_queue(campaign_id=campaign_id)


def funding_expiry_sweep() -> int:
    """Beat: queue the expiry of every campaign that has a stale open session, whatever changed
    it. One query over open fundings (few: a session lives 24 hours); a campaign already queued
    is not queued twice (the outbox's key). Returns how many campaigns were queued."""
    from core.outbox import outbox_enqueue
    from payouts.tasks import expire_stale_fundings  # the task module imports this one

    stale = (
        Funding.objects.filter(status=Funding.Status.OPEN, checkout_session_id__isnull=False)
        .filter(
            Q(campaign__status__in=CLOSED)
            | ~Q(amount_cents=F("campaign__budget_cents") - F("campaign__funded_cents"))
        )
        .order_by()
        .values_list("campaign_id", flat=True)
        .distinct()
    )
    with transaction.atomic(durable=True):
        ids = list(stale)
        for campaign_id in ids:
            outbox_enqueue(
                expire_stale_fundings,
                args=[campaign_id],
                dedupe_key=f"funding-expire:{campaign_id}",
            )
    return len(ids)
