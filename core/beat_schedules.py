"""Periodic jobs are rows of django_celery_beat, written by migrations: these build the
migration operations, so each schedule migration states only its job, interval and expiry.

Written against the historical models (``apps.get_model``), so old migrations keep working
whatever these tables become."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def _interval(apps: Any, every: int, period: str) -> Any:
    schedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    interval, _ = schedule.objects.get_or_create(every=every, period=period)
    return interval


def add_periodic_task(
    name: str, task: str, *, every: int, period: str, expire_seconds: int | None = None
) -> migrations.RunPython:
    """Run ``task`` every ``every`` ``period``; a firing not picked up within
    ``expire_seconds`` expires (the next one does the same work). Reversible."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        defaults: dict[str, Any] = {
            "task": task,
            "interval": _interval(apps, every, period),
            "enabled": True,
        }
        if expire_seconds is not None:
            defaults["expire_seconds"] = expire_seconds
        apps.get_model("django_celery_beat", "PeriodicTask").objects.get_or_create(
            name=name, defaults=defaults
        )

    def backwards(apps: Any, schema_editor: Any) -> None:
        apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=name).delete()

    return migrations.RunPython(forwards, backwards)


def change_interval(
    name: str, task: str, *, seconds: int, previous_seconds: int
) -> migrations.RunPython:
    """Move an existing job to a new interval in seconds (creating it if missing). Reversible."""

    def move(apps: Any, every: int) -> None:
        interval = _interval(apps, every, "seconds")
        job, created = apps.get_model("django_celery_beat", "PeriodicTask").objects.get_or_create(
            name=name, defaults={"task": task, "interval": interval, "enabled": True}
        )
        if not created:
            job.interval = interval
            job.save(update_fields=["interval"])

    return migrations.RunPython(
        lambda apps, schema_editor: move(apps, seconds),
        lambda apps, schema_editor: move(apps, previous_seconds),
    )
