"""Stripe settings: the local stand-in is the default (``STRIPE_STANDIN_URL``, set by
``make run``), never an override; explicit values win; without either, the real Stripe."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json
from config.settings.components import stripe as s
print(json.dumps({"api": s.STRIPE_API_BASE, "connect": s.STRIPE_CONNECT_BASE,
                  "key": s.STRIPE_SECRET_KEY, "secrets": s.STRIPE_WEBHOOK_SECRETS}))
"""
NAMES = (
    "STRIPE_STANDIN_URL",
    "STRIPE_API_BASE",
    "STRIPE_CONNECT_BASE",
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRETS",
    "STRIPE_WEBHOOK_SECRET",
)


def _settings(tmp_path: Path, **values: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k not in NAMES}
    # Like make run, the probe also reads the repository's .env if a developer made one.
    env |= {"CHORUS_VAR_DIR": str(tmp_path), **values}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    parsed: dict[str, object] = json.loads(result.stdout)
    return parsed


def test_without_anything_it_is_the_real_stripe_and_no_key(tmp_path: Path) -> None:
    assert _settings(tmp_path) == {
        "api": "https://api.stripe.com",
        "connect": "https://connect.stripe.com",
        "key": "",
        "secrets": [],
    }


def test_the_standin_is_the_default(tmp_path: Path) -> None:
    assert _settings(tmp_path, STRIPE_STANDIN_URL="http://127.0.0.1:12111/") == {
        "api": "http://127.0.0.1:12111",
        "connect": "http://127.0.0.1:12111",
        "key": "sk_test_chorus_standin",
        "secrets": ["whsec_chorus_standin"],
    }


def test_explicit_values_win_over_the_standin(tmp_path: Path) -> None:
    values = _settings(
        tmp_path,
        STRIPE_STANDIN_URL="http://127.0.0.1:12111",
        STRIPE_API_BASE="https://api.stripe.com",
        STRIPE_SECRET_KEY="sk_live_x",
        STRIPE_WEBHOOK_SECRETS="whsec_new,whsec_old",
    )
    assert values["api"] == "https://api.stripe.com"
    assert values["key"] == "sk_live_x"
    assert values["secrets"] == ["whsec_new", "whsec_old"]
