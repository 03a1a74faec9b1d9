"""Background work for creators: refresh social-account stats. Thin: load by id, call a service."""

from __future__ import annotations

from datetime import timedelta

from celery import Task, shared_task
from django.utils import timezone

from core.periodic import once_per_interval
from core.queues import Queue
from creators.selectors import stale_social_account_ids
from creators.services import social_account_refresh

# Verified accounts are refreshed once a day; a sweep enqueues at most this many.
STALE_AFTER = timedelta(hours=24)
SWEEP_BATCH = 500
MAX_RETRY_DELAY_SECONDS = 6 * 3600


@shared_task(
    bind=True,
    queue=Queue.METRICS,
    acks_late=True,
    max_retries=5,
    rate_limit="60/m",  # per worker: keeps a sweep from bursting into a platform's rate limit
)
def refresh_social_account(self: Task, account_id: int) -> None:
    """Refresh one account's stats; retried when the platform asked us to wait."""
    result = social_account_refresh(account_id=account_id)
    if result.retry_after_seconds is not None and self.request.retries < self.max_retries:
        countdown = min(result.retry_after_seconds, MAX_RETRY_DELAY_SECONDS)
        raise self.retry(countdown=countdown)


@shared_task(queue=Queue.DEFAULT, acks_late=True)
@once_per_interval("creators.tasks.refresh_stale_social_accounts", every=timedelta(hours=1))
def refresh_stale_social_accounts(batch: int = SWEEP_BATCH) -> int:
    """Periodic sweep (celery beat, see creators.schedule): enqueue refreshes of stale accounts."""
    ids = stale_social_account_ids(refreshed_before=timezone.now() - STALE_AFTER, limit=batch)
    for index, account_id in enumerate(ids):
        # Spread the batch over a few minutes instead of one burst.
        refresh_social_account.apply_async(args=[account_id], countdown=index // 20)
    return len(ids)
