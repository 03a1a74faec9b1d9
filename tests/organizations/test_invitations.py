"""Invitations: who may invite whom, the e-mail (through Celery), accepting, and every bad token.

The invitation e-mail is enqueued on commit with ``send_email.delay``. These tests do not mock the
queue: a real Celery worker thread consumes the e-mail queue from Redis (``email_worker``), so the
message really goes through the broker (serialisation, routing to ``Queue.EMAIL``) and the task
really runs — what production does, minus the separate process.
"""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.errors import ChorusError, Forbidden
from organizations.models import AuditEvent, Invitation, Membership
from organizations.roles import Role
from organizations.services import invitation_create, invitation_revoke
from tests.conftest import Tenant
from tests.core.celery_worker import wait_for
from tests.factories.organizations import UserFactory
from users.models import User

PASSWORD = "a-long-and-fresh-passphrase-42"


def _token(link: str) -> str:
    match = re.search(r"/invitations/([^/]+)/$", link)
    assert match, link
    return match.group(1)


def _invite(
    tenant: Tenant, email: str = "newbie@example.com", role: str = Role.REVIEWER, **kw: Any
) -> tuple[Invitation, str]:
    invitation, link = invitation_create(access=tenant.access(), email=email, role=role, **kw)
    return invitation, reverse("organizations:invitation_accept", args=[_token(link)])


def _state() -> dict[str, Any]:
    """What an invitation link could change."""
    return {
        "users": sorted(User.objects.values_list("email", flat=True)),
        "memberships": sorted(Membership.objects.values_list("organization_id", "user_id", "role")),
        "invitations": sorted(
            Invitation.objects.values_list("pk", "accepted_at", "accepted_by", "revoked_at")
        ),
        "emails": sorted(EmailAddress.objects.values_list("email", "verified")),
    }


# --- who may invite whom -------------------------------------------------------------------------


def test_a_viewer_cannot_invite(tenant_a: Tenant, client_for: Callable[..., Client]) -> None:
    viewer = tenant_a.add_member(Role.VIEWER)
    with pytest.raises(Forbidden):
        invitation_create(
            access=tenant_a.access(Role.VIEWER, user=viewer),
            email="x@example.com",
            role=Role.VIEWER,
        )

    response = client_for(viewer).post(
        reverse("organizations:members", args=["acme"]),
        {"email": "x@example.com", "role": "viewer"},
        follow=True,
    )
    assert "Your role cannot invite people." in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("inviter_role", "role", "allowed"),
    [
        (Role.MANAGER, Role.REVIEWER, True),
        (Role.MANAGER, Role.MANAGER, True),
        (Role.MANAGER, Role.ADMIN, False),
        (Role.MANAGER, Role.OWNER, False),
        (Role.ADMIN, Role.ADMIN, True),
        (Role.ADMIN, Role.OWNER, False),
        (Role.OWNER, Role.OWNER, True),
    ],
)
def test_an_inviter_grants_at_most_their_own_role_and_only_owners_grant_owner(
    tenant_a: Tenant, inviter_role: str, role: str, allowed: bool
) -> None:
    inviter = tenant_a.add_member(inviter_role)
    access = tenant_a.access(inviter_role, user=inviter)
    if allowed:
        invitation, _ = invitation_create(access=access, email="x@example.com", role=role)
        assert invitation.role == role
    else:
        with pytest.raises(ChorusError) as exc:
            invitation_create(access=access, email="x@example.com", role=role)
        assert exc.value.code == "role_not_grantable"
        assert exc.value.status_code == 403
        assert "role" in exc.value.fields
        assert not Invitation.objects.exists()


def test_the_invite_form_offers_only_grantable_roles_and_refuses_others(
    tenant_a: Tenant, client_for: Callable[..., Client]
) -> None:
    manager = tenant_a.add_member(Role.MANAGER)
    client = client_for(manager)
    page = client.get(reverse("organizations:members", args=["acme"]))
    offered = [value for value, _ in page.context["form"].fields["role"].choices]
    assert offered == [Role.MANAGER, Role.REVIEWER, Role.VIEWER]

    response = client.post(
        reverse("organizations:members", args=["acme"]), {"email": "x@example.com", "role": "admin"}
    )
    assert response.status_code == 400
    assert "role" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_inviting_someone_who_is_already_a_member_is_refused(tenant_a: Tenant) -> None:
    with pytest.raises(ChorusError) as exc:
        invitation_create(access=tenant_a.access(), email="BEA@example.com", role=Role.VIEWER)
    assert exc.value.code == "already_member"
    assert exc.value.fields == {"email": ["Already a member."]}


