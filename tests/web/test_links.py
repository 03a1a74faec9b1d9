"""Links follow the address the site is served at (issue 7)."""

from typing import Any

import pytest
from django.contrib.sites.models import Site
from django.test import RequestFactory

from core.links import absolute_url
from web.apps import sync_site

pytestmark = pytest.mark.django_db


def test_links_follow_the_request_host_when_there_is_one(settings: Any) -> None:
    settings.SITE_URL = "http://127.0.0.1:8000"
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8101")
    assert absolute_url("/r/abc", request) == "http://127.0.0.1:8101/r/abc"


def test_links_without_a_request_use_site_url(settings: Any) -> None:
    settings.SITE_URL = "http://127.0.0.1:8101/"
    assert absolute_url("/r/abc") == "http://127.0.0.1:8101/r/abc"
    assert absolute_url("https://elsewhere.test/x") == "https://elsewhere.test/x"


def test_the_site_is_chorus_at_site_url_not_example_com(settings: Any) -> None:
    settings.SITE_URL = "http://127.0.0.1:8101"
    sync_site()
    site = Site.objects.get_current()
    assert (site.name, site.domain) == ("Chorus", "127.0.0.1:8101")


def test_run_script_sets_site_url_from_port() -> None:
    from pathlib import Path

    script = (Path(__file__).resolve().parents[2] / "scripts" / "run.sh").read_text()
    assert "CHORUS_SITE_URL=${CHORUS_SITE_URL:-http://127.0.0.1:$PORT}" in script
