"""Performance dashboards in Chromium: a brand owner reads a campaign's charts (drawn by
Chart.js) and, with the keyboard alone, opens the same figures as a table; the overview lists
the campaign; a creator finds their stats from the portal home on a 390-px phone. The guard
audits every page with axe (tests/e2e/a11y.py). Screenshots go to test-artifacts/screenshots.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from analytics import rollups
from analytics.models import Click, Conversion, PostMetricSnapshot
from campaigns.models import Campaign
from creators.models import CreatorProfile
from organizations.models import Brand
from tests.e2e.conftest import BrowserGuard, fits_the_phone, log_in
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import CreatorProfileFactory
from tests.factories.recruitment import ParticipationFactory
from tests.factories.submissions import LivePostFactory, SubmissionFactory
from web.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

START = datetime(2026, 11, 10, 9, tzinfo=UTC)


def _figures() -> Campaign:
    """A Glow Skincare campaign with the demo creator and five others, eight days of pulls,
    clicks and orders, rolled up."""
    brand = Brand.objects.get(slug="glow-skincare")
    campaign = CampaignFactory(
        brand=brand, name="Winter Glow", status=Campaign.Status.ACTIVE, currency="USD"
    )
    casey = CreatorProfile.objects.get(user__email="creator@demo.chorus.test")
    creators = [casey, *(CreatorProfileFactory() for _ in range(5))]
    for i, creator in enumerate(creators):
        participation = ParticipationFactory(campaign=campaign, creator=creator)
        slot = participation.slots.order_by("id").first()
        post = LivePostFactory(submission=SubmissionFactory(slot=slot), published_at=START)
        for day in range(i, 8):
            at = START + timedelta(days=day, hours=i)
            PostMetricSnapshot.objects.create(
                organization=campaign.organization,
                live_post=post,
                campaign=campaign,
                participation=participation,
                platform=post.platform,
                retrieved_at=at,
                views=(day - i + 1) * (900 + 350 * i),
                likes=(day - i + 1) * (60 + 9 * i),
                comments=(day - i + 1) * 7,
                shares=day,
                saves=day,
            )
            Click.objects.create(
                organization=campaign.organization,
                participation=participation,
                created_at=at,
                visitor_hash=f"v{i}{day}",
            )
            if (day + i) % 2 == 0:
                Conversion.objects.create(
                    organization=campaign.organization,
                    source=Conversion.Source.API,
                    order_id=uuid.uuid4().hex,
                    occurred_at=at + timedelta(hours=1),
                    currency="USD",
                    revenue_cents=4_500 + 500 * i,
                    campaign=campaign,
                    participation=participation,
                    method=Conversion.Method.PROMO_CODE,
                    creators_exposed=1 + (day + i) % 5,
                )
    assert rollups.rollup_run().ran
    return campaign


def _chart_drawn(page: Page, kind: str) -> None:
    page.wait_for_function(
        "k => window.Chart && Chart.getChart(document.querySelector(`canvas[data-chart=${k}]`))",
        arg=kind,
    )


def test_a_brand_owner_reads_the_campaign_dashboard_with_charts_and_keyboard_tables(
    new_page: Callable[..., Page], guard: BrowserGuard, screenshot: Callable[..., Path]
) -> None:
    call_command("seed_demo", verbosity=0)
    campaign = _figures()
    page = new_page()
    log_in(page, "owner@demo.chorus.test", DEMO_PASSWORD)
    page.wait_for_url("**/o/**")

    page.goto(f"/o/northstar/campaigns/{campaign.public_id}/")
    page.get_by_role("link", name="Performance", exact=True).last.click()
    expect(page.get_by_role("heading", level=1, name="Performance")).to_be_visible()
    for kind in ("daily", "cumulative", "reach"):
        _chart_drawn(page, kind)
    expect(page.get_by_test_id("views")).not_to_have_text("0")
    screenshot(page, "campaign")

    # Keyboard alone: Tab to the first "show as table" and open it.
    summary = page.locator("summary").first
    for _ in range(80):
        page.keyboard.press("Tab")
        if summary.evaluate("el => el === document.activeElement"):
            break
    else:
        raise AssertionError("the table toggle is not reachable with Tab")
    page.keyboard.press("Enter")
    table = page.locator("details.dash-table").first.locator("table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(8)
    screenshot(page, "campaign-table")

    page.get_by_role("link", name="Performance", exact=True).first.click()
    expect(page.get_by_test_id("campaigns")).to_contain_text("Winter Glow")
    _chart_drawn(page, "daily")
    screenshot(page, "overview")
    assert not guard.a11y.violations, "\n".join(map(str, guard.a11y.violations))


def test_a_creator_finds_their_stats_on_a_phone(
    new_page: Callable[..., Page], guard: BrowserGuard, screenshot: Callable[..., Path]
) -> None:
    call_command("seed_demo", verbosity=0)
    _figures()
    phone = new_page(phone=True)
    log_in(phone, "creator@demo.chorus.test", DEMO_PASSWORD)
    phone.wait_for_url("**/creator/**")

    phone.get_by_test_id("stats-link").click()
    expect(phone.get_by_role("heading", level=1, name="My stats")).to_be_visible()
    _chart_drawn(phone, "daily")
    # Winter Glow's figures, and the demo's own campaign the creator has posted in.
    expect(phone.get_by_test_id("campaign-stats")).to_have_count(2)
    expect(phone.get_by_test_id("campaign-stats").filter(has_text="Winter Glow")).to_have_count(1)
    expect(
        phone.get_by_test_id("campaign-stats").filter(has_text="Glow Serum Early Access")
    ).to_have_count(1)
    fits_the_phone(phone)
    for target in (phone.locator("summary").first, phone.get_by_role("button", name="Log out")):
        box = target.bounding_box()
        assert box is not None
        assert box["height"] >= 44, (target, box)
    screenshot(phone, "creator-stats")
    assert not guard.a11y.violations, "\n".join(map(str, guard.a11y.violations))
