"""Beat schedule of the in-transit check (payouts.settlement): hourly. Idempotent work."""

from django.db import migrations

from core.beat_schedules import add_periodic_task

NAME = "payouts: in-transit check"
TASK = "payouts.tasks.reconcile_in_transit"


class Migration(migrations.Migration):
    dependencies = [
        ("payouts", "0004_payout_retry_in_transit"),
        ("django_celery_beat", "0014_remove_clockedschedule_enabled"),
    ]

    operations = [add_periodic_task(NAME, TASK, every=3600, period="seconds")]
