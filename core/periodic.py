"""Each periodic job runs once per interval, whatever beat does.

Celery beat keeps its "last run" in memory and saves it every few minutes: a beat killed and
restarted within that window fires every job again, and two beats (a deploy overlapping the old
one) fire everything twice. ``once_per_interval`` makes the database decide: before the job's
body runs it inserts a ``PeriodicRun`` row for (job, interval start) — a unique constraint, so a
second firing in the same interval finds the row and does nothing. A firing also refuses to run
when the previous claim started less than half an interval ago, so jitter around an interval
boundary cannot run a job twice back to back. A job that raises gives its claim back, so a retry
or the next firing can run it.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import ParamSpec, TypeVar

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.models import PeriodicRun

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

KEEP_RUNS = timedelta(days=30)


def _interval_start(now: datetime, every: timedelta) -> datetime:
    seconds = every.total_seconds()
    epoch = now.timestamp()
    return datetime.fromtimestamp(epoch - (epoch % seconds), tz=now.tzinfo)


def periodic_claim(job: str, *, every: timedelta) -> PeriodicRun | None:
    """Claim this interval for ``job``; None when it already ran (or runs) in this interval."""
    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Serialises claims of one job across processes (the check below, then the insert).
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"periodic:{job}"])
        if PeriodicRun.objects.filter(job=job, started_at__gt=now - every / 2).exists():
            return None
        try:
            with transaction.atomic():
                return PeriodicRun.objects.create(
                    job=job, interval_start=_interval_start(now, every)
                )
        except IntegrityError:
            return None


def once_per_interval(
    job: str, *, every: timedelta
) -> Callable[[Callable[P, R]], Callable[P, R | None]]:
    """Decorate a periodic task's body: it runs at most once per ``every`` (see module doc)."""

    def decorate(func: Callable[P, R]) -> Callable[P, R | None]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | None:
            claim = periodic_claim(job, every=every)
            if claim is None:
                logger.info("periodic: %s already ran in this interval, skipped", job)
                return None
            try:
                result = func(*args, **kwargs)
            except BaseException:
                PeriodicRun.objects.filter(pk=claim.pk).delete()
                raise
            PeriodicRun.objects.filter(pk=claim.pk).update(finished_at=timezone.now())
            return result

        return wrapper

    return decorate


def periodic_runs_prune(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    deleted, _ = PeriodicRun.objects.filter(started_at__lt=now - KEEP_RUNS).delete()
    return deleted


__all__ = ["once_per_interval", "periodic_claim", "periodic_runs_prune"]
