"""The outbox sweep runs every 10 seconds instead of 30 (core.outbox.SWEEP_SECONDS says why): a
row due for publishing waits at most 10 s more. The sweep is one indexed query."""

from django.db import migrations

from core.beat_schedules import change_interval

NAME = "core: outbox sweep"
TASK = "core.tasks.outbox_sweep"


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_outbox_sweep_schedule"),
        ("django_celery_beat", "0014_remove_clockedschedule_enabled"),
    ]

    operations = [change_interval(NAME, TASK, seconds=10, previous_seconds=30)]