def test_a_second_pending_invitation_to_the_same_address_is_refused_until_the_first_is_revoked(
    tenant_a: Tenant, client_for: Callable[..., Client]
) -> None:
    first, _ = _invite(tenant_a, email="dup@example.com")
    response = client_for(tenant_a.owner).post(
        reverse("organizations:members", args=["acme"]),
        {"email": "Dup@Example.com", "role": "viewer"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["email"] == [
        "dup@example.com already has a pending invitation. Revoke it to send a new one."
    ]
    assert Invitation.objects.count() == 1

    invitation_revoke(access=tenant_a.access(), invitation=first)
    second, _ = _invite(tenant_a, email="dup@example.com")
    assert second.pk != first.pk


# --- the e-mail --------------------------------------------------------------------------------------


def test_the_invitation_email_is_sent_through_celery_once_the_invitation_is_committed(
    db: None,
    tenant_a: Tenant,
    client_for: Callable[..., Client],
    email_worker: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(tenant_a.owner)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("organizations:members", args=["acme"]),
            {"email": "Newbie@Example.com", "role": "reviewer"},
        )
        assert response.status_code == 200
        assert mailoutbox == [], "nothing is sent before the invitation is committed"
    assert len(callbacks) == 1

    assert wait_for(lambda: len(mailoutbox) >= 1), "the worker did not send the e-mail"
    (mail,) = mailoutbox
    assert mail.to == ["newbie@example.com"]
    assert mail.subject == "You're invited to Acme Agency on Chorus"
    assert "owner-a@example.com invited you to join Acme Agency on Chorus as reviewer" in mail.body
    link = re.search(r"https?://\S+/invitations/\S+/", mail.body).group(0)  # type: ignore[union-attr]
    # The inviter never sees the link: it travels only by e-mail, to the invitee.
    assert _token(link) not in response.content.decode()
    assert "invite_link" not in response.context
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.status) == (
        "newbie@example.com",
        "reviewer",
        "pending",
    )
    assert link.endswith(reverse("organizations:invitation_accept", args=[_token(link)]))
    assert _token(link) not in invitation.token_hash, "only a hash of the token is stored"
    assert AuditEvent.objects.filter(
        action="invitation.created", target_id=invitation.public_id
    ).exists()


# --- accepting ---------------------------------------------------------------------------------------


def test_an_existing_user_accepts_while_logged_in(
    tenant_a: Tenant, client_for: Callable[..., Client]
) -> None:
    invitee = UserFactory(email="newbie@example.com")
    brand = tenant_a.brand
    invitation, url = _invite(tenant_a, role=Role.REVIEWER, brand=brand)
    client = client_for(invitee)

    page = client.get(url)
    assert page.status_code == 200
    assert "Acme Agency" in page.content.decode()

    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("organizations:dashboard", args=["acme"])
    membership = Membership.objects.get(organization=tenant_a.org, user=invitee)
    assert (membership.role, membership.brand) == (Role.REVIEWER, brand)
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    assert invitation.accepted_by == invitee
    assert client.get(response["Location"]).status_code == 200


def test_an_existing_user_who_is_logged_out_is_asked_to_log_in(
    tenant_a: Tenant, client: Client
) -> None:
    UserFactory(email="newbie@example.com")
    _, url = _invite(tenant_a)
    before = _state()
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["signup_form"] is None
    assert f"{reverse('account_login')}?next=" in page.content.decode()
    client.post(url, {"full_name": "Intruder", "password1": PASSWORD, "password2": PASSWORD})
    assert _state() == before


def test_a_new_person_signs_up_on_the_invitation_page(tenant_a: Tenant, client: Client) -> None:
    invitation, url = _invite(tenant_a, role=Role.REVIEWER)
    assert client.get(url).context["signup_form"] is not None

    response = client.post(
        url, {"full_name": "Nina Newbie", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("organizations:dashboard", args=["acme"])
    user = User.objects.get(email="newbie@example.com")
    assert user.full_name == "Nina Newbie"
    assert user.check_password(PASSWORD)
    assert EmailAddress.objects.get(user=user).verified, "the link proved the address"
    assert Membership.objects.get(organization=tenant_a.org, user=user).role == Role.REVIEWER
    assert client.session["_auth_user_id"] == str(user.pk), "logged in straight away"
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    assert client.get(response["Location"]).status_code == 200


def test_a_signup_on_the_invitation_page_with_bad_passwords_says_why_and_creates_nothing(
    tenant_a: Tenant, client: Client
) -> None:
    _, url = _invite(tenant_a)
    before = _state()
    response = client.post(
        url, {"full_name": "Nina", "password1": PASSWORD, "password2": "something-else-entirely"}
    )
    assert response.status_code == 400
    assert response.context["signup_form"].errors["password2"] == [
        "The two passwords do not match."
    ]
    response = client.post(url, {"full_name": "Nina", "password1": "123", "password2": "123"})
    assert response.status_code == 400
    assert response.context["signup_form"].errors["password1"]
    assert _state() == before


# --- bad tokens ---------------------------------------------------------------------------------------


def _expire(invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )


def _use(invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())


def _revoke(invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())


@pytest.mark.parametrize(
    ("spoil", "status", "message"),
    [
        (_expire, 410, "This invitation has expired. Ask for a new one."),
        (_use, 410, "This invitation has already been used."),
        (_revoke, 410, "This invitation was withdrawn. Ask for a new one."),
    ],
    ids=["expired", "used", "revoked"],
)
@pytest.mark.parametrize("visitor", ["anonymous", "invitee"])
def test_an_unusable_invitation_gives_a_clear_page_and_changes_nothing(
    tenant_a: Tenant,
    client_for: Callable[..., Client],
    spoil: Callable[[Invitation], None],
    status: int,
    message: str,
    visitor: str,
) -> None:
    invitation, url = _invite(tenant_a)
    spoil(invitation)
    client = (
        client_for(UserFactory(email="newbie@example.com")) if visitor == "invitee" else Client()
    )
    before = _state()
    for response in (
        client.get(url),
        client.post(url),
        client.post(url, {"full_name": "Nina", "password1": PASSWORD, "password2": PASSWORD}),
    ):
        assert response.status_code == status
        assert message in response.content.decode()
    assert _state() == before


@pytest.mark.parametrize("token", ["forged-token-0123456789", "x" * 101, "%00"])
def test_a_forged_token_gives_a_clear_page_and_changes_nothing(
    tenant_a: Tenant, client: Client, token: str
) -> None:
    _invite(tenant_a)
    before = _state()
    url = f"/invitations/{token}/"
    for response in (
        client.get(url),
        client.post(url, {"full_name": "X", "password1": PASSWORD, "password2": PASSWORD}),
    ):
        assert response.status_code == 404
        # A NUL in a path is refused before any view (core.middleware.NulPathMiddleware): the
        # site's own "not found" page, with a way back, instead of the invitation's.
        expected = "Page not found" if "%00" in token else "This invitation link is not valid"
        assert expected in response.content.decode()
    assert _state() == before


def test_the_wrong_user_cannot_accept_and_the_invitation_stays_usable(
    tenant_a: Tenant, client_for: Callable[..., Client]
) -> None:
    invitation, url = _invite(tenant_a, email="newbie@example.com")
    someone_else = client_for(UserFactory(email="someone-else@example.com"))
    before = _state()

    page = someone_else.get(url)
    assert page.status_code == 200
    assert "this invitation is for newbie@example.com" in page.content.decode()
    response = someone_else.post(url)
    assert response.status_code == 403
    assert (
        "This invitation was sent to newbie@example.com. Log in with that address to accept it."
        in (response.content.decode())
    )
    assert _state() == before

    invitee = client_for(UserFactory(email="newbie@example.com"))
    assert invitee.post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "accepted"


def test_an_invitation_cannot_be_accepted_twice(
    tenant_a: Tenant, client_for: Callable[..., Client]
) -> None:
    _, url = _invite(tenant_a)
    invitee = client_for(UserFactory(email="newbie@example.com"))
    assert invitee.post(url).status_code == 302
    before = _state()
    again = invitee.post(url)
    assert again.status_code == 410
    assert "This invitation has already been used." in again.content.decode()
    assert _state() == before


def test_revoking_a_pending_invitation_from_the_members_page(
    tenant_a: Tenant, client_for: Callable[..., Client]
) -> None:
    invitation, url = _invite(tenant_a)
    client = client_for(tenant_a.owner)
    response = client.post(
        reverse("organizations:invitation_revoke", args=["acme", invitation.public_id]), follow=True
    )
    assert "Invitation to newbie@example.com withdrawn." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert Client().get(url).status_code == 410

    again = client.post(
        reverse("organizations:invitation_revoke", args=["acme", invitation.public_id]), follow=True
    )
    assert "This invitation is already revoked." in again.content.decode()
