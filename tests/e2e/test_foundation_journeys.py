"""Issue 2's browser journeys: a brand owner signs up, invites a reviewer who joins, creates an API key
and lists members with it; a creator signs up on a phone; bad input gets clear errors.

Every page is watched by the ``guard`` fixture (tests/e2e/conftest.py): a console error, a failed
request or an unexpected 4xx/5xx answer fails the test.
"""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from organizations.models import Invitation, Membership, Organization
from organizations.roles import Role
from organizations.secrets import new_invitation_token
from tests.core.celery_worker import celery_worker
from tests.e2e.conftest import BrowserGuard, link_in, wait_for_mail
from tests.factories.organizations import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-and-unusual-passphrase-42"


def _confirm_email(page: Page, outbox: list[mail.EmailMessage], address: str) -> None:
    """Open the verification link from the e-mail allauth sent, and confirm."""
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    message = wait_for_mail(outbox, address)
    page.goto(link_in(message, r"/accounts/confirm-email/"))
    expect(page.get_by_role("heading", name="Confirm your e-mail address")).to_be_visible()
    expect(page.get_by_text(address)).to_be_visible()
    page.get_by_role("button", name="Confirm").click()


def test_brand_owner_signs_up_invites_a_reviewer_and_lists_members_through_the_api(
    new_page: Callable[..., Page],
    outbox: list[mail.EmailMessage],
    screenshot: Callable[..., Any],
    live_server: Any,
    settings: Any,
) -> None:
    # Links in invitation e-mails point at the site's public address: here, the live server.
    settings.SITE_URL = live_server.url
    owner = new_page()

    # Home -> "I run a brand or agency" -> the form.
    owner.goto("/")
    owner.get_by_role("button", name="I run a brand or agency").click()
    expect(owner.get_by_role("heading", name="Start your workspace")).to_be_visible()
    owner.get_by_label("Email").fill("olivia@lumen.example")
    owner.get_by_label("Your name").fill("Olivia Lumen")
    owner.get_by_label("Company or agency name").fill("Lumen Labs")
    owner.get_by_label("Agency", exact=True).check()
    owner.get_by_label("First brand").fill("Lumen Skincare")
    owner.get_by_label("Password", exact=True).fill(PASSWORD)
    owner.get_by_label("Password (again)").fill(PASSWORD)
    screenshot(owner, "signup")
    owner.get_by_role("button", name="Create workspace").click()

    # E-mail verification is mandatory: the link from the e-mail confirms and signs in.
    _confirm_email(owner, outbox, "olivia@lumen.example")
    expect(owner).to_have_url(re.compile(r"/o/lumen-labs/$"))
    expect(owner.get_by_role("heading", name="Lumen Labs", exact=True)).to_be_visible()
    expect(owner.get_by_test_id("my-role")).to_have_text("owner")
    expect(owner.locator(".stat", has_text="Members").locator(".stat-value")).to_have_text("1")
    screenshot(owner, "dashboard")

    # Members -> invite a teammate as reviewer. A real Celery worker thread (tests/core/celery_worker.py)
    # consumes the e-mail task that invitation_create enqueues on commit, through Redis, as in
    # production; so the invitation e-mail itself is checked, not only the link on the page.
    owner_nav = owner.get_by_role("navigation", name="Workspace sections")
    owner_nav.get_by_role("link", name="Members").click()
    expect(owner.get_by_role("heading", name="Members", exact=True)).to_be_visible()
    invite_form = owner.locator("#invite")
    invite_form.get_by_label("E-mail address").fill("rob@lumen.example")
    expect(invite_form.get_by_label("Role")).to_have_value(Role.REVIEWER)
    with celery_worker(queues=["email"]):
        invite_form.get_by_role("button", name="Send invitation").click()
        expect(owner.get_by_text("Invitation e-mailed to rob@lumen.example")).to_be_visible()
        invitation_mail = wait_for_mail(outbox, "rob@lumen.example")
    # The link travels only by e-mail: the inviter's page never shows it.
    invite_link = link_in(invitation_mail, r"^/invitations/")
    assert invite_link.rstrip("/").rsplit("/", 1)[-1] not in owner.content()  # the raw token
    assert "Lumen Labs" in invitation_mail.subject
    expect(owner.get_by_role("row", name=re.compile("rob@lumen.example"))).to_contain_text(
        "Reviewer"
    )
    screenshot(owner, "members")

    # The teammate, in a browser of their own, opens the link and creates their account right there.
    teammate = new_page()
    teammate.goto(invite_link)
    expect(teammate.get_by_role("heading", name="Join Lumen Labs")).to_be_visible()
    expect(teammate.locator(".auth-card")).to_contain_text("rob@lumen.example to join as reviewer")
    teammate.get_by_label("Your name").fill("Rob Lumen")
    teammate.get_by_label("Password", exact=True).fill(PASSWORD)
    teammate.get_by_label("Password (again)").fill(PASSWORD)
    teammate.get_by_role("button", name="Create account and join").click()
    expect(teammate).to_have_url(re.compile(r"/o/lumen-labs/$"))
    expect(teammate.get_by_text("Welcome to Lumen Labs!")).to_be_visible()
    expect(teammate.get_by_test_id("my-role")).to_have_text("reviewer")
    expect(teammate.locator(".sidebar .role-badge")).to_have_text("You are reviewer")
    screenshot(teammate, "reviewer-dashboard")
    teammate_nav = teammate.get_by_role("navigation", name="Workspace sections")
    teammate_nav.get_by_role("link", name="Members").click()
    expect(teammate.get_by_role("row", name=re.compile("olivia@lumen.example"))).to_be_visible()
    expect(teammate.get_by_role("heading", name="Invite a teammate")).to_have_count(0)
    expect(teammate.locator("#invite")).to_have_count(0)
    # No role pickers either: a reviewer cannot change roles.
    expect(teammate.get_by_role("combobox")).to_have_count(0)

    # The owner creates an API key, copies it from the page, and lists members through the API.
    owner_nav.get_by_role("link", name="API keys").click()
    expect(owner.get_by_role("heading", name="No API keys yet")).to_be_visible()
    owner.get_by_label("Name").fill("Reporting script")
    owner.get_by_role("button", name="Create key").click()
    key_box = owner.locator("#new-key-box")
    expect(key_box).to_contain_text("It will not be shown again.")
    raw_key = owner.locator("#new-key").input_value()
    expect(owner.get_by_role("row", name=re.compile("Reporting script"))).to_contain_text("active")
    screenshot(owner, "api-keys")

    response = httpx.get(
        f"{live_server.url}/api/v1/members/",
        headers={"Authorization": f"Bearer {raw_key}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    members = {m["email"]: m["role"] for m in response.json()["results"]}
    assert members == {"olivia@lumen.example": Role.OWNER, "rob@lumen.example": Role.REVIEWER}


def test_creator_signs_up_on_a_phone(
    phone: Page, outbox: list[mail.EmailMessage], screenshot: Callable[..., Any]
) -> None:
    phone.goto("/")
    phone.get_by_role("button", name="I'm a creator").click()
    expect(phone.get_by_role("heading", name="Join brand campaigns")).to_be_visible()
    phone.get_by_label("Email").fill("casey@creators.example")
    phone.get_by_label("Your name").fill("Casey Rivers")
    phone.get_by_label("Creator name").fill("caseyrivers")
    phone.get_by_label("Password", exact=True).fill(PASSWORD)
    phone.get_by_label("Password (again)").fill(PASSWORD)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "signup", full_page=False)
    phone.get_by_role("button", name="Create creator account").click()

    _confirm_email(phone, outbox, "casey@creators.example")
    expect(phone).to_have_url(re.compile(r"/creator/$"))
    expect(phone.locator("main")).to_contain_text("caseyrivers")
    tabbar = phone.get_by_role("navigation", name="Creator")
    expect(tabbar.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    # Phone layout: no horizontal scrolling, and the fixed tab bar never covers the end of the page.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "creator-home", full_page=False)
    phone.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    uncovered = phone.evaluate(
        """() => {
            const content = document.querySelector('main').lastElementChild.getBoundingClientRect();
            const bar = document.querySelector('nav.tabbar').getBoundingClientRect();
            return content.bottom <= bar.top;
        }"""
    )
    assert uncovered, "the tab bar covers the end of the creator home page"
    screenshot(phone, "creator-home-bottom", full_page=False)


def test_duplicate_sign_up_email_gets_check_your_inbox_like_any_other(
    page: Page, screenshot: Callable[..., Any]
) -> None:
    """No enumeration: a taken address is answered like a new one (the owner is e-mailed)."""
    UserFactory(email="taken@lumen.example")

    page.goto("/accounts/signup/brand/")
    page.get_by_label("Email").fill("taken@lumen.example")
    page.get_by_label("Your name").fill("Someone Else")
    page.get_by_label("Company or agency name").fill("Copycat Co")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create workspace").click()

    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("already")
    screenshot(page)
    assert not Organization.objects.filter(name="Copycat Co").exists()


def test_forged_and_expired_invitation_links_show_a_clear_error_page(
    page: Page, guard: BrowserGuard, screenshot: Callable[..., Any]
) -> None:
    with guard.expect_status(404, r"/invitations/[^/]+/"):
        page.goto("/invitations/forged-0123456789abcdef/")
    expect(page.get_by_role("heading", name="This invitation cannot be used")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text(
        "This invitation link is not valid. Ask for a new one."
    )
    screenshot(page, "forged")

    org = OrganizationFactory(name="Lumen Labs", slug="lumen-labs")
    inviter = MembershipFactory(organization=org, role=Role.OWNER).user
    raw, token_hash = new_invitation_token()
    Invitation.objects.create(
        organization=org,
        email="late@lumen.example",
        role=Role.REVIEWER,
        token_hash=token_hash,
        invited_by=inviter,
        expires_at=timezone.now() - timedelta(days=1),
    )
    with guard.expect_status(410, r"/invitations/[^/]+/"):
        page.goto(f"/invitations/{raw}/")
    expect(page.get_by_role("alert")).to_have_text(
        "This invitation has expired. Ask for a new one."
    )
    screenshot(page, "expired")
    assert not Membership.objects.filter(
        organization=org, user__email="late@lumen.example"
    ).exists()


def test_unknown_workspace_shows_the_not_found_page(
    page: Page, guard: BrowserGuard, screenshot: Callable[..., Any]
) -> None:
    UserFactory(email="wanderer@lumen.example")
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("wanderer@lumen.example")
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="You are not in a workspace yet")).to_be_visible()

    with guard.expect_status(404, r"/o/no-such-workspace/"):
        page.goto("/o/no-such-workspace/")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_role("button", name="Go to Chorus")).to_be_visible()
    screenshot(page)


def test_api_docs_load_offline_without_console_errors(
    page: Page, live_server: Any, screenshot: Callable[..., Any]
) -> None:
    org = OrganizationFactory(name="Lumen Labs", slug="lumen-labs")
    MembershipFactory(
        organization=org, role=Role.OWNER, user=UserFactory(email="dev@lumen.example")
    )
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("dev@lumen.example")
    page.get_by_label("Password").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/o/lumen-labs/$"))

    page.get_by_role("link", name="API docs").click()
    # Building the whole schema takes seconds on a loaded 2-core machine: wait for it, generously.
    expect(page.get_by_role("heading", name=re.compile("Chorus API"))).to_be_visible(timeout=30_000)
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/members/").first).to_be_visible(
        timeout=30_000
    )
    screenshot(page, full_page=False)
    # Swagger UI comes from drf-spectacular-sidecar: nothing is fetched from another host.
    foreign = [
        url
        for url in requested
        if not url.startswith(live_server.url) and not url.startswith("data:")
    ]
    assert foreign == []
