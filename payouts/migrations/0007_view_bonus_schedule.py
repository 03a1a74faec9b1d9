"""Beat accrues view bonuses every minute (after the metric pulls that feed them). A firing not
picked up within 50 seconds expires: the next one does the same work."""

from django.db import migrations

NAME = "payouts: accrue view bonuses"
TASK = "payouts.tasks.accrue_view_bonuses"


def forwards(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={"task": TASK, "interval": every, "enabled": True, "expire_seconds": 50},
    )


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("payouts", "0006_commissions_sweep_schedule"),
        ("analytics", "0006_post_metrics_bonus_views_lease_token"),
        ("django_celery_beat", "0014_remove_clockedschedule_enabled"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
