"""Beat runs the incremental daily rollup every 2 minutes; the state row it locks exists from
the start. A firing not picked up within 90 seconds expires: the next one does the same work."""

from django.db import migrations

from core.beat_schedules import add_periodic_task

NAME = "analytics: roll up daily figures"
TASK = "analytics.tasks.rollup_daily"


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0009_rollups"),
        ("django_celery_beat", "0014_remove_clockedschedule_enabled"),
    ]

    operations = [add_periodic_task(NAME, TASK, every=2, period="minutes", expire_seconds=90)]
