"""Background work of analytics. Thin: call a service."""

from celery import shared_task

from analytics.services import clicks_flush
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
