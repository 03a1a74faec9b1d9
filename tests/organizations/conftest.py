"""Fixtures for the organizations tests."""

from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.conf import settings

from core.queues import Queue
from tests.core.celery_worker import celery_worker


@pytest.fixture(autouse=True)
def _forget_cached_state() -> Iterator[None]:
    """allauth keeps rate limits (failed logins, e-mails sent per address) and used TOTP codes in
    the Redis cache, which outlives each test's database transaction. Drop this test process's
    cache keys (its own KEY_PREFIX: other runs sharing the Redis database are left alone)."""
    yield
    client = redis.Redis.from_url(settings.REDIS_URL)
    for key in client.scan_iter(f"{settings.CACHES['default']['KEY_PREFIX']}:*"):
        client.delete(key)


@pytest.fixture
def email_worker() -> Iterator[Any]:
    """A real Celery worker thread consuming the e-mail queue from Redis (tests/core/celery_worker.py)."""
    with celery_worker(queues=[Queue.EMAIL.value]) as worker:
        yield worker
