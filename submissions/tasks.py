"""Submission background work. Thin: load by id, call a service.

Published through the outbox (``core.outbox``) so a lost message is published again; every task
is idempotent (a settled preview or check is left alone)."""

from datetime import timedelta

from celery import shared_task

from core.periodic import once_per_interval
from core.queues import Queue
from submissions import services


@shared_task(queue=Queue.DEFAULT, acks_late=True)
def make_draft_preview(draft_id: int) -> None:
    services.draft_preview_make(draft_id=draft_id)


@shared_task(queue=Queue.DEFAULT, acks_late=True)
def check_live_posts(live_post_ids: list[int]) -> int:
    return services.live_posts_check(live_post_ids=live_post_ids)


@shared_task(queue=Queue.DEFAULT, acks_late=True)
@once_per_interval("submissions.tasks.retry_pending_checks", every=timedelta(minutes=1))
def retry_pending_checks() -> int:
    """Checks a platform outage left pending, queued again when their wait is over."""
    return services.live_post_checks_retry_due()


@shared_task(queue=Queue.DEFAULT, acks_late=True)
@once_per_interval("submissions.tasks.auto_approve", every=timedelta(minutes=15))
def auto_approve() -> int:
    """Approve what waited past its campaign's auto-approval days."""
    return services.submissions_auto_approve()


@shared_task(queue=Queue.DEFAULT, acks_late=True)
@once_per_interval("submissions.tasks.send_due_reminders", every=timedelta(hours=1))
def send_due_reminders() -> int:
    """Remind creators two days before a draft or post is due (once per slot and date)."""
    return services.slot_reminders_send()
