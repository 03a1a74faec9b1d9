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

MAX_RETRIES = 8


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
    except InviteBatchBusy as busy:
        # Another delivery holds the lease (or held it until it died): come back when it would
        # have run out. Not "done": acking here is how batches used to stall for good.
        # (retry(max_retries=None) means "the task's limit": allow one more instead.)
        raise self.retry(countdown=busy.retry_in, max_retries=self.request.retries + 1) from busy
    except Exception as exc:
        if self.request.retries >= MAX_RETRIES:
            invite_batch_fail(
                batch_id=batch_id,
                error="Something went wrong while sending these invitations; the rows left "
                "were not sent. Try again with a new batch.",
            )
            raise
        raise self.retry(exc=exc, countdown=min(2 ** (self.request.retries + 2), 300)) from exc


RESUME_EVERY = timedelta(seconds=30)


@shared_task(queue=Queue.DEFAULT, acks_late=True)
@once_per_interval("discovery.tasks.resume_stalled_invite_batches", every=RESUME_EVERY)
def resume_stalled_invite_batches() -> int:
    """Periodic (beat, every 30 s): resume batches whose worker died or whose message was lost."""
    return invite_batches_resume_stalled()
