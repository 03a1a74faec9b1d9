"""Real processes for the fault tests: a Redis server on a port of the test's own, Celery worker
and beat processes, all pointed at the test's PostgreSQL database. Each can be killed (SIGKILL,
the whole process group or one pool process) and started again."""

from __future__ import annotations

import importlib
import json
import os
import signal
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import connection

from core import outbox


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Process:
    """A command run in a session of its own (so its pool children can be killed with it)."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def start(self) -> Process:
        handle = self.log.open("ab")
        handle.write(f"\n==== start {self.starts + 1} at {time.time():.1f}\n".encode())
        handle.flush()
        self.popen = subprocess.Popen(
            self.argv,
            env=self.env,
            cwd=settings.BASE_DIR,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.starts += 1
        return self

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def children(self) -> list[int]:
        out = subprocess.run(
            ["pgrep", "-P", str(self.pid)], capture_output=True, text=True, check=False
        ).stdout
        return [int(p) for p in out.split()]

    def kill(self) -> None:
        """SIGKILL the whole process group: the main process and its pool, no clean-up."""
        if self.popen is None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        self.popen.wait(10)

    def stop(self) -> None:
        if not self.alive():
            return
        assert self.popen is not None
        try:
            os.killpg(self.pid, signal.SIGTERM)
            self.popen.wait(15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            self.kill()

    def pause(self) -> None:
        """SIGSTOP the whole process group: frozen where it stands (to look before a kill)."""
        os.killpg(self.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.killpg(self.pid, signal.SIGCONT)

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@dataclass
class Stack:
    """Redis + worker + beat for one test, and the helpers to watch what they did."""

    tmp: Path
    db_name: str
    redis_port: int = field(default_factory=free_port)
    processes: list[Process] = field(default_factory=list)
    redis: Process | None = None
    # Redis's persistence: none unless a test asks (e.g. production's append-only file).
    redis_args: list[str] = field(default_factory=lambda: ["--save", "", "--appendonly", "no"])
    # Added to every process's environment (settings read from it, or ``override_settings``).
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def mail_log(self) -> Path:
        return self.tmp / "mail.log"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="tests.faults.worker_settings",
            CHORUS_FAULT_DB_NAME=self.db_name,
            CHORUS_FAULT_MAIL_LOG=str(self.mail_log),
            REDIS_URL=self.redis_url,
            CELERY_BROKER_URL=self.redis_url,
            PYTHONPATH=str(settings.BASE_DIR),
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    def override_settings(self, **values: Any) -> None:
        """Django settings for the processes started from now on (JSON values;
        tests.faults.worker_settings applies them last)."""
        current = json.loads(self.extra_env.get("CHORUS_FAULT_SETTINGS", "{}"))
        current.update(values)
        self.extra_env["CHORUS_FAULT_SETTINGS"] = json.dumps(current)

    # -- Redis ----------------------------------------------------------------------------------

    def start_redis(self) -> None:
        self.redis = Process(
            "redis",
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                *self.redis_args,
                "--dir",
                str(self.tmp),
            ],
            self.env(),
            self.tmp / "redis.log",
        ).start()
        wait_until(self._redis_up, 20, "redis did not start")

    def _redis_up(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.redis_port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill_redis(self) -> None:
        assert self.redis is not None
        self.redis.kill()

    def shutdown_redis(self) -> None:
        """SIGTERM: Redis's own graceful shutdown (flushes its append-only file, if any)."""
        assert self.redis is not None
        self.redis.stop()

    # -- Celery ---------------------------------------------------------------------------------

    def worker(
        self,
        name: str = "worker",
        *,
        pool: str = "prefork",
        concurrency: int = 2,
        queues: str = "default,email",
    ) -> Process:
        celery = str(Path(settings.BASE_DIR) / ".venv" / "bin" / "celery")
        proc = Process(
            name,
            [
                celery,
                "-A",
                "config",
                "worker",
                "--loglevel=INFO",
                f"--pool={pool}",
                f"--concurrency={concurrency}",
                "-Q",
                queues,
                "--without-mingle",
                "--without-gossip",
                "-n",
                f"{name}-{os.getpid()}@%h",
            ],
            self.env(),
            self.tmp / f"{name}.log",
        )
        self.processes.append(proc)
        return proc

    def beat(self, name: str = "beat") -> Process:
        celery = str(Path(settings.BASE_DIR) / ".venv" / "bin" / "celery")
        proc = Process(
            name,
            [
                celery,
                "-A",
                "config",
                "beat",
                "--loglevel=INFO",
                "--max-interval=2",
                "-s",
                str(self.tmp / f"{name}-schedule"),
            ],
            self.env(),
            self.tmp / f"{name}.log",
        )
        self.processes.append(proc)
        return proc

    def web(self, name: str = "web") -> tuple[Process, str]:
        """gunicorn serving the project (a real web process: its own connections, reconnects)."""
        port = free_port()
        gunicorn = str(Path(settings.BASE_DIR) / ".venv" / "bin" / "gunicorn")
        proc = Process(
            name,
            [
                gunicorn,
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--timeout",
                "60",
            ],
            self.env(),
            self.tmp / f"{name}.log",
        )
        self.processes.append(proc)
        return proc, f"http://127.0.0.1:{port}"

    def stop_all(self) -> None:
        for proc in self.processes:
            proc.stop()
        if self.redis is not None:
            self.redis.kill()

    def emails_by_recipient(self) -> Counter[str]:
        if not self.mail_log.exists():
            return Counter()
        return Counter(line.split("\t", 1)[0] for line in self.mail_log.read_text().splitlines())

    def logs(self) -> str:
        return "\n".join(f"---- {p.name}\n{p.output()[-6000:]}" for p in self.processes)


