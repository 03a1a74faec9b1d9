"""Stripe webhook events: stored once, processed once, by handlers registered per type.

``stripe_event_record`` (the webhook view, after the signature is verified) inserts the event
under its unique id and, only when it is new, enqueues its processing through the outbox in the
same transaction: a replay or a duplicate delivery finds the row and changes nothing.

``stripe_event_process`` (a task) locks the row, runs the type's handler and sets
``processed_at`` in ONE transaction: the handler's database effects and "processed" commit
together or not at all. A crash or an error mid-way rolls both back; the outbox publishes the
task again (``core.outbox``) until it succeeds. A second worker waits on the row lock, then sees
it processed and stops.

Handlers: ``@handles("account.updated")`` on a function taking the StripeEvent; it runs inside
that transaction, may call the Stripe API, and raises to have the event retried. Types with no
handler are marked processed (stored for the record).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.outbox import outbox_enqueue
from payouts.models import StripeEvent

logger = logging.getLogger(__name__)

Handler = Callable[[StripeEvent], None]
HANDLERS: dict[str, Handler] = {}


def handles(*event_types: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for event_type in event_types:
            if event_type in HANDLERS and HANDLERS[event_type] is not handler:
                raise ValueError(f"Stripe event {event_type!r} already has a handler")
            HANDLERS[event_type] = handler
        return handler

    return register


def stripe_event_record(*, event: dict[str, Any]) -> tuple[StripeEvent, bool]:
    """Store a verified event once. Returns (row, created); only a new row is processed."""
    from payouts import tasks  # the task module imports the services

    with transaction.atomic(durable=True):
        row, created = StripeEvent.objects.get_or_create(
            event_id=event["id"],
            defaults={
                "type": event["type"],
                "account": event.get("account") or "",
                "livemode": bool(event.get("livemode")),
                "stripe_created": datetime.fromtimestamp(event["created"], tz=UTC),
                "payload": event,
            },
        )
        if created:
            outbox_enqueue(
                tasks.process_stripe_event,
                args=[row.pk],
                dedupe_key=f"stripe-event:{row.event_id}",
            )
    return row, created


def stripe_event_process(*, event_row_id: int) -> bool:
    """Apply one stored event once. Returns whether this call applied it."""
    try:
        with transaction.atomic(durable=True):
            row = StripeEvent.objects.select_for_update().filter(pk=event_row_id).first()
            if row is None or row.processed_at is not None:
                return False
            handler = HANDLERS.get(row.type)
            if handler is not None:
                handler(row)
            row.processed_at = timezone.now()
            row.last_error = ""
            row.save(update_fields=["processed_at", "last_error"])
            return True
    except Exception as exc:
        # Rolled back: keep a trace for the admin, and let the outbox run it again.
        logger.exception("stripe event %s could not be processed", event_row_id)
        StripeEvent.objects.filter(pk=event_row_id, processed_at__isnull=True).update(
            attempts=F("attempts") + 1, last_error=repr(exc)[:500]
        )
        raise
