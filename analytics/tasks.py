"""Background work of analytics. Thin: call a service."""

from datetime import timedelta
from typing import Any

from celery import shared_task

from analytics.services import clicks_flush
from analytics.shopify_inbox import (
    SWEEP_SECONDS,
    shopify_deliveries_resume,
    shopify_delivery_process,
)
from core.periodic import once_per_interval
from core.queues import Queue


@shared_task(queue=Queue.DEFAULT, acks_late=True)
def flush_clicks() -> int:
    """Beat (every 5 s) and the redirect (when the buffer is long): write buffered clicks.

    Safe to run twice and concurrently: workers share the buffer through a consumer group, and
    rows are inserted once per click id. A failure leaves the batch pending for the next run.
    """
    return clicks_flush()


@shared_task(queue=Queue.DEFAULT, acks_late=True)
def dispatch_metric_pulls() -> int:
    """Beat (every minute): track new approvals, lease due posts, queue one task per batch.

    A batch lost by the broker is not lost: its lease expires and the next run claims it."""
    from analytics.pulls import pulls_dispatch

    batches = pulls_dispatch()
    for batch in batches:
        pull_metrics.delay(batch.metrics_ids, batch.lease)
    return len(batches)


@shared_task(queue=Queue.METRICS, acks_late=True)
def pull_metrics(metrics_ids: list[int], lease: str) -> int:
    """One batched platform call for these PostMetrics rows (leased by the dispatcher under
    ``lease``; a duplicate delivery finds them taken and does nothing)."""
    from analytics.pulls import pull_batch

    return pull_batch(metrics_ids, lease=lease)


@shared_task(queue=Queue.DEFAULT, acks_late=True)
def rollup_daily() -> bool:
    """Beat (every 2 minutes): roll up what arrived since the last run. A run that finds
    another one in progress does nothing (the next firing picks up what is left)."""
    from analytics.rollups import rollup_run

    return rollup_run().ran


@shared_task(bind=True, queue=Queue.WEBHOOKS, acks_late=True, max_retries=None)
def process_shopify_delivery(self: Any, delivery_id: int) -> str:
    """Record one stored Shopify delivery (the outbox publishes it after the request commits).
    Safe to run twice and side by side: the row is locked, skipped when held, done once. A try
    that must be repeated is retried after the row's back-off (the sweep also finds it)."""
    outcome = shopify_delivery_process(delivery_id=delivery_id)
    if outcome.retry_in is not None and not self.request.is_eager:
        # max_retries=None: the row counts its tries and fails itself (MAX_ATTEMPTS).
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


SHOPIFY_SWEEP_TASK = "analytics.tasks.resume_shopify_deliveries"


@shared_task(queue=Queue.DEFAULT, acks_late=True)
@once_per_interval(SHOPIFY_SWEEP_TASK, every=timedelta(seconds=SWEEP_SECONDS))
def resume_shopify_deliveries() -> int:
    """Beat (every 30 s): publish again Shopify deliveries still pending long after their try
    was due (the message was lost, or the worker holding it died)."""
    return shopify_deliveries_resume()
