"""The Shopify inbox: a webhook is stored in its request and processed by a worker.

Shopify wants a 2xx within 5 seconds, retries a failed delivery 8 times over 4 hours and may then
remove the subscription, so the request does only what must not wait: the view checks the
signature and the body, ``shopify_delivery_receive`` writes one ``ShopifyDelivery`` row (unique
by webhook id: a replay records nothing) and an outbox row in one transaction, and the message is
published after commit. A flash sale costs one insert per order in the request.

``shopify_delivery_process`` (the task) locks the row ``FOR UPDATE SKIP LOCKED`` and records the
order or refund in the same transaction as the row's new status, so two workers never process a
delivery twice and a worker killed half way leaves it pending (PostgreSQL rolls back its
transaction and drops the lock). Orders and refunds are also idempotent by their own ids.

Outcomes:
- recorded → ``processed``;
- a refund whose order is not recorded yet (Shopify does not promise order) waits: it stays
  pending, names the order in ``waiting_for_order`` and is retried with back-off; the order's
  arrival retries it at once. After ``ORDER_WAIT`` it is ``failed`` ("the order never arrived");
- a body we cannot record (a refund's amount finer than its order's currency) → ``failed`` at once;
- any other error (the database, a bug) → retried with back-off (``RETRY_BASE`` doubling, at most
  ``RETRY_MAX``), ``failed`` after ``MAX_ATTEMPTS``.
A failed delivery is listed on the brand's Stores page with its reason; the brand may retry it.

``shopify_deliveries_resume`` (beat, every ``SWEEP_SECONDS``) republishes pending rows whose try
was due more than ``STALL`` ago: the message was lost (a Redis restart) or its worker died.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from analytics.conversions import (
    conversion_record_in_transaction,
    conversion_refund_record_in_transaction,
)
from analytics.models import Conversion, ShopifyDelivery, StoreConnection
from analytics.shopify_payloads import (
    ORDERS_CREATE,
    BadPayload,
    order_from_payload,
    payload_id,
    refund_from_payload,
)
from core.errors import NotFound
from core.outbox import outbox_enqueue
from core.queues import Queue
from organizations.access import OrgAccess
from organizations.audit import audit_record
from organizations.roles import Scope

logger = logging.getLogger(__name__)

PROCESS_TASK = "analytics.tasks.process_shopify_delivery"
MAX_ATTEMPTS = 8
RETRY_BASE = timedelta(seconds=30)  # 30 s, 1, 2, 4 … 30 min: about an hour before failing
# The longest wait between tries: a worker holds a retry's message until then, and must hand it
# back before the broker's visibility timeout (1 h) would deliver it a second time.
RETRY_MAX = timedelta(minutes=30)
# A refund waits this long for its order: past Shopify's own 4 hours of retries of the order.
ORDER_WAIT = timedelta(hours=24)
ORDER_WAIT_BASE = timedelta(minutes=1)  # its tries: 1, 2, 4 … min, at most RETRY_MAX apart
# Both are settings only so a fault test (tests/faults/test_shopify_inbox_faults.py) can shorten
# them for the processes it starts; production uses these defaults. SWEEP_SECONDS is read once, at
# import (analytics.tasks' once-per-interval guard is built from it).
SWEEP_SECONDS = int(getattr(settings, "SHOPIFY_SWEEP_SECONDS", 30))
# A pending row whose try was due this long ago has no live message: long enough that a normal
# backlog (a flash sale queued behind the workers) is not published twice.
STALL = timedelta(minutes=2)


def _stall() -> timedelta:
    seconds = getattr(settings, "SHOPIFY_SWEEP_STALL_SECONDS", None)
    return STALL if seconds is None else timedelta(seconds=seconds)


SWEEP_LIMIT = 500
# A message may arrive a moment before the row's time (clocks of workers differ slightly).
EARLY = timedelta(seconds=2)


@dataclass(frozen=True)
class Outcome:
    status: str  # processed, waiting, retrying, failed, skipped
    retry_in: float | None = None  # seconds until the next try, when there is one


class OrderNotYet(Exception):
    def __init__(self, order_id: str) -> None:
        super().__init__(order_id)
        self.order_id = order_id


def _enqueue(row_id: int) -> None:
    # One open outbox row per delivery: a sweep or a wake-up reuses it (made due at once).
    outbox_enqueue(
        PROCESS_TASK, args=[row_id], queue=Queue.WEBHOOKS, dedupe_key=f"shopify-delivery:{row_id}"
    )


def shopify_delivery_receive(
    *,
    store: StoreConnection,
    topic: str,
    webhook_id: str,
    body: str,
    event_id: str = "",
    triggered_at: datetime | None = None,
) -> tuple[ShopifyDelivery, bool]:
    """Store a signed, well-formed delivery and queue it; returns it and whether it is new (a
    redelivery of the same webhook id returns the first and queues nothing)."""
    with transaction.atomic(durable=True):
        try:
            with transaction.atomic():  # a savepoint: a lost race leaves the transaction usable
                row = ShopifyDelivery.objects.create(
                    organization_id=store.organization_id,
                    store=store,
                    webhook_id=webhook_id,
                    event_id=event_id[:100],
                    triggered_at=triggered_at,
                    topic=topic,
                    body=body,
                )
        except IntegrityError:
            existing = ShopifyDelivery.objects.filter(
                organization_id=store.organization_id, store=store, webhook_id=webhook_id
            ).first()
            if existing is None:
                raise
            return existing, False
        _enqueue(row.pk)
    return row, True


# -- processing ------------------------------------------------------------------------------------


def _record(row: ShopifyDelivery) -> None:
    """Record what the delivery says, in the caller's transaction. Raises ``OrderNotYet``,
    ``BadPayload`` or whatever failed."""
    payload = json.loads(row.body)
    store = row.store
    if row.topic == ORDERS_CREATE:
        order = order_from_payload(payload)
        conversion_record_in_transaction(
            organization_id=store.organization_id,
            brand_id=store.brand_id,
            source=Conversion.Source.SHOPIFY,
            order=order,
        )
        _wake_refunds(row, order.order_id)
        return
    order_id = payload_id(payload.get("order_id"), "order_id")
    # A refund's amounts are in its order's currency: the order must be recorded first.
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
        raise OrderNotYet(order_id)
    conversion_refund_record_in_transaction(
        organization_id=store.organization_id,
        brand_id=None,  # the order was recorded through this store: found by its id
        source=Conversion.Source.SHOPIFY,
        refund=refund_from_payload(payload, str(currency)),
    )


def _wake_refunds(row: ShopifyDelivery, order_id: str) -> None:
    """Refunds of this store that overtook this order are tried again once it commits."""
    waiting = list(
        ShopifyDelivery.objects.filter(
            organization_id=row.organization_id,
            store_id=row.store_id,
            status=ShopifyDelivery.Status.PENDING,
            waiting_for_order=order_id,
        ).values_list("pk", flat=True)
    )
    if not waiting:
        return
    ShopifyDelivery.objects.filter(pk__in=waiting).update(next_attempt_at=timezone.now())
    for pk in waiting:
        _enqueue(pk)


def _backoff(base: timedelta, attempts: int) -> timedelta:
    return min(base * 2 ** min(max(attempts - 1, 0), 20), RETRY_MAX)


def shopify_delivery_process(*, delivery_id: int) -> Outcome:
    """Process one delivery, once: see the module's docstring."""
    now = timezone.now()
    with transaction.atomic(durable=True):
        row = (
            ShopifyDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("store")
            .filter(pk=delivery_id, status=ShopifyDelivery.Status.PENDING)
            .first()
        )
        if row is None:  # done, failed, gone, or another worker holds it right now
            return Outcome("skipped")
        if row.next_attempt_at > now + EARLY:  # a stale duplicate: the due try has its own
            return Outcome("skipped")
        row.attempts += 1
        try:
            with transaction.atomic():  # the record, or nothing of it
                _record(row)
        except OrderNotYet as wait:
            outcome = _wait_for_order(row, wait.order_id, now)
        except (BadPayload, json.JSONDecodeError) as exc:  # this body can never be recorded
            outcome = _fail(row, f"This delivery cannot be recorded: {exc}", now)
        except Exception as exc:
            logger.exception("shopify delivery %s failed (attempt %s)", row.pk, row.attempts)
            if row.attempts >= MAX_ATTEMPTS:
                outcome = _fail(row, f"Processing failed {row.attempts} times: {exc!r}", now)
            else:
                outcome = _retry_later(row, repr(exc), _backoff(RETRY_BASE, row.attempts), now)
        else:
            row.status = ShopifyDelivery.Status.PROCESSED
            row.processed_at = now
            row.last_error = ""
            row.waiting_for_order = ""
            outcome = Outcome("processed")
        row.save(
            update_fields=[
                "attempts",
                "status",
                "processed_at",
                "last_error",
                "next_attempt_at",
                "waiting_for_order",
            ]
        )
    return outcome


