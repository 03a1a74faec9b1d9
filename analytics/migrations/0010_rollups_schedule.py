"""Beat runs the incremental daily rollup every 2 minutes; the state row it locks exists from
the start. A firing not picked up within 90 seconds expires: the next one does the same work."""

from django.db import migrations

NAME = "analytics: roll up daily figures"
TASK = "analytics.tasks.rollup_daily"


def forwards(apps, schema_editor):
    apps.get_model("analytics", "RollupState").objects.get_or_create(name="daily")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=2, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={"task": TASK, "interval": every, "enabled": True, "expire_seconds": 90},
    )


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0009_rollups"),
        ("django_celery_beat", "0014_remove_clockedschedule_enabled"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
