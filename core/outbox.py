"""The transactional outbox: background work that cannot be lost.

``outbox_enqueue(task, args=…, kwargs=…)`` writes an ``OutboxTask`` row in the caller's
transaction and publishes it after commit. Publishing never raises: a broker that is down is
logged and the row waits; ``core.tasks.outbox_sweep`` (beat, every ``SWEEP_SECONDS``) publishes
every due row again until a worker *completes* it. The message's Celery task id is
``outbox-<row id>``: a task that succeeds marks its row completed (``task_success`` below), a task
that needs exactly-once side effects (an e-mail) claims its row first with ``outbox_claim``.

Timeouts, chosen on purpose:
- ``SWEEP_SECONDS`` = 30: a lost or never-published row waits at most this long before the next
  publish attempt once it is due; the sweep is one indexed query, so it is cheap to run often.
- ``REDELIVER_AFTER`` = 60 s, doubling per publish, at most ``REDELIVER_MAX`` = 1 h: a row
  published but not completed (Redis restarted without persistence, a worker killed and the
  message stuck until the broker's visibility timeout) is published again. Long enough that a
  normal backlog is not duplicated every sweep; the duplicates that do happen are harmless
  (tasks are idempotent, e-mails claim their row). Work with its own lease (invite batches) is
  resumed sooner by its app's own sweep, which calls ``outbox_enqueue`` with its dedupe key and
  makes the row due at once.
- ``BROKER_DOWN_PAUSE`` = 5 s: after a failed publish this process stops trying for a moment, so
  a request that enqueued ten e-mails while Redis is down pays for one timeout, not ten.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from typing import Any

from celery import Task, current_app
from celery.signals import task_success
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.models import OutboxTask

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 30
REDELIVER_AFTER = timedelta(seconds=60)
REDELIVER_MAX = timedelta(hours=1)
RETRY_PUBLISH_AFTER = timedelta(seconds=15)  # a failed publish is tried again by the next sweeps
BROKER_DOWN_PAUSE = 5.0
# A claimed but unfinished row may be claimed again after this: its worker died. An e-mail is
# sent within SMTP's 10-second timeout, so a minute cannot cut into a live send.
CLAIM_TIMEOUT = timedelta(seconds=60)
SWEEP_LIMIT = 1000
KEEP_COMPLETED = timedelta(days=7)
TASK_ID_PREFIX = "outbox-"

_state = threading.local()


def _broker_paused() -> bool:
    return time.monotonic() < getattr(_state, "paused_until", 0.0)


def outbox_enqueue(
    task: Task | str,
    *,
    args: list[Any] | tuple[Any, ...] = (),
    kwargs: dict[str, Any] | None = None,
    queue: str | None = None,
    dedupe_key: str | None = None,
) -> OutboxTask:
    """Record background work in the current transaction; it is published after commit.

    With ``dedupe_key``, an unfinished row for the same key is reused (made due at once) instead
    of a second one being written. Outside a transaction the row is written and published now.
    """
    name = task if isinstance(task, str) else task.name
    queue = queue or (None if isinstance(task, str) else getattr(task, "queue", None)) or "default"
    now = timezone.now()
    row: OutboxTask | None = None
    if dedupe_key:
        row = OutboxTask.objects.filter(dedupe_key=dedupe_key, completed_at__isnull=True).first()
        if row is not None:
            OutboxTask.objects.filter(pk=row.pk).update(next_attempt_at=now)
    if row is None:
        try:
            with transaction.atomic():  # a savepoint: a lost race on the key leaves the caller's
                row = OutboxTask.objects.create(  # transaction usable
                    task=name,
                    args=list(args),
                    kwargs=kwargs or {},
                    queue=str(queue),
                    dedupe_key=dedupe_key or None,
                    next_attempt_at=now + RETRY_PUBLISH_AFTER,
                )
        except IntegrityError:
            row = OutboxTask.objects.get(dedupe_key=dedupe_key, completed_at__isnull=True)
    row_id = row.pk
    transaction.on_commit(lambda: outbox_publish(row_id=row_id))
    return row


def outbox_publish(*, row_id: int) -> bool:
    """Send one row to the broker now. Never raises: a failure is logged and left to the sweep."""
    row = OutboxTask.objects.filter(pk=row_id, completed_at__isnull=True).first()
    if row is None:
        return False
    return _publish(row)


def _publish(row: OutboxTask) -> bool:
    now = timezone.now()
    if _broker_paused():
        return False
    if current_app.conf.task_always_eager:  # eager mode (tests, no broker): run it here and now
        current_app.tasks[row.task].apply(
            args=row.args, kwargs=row.kwargs, task_id=row.celery_task_id, throw=True
        )
        return True
    try:
        current_app.send_task(
            row.task,
            args=row.args,
            kwargs=row.kwargs,
            queue=row.queue,
            task_id=row.celery_task_id,
        )
    except Exception as exc:  # any broker or network error: the row waits in the database
        _state.paused_until = time.monotonic() + BROKER_DOWN_PAUSE
        logger.warning("outbox: could not publish %s #%s: %r", row.task, row.pk, exc)
        OutboxTask.objects.filter(pk=row.pk).update(
            last_error=repr(exc)[:500], next_attempt_at=now + RETRY_PUBLISH_AFTER
        )
        return False
    wait = min(REDELIVER_AFTER * (2 ** min(row.attempts, 10)), REDELIVER_MAX)
    OutboxTask.objects.filter(pk=row.pk).update(
        published_at=now, attempts=F("attempts") + 1, next_attempt_at=now + wait, last_error=""
    )
    return True


def outbox_publish_due(*, limit: int = SWEEP_LIMIT) -> int:
    """The sweep: publish every unfinished row that is due. Returns how many were published."""
    now = timezone.now()
    rows = list(
        OutboxTask.objects.filter(completed_at__isnull=True, next_attempt_at__lte=now).order_by(
            "next_attempt_at", "id"
        )[:limit]
    )
    _state.paused_until = 0.0  # the sweep always tries the broker at least once
    published = 0
    for row in rows:
        if _publish(row):
            published += 1
        elif _broker_paused():
            break  # the broker is down: the rest wait for the next sweep
    OutboxTask.objects.filter(completed_at__lt=now - KEEP_COMPLETED).delete()
    return published


def _row_id(task_id: str | None) -> int | None:
    if not task_id or not task_id.startswith(TASK_ID_PREFIX):
        return None
    try:
        return int(task_id.removeprefix(TASK_ID_PREFIX))
    except ValueError:
        return None


def outbox_claim(task_id: str | None) -> float | None:
    """For work that must not be done twice (an e-mail): claim the row before doing it.

    Returns None when the caller may go ahead; 0 when the work is done already (stop); or the
    seconds until another worker's claim runs out (retry then: that worker may have died, and
    then the work is ours). A message that does not come from the outbox is always run."""
    row_id = _row_id(task_id)
    if row_id is None:
        return None
    now = timezone.now()
    claimed = (
        OutboxTask.objects.filter(pk=row_id, completed_at__isnull=True)
        .filter(Q(started_at__isnull=True) | Q(started_at__lt=now - CLAIM_TIMEOUT))
        .update(started_at=now)
    )
    if claimed:
        return None
    row = OutboxTask.objects.filter(pk=row_id).only("completed_at", "started_at").first()
    if row is None:  # pruned long after completion, or not visible to us: run rather than drop
        return None
    if row.completed_at is not None or row.started_at is None:
        return 0.0
    return max((row.started_at + CLAIM_TIMEOUT - now).total_seconds(), 0.0) + 1


def outbox_complete(task_id: str | None) -> None:
    row_id = _row_id(task_id)
    if row_id is not None:
        OutboxTask.objects.filter(pk=row_id, completed_at__isnull=True).update(
            completed_at=timezone.now()
        )


@task_success.connect
def _mark_completed(sender: Task | None = None, **_: Any) -> None:
    """A task that came from the outbox and succeeded is done: the sweep stops publishing it."""
    if sender is None:
        return
    try:
        outbox_complete(sender.request.id)
    except Exception:  # the database is away: the row is published again, tasks are idempotent
        logger.exception("outbox: could not mark %s completed", sender.request.id)
