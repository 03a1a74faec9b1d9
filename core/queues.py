"""Celery queues: one enum, and who consumes each."""

from enum import StrEnum


class Queue(StrEnum):
    DEFAULT = "default"  # small housekeeping; every worker
    EMAIL = "email"  # notification e-mails
    METRICS = "metrics"  # platform metric pulls, rate-limited per platform (scale these out)
    PAYOUTS = (
        "payouts"  # Stripe transfers; one or two workers, never more concurrency than Stripe allows
    )
    # Webhooks both ways: outbound agency webhooks with retries, and inbound Shopify deliveries
    # (analytics.tasks.process_shopify_delivery) recorded from the inbox. Consumed by the worker
    # of docker-compose.yml and scripts/run.sh (every queue): a worker without it leaves Shopify
    # orders pending (the sweep only republishes them).
    WEBHOOKS = "webhooks"


ALL_QUEUES = ",".join(q.value for q in Queue)
