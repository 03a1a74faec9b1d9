"""The stalled-batch sweep runs every 10 seconds instead of 30: a batch's heartbeat lapses 10 s
after its last chunk (discovery.services.LEASE), and a killed worker's batch is resumed within
heartbeat + interval — ~20 s instead of ~50 s. The sweep is one indexed query."""

from django.db import migrations

NAME = "discovery: resume stalled invite batches"
TASK = "discovery.tasks.resume_stalled_invite_batches"


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
        ("discovery", "0002_resume_stalled_batches_schedule"),
        ("django_celery_beat", "0014_remove_clockedschedule_enabled"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
