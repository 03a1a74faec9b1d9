"""Celery: Redis when REDIS_URL is set, otherwise a broker on the local file system (no server)."""

from config.env import VAR_DIR, env

_redis_url = env.str("REDIS_URL", default="")
_broker_dir = VAR_DIR / "broker"

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=_redis_url or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # One folder serves as both inbox and outbox: every process on this machine shares it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}

CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"
# django-celery-beat 2.1 (the newest release that installs beside Django 6.1) calls pytz's
# localize() on celery's zoneinfo "now" and crashes; the naive-UTC path is correct with
# CELERY_TIMEZONE = "UTC".
DJANGO_CELERY_BEAT_TZ_AWARE = False
