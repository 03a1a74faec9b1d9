"""Raw tokens (invitation, password reset, e-mail confirmation) never appear in the logs.

A journey runs through all three links while everything logged is written by the project's own
configured console handler (its formatter and filters) into a buffer; the raw tokens are then
searched for in what was written.
"""

import io
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from core.log_redaction import REDACTED, redact
from organizations.roles import Role
from organizations.services import invitation_create
from tests.conftest import Tenant
from tests.factories.organizations import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-and-fresh-passphrase-42"


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    configured = logging.getHandlerByName("console")
    assert configured is not None, "settings.LOGGING defines the 'console' handler"
    assert configured.filters, "the console handler redacts secrets"
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(configured.formatter)
    for log_filter in configured.filters:
        handler.addFilter(log_filter)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def _path_of_link(body: str, pattern: str) -> str:
    match = re.search(rf"https?://[^\s/]+({pattern}\S*)", body)
    assert match, body
    return match.group(1)


def test_a_journey_through_every_token_link_logs_no_raw_token(
    tenant_a: Tenant, mailoutbox: list[Any], captured_logs: io.StringIO
) -> None:
    tokens: list[str] = []

    # Invitation: the invitee opens the e-mailed link and creates their account.
    _, link = invitation_create(access=tenant_a.access(), email="new@example.com", role=Role.VIEWER)
    invite_path = link.split("://", 1)[1].split("/", 1)[1]
    invite_path = "/" + invite_path
    tokens.append(invite_path.rstrip("/").rsplit("/", 1)[1])
    invitee = Client()
    assert invitee.get(invite_path).status_code == 200
    response = invitee.post(
        invite_path, {"full_name": "New Person", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    # A used link answers 410 (logged by Django as a warning with the path).
    assert Client().get(invite_path).status_code == 410

    # Password reset.
    UserFactory(email="forgetful@example.com")
    client = Client()
    client.post(reverse("account_reset_password"), {"email": "forgetful@example.com"})
    reset_path = _path_of_link(mailoutbox[-1].body, "/accounts/password/reset/key/")
    tokens.append(reset_path.rstrip("/").rsplit("/", 1)[1])
    response = client.get(reset_path)
    assert response.status_code == 302
    client.post(response["Location"], {"password1": PASSWORD, "password2": PASSWORD})
    assert Client().get(reset_path).status_code in (200, 302, 400)  # used: a clear page

    # E-mail confirmation after sign-up.
    signup = Client()
    signup.post(
        reverse("web:signup_creator"),
        {
            "email": "cleo@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "full_name": "Cleo",
            "display_name": "cleo.makes",
        },
    )
    confirm_path = _path_of_link(mailoutbox[-1].body, "/accounts/confirm-email/")
    tokens.append(confirm_path.rstrip("/").rsplit("/", 1)[1])
    assert signup.get(confirm_path).status_code == 200
    signup.post(confirm_path)
    Client().get(confirm_path.replace(tokens[-1], "forged-" + tokens[-1][:8]))

    logs = captured_logs.getvalue()
    assert "request_finished" in logs, "request logging ran (so the check means something)"
    assert REDACTED in logs
    for token in tokens:
        assert len(token) >= 8
        assert token not in logs, f"raw token {token[:6]}… found in the logs"


def test_redact_covers_each_link_kind_and_query_tokens() -> None:
    assert redact("GET /invitations/abc123/") == f"GET /invitations/{REDACTED}/"
    assert redact("/accounts/password/reset/key/1a-xyz/") == (
        f"/accounts/password/reset/key/{REDACTED}/"
    )
    assert redact("/accounts/confirm-email/MjA:1t:abc/") == f"/accounts/confirm-email/{REDACTED}/"
    assert redact("/x/?a=1&token=s3cret&b=2") == f"/x/?a=1&token={REDACTED}&b=2"
    assert redact("/campaigns/cmp_123/") == "/campaigns/cmp_123/"
