"""Recording orders and refunds from any store (Shopify webhooks, the conversion API).

``conversion_record`` is idempotent by ``(organization, source, order_id)``: the insert is
guarded by the unique constraint inside a savepoint, so a replayed webhook or two concurrent
deliveries of one order record one row; the loser reads the winner's. Shopify deliveries are
deduplicated by webhook id before they get here (``analytics.shopify_inbox``).

``conversion_refund_record`` records a refund once per ``refund_id``; ``refunded_cents`` rises by
the refund, never past the revenue (the excess is dropped: the order cannot lose more than it
brought). A refund for an order we never recorded raises ``order_unknown`` (404) and records
nothing: a Shopify refund that overtook its order waits in the inbox until the order is in; an
API caller can send it again.

Both rebuild the order's credits and, after commit, ask payouts (through the outbox, by task
name: analytics never imports payouts) to sweep commissions; the periodic sweep finds anything
the trigger missed.

Customer ids/e-mails and browser addresses are hashed with the tracking key before they are
stored (``analytics.services.visitor_hash``), so a browser address matches ``Click.visitor_hash``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction

from analytics.attribution import (
    conversion_attribute,
    creators_exposed,
    credits_build,
    largest_remainder,
)
from analytics.models import Conversion, ConversionCredit, ConversionRefund
from analytics.services import visitor_hash
from core.errors import ChorusError
from core.outbox import outbox_enqueue
from core.queues import Queue

COMMISSIONS_TASK = "payouts.tasks.sweep_commissions"


@dataclass(frozen=True)
class OrderIn:
    order_id: str
    occurred_at: datetime
    currency: str
    revenue_cents: int
    customer_ref: str = ""  # store customer id or e-mail: hashed, never stored
    browser_ip: str = ""  # hashed as clicks are
    promo_codes: list[str] = field(default_factory=list)
    tracking_code: str = ""


@dataclass(frozen=True)
class RefundIn:
    order_id: str
    refund_id: str
    amount_cents: int
    occurred_at: datetime


def customer_hash(ref: str) -> str:
    """A keyed hash of a store's customer id or e-mail (trimmed, lower-cased)."""
    ref = ref.strip().lower()
    return visitor_hash(f"customer:{ref}") if ref else ""


def _commissions_requested() -> None:
    outbox_enqueue(COMMISSIONS_TASK, queue=Queue.DEFAULT, dedupe_key="payouts:commissions-sweep")


def _existing(organization_id: int, source: str, order_id: str) -> Conversion | None:
    return Conversion.objects.filter(
        organization_id=organization_id, source=source, order_id=order_id
    ).first()


def conversion_record(
    *,
    organization_id: int,
    brand_id: int | None,
    source: str,
    order: OrderIn,
) -> tuple[Conversion, bool]:
    """Record an order (attributed, credited); returns it and whether it is new."""
    with transaction.atomic(durable=True):
        return conversion_record_in_transaction(
            organization_id=organization_id, brand_id=brand_id, source=source, order=order
        )


def conversion_record_in_transaction(
    *,
    organization_id: int,
    brand_id: int | None,
    source: str,
    order: OrderIn,
) -> tuple[Conversion, bool]:
    """``conversion_record`` inside the caller's transaction (demo loaders, the Shopify inbox)."""
    conversion = Conversion(
        organization_id=organization_id,
        source=source,
        order_id=order.order_id,
        occurred_at=order.occurred_at,
        currency=order.currency,
        revenue_cents=order.revenue_cents,
        customer_hash=customer_hash(order.customer_ref),
        visitor_hash=visitor_hash(order.browser_ip) if order.browser_ip else "",
        promo_code=next((c for c in order.promo_codes if c), "")[:64],
        tracking_code=order.tracking_code[:32],
    )
    attribution = conversion_attribute(conversion, brand_id=brand_id, promo_codes=order.promo_codes)
    if attribution.participation is not None:
        conversion.participation = attribution.participation
        conversion.campaign_id = attribution.participation.campaign_id
    conversion.method = attribution.method
    conversion.creators_exposed = creators_exposed(attribution.touches)
    try:
        with transaction.atomic():
            conversion.save(force_insert=True)
    except IntegrityError:
        # Another delivery of this order won the race (or came earlier): use its row.
        existing = _existing(organization_id, source, order.order_id)
        if existing is None:
            raise
        return existing, False
    ConversionCredit.objects.bulk_create(credits_build(conversion, attribution))
    if conversion.participation_id is not None:
        _commissions_requested()  # an outbox row: published after commit
    return conversion, True


def conversion_refund_record(
    *,
    organization_id: int,
    brand_id: int | None,
    source: str,
    refund: RefundIn,
) -> tuple[ConversionRefund, bool]:
    """Record a refund of a recorded order; returns it and whether it is new."""
    with transaction.atomic(durable=True):
        return conversion_refund_record_in_transaction(
            organization_id=organization_id, brand_id=brand_id, source=source, refund=refund
        )


def conversion_refund_record_in_transaction(
    *,
    organization_id: int,
    brand_id: int | None,
    source: str,
    refund: RefundIn,
) -> tuple[ConversionRefund, bool]:
    """``conversion_refund_record`` inside the caller's transaction (the Shopify inbox)."""
    conversions = Conversion.objects.select_for_update().filter(
        organization_id=organization_id, source=source, order_id=refund.order_id
    )
    if brand_id is not None:
        conversions = conversions.filter(campaign__brand_id=brand_id)
    conversion = conversions.first()
    if conversion is None:
        raise ChorusError(
            "order_unknown",
            f"No order {refund.order_id!r} was recorded: send the order first.",
            status_code=404,
        )
    existing = ConversionRefund.objects.filter(
        organization_id=organization_id, conversion=conversion, refund_id=refund.refund_id
    ).first()
    if existing is not None:
        return existing, False
    # The order's row lock serialises its refunds, so the refund id is the guard here.
    applied = max(0, min(refund.amount_cents, conversion.revenue_cents - conversion.refunded_cents))
    row = ConversionRefund.objects.create(
        organization_id=organization_id,
        conversion=conversion,
        refund_id=refund.refund_id,
        amount_cents=applied,
        occurred_at=refund.occurred_at,
    )
    if applied:
        conversion.refunded_cents += applied
        conversion.save(update_fields=["refunded_cents"])
        _credits_rescale(conversion)
    if conversion.participation_id is not None:
        _commissions_requested()  # an outbox row: published after commit
    return row, True


def _credits_rescale(conversion: Conversion) -> None:
    """Credits follow the net revenue: after a refund each model's shares are recomputed from
    the same weights (the creators credited and their weights never change)."""
    credits = list(conversion.credits.order_by("participation_id"))
    net = conversion.revenue_cents - conversion.refunded_cents
    by_model: dict[str, list[ConversionCredit]] = {}
    for credit in credits:
        by_model.setdefault(credit.model, []).append(credit)
    for rows in by_model.values():
        shares = largest_remainder([Decimal(r.weight_ppm) for r in rows], net)
        for row, cents in zip(rows, shares, strict=True):
            row.revenue_cents = cents
    ConversionCredit.objects.bulk_update(credits, ["revenue_cents"])
