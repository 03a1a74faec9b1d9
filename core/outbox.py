"""The transactional outbox: background work that cannot be lost.

``outbox_enqueue(task, args=…, kwargs=…)`` writes an ``OutboxTask`` row in the caller's
transaction and publishes it after commit. Publishing never raises: a broker that is down is
logged and the row waits; ``core.tasks.outbox_sweep`` (beat, every ``SWEEP_SECONDS``) publishes
every due row again until a worker *completes* it. The message's Celery task id is
``outbox-<row id>``: a task that succeeds marks its row completed (``task_success`` below), a task
that must not be done twice (an e-mail) goes through ``deliver_at_most_once`` (below).

Timeouts, chosen on purpose:
- ``SWEEP_SECONDS`` = 10: a lost or never-published row waits at most this long before the next
  publish attempt once it is due; the sweep is one indexed query, so it is cheap to run often
  (it was 30 s: a third of the recovery time of a killed worker's e-mails was this wait).
- ``REDELIVER_AFTER`` = 60 s, doubling per publish, at most ``REDELIVER_MAX`` = 1 h: a row
  published but not completed (Redis restarted without persistence, a worker killed and the
  message stuck until the broker's visibility timeout) is published again. Long enough that a
  normal backlog is not duplicated every sweep; the duplicates that do happen are harmless
  (tasks are idempotent, e-mails claim their row). Work with its own lease (invite batches) is
  resumed sooner by its app's own sweep, which calls ``outbox_enqueue`` with its dedupe key and
  makes the row due at once.
- ``BROKER_DOWN_PAUSE`` = 5 s: after a failed publish this process stops trying for a moment, so
  a request that enqueued ten e-mails while Redis is down pays for one timeout, not ten.

E-mail is sent at most once (``deliver_at_most_once``): an SMTP server cannot be asked "did you
get this already?", so a send is bracketed by two database marks, each committed on its own —
a *claim* before talking to SMTP and a *sent* mark right after. A delivery that finds a claim it
did not make never sends: the claimant is sending now, or died in the window between the two
marks where nobody can know whether the server took the message. After ``SEND_WINDOW`` such a
claim is reported as "outcome unknown" (logged, and visible where the claim is stored) instead
of being sent again. At-most-once on purpose: a lost e-mail is backed by what the person sees in
the app (every e-mail here describes an in-app notification, invitation or reminder) and an
operator can resend it; a duplicate cannot be taken back, and payouts and invitations must never
look doubled. The uncertain window is milliseconds wide and only a process death opens it; every
failure we *can* tell apart is retried exactly:
- the claim's commit failed (the database connection died): nothing was sent; the retry carries
  the claim's token and takes it over if it did commit after all;
- SMTP refused or could not be reached: the claim is released and the send retried;
- the sent mark failed: it is written again on a fresh connection, and if the database stays
  away the retry carries "sent" and only writes the mark.
- ``SEND_WINDOW`` = 30 s: a send is a handful of SMTP round trips, each bounded by the 10 s
  socket timeout (``MAILERS``), and takes well under a second; a claim older than this whose
  sent mark is missing belongs to a dead process. Too short would only mislabel a slow send as
  unknown for a moment (its sent mark still wins); it never causes a second send.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from celery import Task, current_app
from celery.signals import task_success
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.models import OutboxTask

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 10
REDELIVER_AFTER = timedelta(seconds=60)
REDELIVER_MAX = timedelta(hours=1)
RETRY_PUBLISH_AFTER = timedelta(seconds=15)  # a failed publish is tried again by the next sweeps
BROKER_DOWN_PAUSE = 5.0
SEND_WINDOW = timedelta(seconds=30)  # see the module's docstring
# A mark after a send is written again on a fresh connection this many times (0.2 s, 0.4 s, …
# apart, ~3 s in all): a killed connection is replaced in milliseconds, a database that stays
# away is left to the task's retry.
MARK_ATTEMPTS = 5
RETRY_SOON = 2.0  # seconds: a retry after a database error (the connection is replaced at once)
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
    try:
        # Insert first: asking for new work (the common case) costs no look-up; the unique
        # constraint on open rows per key catches a repeat. A savepoint, so that a lost race on
        # the key leaves the caller's transaction usable.
        with transaction.atomic():
            row = OutboxTask.objects.create(
                task=name,
                args=list(args),
                kwargs=kwargs or {},
                queue=str(queue),
                dedupe_key=dedupe_key or None,
                next_attempt_at=now + RETRY_PUBLISH_AFTER,
            )
    except IntegrityError:
        if not dedupe_key:
            raise
        row = OutboxTask.objects.get(dedupe_key=dedupe_key, completed_at__isnull=True)
        OutboxTask.objects.filter(pk=row.pk).update(next_attempt_at=now)  # due at once
        row_id = row.pk
        transaction.on_commit(lambda: outbox_publish(row_id=row_id))
        return row
    fresh = row  # written by this transaction: nobody can have completed it before it commits
    transaction.on_commit(lambda: _publish(fresh))
    return row


def outbox_enqueue_many(
    task: Task | str,
    *,
    calls: Sequence[tuple[list[Any], str | None]],
    queue: str | None = None,
) -> list[OutboxTask]:
    """``outbox_enqueue`` for many new pieces of the same work in one insert, published after
    commit with one status update (a bulk decision e-mails hundreds of creators). ``calls`` are
    ``(args, dedupe_key)``; the keys must be new (a clash raises ``IntegrityError`` and the
    caller's transaction rolls back, as any other constraint would)."""
    if not calls:
        return []
    name = task if isinstance(task, str) else task.name
    queue = queue or (None if isinstance(task, str) else getattr(task, "queue", None)) or "default"
    due = timezone.now() + RETRY_PUBLISH_AFTER
    rows = OutboxTask.objects.bulk_create(
        [
            OutboxTask(
                task=name,
                args=list(args),
                kwargs={},
                queue=str(queue),
                dedupe_key=dedupe_key or None,
                next_attempt_at=due,
            )
            for args, dedupe_key in calls
        ]
    )
    transaction.on_commit(lambda: _publish_many(rows))
    return rows


def _publish_many(rows: list[OutboxTask]) -> None:
    """Publish fresh rows; the ones sent get one UPDATE. A broker error stops the loop: the
    rest wait for the sweep, as with ``_publish``."""
    if current_app.conf.task_always_eager:
        for row in rows:
            _publish(row)
        return
    sent: list[int] = []
    for row in rows:
        if _broker_paused():
            break
        try:
            current_app.send_task(
                row.task,
                args=row.args,
                kwargs=row.kwargs,
                queue=row.queue,
                task_id=row.celery_task_id,
            )
        except Exception as exc:  # any broker or network error: the rows wait in the database
            _state.paused_until = time.monotonic() + BROKER_DOWN_PAUSE
            logger.warning("outbox: could not publish %s #%s: %r", row.task, row.pk, exc)
            break
        sent.append(row.pk)
    if sent:
        now = timezone.now()
        OutboxTask.objects.filter(pk__in=sent).update(
            published_at=now, attempts=F("attempts") + 1, next_attempt_at=now + REDELIVER_AFTER
        )


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


# -- at-most-once side effects (e-mail) ------------------------------------------------------------


class ClaimStore(Protocol):
    """Where one side effect's claim lives (a notification's e-mail columns, an outbox row).
    Every method is one statement in autocommit: committed when it returns."""

    def current(self) -> tuple[bool, datetime | None]:
        """(nothing left to do, the claim on it if any)."""

    def claim(self, token: datetime, *, replacing: list[datetime]) -> bool:
        """Claim it with ``token`` if unclaimed or claimed by one of ``replacing``."""

    def release(self, token: datetime) -> None: ...

    def mark_sent(self, token: datetime) -> None: ...

    def mark_unknown(self, claimed_at: datetime) -> None: ...


class DeliveryRetry(Exception):
    """The task must run again in ``countdown`` seconds with ``resume`` as its ``resume``
    argument (what this attempt knows: claims it made that never reached SMTP, or a send whose
    sent mark is still to be written)."""

    def __init__(self, countdown: float, resume: dict[str, Any] | None, *, limited: bool) -> None:
        super().__init__(f"retry in {countdown:.0f} s")
        self.countdown = countdown
        self.resume = resume
        self.limited = limited  # counts against the task's max_retries (SMTP failures do)


def _tokens(values: Any) -> list[datetime]:
    out = [parse_datetime(v) for v in values or [] if isinstance(v, str)]
    return [v for v in out if v is not None]


def on_fresh_connection[T](write: Callable[[], T], *, attempts: int = MARK_ATTEMPTS) -> T:
    """Run one autocommit write, replacing a connection the database killed and trying again."""
    for attempt in range(attempts):
        try:
            return write()
        except DatabaseError:
            if connection.in_atomic_block or attempt == attempts - 1:
                raise
            connection.close()
            time.sleep(0.2 * 2**attempt)
    raise AssertionError("unreachable")


def deliver_at_most_once(
    store: ClaimStore, send: Callable[[], None], *, resume: dict[str, Any] | None = None
) -> str:
    """Send once at most: claim (committed), send, mark sent (see the module's docstring).

    Returns "sent", "done" (nothing to do: sent before, or not wanted) or "unknown" (an earlier
    attempt died between its claim and its sent mark; not sent again). Raises
    ``DeliveryRetry`` when the task must come back; must run outside any transaction."""
    resume = resume or {}
    sent = _tokens([resume.get("sent")])
    if sent:  # sent already by an earlier attempt of this task: only the mark is missing
        try:
            on_fresh_connection(lambda: store.mark_sent(sent[0]))
        except DatabaseError as exc:
            raise DeliveryRetry(RETRY_SOON, resume, limited=False) from exc
        return "sent"
    ours = _tokens(resume.get("unsent"))  # claims this task made that never reached SMTP
    try:
        done, claimed_at = store.current()
    except DatabaseError as exc:
        raise DeliveryRetry(RETRY_SOON, resume, limited=False) from exc
    if done:
        return "done"
    if claimed_at is not None and claimed_at not in ours:
        age = timezone.now() - claimed_at
        if age < SEND_WINDOW:  # its claimant may be sending right now: look again later
            raise DeliveryRetry((SEND_WINDOW - age).total_seconds() + 1, resume, limited=False)
        logger.warning(
            "at-most-once: claimed at %s and never marked sent (its process died while sending);"
            " outcome unknown, not sent again",
            claimed_at.isoformat(),
        )
        try:
            store.mark_unknown(claimed_at)
        except DatabaseError as exc:
            raise DeliveryRetry(RETRY_SOON, resume, limited=False) from exc
        return "unknown"
    token = timezone.now()
    try:
        claimed = store.claim(token, replacing=ours)
    except DatabaseError as exc:  # not sent; the claim may have committed all the same: ours
        unsent = [t.isoformat() for t in [*ours, token]][-5:]
        raise DeliveryRetry(RETRY_SOON, {"unsent": unsent}, limited=False) from exc
    if not claimed:  # another delivery claimed it a moment ago: look again
        raise DeliveryRetry(RETRY_SOON, resume, limited=False)
    try:
        send()
    except Exception as exc:
        # smtplib raises before the server's final "250" to DATA: the message was not taken.
        # Free the claim so the retry sends; if even that fails, the retry knows the claim.
        try:
            on_fresh_connection(lambda: store.release(token))
            after: dict[str, Any] = {}
        except DatabaseError:
            after = {"unsent": [token.isoformat()]}
        raise DeliveryRetry(RETRY_SOON, after, limited=True) from exc
    try:
        on_fresh_connection(lambda: store.mark_sent(token))
    except DatabaseError as exc:
        raise DeliveryRetry(RETRY_SOON, {"sent": token.isoformat()}, limited=False) from exc
    return "sent"


class OutboxRowClaim:
    """The claim of an outbox row itself (``started_at``): for a task whose only state is its row
    (``core.tasks.send_email``)."""

    def __init__(self, row_id: int) -> None:
        self.rows = OutboxTask.objects.filter(pk=row_id)

    def current(self) -> tuple[bool, datetime | None]:
        row = self.rows.values_list("completed_at", "started_at").first()
        if row is None:  # pruned meanwhile, long after completion
            return True, None
        return row[0] is not None, row[1]

    def claim(self, token: datetime, *, replacing: list[datetime]) -> bool:
        free = self.rows.filter(completed_at__isnull=True)
        return bool(
            free.filter(started_at__isnull=True).update(started_at=token)
            or (replacing and free.filter(started_at__in=replacing).update(started_at=token))
        )

    def release(self, token: datetime) -> None:
        self.rows.filter(started_at=token).update(started_at=None)

    def mark_sent(self, token: datetime) -> None:
        self.rows.filter(started_at=token).update(
            completed_at=Coalesce(F("completed_at"), timezone.now()), last_error=""
        )

    def mark_unknown(self, claimed_at: datetime) -> None:
        self.rows.filter(started_at=claimed_at, completed_at__isnull=True).update(
            completed_at=timezone.now(),
            last_error="outcome unknown: the process sending it died after claiming it; "
            "not sent again (resend by hand if it did not arrive)",
        )


def outbox_row_claim(task_id: str | None) -> OutboxRowClaim | None:
    """The claim store of the outbox row a message came from. None when it is not from the
    outbox, or its row cannot be seen (not committed yet for this connection, or pruned a week
    after completion): then the work runs rather than being dropped, as before the outbox."""
    row_id = _row_id(task_id)
    if row_id is None or not OutboxTask.objects.filter(pk=row_id).exists():
        return None
    return OutboxRowClaim(row_id)
