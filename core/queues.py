"""Celery queues: one enum, and who consumes each."""

from enum import StrEnum


class Queue(StrEnum):
    DEFAULT = "default"  # small housekeeping; every worker
    EMAIL = "email"  # notification e-mails
    METRICS = "metrics"  # platform metric pulls, rate-limited per platform (scale these out)
    PAYOUTS = (
        "payouts"  # Stripe transfers; one or two workers, never more concurrency than Stripe allows
    )
    WEBHOOKS = "webhooks"  # outbound agency webhooks with retries


ALL_QUEUES = ",".join(q.value for q in Queue)
