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
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # An unacked message (acks_late) comes back this long after a worker died holding it.
        # It must outlast the longest countdown/ETA a worker holds (retries wait up to an hour),
        # or those would be delivered twice. Recovery does NOT wait for it: the outbox sweep
        # (core.outbox) and the lease sweeps (discovery) resume crashed work within minutes.
        "visibility_timeout": 3600,
        # A broker that is away must fail fast, not hang a web request that is publishing.
        "socket_connect_timeout": 3,
        "socket_timeout": 10,
        "retry_on_timeout": True,
        "health_check_interval": 10,
    }

CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# The worker outlives a broker restart: it reconnects for ever (None = no limit), also at startup.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# On a lost broker connection, tasks that are running are left to finish: every task is
# idempotent (leases, outbox claims), and Redis without persistence has lost their messages
# anyway; the sweeps publish what was lost. Cancelling them would only redo work.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# A publish from a web request gives up quickly when the broker is down: the row waits in the
# outbox (core.outbox) and the sweep publishes it, so the request still answers 2xx.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"
# django-celery-beat 2.1 (the newest release that installs beside Django 6.1) calls pytz's
# localize() on celery's zoneinfo "now" and crashes; the naive-UTC path is correct with
# CELERY_TIMEZONE = "UTC".
DJANGO_CELERY_BEAT_TZ_AWARE = False
