from django.db import migrations


def forwards(apps, schema_editor):
    from creators.schedule import ensure_schedules

    ensure_schedules(
        apps.get_model("django_celery_beat", "IntervalSchedule"),
        apps.get_model("django_celery_beat", "PeriodicTask"),
    )


def backwards(apps, schema_editor):
    from creators.schedule import SWEEP_TASK_NAME

    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SWEEP_TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("creators", "0003_profile_accounts_niches_portfolio"),
        ("django_celery_beat", "0014_remove_clockedschedule_enabled"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
