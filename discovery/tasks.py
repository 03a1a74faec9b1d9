"""Background work of discovery. Thin: load by id, call a service."""

from typing import Any

from celery import shared_task

from core.queues import Queue
from discovery.services import invite_batch_fail, invite_batch_process

MAX_RETRIES = 5


@shared_task(
    bind=True,
    queue=Queue.DEFAULT,
    acks_late=True,
    max_retries=MAX_RETRIES,
)
def process_invite_batch(self: Any, batch_id: int) -> None:
    """Send a batch's invitations. Safe to run twice: rows with an outcome are skipped."""
    try:
        invite_batch_process(batch_id=batch_id)
    except Exception as exc:
        if self.request.retries >= MAX_RETRIES:
            invite_batch_fail(
                batch_id=batch_id,
                error="Something went wrong while sending these invitations; the rows left "
                "were not sent. Try again with a new batch.",
            )
            raise
        raise self.retry(exc=exc, countdown=min(2 ** (self.request.retries + 2), 300)) from exc
