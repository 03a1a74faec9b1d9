"""Payouts background work. Thin: load by id, call a service (published through the outbox)."""

from celery import shared_task

from core.queues import Queue
from payouts import events


@shared_task(queue=Queue.DEFAULT, acks_late=True)
def process_stripe_event(event_row_id: int) -> bool:
    return events.stripe_event_process(event_row_id=event_row_id)