def _wait_for_order(row: ShopifyDelivery, order_id: str, now: datetime) -> Outcome:
    if now - row.received_at >= ORDER_WAIT:
        hours = int(ORDER_WAIT.total_seconds() // 3600)
        return _fail(
            row,
            f"Order {order_id} never arrived within {hours} hours of this refund: "
            "the refund was not applied.",
            now,
        )
    row.waiting_for_order = order_id
    message = f"Waiting for order {order_id}: this refund arrived before it."
    return _retry_later(row, message, _backoff(ORDER_WAIT_BASE, row.attempts), now, "waiting")


def _retry_later(
    row: ShopifyDelivery, error: str, wait: timedelta, now: datetime, status: str = "retrying"
) -> Outcome:
    row.last_error = error[:2000]
    row.next_attempt_at = now + wait
    return Outcome(status, retry_in=wait.total_seconds())


def _fail(row: ShopifyDelivery, error: str, now: datetime) -> Outcome:
    row.status = ShopifyDelivery.Status.FAILED
    row.last_error = error[:2000]
    row.processed_at = now
    logger.warning("shopify delivery %s failed: %s", row.pk, error)
    return Outcome("failed")


def shopify_deliveries_resume(*, now: datetime | None = None) -> int:
    """The sweep: publish again pending deliveries nobody is trying (see the module's
    docstring). Returns how many."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        # Rows a worker holds right now are skipped: they are being tried.
        stalled = list(
            ShopifyDelivery.objects.select_for_update(skip_locked=True)
            .filter(status=ShopifyDelivery.Status.PENDING, next_attempt_at__lte=now - _stall())
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:SWEEP_LIMIT]
        )
        # Due now, so the next sweep leaves them alone for another stall period.
        ShopifyDelivery.objects.filter(pk__in=stalled).update(next_attempt_at=now)
        for pk in stalled:
            _enqueue(pk)
    if stalled:
        logger.warning("resuming %d stalled shopify deliveries", len(stalled))
    return len(stalled)


# -- the brand's view --------------------------------------------------------------------------------


def deliveries_failed_for_access(access: OrgAccess, *, limit: int = 50) -> list[ShopifyDelivery]:
    """The failed deliveries of the stores the caller may see, newest first."""
    return list(
        ShopifyDelivery.objects.for_access(access)
        .filter(status=ShopifyDelivery.Status.FAILED)
        .select_related("store")
        .order_by("-received_at", "-pk")[:limit]
    )


def delivery_get_for_access(access: OrgAccess, public_id: str) -> ShopifyDelivery:
    row = ShopifyDelivery.objects.for_access(access).filter(public_id=public_id).first()
    if row is None:
        raise NotFound("No such delivery.")
    return row


def shopify_delivery_retry(*, access: OrgAccess, delivery: ShopifyDelivery) -> ShopifyDelivery:
    """Try a failed delivery again (after the brand fixed the cause): pending, tries counted
    from zero, queued at once. A delivery that is not failed is left as it is."""
    access.require(Scope.BRANDS_WRITE)
    with transaction.atomic(durable=True):
        row = (
            ShopifyDelivery.objects.for_access(access)
            .select_for_update(of=("self",))
            .filter(pk=delivery.pk)
            .first()
        )
        if row is None:
            raise NotFound("No such delivery.")
        if row.status != ShopifyDelivery.Status.FAILED:
            return row
        row.status = ShopifyDelivery.Status.PENDING
        row.attempts = 0
        row.next_attempt_at = timezone.now()
        row.processed_at = None
        row.save(update_fields=["status", "attempts", "next_attempt_at", "processed_at"])
        audit_record(
            organization=access.organization,
            access=access,
            action="store.delivery_retried",
            target=row,
            data={"topic": row.topic, "webhook_id": row.webhook_id},
        )
        _enqueue(row.pk)
    return row
