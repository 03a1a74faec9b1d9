"""Shared background tasks: e-mail, and the outbox sweep."""

from datetime import timedelta
from typing import Any

from celery import shared_task
from django.core.mail import send_mail

from core.outbox import SWEEP_SECONDS, outbox_claim, outbox_complete, outbox_publish_due
from core.periodic import once_per_interval, periodic_runs_prune
from core.queues import Queue


@shared_task(
    bind=True,
    queue=Queue.EMAIL,
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_email(self: Any, *, to: list[str], subject: str, body: str) -> None:
    """Send one e-mail. From the outbox it is sent once: a second delivery of the same row (the
    sweep republished it, the broker redelivered it) finds it done and stops, or finds it claimed
    and comes back when the claim would have run out."""
    wait = outbox_claim(self.request.id)
    if wait == 0:
        return  # sent already
    if wait is not None:  # another delivery claimed it; if that worker died, the claim runs out
        raise self.retry(countdown=wait, max_retries=None)
    send_mail(subject=subject, message=body, from_email=None, recipient_list=to)
    outbox_complete(self.request.id)


OUTBOX_SWEEP_TASK = "core.tasks.outbox_sweep"


@shared_task(queue=Queue.DEFAULT, acks_late=True)
@once_per_interval(OUTBOX_SWEEP_TASK, every=timedelta(seconds=SWEEP_SECONDS))
def outbox_sweep() -> int:
    """Periodic (beat, every SWEEP_SECONDS): publish outbox rows the broker never got or lost."""
    published = outbox_publish_due()
    periodic_runs_prune()
    return published
