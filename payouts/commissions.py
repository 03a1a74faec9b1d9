"""Commissions on attributed orders: payouts pulls the work from analytics (DESIGN.md).

``commissions_sweep`` finds
- attributed conversions (not fully refunded) of campaigns paying a commission that have no
  commission transaction yet, and accrues ``campaign.commission_per_conversion_cents`` to the
  credited creator with ``ledger.services.bonus_accrue(kind=COMMISSION,
  key=commission_key(conversion id))`` — the ledger's unique key makes it happen once, however
  often the sweep or the trigger runs, and whatever runs concurrently;
- fully refunded conversions whose commission has not been reversed, and reverses it with
  ``commission_refund`` (key ``refund_key(commission_key(id))``).

Partial refunds: the commission is a flat amount per order, so a partial refund leaves it in
place; only a refund of the whole order (``refunded_cents == revenue_cents``) takes it back.
An order fully refunded before its commission accrued never accrues one. What was already paid
out to the creator is not clawed back (the ledger records it as ``unrecovered_cents``).

Triggered after commit by analytics (an outbox row naming ``payouts.tasks.sweep_commissions``)
and swept every minute by beat.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import CharField, Exists, F, OuterRef, Value
from django.db.models.functions import Cast, Concat

from analytics.models import Conversion
from ledger.models import Transaction, TransactionKind
from ledger.services import bonus_accrue, commission_key, commission_refund, refund_key

logger = logging.getLogger(__name__)

BATCH = 500
# The ledger keys of conversion 7 are COMMISSION_PREFIX + "7" and REFUND_PREFIX + "7".
COMMISSION_PREFIX = commission_key(0).removesuffix("0")
REFUND_PREFIX = refund_key(commission_key(0)).removesuffix("0")


def _key_expr(prefix: str) -> Concat:
    return Concat(Value(prefix), Cast("pk", output_field=CharField()), output_field=CharField())


def _posted(annotation: str) -> Exists:
    """A transaction exists under the key the conversion row annotates as ``annotation``."""
    return Exists(
        Transaction.objects.filter(
            organization_id=OuterRef("organization_id"), key=OuterRef(annotation)
        )
    )


def commissions_due(limit: int = BATCH) -> list[int]:
    """Ids of attributed conversions owed a commission that has not been posted."""
    return list(
        Conversion.objects.filter(
            participation__isnull=False,
            campaign__commission_per_conversion_cents__gt=0,
            refunded_cents__lt=F("revenue_cents"),
        )
        .annotate(_ckey=_key_expr(COMMISSION_PREFIX))
        .exclude(_posted("_ckey"))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def refunds_due(limit: int = BATCH) -> list[int]:
    """Ids of fully refunded conversions whose commission was posted and not reversed."""
    return list(
        Conversion.objects.filter(
            participation__isnull=False,
            revenue_cents__gt=0,
            refunded_cents=F("revenue_cents"),
        )
        .annotate(_ckey=_key_expr(COMMISSION_PREFIX), _rkey=_key_expr(REFUND_PREFIX))
        .filter(_posted("_ckey"))
        .exclude(_posted("_rkey"))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def commission_accrue(*, conversion_id: int) -> Transaction | None:
    """Accrue one conversion's commission (once: the ledger key)."""
    with transaction.atomic(durable=True):
        conversion = (
            Conversion.objects.select_related("campaign", "participation")
            .filter(pk=conversion_id)
            .first()
        )
        if conversion is None or conversion.participation is None or conversion.campaign is None:
            return None
        amount = conversion.campaign.commission_per_conversion_cents
        if amount <= 0 or conversion.refunded_cents >= conversion.revenue_cents:
            return None
        return bonus_accrue(
            campaign=conversion.campaign,
            creator=conversion.participation.creator_id,
            key=commission_key(conversion.pk),
            amount_cents=amount,
            kind=TransactionKind.COMMISSION,
            data={"conversion": conversion.public_id, "order_id": conversion.order_id},
        )


def commission_reverse(*, conversion_id: int) -> Transaction | None:
    """Take back a fully refunded conversion's commission (once: the refund key)."""
    with transaction.atomic(durable=True):
        conversion = (
            Conversion.objects.select_related("campaign", "participation")
            .filter(pk=conversion_id)
            .first()
        )
        if conversion is None or conversion.participation is None or conversion.campaign is None:
            return None
        if conversion.refunded_cents < conversion.revenue_cents:
            return None  # a partial refund keeps the flat commission
        original = commission_key(conversion.pk)
        if not Transaction.objects.filter(
            organization_id=conversion.organization_id, key=original
        ).exists():
            return None
        return commission_refund(
            campaign=conversion.campaign,
            creator=conversion.participation.creator_id,
            original_key=original,
            key=refund_key(original),
        )


def commissions_sweep(limit: int = BATCH) -> tuple[int, int]:
    """Accrue what is owed and reverse what was refunded; returns (accrued, reversed) counts
    of conversions handled. One transaction per conversion: a failure skips one, not all."""
    accrued = reversed_ = 0
    for conversion_id in commissions_due(limit):
        try:
            if commission_accrue(conversion_id=conversion_id) is not None:
                accrued += 1
        except Exception:
            logger.exception("commissions: accrual of conversion %s failed", conversion_id)
    for conversion_id in refunds_due(limit):
        try:
            if commission_reverse(conversion_id=conversion_id) is not None:
                reversed_ += 1
        except Exception:
            logger.exception("commissions: reversal of conversion %s failed", conversion_id)
    return accrued, reversed_
