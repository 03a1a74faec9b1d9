"""Beat sweeps commissions every minute (analytics also asks for a sweep after each order or
refund commits); a firing not picked up within 50 seconds expires: the next does the same."""

from django.db import migrations

from core.beat_schedules import add_periodic_task

NAME = "payouts: sweep commissions"
TASK = "payouts.tasks.sweep_commissions"


class Migration(migrations.Migration):
    dependencies = [
        ("payouts", "0005_in_transit_check_schedule"),
        ("django_celery_beat", "0014_remove_clockedschedule_enabled"),
    ]

    operations = [add_periodic_task(NAME, TASK, every=60, period="seconds", expire_seconds=50)]
