"""Every platform base URL setting takes effect, on the embedded default too: the simulator
fills the gaps, it does not override what the environment names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings.components.platforms import REAL_PLATFORM_URLS, platform_urls

ROOT = Path(__file__).resolve().parents[2]
SIM = "http://127.0.0.1:8765"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, REAL_PLATFORM_URLS),
        (
            {"PLATFORM_SIMULATOR_URL": SIM + "/"},
            {p: f"{SIM}/{p}" for p in REAL_PLATFORM_URLS},
        ),
        (
            {"PLATFORM_SIMULATOR_URL": SIM, "TIKTOK_API_BASE_URL": "http://stand-in:9000"},
            {
                "tiktok": "http://stand-in:9000",
                "instagram": f"{SIM}/instagram",
                "youtube": f"{SIM}/youtube",
            },
        ),
        (
            {
                "PLATFORM_SIMULATOR_URL": SIM,
                "INSTAGRAM_API_BASE_URL": "https://graph.instagram.com/v25.0",
                "YOUTUBE_API_BASE_URL": "https://www.googleapis.com/youtube/v3",
            },
            {
                "tiktok": f"{SIM}/tiktok",
                "instagram": "https://graph.instagram.com/v25.0",
                "youtube": "https://www.googleapis.com/youtube/v3",
            },
        ),
        (
            {"YOUTUBE_API_BASE_URL": "http://yt-stand-in"},
            {**REAL_PLATFORM_URLS, "youtube": "http://yt-stand-in"},
        ),
    ],
)
def test_explicit_base_urls_win_and_the_simulator_fills_the_rest(
    environ: dict[str, str], expected: dict[str, str]
) -> None:
    base_urls, _ = platform_urls(environ)

    assert base_urls == expected


def test_short_link_base_urls_follow_the_same_rule() -> None:
    _, real = platform_urls({})
    _, simulated = platform_urls({"PLATFORM_SIMULATOR_URL": SIM})
    _, explicit = platform_urls(
        {"PLATFORM_SIMULATOR_URL": SIM, "TIKTOK_SHORT_LINK_BASE_URL": "http://short-stand-in"}
    )

    assert real["vm.tiktok.com"] == "https://vm.tiktok.com"
    assert real["vt.tiktok.com"] == "https://vt.tiktok.com"
    assert set(simulated.values()) == {f"{SIM}/tiktok/short"}
    assert set(explicit.values()) == {"http://short-stand-in"}


def _settings_in_subprocess(module: str, extra_env: dict[str, str]) -> dict[str, dict[str, str]]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.endswith("_API_BASE_URL") and k != "PLATFORM_SIMULATOR_URL"
    }
    env.update(extra_env, DJANGO_SETTINGS_MODULE=module)
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.PLATFORM_BASE_URLS, settings.PLATFORM_SHORT_LINK_BASE_URLS]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    base, short = json.loads(result.stdout.strip().splitlines()[-1])
    return {"base": base, "short": short}


def test_embedded_default_honours_an_api_base_url_setting() -> None:
    got = _settings_in_subprocess(
        "config.settings.local", {"YOUTUBE_API_BASE_URL": "http://127.0.0.1:9999/yt"}
    )

    assert got["base"]["youtube"] == "http://127.0.0.1:9999/yt"
    assert got["base"]["tiktok"] == "http://127.0.0.1:8765/tiktok"  # simulator by default
    assert got["short"]["vm.tiktok.com"] == "http://127.0.0.1:8765/tiktok/short"
