"""``make run`` (config.settings.local): the product's own error pages, DEBUG one variable away,
static files still served (whitenoise), uploaded files never served from /media/."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client(raise_request_exception=False)
missing = client.get("/no-such-page/")
static = client.get("/static/css/app.css")
media = client.get("/media/anything.html")
print(json.dumps({
    "debug": settings.DEBUG,
    "missing_status": missing.status_code,
    "debug_page": b"Using the URLconf" in missing.content or b"urlpatterns" in missing.content,
    "static_status": static.status_code,
    "media_status": media.status_code,
}))
"""


def _probe(tmp_path: Path, **extra: str) -> dict[str, object]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_DEBUG")
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "CHORUS_VAR_DIR": str(tmp_path),
        **extra,
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_embedded_default_serves_its_own_404_page_and_static_files(tmp_path: Path) -> None:
    probe = _probe(tmp_path)
    assert probe["debug"] is False
    assert probe["missing_status"] == 404
    assert probe["debug_page"] is False, "Django's debug page lists every URL pattern"
    assert probe["static_status"] == 200
    assert probe["media_status"] == 404


def test_one_environment_variable_turns_debugging_on(tmp_path: Path) -> None:
    probe = _probe(tmp_path, DJANGO_DEBUG="1")
    assert probe["debug"] is True
    assert probe["media_status"] == 404  # uploaded files stay private even when debugging


WRITERS = """
import json, threading, time, django
django.setup()
from django.db import connection, connections, transaction
with connection.cursor() as cur:
    cur.execute("CREATE TABLE IF NOT EXISTS probe (n integer)")
    cur.execute("PRAGMA journal_mode")
    mode = cur.fetchone()[0]
errors = []
def writer(n):
    try:
        with transaction.atomic():  # read, pause, then write: the worker's usual shape
            with connection.cursor() as cur:
                cur.execute("SELECT COUNT(*) FROM probe")
                time.sleep(0.3)
                cur.execute("INSERT INTO probe (n) VALUES (%s)", [n])
    except Exception as exc:
        errors.append(repr(exc))
    finally:
        connections.close_all()
threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
for t in threads: t.start()
for t in threads: t.join()
with connection.cursor() as cur:
    cur.execute("SELECT COUNT(*) FROM probe")
    rows = cur.fetchone()[0]
print(json.dumps({"errors": errors, "rows": rows, "journal": mode}))
"""


def test_concurrent_writers_on_the_embedded_default_queue_instead_of_failing(
    tmp_path: Path,
) -> None:
    """Web, worker threads and beat share one SQLite file: a transaction that reads and then
    writes waits for the other writers rather than failing with "database is locked"."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings.local", "CHORUS_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", WRITERS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {"errors": [], "rows": 4, "journal": "wal"}