def wait_until(condition: Callable[[], bool], timeout: float, message: str) -> float:
    """Poll ``condition`` until it holds; returns the seconds it took."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.25)
    if condition():
        return time.monotonic() - started
    raise AssertionError(f"{message} (waited {timeout:.0f} s)")


@contextmanager
def publishing_to(url: str) -> Iterator[None]:
    """This test process publishes (outbox, on commit) to the test's own Redis."""
    app = current_app
    saved = app.conf.broker_url, app.conf.broker_write_url
    app.conf.broker_url = app.conf.broker_write_url = url
    app._pool = None
    app.amqp._producer_pool = None
    outbox._state.paused_until = 0.0
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.broker_write_url = saved
        app._pool = None
        app.amqp._producer_pool = None
        outbox._state.paused_until = 0.0


@contextmanager
def stack(tmp: Path, *, redis_args: list[str] | None = None) -> Iterator[Stack]:
    """Redis on its own port (``redis_args``: its persistence, none by default), publishing
    pointed at it; everything stopped afterwards."""
    s = Stack(tmp=tmp, db_name=str(connection.settings_dict["NAME"]))
    if redis_args is not None:
        s.redis_args = redis_args
    s.start_redis()
    try:
        with publishing_to(s.redis_url):
            yield s
    finally:
        s.stop_all()


def install_sweep_schedules() -> None:
    """Beat's schedule rows (written by migrations; a transactional test's flush removes them)."""
    from django.apps import apps

    for module in (
        "core.migrations.0002_outbox_sweep_schedule",
        "core.migrations.0003_outbox_sweep_every_10s",
        "discovery.migrations.0002_resume_stalled_batches_schedule",
        "discovery.migrations.0003_resume_stalled_batches_every_10s",
    ):
        for operation in importlib.import_module(module).Migration.operations:
            operation.code(apps, None)  # RunPython's forwards function


def install_periodic_task(name: str, task: str, *, every_seconds: int, expire_seconds: int) -> None:
    """A beat schedule row of the test's own (e.g. a job at a shorter interval than production's,
    to keep a fault test short)."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    interval, _ = IntervalSchedule.objects.get_or_create(every=every_seconds, period="seconds")
    PeriodicTask.objects.update_or_create(
        name=name,
        defaults={
            "task": task,
            "interval": interval,
            "enabled": True,
            "expire_seconds": expire_seconds,
        },
    )


def report(label: str, **figures: Any) -> None:
    """Print a measured figure (shown with pytest -s, and in the fault target's output)."""
    text = ", ".join(
        f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items()
    )
    print(f"\n[fault] {label}: {text}", flush=True)
