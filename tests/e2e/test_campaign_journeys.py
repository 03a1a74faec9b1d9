"""Issue 3's "Done when", tried as new users would, in one browser journey: a brand owner creates
an open campaign through the form (fixing two mistakes the page points out) and publishes it; a
creator on a 390-px phone finds it in the marketplace and applies; the brand accepts the
application; the creator sees the participation with its tracking link and promo code, and the
link answers with a redirect to the brand's landing page.

Every page is watched by the ``guard`` fixture (tests/e2e/conftest.py): a console error, a failed
request or an unexpected 4xx/5xx answer fails the test.
"""

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from analytics.models import Click
from analytics.services import clicks_flush
from campaigns.models import Campaign
from recruitment.models import Application, Participation
from tests.conftest import Tenant
from tests.e2e.conftest import BrowserGuard, fits_the_phone, log_in
from tests.factories.creators import CreatorProfileFactory, SocialAccountFactory
from tests.factories.organizations import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LANDING_URL = "https://acme-shoes.example/serum"


def _iso(day: date) -> str:
    return day.isoformat()


def _deliverable_row(page: Page, index: int) -> Locator:
    return page.locator("#deliverable-rows tr.dlv-row").nth(index)


def test_brand_publishes_a_campaign_a_phone_creator_applies_brand_accepts_creator_gets_link_and_code(
    new_page: Callable[..., Page],
    guard: BrowserGuard,
    screenshot: Callable[..., Any],
    tenant_a: Tenant,
    live_server: Any,
    settings: Any,
) -> None:
    # Tracking links are built on the site's public address: here, the live server.
    settings.SITE_URL = live_server.url
    # Landing pages must be https on the brand's own website domain (issue #6).
    tenant_a.brand.website = "https://acme-shoes.example"
    tenant_a.brand.save(update_fields=["website"])
    today = timezone.localdate()
    deadline, draft_due = today + timedelta(days=10), today + timedelta(days=20)
    posting_starts, posting_ends = today + timedelta(days=25), today + timedelta(days=40)
    creator = CreatorProfileFactory(
        user=UserFactory(email="ava@creators.example"), display_name="ava.bloom", country="PT"
    )
    account = SocialAccountFactory(creator=creator, handle="ava.bloom", follower_count=23_400)

    # --- The brand owner logs in and opens Campaigns -> New campaign. ---
    desk = new_page()
    log_in(desk, tenant_a.owner.email)
    expect(desk).to_have_url(re.compile(r"/o/acme/$"))
    desk.get_by_role("navigation", name="Workspace sections").get_by_role(
        "link", name="Campaigns"
    ).click()
    desk.get_by_role("button", name="New campaign").click()
    expect(desk.get_by_role("heading", name="New campaign")).to_be_visible()

    desk.get_by_label("Brand").select_option(label="Acme Shoes")
    desk.get_by_label("Name", exact=True).fill("Glow Serum Launch")
    desk.get_by_label("Objective").fill("Get 200 people to try the serum in May")
    desk.get_by_label("Landing page URL").fill(LANDING_URL)
    desk.get_by_label("Open to all eligible creators").check()
    desk.get_by_label("Brief").fill(
        "Show your **morning routine** with the serum.\n\n- film in daylight\n- no filters"
    )
    desk.get_by_label("Required hashtags").fill("#glowserum")
    desk.get_by_label("Currency").select_option("EUR")
    desk.get_by_label(re.compile(r"^Budget")).fill("5000.00")
    desk.get_by_label("Pay within (days of approval)").fill("10")
    desk.get_by_label("Application deadline").fill(_iso(deadline))
    desk.get_by_label("Drafts due").fill(_iso(draft_due))
    desk.get_by_label("Posting starts").fill(_iso(posting_starts))
    desk.get_by_label("Posting ends").fill(_iso(posting_ends))
    desk.get_by_label("Countries").select_option(["PT", "ES"])
    desk.get_by_label("Max creators").fill("5")

    # Deliverables: the first row is there (TikTok video); "+ Add a deliverable" adds another.
    first = _deliverable_row(desk, 0)
    expect(first.get_by_label("Platform")).to_have_value("tiktok")
    expect(first.get_by_label("Format")).to_have_value("video")
    first.get_by_label("Fee per post").fill("150.00")
    desk.get_by_role("button", name="+ Add a deliverable").click()
    second = _deliverable_row(desk, 1)
    expect(second).to_be_visible()
    expect(desk.locator("#id_deliverables-TOTAL_FORMS")).to_have_value("2")
    second.get_by_label("Platform").select_option("instagram")
    # The format select follows the platform: only Instagram's formats, nothing submitted.
    expect(second.get_by_label("Format").locator("option")).to_have_text(
        ["Reel", "Story", "Photo post", "Carousel"]
    )
    second.get_by_label("Format").select_option("reel")
    second.get_by_label("Fee per post").fill("0")  # mistake 1: a zero fee
    screenshot(desk, "new-campaign")

    with guard.expect_status(400, r"/o/acme/campaigns/new/"):  # the form comes back, marked
        desk.get_by_role("button", name="Save draft").click()
    expect(desk.get_by_role("alert")).to_contain_text("Please fix the highlighted fields.")
    second = _deliverable_row(desk, 1)
    fee = second.get_by_label("Fee per post")
    expect(fee).to_have_attribute("aria-invalid", "true")
    expect(desk.locator("#id_deliverables-1-fee_error")).to_have_text("Enter a fee above zero.")
    expect(fee).to_have_attribute("aria-describedby", re.compile(r"id_deliverables-1-fee_error"))
    # What was typed is kept, the row added by htmx included.
    expect(second.get_by_label("Platform")).to_have_value("instagram")
    expect(second.get_by_label("Format")).to_have_value("reel")
    expect(desk.get_by_label("Name", exact=True)).to_have_value("Glow Serum Launch")
    expect(desk.get_by_label("Countries")).to_have_values(["PT", "ES"])
    screenshot(desk, "zero-fee-error")
    assert not Campaign.objects.filter(name="Glow Serum Launch").exists()

    # Mistake 2: the posting window ends before it starts.
    fee.fill("100.00")
    desk.get_by_label("Posting ends").fill(_iso(posting_starts - timedelta(days=3)))
    with guard.expect_status(400, r"/o/acme/campaigns/new/"):
        desk.get_by_role("button", name="Save draft").click()
    ends = desk.get_by_label("Posting ends")
    expect(ends).to_have_attribute("aria-invalid", "true")
    expect(desk.locator("#id_posting_ends_error")).to_have_text(
        f"The end of the posting window ({_iso(posting_starts - timedelta(days=3))}) must not "
        f"be before the start of the posting window ({_iso(posting_starts)})."
    )
    assert ends.evaluate(
        "e => e.closest('label').contains(document.getElementById('id_posting_ends_error'))"
    ), "the date error is not shown next to its field"
    screenshot(desk, "dates-error")
    assert not Campaign.objects.filter(name="Glow Serum Launch").exists()

    ends.fill(_iso(posting_ends))
    desk.get_by_role("button", name="Save draft").click()

    # --- The detail page of the draft: publish. ---
    expect(desk.get_by_role("heading", name="Glow Serum Launch")).to_contain_text("Draft")
    campaign = Campaign.objects.get(name="Glow Serum Launch")
    assert campaign.status == Campaign.Status.DRAFT
    assert (campaign.currency, campaign.budget_cents) == ("EUR", 500_000)
    assert sorted(campaign.countries) == ["ES", "PT"]
    assert campaign.visibility == Campaign.Visibility.OPEN
    assert campaign.application_deadline == deadline
    assert [
        (d.platform, d.format, d.quantity, d.fee_cents) for d in campaign.deliverables.all()
    ] == [("tiktok", "video", 1, 15_000), ("instagram", "reel", 1, 10_000)]
    committed = desk.locator(".stat", has_text="Committed to creators").locator(".stat-value")
    expect(committed).to_have_text("EUR 0.00")
    expect(desk.locator(".stat", has_text="Fees per creator")).to_contain_text("EUR 250.00")
    desk.locator(".cmp-next").get_by_role("button", name="Publish").click()
    expect(desk.get_by_text("Published: creators can now find and apply to it.")).to_be_visible()
    expect(desk.get_by_role("heading", name="Glow Serum Launch")).to_contain_text("Recruiting")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.RECRUITING
    screenshot(desk, "published")

    # --- The creator, on a phone, finds the campaign in the marketplace. ---
    phone = new_page(phone=True)
    log_in(phone, "ava@creators.example")
    expect(phone).to_have_url(re.compile(r"/creator/$"))
    phone.get_by_role("navigation", name="Creator").get_by_role("link", name="Campaigns").click()
    card = phone.locator("a.rc-card", has_text="Glow Serum Launch")
    expect(card).to_contain_text("Acme Shoes")
    expect(card).to_contain_text("EUR 250.00")
    expect(card).to_contain_text("You qualify")
    fits_the_phone(phone)
    screenshot(phone, "marketplace", full_page=False)
    card.click()

    # The campaign page: pay, the pay-by promise, deliverables, the brief; apply.
    expect(phone.get_by_role("heading", name="Glow Serum Launch")).to_be_visible()
    pay = phone.get_by_role("region", name="Pay")
    expect(pay).to_contain_text("EUR 250.00")
    expect(pay).to_contain_text("Paid within 10 days of approval")
    expect(pay).to_contain_text(f"Apply by {deadline.strftime('%b')} {deadline.day}")
    deliverables = phone.get_by_role("region", name="What you'll post")
    times = "\N{MULTIPLICATION SIGN}"
    expect(deliverables.get_by_role("listitem")).to_have_text(
        [
            re.compile(rf"TikTok\s+1 {times} video\s*EUR 150.00 each"),
            re.compile(rf"Instagram\s+1 {times} reel\s*EUR 100.00 each"),
        ]
    )
    expect(phone.locator(".rc-brief strong")).to_have_text("morning routine")
    expect(phone.get_by_label("Account to use")).to_have_value(account.public_id)
    phone.get_by_label("Your pitch").fill("I film my skincare routine every morning in daylight.")
    fits_the_phone(phone)
    screenshot(phone, "campaign")
    phone.get_by_role("button", name="Send application").click()
    expect(phone).to_have_url(re.compile(r"/creator/work/$"))
    expect(phone.locator(".flash-success")).to_contain_text("Application sent to Acme Shoes")
    application = Application.objects.get(creator=creator, campaign=campaign)
    assert application.status == Application.Status.PENDING
    assert application.social_account_id == account.pk
    expect(phone.locator(f"#app-{application.public_id}")).to_contain_text("Pending")

    # --- The brand opens the campaign's Applications tab and accepts (htmx, no page load). ---
    desk.get_by_role("navigation", name="Campaign sections").get_by_role(
        "link", name="Applications"
    ).click()
    row = desk.locator(f"#app-{application.public_id}")
    expect(row).to_contain_text("ava.bloom")
    expect(row).to_contain_text("23.4k")
    expect(row).to_contain_text("I film my skincare routine")
    expect(desk.locator("#fill-committed")).to_have_text("EUR 0.00")
    screenshot(desk, "applications")
    row.get_by_role("button", name="Accept").click()
    expect(row.locator(".badge")).to_have_text("Accepted")
    expect(row.get_by_role("status")).to_have_text("ava.bloom accepted.")
    expect(desk.locator("#fill-creators")).to_contain_text("1")
    expect(desk.locator("#fill-committed")).to_have_text("EUR 250.00")
    screenshot(desk, "accepted")
    participation = Participation.objects.get(application=application)
    assert participation.creator_id == creator.pk
    assert participation.agreed_total_cents == 25_000

    # The campaign page shows the committed budget.
    desk.get_by_role("navigation", name="Campaign sections").get_by_role(
        "link", name="Overview"
    ).click()
    expect(committed).to_have_text("EUR 250.00")
    campaign.refresh_from_db()
    assert campaign.committed_cents == 25_000

    # --- The creator opens "My work": the participation with its promo code and link. ---
    phone.get_by_role("navigation", name="Creator").get_by_role("link", name="My work").click()
    card = phone.locator(f"#par-{participation.public_id}")
    expect(card).to_contain_text("Glow Serum Launch")
    expect(card.get_by_label("Your promo code")).to_have_text(participation.promo_code)
    tracking_url = f"{live_server.url}/r/{participation.tracking_code}"
    expect(card.get_by_label("Your tracking link")).to_have_value(tracking_url)
    fits_the_phone(phone)
    screenshot(phone, "my-work")

    # The tracking link records the click and redirects to the landing page with UTM tags
    # (fetched without following, so the browser does not leave for the external site).
    response = phone.request.get(tracking_url, max_redirects=0)
    assert response.status == 302
    location = response.headers["location"]
    assert location.startswith(f"{LANDING_URL}?")
    assert parse_qs(urlsplit(location).query) == {
        "utm_source": ["chorus"],
        "utm_medium": ["creator"],
        "utm_campaign": [campaign.public_id],
        "utm_content": [participation.tracking_code],
    }
    clicks_flush()  # what the worker does every few seconds: the redirect only buffers it
    assert Click.objects.filter(participation=participation).count() == 1
