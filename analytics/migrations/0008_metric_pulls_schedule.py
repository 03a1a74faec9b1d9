"""Beat runs the metric pull dispatcher every minute (it also starts tracking new approvals).
A firing not picked up within 50 seconds expires: the next one does the same work."""

from django.db import migrations

from core.beat_schedules import add_periodic_task

NAME = "analytics: dispatch platform metric pulls"
TASK = "analytics.tasks.dispatch_metric_pulls"


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0007_conversions_stores"),
        ("django_celery_beat", "0014_remove_clockedschedule_enabled"),
    ]

    operations = [add_periodic_task(NAME, TASK, every=1, period="minutes", expire_seconds=50)]
