"""Beat sweeps for open Checkout sessions left stale by a campaign change that did not queue
their expiry (a bulk update) every minute. A firing not picked up within 50 seconds expires:
the next one does the same work."""

from django.db import migrations

from core.beat_schedules import add_periodic_task

NAME = "payouts: expire stale checkout sessions"
TASK = "payouts.tasks.sweep_stale_fundings"


class Migration(migrations.Migration):
    dependencies = [
        ("payouts", "0008_payout_retry_org_unique"),
        ("django_celery_beat", "0014_remove_clockedschedule_enabled"),
    ]

    operations = [add_periodic_task(NAME, TASK, every=1, period="minutes", expire_seconds=50)]
