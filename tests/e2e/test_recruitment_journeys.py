"""Browser journey for recruitment (issue 3): a creator on a 390-px phone finds an open campaign in
the marketplace and applies; the brand accepts in the applications queue (htmx); the creator sees
the participation with its tracking link and promo code.

It uses the fixtures of tests/e2e/conftest.py (``new_page``, ``guard``, ``screenshot``), so it
belongs in tests/e2e/ (suggested name: tests/e2e/test_recruitment_journeys.py). Until it is moved
there, run it with that conftest loaded as a plugin:

    .venv/bin/python -m pytest -p tests.e2e.conftest tests/recruitment/journey_e2e.py
"""

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from recruitment.models import Application, Participation
from tests.conftest import Tenant
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import CreatorProfileFactory, SocialAccountFactory
from tests.factories.organizations import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _log_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()


def test_creator_applies_on_a_phone_brand_accepts_creator_gets_link_and_code(
    new_page: Callable[..., Page],
    screenshot: Callable[..., Any],
    tenant_a: Tenant,
    live_server: Any,
    settings: Any,
) -> None:
    settings.SITE_URL = live_server.url
    campaign = CampaignFactory(
        organization=tenant_a.org,
        brand=tenant_a.brand,
        name="Glow Serum Launch",
        brief="Show your **morning routine** with the serum.",
        max_creators=5,
    )
    creator = CreatorProfileFactory(
        user=UserFactory(email="ava@creators.example"), display_name="ava.bloom"
    )
    SocialAccountFactory(creator=creator, handle="ava.bloom", follower_count=23_400)

    # The creator, on a phone, finds the campaign in the marketplace.
    phone = new_page(phone=True)
    _log_in(phone, "ava@creators.example")
    phone.goto("/creator/campaigns/")
    card = phone.locator("a.rc-card", has_text="Glow Serum Launch")
    expect(card).to_contain_text("You qualify")
    expect(card).to_contain_text("USD 150.00")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "marketplace", full_page=False)
    card.click()

    # The campaign page: brief, pay, pay-by promise; apply with a pitch.
    expect(phone.get_by_role("heading", name="Glow Serum Launch")).to_be_visible()
    expect(phone.locator(".rc-brief strong")).to_have_text("morning routine")
    expect(phone.get_by_text("of approval")).to_be_visible()
    phone.get_by_label("Your pitch").fill("I film my skincare routine every morning in daylight.")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "campaign")
    phone.get_by_role("button", name="Send application").click()
    expect(phone).to_have_url(re.compile(r"/creator/work/$"))
    expect(phone.locator(".flash-success")).to_contain_text("Application sent")
    expect(phone.locator(".rc-list")).to_contain_text("Pending")
    application = Application.objects.get(creator=creator)

    # The brand accepts it in the queue, without a page load (htmx swaps the row and the fill).
    desk = new_page()
    _log_in(desk, tenant_a.owner.email)
    desk.goto(f"/o/{tenant_a.org.slug}/campaigns/{campaign.public_id}/applications/")
    row = desk.locator(f"#app-{application.public_id}")
    expect(row).to_contain_text("ava.bloom")
    expect(row).to_contain_text("23.4k")
    expect(desk.locator("#fill-creators")).to_contain_text("0")
    row.get_by_role("button", name="Accept").click()
    expect(desk.locator(f"#app-{application.public_id}")).to_contain_text("Accepted")
    expect(desk.locator("#fill-creators")).to_contain_text("1")
    expect(desk.locator("#fill-committed")).to_have_text("USD 150.00")
    screenshot(desk, "queue")

    # The creator sees the participation, with the tracking link and the promo code.
    participation = Participation.objects.get(application=application)
    phone.goto("/creator/work/")
    card = phone.locator(f"#par-{participation.public_id}")
    expect(card.locator(".rc-promo")).to_have_text(participation.promo_code)
    expect(card.locator("input.rc-link")).to_have_value(
        f"{live_server.url}/r/{participation.tracking_code}"
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "my-work")
