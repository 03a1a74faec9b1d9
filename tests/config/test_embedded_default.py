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
