"""Capacity agrees everywhere: one selector; the overview, campaign page, applications tab and
API show the same places left (issue 7)."""

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.capacity import Capacity
from campaigns.models import Campaign
from organizations.models import Membership
from organizations.roles import Role
from recruitment.selectors import campaign_capacity, campaign_overview
from tests.factories.campaigns import CampaignFactory
from tests.factories.organizations import BrandFactory
from tests.factories.recruitment import ApplicationFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


def _cap(**kw: Any) -> Capacity:
    base = dict(
        max_creators=60, filled=0, per_creator_cents=10_000, budget_cents=500_000,
        committed_cents=0, currency="USD",
    )  # fmt: skip
    base.update(kw)
    return Capacity(**base)


def test_places_left_is_the_smaller_of_maximum_and_budget_and_says_which() -> None:
    by_budget = _cap(committed_cents=10_000, filled=1)  # 490,000 left / 10,000 = 49
    assert (by_budget.places_left, by_budget.limited_by) == (49, "budget")
    by_max = _cap(max_creators=10, filled=8)
    assert (by_max.places_left, by_max.limited_by) == (2, "maximum")
    no_fees = _cap(per_creator_cents=0, filled=3)
    assert (no_fees.places_left, no_fees.limited_by, no_fees.places_by_budget) == (
        57, "maximum", None,
    )  # fmt: skip
    broke = _cap(committed_cents=495_000)
    assert broke.is_full
    assert broke.limited_by == "budget"


def _live_campaign(tenant: Any, **kw: Any) -> Campaign:
    campaign = CampaignFactory(
        organization=tenant.org, brand=tenant.brand, status=Campaign.Status.RECRUITING,
        budget_cents=500_000, max_creators=60, deliverables=[("tiktok", "video", 1, 10_000)], **kw,
    )  # fmt: skip
    return campaign


def _numbers(html: str, testid: str) -> list[str]:
    return re.findall(rf'data-testid="{testid}"[^>]*>\s*([\d,]+)', html)


def test_overview_campaign_page_applications_tab_and_api_agree(
    tenant_a: Any, api_client_for: Any
) -> None:
    campaign = _live_campaign(tenant_a)
    for _ in range(3):
        ParticipationFactory(campaign=campaign)
    Campaign.objects.filter(pk=campaign.pk).update(committed_cents=150_000)  # 350k left: 35
    ApplicationFactory(campaign=campaign)
    expected = campaign_capacity(Campaign.objects.get(pk=campaign.pk))
    assert (expected.places_left, expected.limited_by) == (35, "budget")

    client = Client()
    client.force_login(tenant_a.owner)
    slug = tenant_a.org.slug
    overview = client.get(reverse("organizations:dashboard", args=[slug])).content.decode()
    detail = client.get(reverse("campaigns:detail", args=[slug, campaign.public_id]))
    tab = client.get(
        reverse("recruitment:applications_for_campaign", args=[slug, campaign.public_id])
    )
    api = api_client_for(tenant_a, Role.VIEWER)
    body = api.get(f"/api/v1/campaign-capacity/{campaign.public_id}/").json()

    assert _numbers(overview, "places-left") == ["35"]
    assert _numbers(detail.content.decode(), "places-left") == ["35"]
    assert _numbers(tab.content.decode(), "places-left") == ["35"]
    assert body["places_left"] == 35
    assert body["limited_by"] == "budget"
    assert body["creators_in"] == 3
    assert _numbers(overview, "creators-in") == ["3"]
    assert _numbers(overview, "waiting") == ["1"]


def test_overview_runs_a_fixed_number_of_queries(tenant_a: Any) -> None:
    access = tenant_a.access()

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            rows = campaign_overview(access)
            [(r.capacity.places_left, r.applications_waiting) for r in rows]
        return len(ctx.captured_queries)

    _live_campaign(tenant_a)
    one = count()
    for _ in range(4):
        c = _live_campaign(tenant_a)
        ParticipationFactory(campaign=c)
        ApplicationFactory(campaign=c)
    with CaptureQueriesContext(connection) as ctx:
        many = count()
    assert one == many == 3, "\n".join(q["sql"] for q in ctx.captured_queries)


def test_overview_leaves_out_drafts_and_other_brands_for_a_brand_limited_member(
    tenant_a: Any,
) -> None:
    mine = _live_campaign(tenant_a)
    CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand, status=Campaign.Status.DRAFT)
    assert [r.campaign for r in campaign_overview(tenant_a.access())] == [mine]
    other_brand = BrandFactory(organization=tenant_a.org)
    limited_user = tenant_a.add_member(Role.MANAGER)
    Membership.objects.filter(user=limited_user).update(brand=other_brand)
    assert campaign_overview(tenant_a.access(Role.MANAGER, limited_user)) == []
