"""The outbox sweep runs every 10 seconds instead of 30 (core.outbox.SWEEP_SECONDS says why): a
row due for publishing waits at most 10 s more. The sweep is one indexed query."""

from django.db import migrations

NAME = "core: outbox sweep"
TASK = "core.tasks.outbox_sweep"


def _every(apps, seconds):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=seconds, period="seconds")
    task, created = PeriodicTask.objects.get_or_create(
        name=NAME, defaults={"task": TASK, "interval": every, "enabled": True}
    )
    if not created:
        task.interval = every
        task.save(update_fields=["interval"])


def forwards(apps, schema_editor):
    _every(apps, 10)


def backwards(apps, schema_editor):
    _every(apps, 30)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_outbox_sweep_schedule"),
        ("django_celery_beat", "0014_remove_clockedschedule_enabled"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
