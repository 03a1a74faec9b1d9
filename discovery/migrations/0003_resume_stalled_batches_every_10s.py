"""The stalled-batch sweep runs every 10 seconds instead of 30: a batch's heartbeat lapses 10 s
after its last chunk (discovery.services.LEASE), and a killed worker's batch is resumed within
heartbeat + interval — ~20 s instead of ~50 s. The sweep is one indexed query."""

from django.db import migrations

from core.beat_schedules import change_interval

NAME = "discovery: resume stalled invite batches"
TASK = "discovery.tasks.resume_stalled_invite_batches"


class Migration(migrations.Migration):
    dependencies = [
        ("discovery", "0002_resume_stalled_batches_schedule"),
        ("django_celery_beat", "0014_remove_clockedschedule_enabled"),
    ]

    operations = [change_interval(NAME, TASK, seconds=10, previous_seconds=30)]
