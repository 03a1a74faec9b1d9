"""Celery beat entries of the creators app (django-celery-beat: editable in the admin).

``register_creator_schedules()`` is idempotent; migration 0004 calls ``ensure_schedules``
with historical models, so a migrated database already has the entry. The lead may also
call ``register_creator_schedules()`` from seed_demo.
"""

from __future__ import annotations

from typing import Any

SWEEP_TASK_NAME = "creators: refresh stale social accounts"
SWEEP_TASK = "creators.tasks.refresh_stale_social_accounts"
SWEEP_EVERY_MINUTES = 60


def ensure_schedules(interval_model: Any, periodic_task_model: Any) -> None:
    """Create (or keep) the hourly sweep. Takes model classes so migrations can call it."""
    every, _ = interval_model.objects.get_or_create(every=SWEEP_EVERY_MINUTES, period="minutes")
    periodic_task_model.objects.get_or_create(
        name=SWEEP_TASK_NAME,
        defaults={"task": SWEEP_TASK, "interval": every, "enabled": True},
    )


def register_creator_schedules() -> None:
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    ensure_schedules(IntervalSchedule, PeriodicTask)
