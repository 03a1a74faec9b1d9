"""Payouts in a real browser, with the real stripe library talking to the Stripe stand-in: a
creator sets up payouts on a phone (Stripe's hosted onboarding, then back), and a brand owner
funds a campaign through Stripe Checkout. The stand-in's hosted pages redirect at once, as if
the person had filled them in; every page of ours is audited for accessibility (44 px targets
on the creator portal)."""

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from campaigns.models import Campaign
from payouts.models import ConnectedAccount, Funding
from payouts.stripe_standin import STANDIN_SECRET_KEY, STANDIN_WEBHOOK_SECRET
from payouts.stripe_standin.client import StandinControl
from payouts.stripe_standin.server import running_standin
from tests.e2e.conftest import fits_the_phone, log_in
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import CreatorProfileFactory
from tests.factories.organizations import (
    BrandFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def standin_url() -> Iterator[str]:
    with running_standin() as url:
        yield url


@pytest.fixture
def stripe_standin(standin_url: str, settings: Any) -> Iterator[StandinControl]:
    settings.STRIPE_API_BASE = standin_url
    settings.STRIPE_CONNECT_BASE = standin_url
    settings.STRIPE_SECRET_KEY = STANDIN_SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRETS = [STANDIN_WEBHOOK_SECRET]
    control = StandinControl(standin_url)
    control.reset()
    control.configure_webhooks(mode="hold")  # the return pages ask Stripe themselves
    yield control
    control.reset()
    control.close()


def test_creator_sets_up_payouts_on_a_phone(
    phone: Page, stripe_standin: StandinControl, screenshot: Callable[..., Any]
) -> None:
    creator = CreatorProfileFactory(
        user=UserFactory(email="casey@creators.example"), display_name="Casey"
    )
    log_in(phone, "casey@creators.example")
    expect(phone).to_have_url(re.compile(r"/creator/$"))
    phone.get_by_role("navigation", name="Creator").get_by_role("link", name="Payouts").click()
    expect(phone.get_by_role("heading", name="Set up payouts")).to_be_visible()
    fits_the_phone(phone)
    screenshot(phone, "before", full_page=False)

    phone.get_by_role("button", name="Set up payouts").click()  # Stripe's page, and back
    expect(phone).to_have_url(re.compile(r"/creator/payouts/$"))
    expect(phone.get_by_role("heading", name="Payouts are on")).to_be_visible()
    expect(
        phone.get_by_role("navigation", name="Creator").get_by_role("link", name="Payouts")
    ).to_have_attribute("aria-current", "page")
    fits_the_phone(phone)
    screenshot(phone, "after", full_page=False)
    account = ConnectedAccount.objects.get(creator=creator)
    assert account.can_receive_transfers
    assert stripe_standin.calls("POST /v1/accounts") == 1


def test_brand_owner_funds_a_campaign_through_checkout(
    page: Page, stripe_standin: StandinControl, screenshot: Callable[..., Any]
) -> None:
    owner = UserFactory(email="olive@lumen.example")
    org = OrganizationFactory(name="Lumen", slug="lumen")
    brand = BrandFactory(organization=org, name="Lumen Skin")
    MembershipFactory(organization=org, user=owner, role="owner")
    campaign = CampaignFactory(
        organization=org,
        brand=brand,
        name="Glow Launch",
        budget_cents=250_000,
        status=Campaign.Status.DRAFT,
    )
    log_in(page, "olive@lumen.example")
    page.goto(f"/o/lumen/campaigns/{campaign.public_id}/")
    page.get_by_role("navigation", name="Campaign sections").get_by_role(
        "link", name="Funding"
    ).click()
    page.get_by_role("button", name="Require funding before publishing").click()
    expect(page.locator(".flash-success")).to_contain_text("Publishing now waits")
    screenshot(page, "before")

    page.get_by_role("button", name="Fund this campaign (USD 2,500.00)").click()
    expect(page.locator(".flash-success")).to_contain_text("Thank you: USD 2,500.00 received.")
    expect(page.get_by_test_id("funded")).to_have_text("USD 2,500.00")
    expect(page.get_by_role("heading", name="Funding Funded")).to_be_visible()
    screenshot(page, "after")
    funding = Funding.objects.get(campaign=campaign)
    assert funding.status == Funding.Status.PAID
    campaign.refresh_from_db()
    assert campaign.is_fully_funded
