"""Celery application. Queues are declared in core.queues."""

import logging
import os
from typing import Any

from celery import Celery
from kombu.transport import redis as kombu_redis
from kombu.transport import virtual

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


# The same on the other side: a task that was running while the broker restarted finishes after
# the worker reconnected, and its late ack (or reject) goes to the channel it came from — closed
# with the old connection. kombu then builds a Redis client from ``channel.connection`` (None) and
# raises AttributeError, which celery's ack_log_error does not catch: the worker exits again
# (tests/faults/test_redis_restart.py with a batch that outlives the outage). The ack has nowhere
# to go: the message lives, if at all, in the restarted Redis's unacked hash and comes back after
# visibility_timeout to an idempotent task that finds its work done.
_ack = kombu_redis.QoS.ack
_reject = kombu_redis.QoS.reject


def _ack_or_log(self: Any, delivery_tag: Any) -> None:
    if self.channel.closed:
        logger.warning("broker connection lost; ack of %s left to the sweeps", delivery_tag)
        virtual.QoS.ack(self, delivery_tag)  # forget it locally
        return
    _ack(self, delivery_tag)


def _reject_or_log(self: Any, delivery_tag: Any, requeue: bool = False) -> None:
    if self.channel.closed:
        logger.warning("broker connection lost; reject of %s left to the sweeps", delivery_tag)
        virtual.QoS.ack(self, delivery_tag)
        return
    _reject(self, delivery_tag, requeue=requeue)


kombu_redis.QoS.ack = _ack_or_log  # type: ignore[method-assign]
kombu_redis.QoS.reject = _reject_or_log  # type: ignore[method-assign]
