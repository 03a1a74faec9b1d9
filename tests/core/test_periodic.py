"""Each periodic job runs once per interval, however often beat fires it: a database claim per
(job, interval)."""

import subprocess
import sys
import textwrap
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection

from core.models import PeriodicRun
from core.periodic import once_per_interval, periodic_claim

runs: list[str] = []


@once_per_interval("tests: hourly job", every=timedelta(hours=1))
def hourly_job() -> str:
    runs.append("ran")
    return "done"


@pytest.mark.django_db
def test_a_second_firing_in_the_same_interval_does_nothing() -> None:
    runs.clear()
    assert hourly_job() == "done"
    assert hourly_job() is None  # a restarted beat, or a second beat, fired it again
    assert runs == ["ran"]
    assert PeriodicRun.objects.filter(job="tests: hourly job").count() == 1


@pytest.mark.django_db
def test_a_job_that_fails_gives_its_claim_back() -> None:
    @once_per_interval("tests: failing job", every=timedelta(hours=1))
    def failing() -> None:
        raise RuntimeError("broken")

    with pytest.raises(RuntimeError):
        failing()
    assert not PeriodicRun.objects.filter(job="tests: failing job").exists()
    assert periodic_claim("tests: failing job", every=timedelta(hours=1)) is not None


@pytest.mark.django_db
def test_a_claim_just_before_an_interval_boundary_blocks_one_just_after() -> None:
    first = periodic_claim("tests: boundary", every=timedelta(minutes=1))
    assert first is not None
    # Pretend the first firing was 10 s before this interval began (beat jitter at the edge).
    PeriodicRun.objects.filter(pk=first.pk).update(
        interval_start=first.interval_start - timedelta(minutes=1)
    )
    assert periodic_claim("tests: boundary", every=timedelta(minutes=1)) is None


CLAIM_SCRIPT = textwrap.dedent(
    """
    import os, sys, time, django
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    django.setup()
    from django.conf import settings
    from django.db import connections
    settings.DATABASES["default"]["NAME"] = sys.argv[1]
    connections["default"].close()
    from datetime import timedelta
    from core.periodic import periodic_claim
    start = float(sys.argv[2])
    while time.time() < start:
        time.sleep(0.01)
    print("claimed" if periodic_claim("tests: two processes", every=timedelta(hours=1)) else "skipped")
    """
)


@pytest.mark.django_db(transaction=True)
def test_two_processes_firing_at_once_run_the_job_once() -> None:
    import time

    name = connection.settings_dict["NAME"]
    start = str(time.time() + 10)  # all processes are ready by then and claim at the same instant
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CLAIM_SCRIPT, name, start],
            stdout=subprocess.PIPE,
            text=True,
            cwd=settings.BASE_DIR,
        )
        for _ in range(4)
    ]
    outputs = sorted(p.communicate(timeout=180)[0].strip() for p in procs)
    assert outputs == ["claimed", "skipped", "skipped", "skipped"]
    assert PeriodicRun.objects.filter(job="tests: two processes").count() == 1
