"""Beat killed and restarted right after a firing, and two beats at once: each periodic job still
runs once per interval (the database claim in core.periodic)."""

import itertools
import time
from typing import Any

import pytest

from core.models import PeriodicRun
from core.outbox import SWEEP_SECONDS
from core.tasks import OUTBOX_SWEEP_TASK
from tests.faults.harness import install_sweep_schedules, report, stack, wait_until

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]

INTERVAL = float(SWEEP_SECONDS)  # the outbox sweep's schedule (core.migrations.0003)


def _firings(log: str) -> int:
    return log.count("Sending due task core: outbox sweep")


def test_a_restarted_beat_and_a_second_beat_do_not_run_a_job_twice(fault_tmp: Any) -> None:
    install_sweep_schedules()
    with stack(fault_tmp) as s:
        worker = s.worker(pool="threads", concurrency=2).start()
        first = s.beat("beat-a").start()
        wait_until(lambda: _firings(first.output()) >= 1, 60, "beat never fired")
        first.kill()  # right after a firing, inside beat's sync window
        first.start()
        second = s.beat("beat-b").start()  # and a second beat, as during a botched deploy
        started = time.monotonic()
        while time.monotonic() - started < 2 * INTERVAL + 5:
            time.sleep(1)
        time.sleep(5)  # the worker takes the last firings
        assert worker.alive()
        fired = _firings(first.output()) + _firings(second.output())

    runs = list(
        PeriodicRun.objects.filter(job=OUTBOX_SWEEP_TASK)
        .order_by("started_at")
        .values_list("started_at", "interval_start")
    )
    report("beat restart + two beats", fired=fired, ran=len(runs))
    assert fired > len(runs), "the fault did not happen: no job was fired twice"
    starts = [start for start, _ in runs]
    assert len({interval for _, interval in runs}) == len(runs)
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(starts)]
    assert all(gap >= INTERVAL / 2 for gap in gaps), gaps  # never twice in one interval
