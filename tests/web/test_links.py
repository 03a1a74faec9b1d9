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


def test_password_reset_page_has_the_product_look_and_a_way_back_to_log_in(client: Any) -> None:
    from django.urls import reverse

    html = client.get(reverse("account_reset_password")).content.decode()
    assert "auth-card" in html
    assert 'data-testid="back-to-login"' in html
    assert reverse("account_login") in html
    login = client.get(reverse("account_login")).content.decode()
    assert 'data-testid="back-to-login"' not in login


def test_password_reset_email_says_chorus(client: Any, mailoutbox: Any, settings: Any) -> None:
    from django.urls import reverse

    from tests.factories.organizations import UserFactory

    settings.SITE_URL = "http://127.0.0.1:8101"
    sync_site()
    UserFactory(email="forgot@example.com")
    client.post(reverse("account_reset_password"), {"email": "forgot@example.com"})
    mail = mailoutbox[-1]
    assert mail.subject.startswith("[Chorus]")
    assert "example.com" not in mail.subject
    assert "http://testserver/" in mail.body or "127.0.0.1:8101" in mail.body


def test_a_new_api_key_starts_at_the_lowest_role_that_reads() -> None:
    from organizations.forms import ApiKeyForm
    from organizations.roles import Role

    assert ApiKeyForm().fields["role"].initial == Role.VIEWER
