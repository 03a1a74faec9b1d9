"""AppConfig overrides for third-party apps."""

from django_celery_beat.apps import BeatConfig


class CeleryBeatConfig(BeatConfig):
    # Its migrations use AutoField; without this our BigAutoField default makes Django want a
    # migration inside site-packages.
    default_auto_field = "django.db.models.AutoField"
