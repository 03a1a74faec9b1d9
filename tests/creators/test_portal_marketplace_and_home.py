"""Issue 7 (Creator portal): the marketplace is searched and filtered by platform, niche and pay;
a pending invitation shows on the creator's home."""

import re
from typing import Any

import pytest
from django.test import Client

from campaigns.models import Campaign
from creators.models import CreatorProfile
from recruitment.models import CampaignInvitation
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import CreatorProfileFactory
from tests.factories.organizations import BrandFactory, OrganizationFactory
from tests.factories.recruitment import CampaignInvitationFactory

pytestmark = pytest.mark.django_db

MARKET = "/creator/campaigns/"
HOME = "/creator/"
NAMES = ("Glow Serum Drop", "Kitchen Heroes", "Runway Week")


@pytest.fixture
def portal(creator: CreatorProfile) -> Client:
    client = Client()
    client.force_login(creator.user)
    return client


@pytest.fixture
def market() -> dict[str, Campaign]:
    """Three open campaigns that differ in platform, niche, pay and brand."""
    org = OrganizationFactory(name="Lumen Group")
    lumen = BrandFactory(organization=org, name="Lumen Beauty")
    pantry = BrandFactory(organization=org, name="Pantry Co")
    return {
        "glow": CampaignFactory(
            organization=org, brand=lumen, name="Glow Serum Drop", niches=["beauty"],
            deliverables=[("tiktok", "video", 1, 30_000)],
        ),
        "kitchen": CampaignFactory(
            organization=org, brand=pantry, name="Kitchen Heroes", niches=["food"],
            deliverables=[("youtube", "short", 1, 8_000)],
        ),
        "runway": CampaignFactory(
            organization=org, brand=lumen, name="Runway Week", niches=["beauty", "fashion"],
            deliverables=[("instagram", "reel", 2, 30_000)],
        ),
    }  # fmt: skip


def _listed(client: Client, **query: str) -> set[str]:
    response = client.get(MARKET, query)
    assert response.status_code == 200, response.content[:300]
    html = response.content.decode()
    return {name for name in NAMES if name in html}


def test_without_filters_every_open_campaign_is_listed(portal: Client, market: Any) -> None:
    assert _listed(portal) == set(NAMES)


def test_filter_by_platform(portal: Client, market: Any) -> None:
    assert _listed(portal, platform="tiktok") == {"Glow Serum Drop"}
    assert _listed(portal, platform="youtube") == {"Kitchen Heroes"}
    assert _listed(portal, platform="instagram") == {"Runway Week"}


def test_filter_by_niche(portal: Client, market: Any) -> None:
    assert _listed(portal, niche="beauty") == {"Glow Serum Drop", "Runway Week"}
    assert _listed(portal, niche="food") == {"Kitchen Heroes"}
    assert _listed(portal, niche="pets") == set()


def test_filter_by_pay_per_creator(portal: Client, market: Any) -> None:
    # Per creator: Glow 300, Kitchen 80, Runway 2 x 300 = 600.
    assert _listed(portal, min_pay="10000") == {"Glow Serum Drop", "Runway Week"}
    assert _listed(portal, min_pay="50000") == {"Runway Week"}
    assert _listed(portal, min_pay="5000") == set(NAMES)


def test_search_by_campaign_or_brand_name(portal: Client, market: Any) -> None:
    assert _listed(portal, q="kitchen") == {"Kitchen Heroes"}
    assert _listed(portal, q="LUMEN") == {"Glow Serum Drop", "Runway Week"}
    assert _listed(portal, q="nothing like it") == set()


def test_filters_combine_and_stay_selected(portal: Client, market: Any) -> None:
    assert _listed(portal, q="lumen", niche="beauty", platform="instagram") == {"Runway Week"}
    html = portal.get(MARKET, {"platform": "instagram", "niche": "beauty"}).content.decode()
    assert re.search(r'<option value="instagram" selected>', html)
    assert re.search(r'<option value="beauty" selected>', html)


def test_a_value_the_filters_do_not_offer_is_no_error(portal: Client, market: Any) -> None:
    response = portal.get(MARKET, {"platform": "myspace", "min_pay": "abc", "niche": "x" * 500})
    assert response.status_code == 200


def test_the_filters_are_labelled_form_controls(portal: Client, market: Any) -> None:
    html = portal.get(MARKET).content.decode()
    for name in ("q", "platform", "niche", "min_pay"):
        assert f'name="{name}"' in html, name
    assert "Search campaigns" in html


# -- home ----------------------------------------------------------------------------------------


def test_a_pending_invitation_shows_on_the_creators_home(
    portal: Client, creator: CreatorProfile
) -> None:
    private = CampaignFactory(
        name="Secret Serum Preview",
        visibility=Campaign.Visibility.INVITE_ONLY,
        deliverables=[("tiktok", "video", 1, 25_000)],
    )
    invitation = CampaignInvitationFactory(campaign=private, creator=creator)
    html = portal.get(HOME).content.decode()
    block = html.split('data-testid="pending-invitations"', 1)
    assert len(block) == 2, "no invitations block on the home page"
    assert "Secret Serum Preview" in block[1]
    assert f"/creator/campaigns/{private.public_id}/" in block[1]
    assert "USD 250.00" in block[1]
    assert "1 waiting" in block[1]
    # Once answered, it is no longer waiting.
    CampaignInvitation.objects.filter(pk=invitation.pk).update(
        status=CampaignInvitation.Status.DECLINED
    )
    assert 'data-testid="pending-invitations"' not in portal.get(HOME).content.decode()


def test_another_creators_invitation_does_not_show(portal: Client) -> None:
    someone = CreatorProfileFactory(display_name="Someone Else")
    CampaignInvitationFactory(
        campaign=CampaignFactory(name="Not For You", visibility=Campaign.Visibility.INVITE_ONLY),
        creator=someone,
    )
    html = portal.get(HOME).content.decode()
    assert "Not For You" not in html
    assert 'data-testid="pending-invitations"' not in html
