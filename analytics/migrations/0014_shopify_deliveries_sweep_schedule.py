"""Beat resumes stalled Shopify deliveries every 30 seconds (``analytics.shopify_inbox``). A
firing not picked up within 25 seconds expires: the next one does the same work."""

from django.db import migrations

from core.beat_schedules import add_periodic_task

NAME = "analytics: resume stalled Shopify deliveries"
TASK = "analytics.tasks.resume_shopify_deliveries"


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0013_shopify_delivery_inbox"),
        ("django_celery_beat", "0014_remove_clockedschedule_enabled"),
    ]

    operations = [add_periodic_task(NAME, TASK, every=30, period="seconds", expire_seconds=25)]
