"""Schedule the recruitment periodic tasks in Celery beat (django-celery-beat: editable in the
admin). Daily: remind invited creators two days before a deadline, expire stale invitations."""

from django.db import migrations

TASKS = [
    ("recruitment: remind application deadlines", "recruitment.tasks.remind_application_deadlines", "0", "8"),
    ("recruitment: expire invitations", "recruitment.tasks.expire_invitations", "15", "0"),
]


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute, hour in TASKS:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*",
            timezone="UTC",
        )
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "crontab": crontab, "enabled": True}
        )


def unschedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_ in TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("recruitment", "0001_initial"),
        ("django_celery_beat", "0014_remove_clockedschedule_enabled"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
