"""The transactional outbox: work is recorded with the transaction that asks for it, published
after commit, never turns a committed request into an error, and is published again by the sweep
until a worker completes it."""

from datetime import timedelta
from typing import Any

import pytest
from celery import current_app
from django.db import transaction
from django.utils import timezone

from core import outbox
from core.models import OutboxTask
from core.outbox import outbox_enqueue, outbox_publish_due
from core.queues import Queue
from core.tasks import send_email
from tests.core.celery_worker import celery_worker, wait_for
from tests.core.smtp_server import fake_smtp, terminate_this_connection

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused


@pytest.fixture
def broker_down() -> Any:
    """Point publishing at a broker that is not there (a real connection attempt that fails)."""
    app = current_app
    saved = app.conf.broker_url, app.conf.broker_write_url
    app.conf.broker_url = app.conf.broker_write_url = UNREACHABLE_BROKER
    app._pool = None
    app.amqp._producer_pool = None
    outbox._state.paused_until = 0.0
    yield
    app.conf.broker_url, app.conf.broker_write_url = saved
    app._pool = None
    app.amqp._producer_pool = None
    outbox._state.paused_until = 0.0


def _email(to: str = "a@example.com") -> dict[str, Any]:
    return {"to": [to], "subject": "Hi", "body": "Hello."}


@pytest.mark.django_db(transaction=True)
def test_nothing_is_recorded_or_sent_when_the_transaction_rolls_back() -> None:
    def failing_request() -> None:
        with transaction.atomic():
            outbox_enqueue(send_email, kwargs=_email())
            raise RuntimeError("the request failed")

    with pytest.raises(RuntimeError):
        failing_request()
    assert not OutboxTask.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_leaves_the_row_waiting_instead_of_raising(broker_down: None) -> None:
    with transaction.atomic():
        row = outbox_enqueue(send_email, kwargs=_email())
    # The commit happened and the on-commit publish did not raise.
    row.refresh_from_db()
    assert (row.published_at, row.completed_at, row.attempts) == (None, None, 0)
    assert row.queue == Queue.EMAIL
    assert "Error" in row.last_error
    assert row.next_attempt_at > timezone.now()


@pytest.mark.django_db(transaction=True)
def test_the_sweep_publishes_waiting_rows_once_the_broker_is_back(mailoutbox: list[Any]) -> None:
    row = OutboxTask.objects.create(
        task=send_email.name,
        kwargs=_email(),
        queue=Queue.EMAIL,
        next_attempt_at=timezone.now() - timedelta(seconds=1),
    )
    with celery_worker(queues=[Queue.EMAIL.value]):
        assert outbox_publish_due() == 1
        assert wait_for(lambda: OutboxTask.objects.get(pk=row.pk).completed_at is not None, 20)
    assert len(mailoutbox) == 1
    row.refresh_from_db()
    assert row.attempts == 1
    assert row.published_at is not None
    # Completed rows are not published again.
    assert outbox_publish_due() == 0


@pytest.mark.django_db(transaction=True)
def test_a_second_delivery_of_the_same_email_sends_nothing(mailoutbox: list[Any]) -> None:
    row = OutboxTask.objects.create(
        task=send_email.name, kwargs=_email(), queue=Queue.EMAIL, next_attempt_at=timezone.now()
    )
    task_id = row.celery_task_id
    send_email.apply(kwargs=_email(), task_id=task_id)
    send_email.apply(kwargs=_email(), task_id=task_id)  # the sweep or the broker delivered it again
    assert len(mailoutbox) == 1
    assert OutboxTask.objects.get(pk=row.pk).completed_at is not None


@pytest.mark.django_db(transaction=True)
def test_an_email_whose_connection_died_after_smtp_took_it_is_not_sent_again(
    settings: Any,
) -> None:
    row = OutboxTask.objects.create(
        task=send_email.name, kwargs=_email(), queue=Queue.EMAIL, next_attempt_at=timezone.now()
    )
    with fake_smtp() as smtp:
        settings.MAILERS = smtp.mailers
        smtp.on_accept = terminate_this_connection()  # the worker's connection dies right then
        assert send_email.apply(kwargs=_email(), task_id=row.celery_task_id).get() == "sent"
        smtp.on_accept = None
        # Published again by the sweep (or redelivered) later: it is done, nothing leaves.
        OutboxTask.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        assert send_email.apply(kwargs=_email(), task_id=row.celery_task_id).get() == "done"
        assert len(smtp.accepted) == 1
    row.refresh_from_db()
    assert row.completed_at is not None
    assert row.last_error == ""


