"""Find creators for a campaign, search by name or handle, and a creator's page for brands
(issue 7)."""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from campaigns.models import Campaign
from creators.eligibility import check_eligibility
from organizations.models import Membership
from organizations.roles import Role
from tests.discovery.conftest import Cast, make_creator
from tests.factories.campaigns import CampaignFactory
from tests.factories.organizations import BrandFactory
from tests.factories.recruitment import ParticipationFactory

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _tiktok_campaign(tenant: Any, **kw: Any) -> Campaign:
    return CampaignFactory(
        organization=tenant.org, brand=tenant.brand, name="Glow Launch",
        deliverables=[("tiktok", "video", 1, 10_000)], min_followers=10_000,
        max_followers=100_000, countries=["US"], niches=["beauty"], **kw,
    )  # fmt: skip


def test_brand_wording_says_their_account_and_the_range() -> None:
    creator = make_creator(
        "Low", accounts=[{"platform": "tiktok", "handle": "low", "follower_count": 850}]
    )
    campaign = CampaignFactory(deliverables=[("tiktok", "video", 1, 100)])
    result = check_eligibility(creator=creator, campaign=campaign, audience="brand")
    assert not result.eligible
    assert result.reasons == [
        "Their TikTok account has 850 followers; this campaign needs 1,000–100,000."  # noqa: RUF001
    ]
    mine = check_eligibility(creator=creator, campaign=campaign)
    assert mine.reasons[0].startswith("Your TikTok account has 850 followers")


def test_opening_search_from_a_campaign_applies_its_targeting_and_marks_eligibility(
    tenant_a: Any, cast: Cast
) -> None:
    campaign = _tiktok_campaign(tenant_a)
    url = reverse("discovery:search", args=[tenant_a.org.slug])
    html = _client(tenant_a.owner).get(url, {"campaign": campaign.public_id}).content.decode()

    # The targeting became the filters: TikTok, 10k to 100k, US, beauty.
    assert 'name="platform"' in html
    assert re.search(r'<option value="tiktok" selected>', html)
    assert 'name="min_followers" value="10000"' in html
    assert re.search(r'<option value="beauty" selected>', html)
    # Preselected for invitations.
    assert f'<option value="{campaign.public_id}" selected>' in html
    # Ana (US, beauty, TikTok 50k) fits; nobody else passes the filters.
    assert "Ana" in html
    assert html.count('data-testid="eligibility"') == 1
    assert "Eligible" in html


def test_filters_widened_by_hand_keep_the_marks_with_reasons_in_brand_words(
    tenant_a: Any, cast: Cast
) -> None:
    campaign = _tiktok_campaign(tenant_a)
    url = reverse("discovery:search", args=[tenant_a.org.slug])
    html = (
        _client(tenant_a.owner)
        .get(url, {"campaign": campaign.public_id, "platform": "tiktok"})
        .content.decode()
    )
    assert html.count('data-testid="eligibility"') >= 3
    assert "Not eligible" in html
    # Ben: GB, fitness, TikTok 5k.
    assert "Their TikTok account has 5,000 followers; this campaign needs 10,000–100,000." in html  # noqa: RUF001
    assert "This campaign is for creators in US; they are in GB." in html
    assert "Your " not in html.split('id="dc-results"')[1]


def test_search_by_name_or_handle(tenant_a: Any, cast: Cast) -> None:
    url = reverse("discovery:search", args=[tenant_a.org.slug])
    client = _client(tenant_a.owner)
    by_name = client.get(url, {"q": "car"}).content.decode()
    assert "Cara" in by_name
    assert "Ana" not in by_name
    by_handle = client.get(url, {"q": "@ana.ig"}).content.decode()
    assert "Ana" in by_handle
    assert "Ben" not in by_handle
    with_platform = client.get(url, {"q": "ana", "platform": "tiktok"}).content.decode()
    assert "Ana" in with_platform


def test_search_for_another_tenants_campaign_is_not_found(
    tenant_a: Any, tenant_b: Any, cast: Cast
) -> None:
    theirs = _tiktok_campaign(tenant_b)
    url = reverse("discovery:search", args=[tenant_a.org.slug])
    assert _client(tenant_a.owner).get(url, {"campaign": theirs.public_id}).status_code == 404


def test_creator_page_shows_profile_accounts_and_only_our_past_work(
    tenant_a: Any, tenant_b: Any, cast: Cast
) -> None:
    ours = _tiktok_campaign(tenant_a)
    theirs = CampaignFactory(organization=tenant_b.org, brand=tenant_b.brand, name="Bolt Secret")
    ParticipationFactory(campaign=ours, creator=cast.ana)
    ParticipationFactory(campaign=theirs, creator=cast.ana)
    url = reverse("discovery:creator_profile", args=[tenant_a.org.slug, cast.ana.public_id])
    response = _client(tenant_a.owner).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert cast.ana.bio in html
    assert "@ana.tt" in html
    assert "@ana.ig" in html
    assert "Glow Launch" in html
    assert "Bolt Secret" not in html, "another organization's campaign"
    assert theirs.public_id not in html


def test_creator_page_past_work_respects_the_brand_limit(tenant_a: Any, cast: Cast) -> None:
    ours = _tiktok_campaign(tenant_a)
    ParticipationFactory(campaign=ours, creator=cast.ana)
    other_brand = BrandFactory(organization=tenant_a.org)
    limited = tenant_a.add_member(Role.MANAGER)
    Membership.objects.filter(user=limited).update(brand=other_brand)
    url = reverse("discovery:creator_profile", args=[tenant_a.org.slug, cast.ana.public_id])
    html = _client(limited).get(url).content.decode()
    assert "Ana" in html
    assert "Glow Launch" not in html


def test_creator_page_in_another_organization_is_not_found(
    tenant_a: Any, tenant_b: Any, cast: Cast, stranger: Any
) -> None:
    url = reverse("discovery:creator_profile", args=[tenant_b.org.slug, cast.ana.public_id])
    assert _client(tenant_a.owner).get(url).status_code == 404
    missing = reverse("discovery:creator_profile", args=[tenant_a.org.slug, "cre_nope"])
    assert _client(tenant_a.owner).get(missing).status_code == 404
    assert (
        _client(tenant_a.owner)
        .post(reverse("discovery:creator_profile", args=[tenant_a.org.slug, cast.ana.public_id]))
        .status_code
        == 405
    )


def test_creator_page_is_linked_from_search_applications_and_participants(
    tenant_a: Any, cast: Cast
) -> None:
    from tests.factories.recruitment import ApplicationFactory

    campaign = _tiktok_campaign(tenant_a)
    ApplicationFactory(campaign=campaign, creator=cast.ben)
    ParticipationFactory(campaign=campaign, creator=cast.ana)
    client = _client(tenant_a.owner)
    slug = tenant_a.org.slug
    search = client.get(reverse("discovery:search", args=[slug])).content.decode()
    assert reverse("discovery:creator_profile", args=[slug, cast.cara.public_id]) in search
    apps = client.get(
        reverse("recruitment:applications_for_campaign", args=[slug, campaign.public_id])
    ).content.decode()
    assert reverse("discovery:creator_profile", args=[slug, cast.ben.public_id]) in apps
    parts = client.get(
        reverse("recruitment:participations_for_campaign", args=[slug, campaign.public_id])
    ).content.decode()
    assert reverse("discovery:creator_profile", args=[slug, cast.ana.public_id]) in parts
