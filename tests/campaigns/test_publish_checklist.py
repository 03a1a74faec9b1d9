"""Publishing shows a checklist: it refuses what makes the campaign unusable and warns about the
rest (issue 7)."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from campaigns import services
from campaigns.checklist import publish_checklist
from campaigns.models import Campaign
from core.errors import ChorusError
from tests.factories.campaigns import CampaignFactory

pytestmark = pytest.mark.django_db


def _draft(tenant: Any, **kw: Any) -> Campaign:
    return CampaignFactory(
        organization=tenant.org, brand=tenant.brand, status=Campaign.Status.DRAFT,
        deliverables=[("tiktok", "video", 1, 10_000)], budget_cents=490_000, max_creators=60,
        **kw,
    )  # fmt: skip


def test_publishing_without_a_landing_page_is_refused(tenant_a: Any) -> None:
    campaign = _draft(tenant_a, landing_url="")
    with pytest.raises(ChorusError) as caught:
        services.campaign_publish(access=tenant_a.access(), campaign=campaign)
    assert "landing_url" in caught.value.fields
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT


def test_checklist_blocks_on_landing_page_and_warns_on_brief_and_budget(tenant_a: Any) -> None:
    campaign = _draft(tenant_a, landing_url="", brief="")
    items = {i.code: i for i in publish_checklist(campaign)}
    assert items["landing_url"].level == "blocking"
    assert items["brief"].level == "warning"
    assert items["budget_covers_maximum"].level == "warning"
    assert "pays for 49 creators, fewer than the maximum of 60" in (
        items["budget_covers_maximum"].text
    )
    assert items["deliverables"].ok


def test_warnings_do_not_stop_publishing(tenant_a: Any) -> None:
    campaign = _draft(tenant_a, brief="")
    published = services.campaign_publish(access=tenant_a.access(), campaign=campaign)
    assert published.status == Campaign.Status.RECRUITING


def test_the_draft_page_shows_the_checklist(tenant_a: Any) -> None:
    campaign = _draft(tenant_a, landing_url="", brief="")
    client = Client()
    client.force_login(tenant_a.owner)
    html = client.get(
        reverse("campaigns:detail", args=[tenant_a.org.slug, campaign.public_id])
    ).content.decode()
    assert 'data-testid="publish-checklist"' in html
    assert "Add a landing page" in html
    assert "The brief is empty" in html
    assert "Must fix before publishing" in html
