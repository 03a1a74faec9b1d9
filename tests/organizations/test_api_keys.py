"""API keys: created on a page (shown once, stored hashed), used as Bearer, revoked, expired, malformed."""

import hashlib
from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from organizations.models import ApiKey, AuditEvent
from organizations.roles import Role
from organizations.services import api_key_create
from tests.conftest import Tenant


def _api(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def _key(tenant: Tenant, role: str = Role.ADMIN, **kw: object) -> tuple[ApiKey, str]:
    return api_key_create(access=tenant.access(), name=f"{role} script", role=role, **kw)  # type: ignore[arg-type]


def test_a_key_created_on_the_page_is_shown_once_stored_hashed_and_recognisable(
    tenant_a: Tenant, client_for: Callable[..., Client]
) -> None:
    client = client_for(tenant_a.owner)
    url = reverse("organizations:api_keys", args=["acme"])

    response = client.post(url, {"name": "Reporting script", "role": "viewer"})

    assert response.status_code == 200
    raw = response.context["new_key"]
    assert raw.startswith("chorus_")
    assert raw in response.content.decode()
    key = ApiKey.objects.get()
    assert (key.name, key.role, key.created_by) == ("Reporting script", "viewer", tenant_a.owner)
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert key.prefix == raw[:12]
    assert raw not in str(ApiKey.objects.values().get()), "the raw key is stored nowhere"
    assert AuditEvent.objects.filter(action="api_key.created", target_id=key.public_id).exists()

    again = client.get(url).content.decode()
    assert raw not in again, "shown once"
    assert key.prefix in again, "recognisable by its prefix"


def test_the_key_form_refuses_an_expiry_in_the_past_and_a_missing_name(
    tenant_a: Tenant, client_for: Callable[..., Client]
) -> None:
    url = reverse("organizations:api_keys", args=["acme"])
    response = client_for(tenant_a.owner).post(
        url, {"name": "Old", "role": "admin", "expires_at": "2000-01-01"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["expires_at"] == [
        "The expiry date must be in the future."
    ]
    response = client_for(tenant_a.owner).post(url, {"name": "", "role": "admin"})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert not ApiKey.objects.exists()


def test_the_api_keys_page_is_for_admins_and_owners(
    tenant_a: Tenant, client_for: Callable[..., Client]
) -> None:
    manager = tenant_a.add_member(Role.MANAGER)
    response = client_for(manager).get(reverse("organizations:api_keys", args=["acme"]))
    assert response.status_code == 403
    assert "Your role (manager) cannot open this page." in response.content.decode()


def test_a_key_lists_members_as_bearer_and_records_its_last_use(
    tenant_a: Tenant, tenant_b: Tenant
) -> None:
    key, raw = _key(tenant_a)
    assert key.last_used_at is None

    response = _api(raw).get("/api/v1/members/")

    assert response.status_code == 200
    emails = {m["email"] for m in response.json()["results"]}
    assert emails == {"owner-a@example.com", "bea@example.com"}
    key.refresh_from_db()
    assert key.last_used_at is not None
    assert timezone.now() - key.last_used_at < timedelta(minutes=1)


def test_a_revoked_key_gets_401_json(tenant_a: Tenant, client_for: Callable[..., Client]) -> None:
    key, raw = _key(tenant_a)
    client_for(tenant_a.owner).post(
        reverse("organizations:api_key_revoke", args=["acme", key.public_id])
    )
    key.refresh_from_db()
    assert key.revoked_at is not None

    response = _api(raw).get("/api/v1/members/")

    assert response.status_code == 401
    assert response.json() == {
        "code": "authentication_failed",
        "message": "This API key has been revoked or has expired.",
        "fields": {},
    }
    assert response["WWW-Authenticate"] == 'Bearer realm="chorus"'


def test_an_expired_key_gets_401(tenant_a: Tenant) -> None:
    key, raw = _key(tenant_a, expires_at=timezone.now() + timedelta(days=1))
    assert _api(raw).get("/api/v1/members/").status_code == 200
    ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = _api(raw).get("/api/v1/members/")

    assert response.status_code == 401
    assert response.json()["message"] == "This API key has been revoked or has expired."


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Bearer", "Malformed Authorization header: use 'Bearer <key>'."),
        ("Bearer chorus_abc def", "Malformed Authorization header: use 'Bearer <key>'."),
        ("Bearer sk_live_0123456789abcdefghijkl", "Malformed API key: keys start with 'chorus_'."),
        ("Bearer chorus_" + "\xe9" * 30, "Malformed API key: keys start with 'chorus_'."),
        ("Bearer chorus_" + "x" * 200, "Malformed API key: keys start with 'chorus_'."),
        ("Bearer chorus_thisKeyWasNeverIssued0123456789", "Unknown API key."),
        ("Basic dXNlcjpwYXNz", "Authentication credentials were not provided."),
    ],
)
def test_a_malformed_or_unknown_key_gets_401_with_a_clear_message(
    tenant_a: Tenant, header: str, message: str
) -> None:
    response = APIClient().get("/api/v1/members/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    body = response.json()
    assert body["message"] == message
    assert body["code"] in ("authentication_failed", "not_authenticated")


def test_a_viewer_key_reads_but_cannot_invite(tenant_a: Tenant) -> None:
    _, raw = _key(tenant_a, role=Role.VIEWER)
    client = _api(raw)
    assert client.get("/api/v1/invitations/").status_code == 200

    response = client.post(
        "/api/v1/invitations/", {"email": "x@example.com", "role": "viewer"}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not tenant_a.org.invitations.exists()


def test_a_manager_key_cannot_invite_an_admin(tenant_a: Tenant) -> None:
    _, raw = _key(tenant_a, role=Role.MANAGER)
    response = _api(raw).post(
        "/api/v1/invitations/", {"email": "x@example.com", "role": "admin"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "role_not_grantable"
    assert response.json()["fields"] == {"role": ["Choose a role no higher than your own."]}


def test_an_admin_key_invites_and_the_link_is_never_returned(
    tenant_a: Tenant, mailoutbox: list[Any]
) -> None:
    _, raw = _key(tenant_a)
    response = _api(raw).post(
        "/api/v1/invitations/", {"email": "new@example.com", "role": "reviewer"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert "accept_url" not in body  # the link travels only by e-mail, to the invitee
    assert "/invitations/" not in response.content.decode()
    assert body["status"] == "pending"
    listed = _api(raw).get(f"/api/v1/invitations/{body['id']}/").json()
    assert "accept_url" not in listed


def test_the_management_command_prints_a_working_key(tenant_a: Tenant) -> None:
    out, err = StringIO(), StringIO()
    call_command(
        "create_api_key", "acme", "--name", "Ops", "--role", "viewer", stdout=out, stderr=err
    )
    raw = out.getvalue().strip()
    assert raw.startswith("chorus_")
    assert "Created Ops" in err.getvalue()
    assert ApiKey.objects.get(organization=tenant_a.org).role == "viewer"
    assert _api(raw).get("/api/v1/members/").status_code == 200


def test_the_management_command_explains_an_unknown_organization(db: None) -> None:
    with pytest.raises(CommandError, match="No organization with slug 'nope'"):
        call_command("create_api_key", "nope", stdout=StringIO(), stderr=StringIO())
    assert not ApiKey.objects.exists()


def test_the_management_command_refuses_an_owner_key(tenant_a: Tenant) -> None:
    with pytest.raises(CommandError):
        call_command(
            "create_api_key", "acme", "--role", "owner", stdout=StringIO(), stderr=StringIO()
        )
    assert not ApiKey.objects.exists()
