"""A creator, on a phone, adds a TikTok account by pasting its profile link and verifies it with
the one-time code in its bio. The account data comes from the real TikTok client talking over
HTTP to the platform simulator (platforms/simulator), whose control API plays the creator
editing their bio on TikTok.

The live server runs in this process, so pointing ``settings.PLATFORM_BASE_URLS`` at the
simulator (pytest-django's ``settings`` fixture) reaches the pages the browser opens.
"""

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from creators.models import SocialAccount
from platforms.simulator.client import SimulatorControl
from platforms.simulator.server import platform_base_urls, running_simulator
from tests.e2e.conftest import fits_the_phone, log_in
from tests.factories.creators import CreatorProfileFactory
from tests.factories.organizations import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def simulator_url() -> Iterator[str]:
    with running_simulator() as url:
        yield url


@pytest.fixture
def simulator(simulator_url: str, settings: Any) -> Iterator[SimulatorControl]:
    """The platform clients talk to the simulator (fresh state) for one test."""
    settings.PLATFORM_BASE_URLS = platform_base_urls(simulator_url)
    settings.PLATFORM_CREDENTIALS = {}  # the simulator's placeholder credentials
    control = SimulatorControl(simulator_url)
    control.reset()
    yield control
    control.reset()
    control.close()


def test_creator_verifies_a_tiktok_account_by_bio_code_on_a_phone(
    phone: Page, simulator: SimulatorControl, screenshot: Callable[..., Any]
) -> None:
    creator = CreatorProfileFactory(
        user=UserFactory(email="casey@creators.example"), display_name="Casey"
    )
    simulator.set_account(
        "tiktok", "casey.makes", bio="Plant care in Lisbon 🌿", follower_count=18_400
    )

    # Home -> "Add an account" -> paste the profile link.
    log_in(phone, "casey@creators.example")
    expect(phone).to_have_url(re.compile(r"/creator/$"))
    phone.get_by_role("button", name="Add an account").click()
    expect(phone.get_by_role("heading", name="Social accounts")).to_be_visible()
    expect(phone.get_by_role("radio", name="TikTok")).to_be_checked()
    phone.get_by_label("Handle or profile link").fill("https://www.tiktok.com/@casey.makes?lang=en")
    fits_the_phone(phone)
    screenshot(phone, "add-account", full_page=False)
    phone.get_by_role("button", name="Add account").click()

    # The verification page shows the code to put in the bio.
    expect(phone.get_by_role("heading", name="Verify @casey.makes")).to_be_visible()
    expect(phone.locator(".flash-success")).to_contain_text("TikTok @casey.makes")
    account = SocialAccount.objects.get(creator=creator)
    assert (account.platform, account.handle) == ("tiktok", "casey.makes")
    assert not account.is_verified
    code = phone.get_by_label("Verification code")
    expect(code).to_have_value(account.verification_code)
    assert account.verification_code
    fits_the_phone(phone)
    screenshot(phone, "code", full_page=False)

    # "Check now" before the code is in the bio: a clear error, still unverified.
    phone.get_by_role("button", name="Check now").click()
    error = phone.locator("#verify-card").get_by_role("alert")
    expect(error).to_contain_text(
        f"We could not find {account.verification_code} in the bio of TikTok @casey.makes yet."
    )
    expect(error).to_contain_text("Paste it into your bio, save it there")
    account.refresh_from_db()
    assert not account.is_verified
    screenshot(phone, "not-in-bio", full_page=False)

    # The creator edits their TikTok bio (the simulator's control API plays TikTok) and
    # gains a few followers meanwhile; "Check now" verifies and takes the fresh numbers.
    simulator.set_account(
        "tiktok",
        "casey.makes",
        bio=f"Plant care in Lisbon 🌿 {account.verification_code}",
        follower_count=18_950,
    )
    phone.get_by_role("button", name="Check now").click()
    expect(phone.locator("#verify-card").get_by_role("status")).to_contain_text(
        "TikTok @casey.makes is verified."
    )
    expect(error).to_have_count(0)
    account.refresh_from_db()
    assert account.is_verified
    assert account.verification_method == SocialAccount.VerificationMethod.BIO_CODE
    assert account.follower_count == 18_950
    screenshot(phone, "verified", full_page=False)

    # Back on the accounts page: the verified badge and the follower count.
    phone.get_by_role("button", name="Back to your accounts").click()
    card = phone.locator(f"#acct-{account.public_id}")
    expect(card).to_contain_text("@casey.makes")
    expect(card.locator(".badge")).to_have_text("✓ Verified")
    followers = card.locator("dt", has_text="Followers").locator("xpath=following-sibling::dd")
    expect(followers).to_have_text("18.9k")
    expect(followers).to_have_attribute("title", "18,950")
    fits_the_phone(phone)
    screenshot(phone, "accounts", full_page=False)
    creator.refresh_from_db()
    assert creator.has_verified_account
    assert creator.total_followers == 18_950


def test_creator_with_a_refused_token_is_told_to_reconnect_on_a_phone(
    phone: Page, screenshot: Callable[..., Any]
) -> None:
    """Metric pulls were refused the creator's TikTok token: home and My stats say so, with a
    44-px button to connect the account again (axe audits each page at 390 px)."""
    from django.utils import timezone

    from analytics.models import PostMetrics
    from analytics.pulls import posts_track
    from submissions.models import ReviewState
    from tests.factories.creators import SocialAccountFactory
    from tests.factories.recruitment import ParticipationFactory
    from tests.factories.submissions import LivePostFactory, SubmissionFactory

    creator = CreatorProfileFactory(
        user=UserFactory(email="casey@creators.example"), display_name="Casey"
    )
    participation = ParticipationFactory(creator=creator)
    creator.social_accounts.all().delete()  # the factories' own: the notice names this one
    SocialAccountFactory(creator=creator, platform="tiktok", handle="casey.makes")
    submission = SubmissionFactory(slot=participation.slots.order_by("id").first())
    for i in range(2):
        LivePostFactory(
            submission=submission,
            platform="tiktok",
            post_id=f"730000000000000000{i}",
            state=ReviewState.APPROVED,
            approved_at=timezone.now(),
        )
    posts_track()
    PostMetrics.objects.update(status=PostMetrics.Status.RECONNECT)

    log_in(phone, "casey@creators.example")
    expect(phone).to_have_url(re.compile(r"/creator/$"))
    notice = phone.get_by_test_id("reconnect-notice")
    expect(notice).to_contain_text(
        "Reconnect your TikTok account (@casey.makes): figures for 2 approved posts are paused"
    )
    button = notice.get_by_role("button", name="Reconnect TikTok")
    box = button.bounding_box()
    assert box is not None
    assert box["height"] >= 44
    fits_the_phone(phone)
    screenshot(phone, "home", full_page=False)

    phone.goto(phone.url.replace("/creator/", "/creator/stats/"))
    expect(phone.get_by_test_id("reconnect-notice")).to_be_visible()
    fits_the_phone(phone)

    phone.get_by_role("button", name="Reconnect TikTok").click()
    expect(phone.get_by_role("heading", name="Social accounts")).to_be_visible()
