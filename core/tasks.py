"""Shared background tasks: e-mail, and the outbox sweep."""

from datetime import timedelta
from typing import Any

from celery import shared_task
from django.core.mail import send_mail
from django.db import DatabaseError

from core.outbox import (
    RETRY_SOON,
    SWEEP_SECONDS,
    DeliveryRetry,
    deliver_at_most_once,
    outbox_publish_due,
    outbox_row_claim,
)
from core.periodic import once_per_interval, periodic_runs_prune
from core.queues import Queue


@shared_task(bind=True, queue=Queue.EMAIL, acks_late=True, max_retries=5)
def send_email(
    self: Any, *, to: list[str], subject: str, body: str, resume: dict[str, Any] | None = None
) -> str:
    """Send one e-mail. From the outbox it is sent at most once (``deliver_at_most_once``: the
    row is claimed before SMTP and marked right after); ``resume`` is what a previous attempt of
    this task learnt (a claim that never reached SMTP, a send whose mark is still missing)."""

    def send() -> None:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=to)

    store = outbox_row_claim(self.request.id)
    if store is None:  # not from the outbox (a direct .delay()): nothing to claim
        try:
            send()
        except OSError as exc:
            raise self.retry(exc=exc, countdown=min(2 ** (self.request.retries + 2), 600)) from exc
        return "sent"
    try:
        return deliver_at_most_once(store, send, resume=resume)
    except DeliveryRetry as again:
        raise retry_delivery(self, again) from again
    except DatabaseError as exc:
        raise retry_delivery(self, database_retry(resume)) from exc


def retry_delivery(task: Any, again: DeliveryRetry) -> Exception:
    """Celery's retry for a ``DeliveryRetry``: the same message, ``resume`` carried. SMTP failures
    back off and count against ``max_retries`` (then the outbox sweep takes over). A database
    that is away or a claimant still sending do not use them up: the retry must carry what this
    attempt knows (a claim that never reached SMTP, a send still to be marked), or that
    knowledge is lost and the e-mail ends "outcome unknown" instead of sent."""
    if task.request.is_eager:  # run in-process (no broker): a retry would run at once, in a loop
        return again  # the outbox row stays open and the sweep publishes it again
    kwargs = {**task.request.kwargs, "resume": again.resume}
    retries = task.request.retries
    if again.limited:
        countdown = min(again.countdown * 2 ** (retries + 1), 600)
        return task.retry(kwargs=kwargs, countdown=countdown, exc=again.__cause__)
    countdown = max(again.countdown, min(RETRY_SOON * 2 ** min(retries, 5), 60))
    # retry(max_retries=None) means "the task's limit", not "no limit": allow one more instead.
    return task.retry(kwargs=kwargs, countdown=countdown, max_retries=retries + 1)


def database_retry(resume: dict[str, Any] | None) -> DeliveryRetry:
    """A database error outside the claim protocol (loading the row): nothing was claimed."""
    return DeliveryRetry(RETRY_SOON, resume, limited=False)


OUTBOX_SWEEP_TASK = "core.tasks.outbox_sweep"


@shared_task(queue=Queue.DEFAULT, acks_late=True)
@once_per_interval(OUTBOX_SWEEP_TASK, every=timedelta(seconds=SWEEP_SECONDS))
def outbox_sweep() -> int:
    """Periodic (beat, every SWEEP_SECONDS): publish outbox rows the broker never got or lost."""
    published = outbox_publish_due()
    periodic_runs_prune()
    return published