@pytest.mark.django_db(transaction=True)
def test_an_email_claimed_by_a_process_that_died_is_reported_not_sent_twice(
    mailoutbox: list[Any],
) -> None:
    claimed = timezone.now() - outbox.SEND_WINDOW - timedelta(seconds=1)
    row = OutboxTask.objects.create(
        task=send_email.name,
        kwargs=_email(),
        queue=Queue.EMAIL,
        next_attempt_at=timezone.now(),
        started_at=claimed,  # claimed, then the process died: sent or not, nobody knows
    )
    assert send_email.apply(kwargs=_email(), task_id=row.celery_task_id).get() == "unknown"
    assert mailoutbox == []
    row.refresh_from_db()
    assert row.completed_at is not None  # the sweep stops publishing it
    assert row.last_error.startswith("outcome unknown")


@pytest.fixture
def nowhere_queue() -> Any:
    """A queue no worker consumes; its messages are removed afterwards."""
    yield "nowhere-" + str(id(object()))
    import redis

    client = redis.Redis.from_url(current_app.conf.broker_url)
    for key in client.scan_iter("nowhere-*"):
        client.delete(key)


@pytest.mark.django_db(transaction=True)
def test_a_published_row_nobody_completed_is_published_again_later(nowhere_queue: str) -> None:
    with transaction.atomic():
        row = outbox_enqueue("core.tasks.nobody_runs_this", args=[1], queue=nowhere_queue)
    row.refresh_from_db()
    assert row.attempts == 1
    assert row.completed_at is None
    assert row.next_attempt_at >= row.published_at + outbox.REDELIVER_AFTER
    assert outbox_publish_due() == 0  # not due yet
    OutboxTask.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert outbox_publish_due() == 1  # the broker lost it: published again
    row.refresh_from_db()
    assert row.attempts == 2
    assert row.next_attempt_at >= row.published_at + 2 * outbox.REDELIVER_AFTER  # backing off


@pytest.mark.django_db(transaction=True)
def test_the_same_dedupe_key_reuses_the_open_row() -> None:
    with transaction.atomic():
        first = outbox_enqueue("x.y", args=[1], queue="nowhere", dedupe_key="thing:1")
        again = outbox_enqueue("x.y", args=[1], queue="nowhere", dedupe_key="thing:1")
    assert first.pk == again.pk
    OutboxTask.objects.filter(pk=first.pk).update(completed_at=timezone.now())
    later = outbox_enqueue("x.y", args=[1], queue="nowhere", dedupe_key="thing:1")
    assert later.pk != first.pk


@pytest.mark.django_db(transaction=True)
def test_many_rows_are_recorded_in_one_insert_and_published_after_commit(
    nowhere_queue: str, django_assert_max_num_queries: Any
) -> None:
    calls = [([n], f"many:{n}") for n in range(50)]
    with django_assert_max_num_queries(4), transaction.atomic():
        rows = outbox.outbox_enqueue_many("chorus.test.nothing", calls=calls, queue=nowhere_queue)
    assert len(rows) == 50
    published = OutboxTask.objects.filter(pk__in=[r.pk for r in rows], published_at__isnull=False)
    assert published.count() == 50
    assert {r.attempts for r in published} == {1}


@pytest.mark.django_db(transaction=True)
def test_many_rows_wait_in_the_database_when_the_broker_is_down(broker_down: None) -> None:
    with transaction.atomic():
        rows = outbox.outbox_enqueue_many("chorus.test.nothing", calls=[([1], None), ([2], None)])
    waiting = OutboxTask.objects.filter(pk__in=[r.pk for r in rows])
    assert [r.published_at for r in waiting] == [None, None]
    assert all(r.next_attempt_at > timezone.now() for r in waiting)


@pytest.mark.django_db(transaction=True)
def test_nothing_of_many_is_recorded_when_the_transaction_rolls_back() -> None:
    def enqueue_then_fail() -> None:
        with transaction.atomic():
            outbox.outbox_enqueue_many("chorus.test.nothing", calls=[([1], "x")])
            raise RuntimeError("the request failed after asking for the work")

    with pytest.raises(RuntimeError):
        enqueue_then_fail()
    assert not OutboxTask.objects.exists()
