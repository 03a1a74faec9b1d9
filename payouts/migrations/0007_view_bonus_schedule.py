"""Beat accrues view bonuses every minute (after the metric pulls that feed them). A firing not
picked up within 50 seconds expires: the next one does the same work."""

from django.db import migrations

from core.beat_schedules import add_periodic_task

NAME = "payouts: accrue view bonuses"
TASK = "payouts.tasks.accrue_view_bonuses"


class Migration(migrations.Migration):
    dependencies = [
        ("payouts", "0006_commissions_sweep_schedule"),
        ("analytics", "0006_post_metrics_bonus_views_lease_token"),
        ("django_celery_beat", "0014_remove_clockedschedule_enabled"),
    ]

    operations = [add_periodic_task(NAME, TASK, every=1, period="minutes", expire_seconds=50)]
