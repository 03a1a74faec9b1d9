"""Background work of discovery. Thin: load by id, call a service."""

from datetime import timedelta
from typing import Any

from celery import shared_task

from core.periodic import once_per_interval
from core.queues import Queue
from discovery.services import (
    InviteBatchBusy,
    invite_batch_fail,
    invite_batch_process,
    invite_batches_resume_stalled,
)

MAX_FAILURES = 8


@shared_task(
    bind=True,
    queue=Queue.DEFAULT,
    acks_late=True,
    max_retries=None,
)
def process_invite_batch(self: Any, batch_id: int, failures: int = 0) -> None:
    """Send a batch's invitations. Safe to run twice, and side by side (row locks, chunks).

    ``failures`` counts the errors so far: waiting for other deliveries (``InviteBatchBusy``)
    retries without counting, so a batch shared by several deliveries is not given up early."""
    try:
        invite_batch_process(batch_id=batch_id)
    except InviteBatchBusy as busy:
        # Rows are left but other deliveries hold them: look again shortly. Not "done": acking
        # here would leave the batch to the sweep if the holder died a moment ago.
        raise self.retry(kwargs={"failures": failures}, countdown=busy.retry_in) from busy
    except Exception as exc:
        if failures >= MAX_FAILURES:
            invite_batch_fail(
                batch_id=batch_id,
                error="Something went wrong while sending these invitations; the rows left "
                "were not sent. Try again with a new batch.",
            )
            raise
        raise self.retry(
            kwargs={"failures": failures + 1}, exc=exc, countdown=min(2 ** (failures + 2), 300)
        ) from exc


RESUME_EVERY = timedelta(seconds=10)


@shared_task(queue=Queue.DEFAULT, acks_late=True)
@once_per_interval("discovery.tasks.resume_stalled_invite_batches", every=RESUME_EVERY)
def resume_stalled_invite_batches() -> int:
    """Periodic (beat, every 10 s): resume batches whose worker died or whose message was lost."""
    return invite_batches_resume_stalled()
