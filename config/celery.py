"""Celery application. Queues are declared in core.queues."""

import logging
import os
from typing import Any

from celery import Celery
from kombu.transport import redis as kombu_redis

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

logger = logging.getLogger(__name__)

app = Celery("chorus")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# When the broker connection drops, the worker closes its channel, and kombu (5.7) puts the
# channel's delivered-but-unacked messages back with restore_unacked() — on a connection that is
# gone. That raises (ConnectionError, or AttributeError from a half-built client pool) outside
# what celery's reconnect loop ignores, and the worker's main process exits ("Unrecoverable
# error"); tests/faults/test_redis_restart.py reproduces it. Nothing is lost by skipping the
# restore: the messages are still in Redis's unacked hash (restored after visibility_timeout), or
# Redis restarted without them, and the outbox sweep publishes again whatever was not completed.
_restore_unacked = kombu_redis.QoS.restore_unacked


def _restore_unacked_or_log(self: Any, client: Any = None) -> None:
    try:
        _restore_unacked(self, client)
    except Exception as exc:
        logger.warning("broker connection lost; unacked messages left to the sweeps: %r", exc)
        self._delivered.clear()


kombu_redis.QoS.restore_unacked = _restore_unacked_or_log  # type: ignore[method-assign]
