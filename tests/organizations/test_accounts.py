"""Sign-up both ways, e-mail verification, password reset, login throttling, TOTP two-factor."""

import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.test import Client
from django.urls import reverse

from creators.models import CreatorProfile
from organizations.models import AuditEvent, Brand, Membership, Organization
from organizations.roles import Role
from tests.factories.organizations import PASSWORD, UserFactory
from users.models import User

NEW_PASSWORD = "a-long-and-fresh-passphrase-42"
LOGIN = "/accounts/login/"


def _brand_signup(**overrides: str) -> dict[str, str]:
    return {
        "email": "nora@example.com",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "full_name": "Nora North",
        "organization_name": "Northwind Outdoors",
        "kind": "agency",
        "first_brand_name": "Trail Mix",
        **overrides,
    }


def _creator_signup(**overrides: str) -> dict[str, str]:
    return {
        "email": "cleo@example.com",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "full_name": "Cleo Creator",
        "display_name": "cleo.makes",
        **overrides,
    }


def _link_in(body: str) -> str:
    match = re.search(r"https?://[^\s/]+(/\S+)", body)
    assert match, f"no link in the e-mail:\n{body}"
    return match.group(1)


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (User, Organization, Membership, Brand, CreatorProfile, EmailAddress)
    }


def _logged_in_user_id(client: Client) -> Any:
    return client.session.get("_auth_user_id")


def test_brand_signup_creates_organization_owner_membership_and_first_brand(
    db: None, client: Client, mailoutbox: list[Any]
) -> None:
    response = client.post(reverse("web:signup_brand"), _brand_signup())

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="nora@example.com")
    assert user.full_name == "Nora North"
    membership = Membership.objects.select_related("organization").get(user=user)
    assert membership.role == Role.OWNER
    org = membership.organization
    assert (org.name, org.kind, org.slug) == ("Northwind Outdoors", "agency", "northwind-outdoors")
    assert list(org.brands.values_list("name", flat=True)) == ["Trail Mix"]
    assert AuditEvent.objects.filter(organization=org, action="organization.created").exists()
    assert not CreatorProfile.objects.filter(user=user).exists()
    assert not EmailAddress.objects.get(user=user).verified


def test_a_plain_brand_gets_a_first_brand_named_after_it(db: None, client: Client) -> None:
    client.post(
        reverse("web:signup_brand"),
        _brand_signup(kind="brand", organization_name="Bolt Beverages", first_brand_name=""),
    )
    org = Organization.objects.get(name="Bolt Beverages")
    assert org.kind == "brand"
    assert list(org.brands.values_list("name", "slug")) == [("Bolt Beverages", "bolt-beverages")]


def test_creator_signup_creates_the_creator_profile_and_no_organization(
    db: None, client: Client, mailoutbox: list[Any]
) -> None:
    response = client.post(reverse("web:signup_creator"), _creator_signup())

    assert response.status_code == 302
    user = User.objects.get(email="cleo@example.com")
    assert CreatorProfile.objects.get(user=user).display_name == "cleo.makes"
    assert not Membership.objects.filter(user=user).exists()
    assert [m.to for m in mailoutbox] == [["cleo@example.com"]]


@pytest.mark.parametrize(
    ("url_name", "form"),
    [("web:signup_brand", _brand_signup), ("web:signup_creator", _creator_signup)],
)
def test_duplicate_signup_answers_check_your_email_and_tells_the_owner_creating_nothing(
    db: None, client: Client, url_name: str, form: Any, mailoutbox: list[Any]
) -> None:
    """No enumeration: a taken address gets the same answer as a new one; the real owner gets
    an e-mail saying they already have an account."""
    UserFactory(email="taken@example.com")
    before = _counts()

    taken = client.post(reverse(url_name), form(email="Taken@Example.com"))
    fresh = Client().post(reverse(url_name), form(email="fresh@example.com"))

    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"] == reverse("account_email_verification_sent")
    assert "already" not in client.get(taken["Location"]).content.decode().lower()
    assert _counts()["User"] == before["User"] + 1  # only the fresh address got an account
    (to_owner,) = [m for m in mailoutbox if m.to == ["Taken@Example.com"] or m.to == ["taken@example.com"]]  # fmt: skip
    assert "already exists" in to_owner.body


