"""A real Celery worker, in a thread, consuming our queues from the real Redis broker.

Tests must not mock the queue, so a test that needs a task to run (an e-mail sent on commit)
starts this worker: the service publishes with ``.delay()`` exactly as in production, the message
goes through Redis (serialisation, routing to the queue named in core.queues), and the worker
thread runs the task. Several test runs share one Redis database (the developers' runs, CI), so
the worker and the publisher use a key prefix of their own for the run: nobody else's messages
are consumed, and ours reach nobody else. The prefix's keys are deleted afterwards.
"""

import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import redis
from celery import Celery
from celery.contrib.testing.worker import start_worker

from core.queues import Queue
from core.tasks import send_email


def _reset_connection_pools(app: Celery) -> None:
    # The app caches its broker pools; new ones pick up the transport options set just before.
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def celery_worker(queues: list[str] | None = None) -> Iterator[Any]:
    """Run a worker until the block ends.

    The worker is built in a helper thread of its own: Celery's Django fixup closes the database
    connections of the thread that creates the worker (right for a real worker process), and the
    test's connection, which holds the test's transaction, must survive.
    """
    app: Celery = send_email.app
    prefix = f"chorus-test-{os.getpid()}-{uuid.uuid4().hex[:8]}:"
    saved = dict(app.conf.broker_transport_options or {})
    app.conf.broker_transport_options = {**saved, "global_keyprefix": prefix}
    _reset_connection_pools(app)
    ready, stop = threading.Event(), threading.Event()
    started: list[Any] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            with start_worker(
                app,
                queues=queues or [q.value for q in Queue],
                perform_ping_check=False,
                loglevel="WARNING",
                shutdown_timeout=30,
            ) as worker:
                started.append(worker)
                ready.set()
                stop.wait()
        except BaseException as exc:  # reported to the test below
            failed.append(exc)
            ready.set()

    thread = threading.Thread(target=run, name="celery-test-worker", daemon=True)
    thread.start()
    try:
        if not ready.wait(60):
            raise RuntimeError("the Celery test worker did not start within 60 s")
        if failed:
            raise failed[0]
        yield started[0]
    finally:
        stop.set()
        thread.join(60)
        app.conf.broker_transport_options = saved
        _reset_connection_pools(app)
        client = redis.Redis.from_url(app.conf.broker_url)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll until ``condition()`` holds (the worker runs in another thread)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()
