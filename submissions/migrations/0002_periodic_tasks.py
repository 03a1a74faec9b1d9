"""Beat schedules for submissions: pending platform checks (every minute), auto-approval (every
15 minutes) and deadline reminders (hourly; each slot and date is reminded once)."""

from django.db import migrations

TASKS = [
    ("submissions: retry pending checks", "submissions.tasks.retry_pending_checks", 60),
    ("submissions: auto-approve", "submissions.tasks.auto_approve", 900),
    ("submissions: due reminders", "submissions.tasks.send_due_reminders", 3600),
]


def forwards(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, seconds in TASKS:
        every, _ = IntervalSchedule.objects.get_or_create(every=seconds, period="seconds")
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "interval": every, "enabled": True}
        )


def backwards(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_ in TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0001_initial"),
        ("django_celery_beat", "0014_remove_clockedschedule_enabled"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
