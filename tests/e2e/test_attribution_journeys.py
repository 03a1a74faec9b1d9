"""Per-campaign attribution settings in Chromium (issue 11): a brand owner shortens the demo
launch's click window, is told inline that the half-life must not exceed it, fixes it, and
finds the settings in effect on the Performance page, where the credit model switches. The
guard audits every page with axe (tests/e2e/a11y.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from campaigns.demo import GLOW_LAUNCH
from campaigns.models import Campaign
from tests.e2e.conftest import BrowserGuard, log_in
from web.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_brand_owner_sets_a_flash_sale_window_and_sees_it_on_the_dashboard(
    new_page: Callable[..., Page], guard: BrowserGuard, screenshot: Callable[..., Path]
) -> None:
    call_command("seed_demo", verbosity=0)
    campaign = Campaign.objects.get(name=GLOW_LAUNCH)
    slug = campaign.organization.slug
    page = new_page()
    log_in(page, "owner@demo.chorus.test", DEMO_PASSWORD)
    page.wait_for_url("**/o/**")

    page.goto(f"/o/{slug}/campaigns/{campaign.public_id}/edit/")
    section = page.get_by_role("group", name="Attribution")
    expect(section).to_contain_text("credits already recorded are kept")
    window = section.get_by_label("Click lookback window (days)")
    half_life = section.get_by_label("Time-decay half-life (days)")
    expect(window).to_have_value("30")
    window.fill("3")
    with guard.expect_status(400, rf"/o/{slug}/campaigns/{campaign.public_id}/edit/"):
        page.get_by_role("button", name="Save changes").click()
    expect(half_life).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_attribution_half_life_days_error")).to_contain_text(
        "cannot be longer than the attribution window (3 days)"
    )
    screenshot(page, "half-life-error")

    half_life.fill("1")
    section.get_by_role("radio", name="Time decay").check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_test_id("attribution-settings")).to_have_text(
        "Clicks count for 3 days; time-decay half-life 1 day; dashboard model: time decay"
    )

    page.get_by_role("link", name="Performance", exact=True).last.click()
    expect(page.get_by_test_id("attribution-window")).to_have_text("3 days")
    expect(page.get_by_test_id("attribution-half-life")).to_have_text("1 day")
    expect(page.get_by_test_id("attribution-model")).to_contain_text("Time decay")
    models = page.get_by_role("navigation", name="Credit model")
    expect(models.get_by_role("link", name="Time decay")).to_have_attribute("aria-current", "true")
    models.get_by_role("link", name="Linear").click()
    expect(page.get_by_test_id("attribution-model")).to_have_text("Linear")
    expect(page.get_by_test_id("credit-table")).to_contain_text("Revenue credited by creator")
    screenshot(page, "dashboard")
    assert not guard.a11y.violations, "\n".join(map(str, guard.a11y.violations))
