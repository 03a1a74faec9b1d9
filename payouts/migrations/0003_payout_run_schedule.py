"""Beat schedule of the payout run (PAYOUT_RUN_EVERY, hourly by default); the task itself runs
once per interval whatever beat does (core.periodic)."""

from django.conf import settings
from django.db import migrations

NAME = "payouts: payout run"
TASK = "payouts.tasks.schedule_payout_run"


def _seconds() -> int:
    every = getattr(settings, "PAYOUT_RUN_EVERY", 3600)
    return int(every.total_seconds()) if hasattr(every, "total_seconds") else int(every)


def forwards(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=_seconds(), period="seconds")
    PeriodicTask.objects.get_or_create(
        name=NAME, defaults={"task": TASK, "interval": every, "enabled": True}
    )


def backwards(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("payouts", "0002_payout_runs"),
        ("django_celery_beat", "0014_remove_clockedschedule_enabled"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