def test_signup_with_missing_fields_says_what_to_fix_and_creates_nothing(
    db: None, client: Client
) -> None:
    before = _counts()
    response = client.post(
        reverse("web:signup_brand"), _brand_signup(organization_name="", password2="other")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "organization_name" in errors
    assert "password2" in errors
    assert _counts() == before


def test_verification_is_mandatory_then_the_mailed_link_verifies_and_logs_in(
    db: None, client: Client, mailoutbox: list[Any]
) -> None:
    client.post(reverse("web:signup_brand"), _brand_signup())
    assert _logged_in_user_id(client) is None, "not logged in before verifying"
    (mail,) = mailoutbox
    assert mail.to == ["nora@example.com"]
    assert mail.subject.startswith("[Chorus]")
    link = _link_in(mail.body)

    # Logging in before verifying is refused: allauth sends the person to "check your inbox".
    other = Client()
    response = other.post(LOGIN, {"login": "nora@example.com", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert _logged_in_user_id(other) is None

    # The link shows a confirmation page; confirming verifies the address and logs in.
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="nora@example.com").verified
    user = User.objects.get(email="nora@example.com")
    assert str(user.pk) == _logged_in_user_id(client)

    # From now on the password works, and lands the owner in the workspace.
    response = other.post(
        LOGIN, {"login": "nora@example.com", "password": NEW_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(
        "organizations:dashboard", args=["northwind-outdoors"]
    )
    assert response.status_code == 200


def test_a_forged_verification_link_verifies_nothing(db: None, client: Client) -> None:
    client.post(reverse("web:signup_creator"), _creator_signup())
    response = client.post(reverse("account_confirm_email", args=["forged-key"]))
    assert response.status_code in (200, 404)
    assert not EmailAddress.objects.get(email="cleo@example.com").verified
    assert _logged_in_user_id(client) is None


def test_password_reset_mails_a_link_that_sets_a_new_password(
    db: None, client: Client, mailoutbox: list[Any]
) -> None:
    user = UserFactory(email="forgetful@example.com")
    response = client.post(reverse("account_reset_password"), {"email": "forgetful@example.com"})
    assert response.status_code == 302

    (mail,) = mailoutbox
    assert mail.to == ["forgetful@example.com"]
    link = _link_in(mail.body)
    response = client.get(link)
    assert response.status_code == 302  # allauth moves the key into the session first
    form_url = response["Location"]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(PASSWORD)


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(
    db: None, client: Client, mailoutbox: list[Any]
) -> None:
    UserFactory(email="known@example.com")
    known = client.post(reverse("account_reset_password"), {"email": "known@example.com"})
    unknown = Client().post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    # Only the known address gets a reset link.
    links = [m for m in mailoutbox if "/accounts/password/reset/key/" in m.body]
    assert [m.to for m in links] == [["known@example.com"]]


def test_sixth_login_after_five_failures_is_refused_even_with_the_right_password(
    db: None, client: Client
) -> None:
    UserFactory(email="target@example.com")
    for _ in range(5):
        response = client.post(LOGIN, {"login": "target@example.com", "password": "wrong-password"})
        assert response.status_code == 200
        assert "not correct" in response.content.decode()

    response = client.post(LOGIN, {"login": "target@example.com", "password": PASSWORD})

    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert _logged_in_user_id(client) is None


def test_a_successful_login_does_not_count_as_a_failure(db: None, client: Client) -> None:
    user = UserFactory(email="steady@example.com")
    for _ in range(4):
        client.post(LOGIN, {"login": "steady@example.com", "password": "wrong-password"})
    response = client.post(LOGIN, {"login": "steady@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert _logged_in_user_id(client) == str(user.pk)


def _current_codes(secret: str) -> set[str]:
    return {format_hotp_value(hotp_value(secret, c)) for c in yield_hotp_counters_from_time()}


def test_totp_two_factor_asks_for_the_code_refuses_a_wrong_one_and_accepts_the_right_one(
    db: None, client: Client, settings: Any
) -> None:
    settings.MFA_TOTP_TOLERANCE = 1  # a code computed just before a 30 s boundary still counts
    user = UserFactory(email="careful@example.com")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)

    response = client.post(LOGIN, {"login": "careful@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert _logged_in_user_id(client) is None, "the password alone does not log in"

    wrong = next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in _current_codes(secret))
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert _logged_in_user_id(client) is None

    counters = list(yield_hotp_counters_from_time())
    right = format_hotp_value(
        hotp_value(secret, counters[len(counters) // 2])
    )  # this period's code
    response = client.post(reverse("mfa_authenticate"), {"code": right})
    assert response.status_code == 302
    assert _logged_in_user_id(client) == str(user.pk)
