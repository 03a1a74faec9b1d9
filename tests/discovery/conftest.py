"""Fixtures for the discovery tests: a small, varied set of creators to search."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from campaigns.models import Campaign
from creators.models import CreatorProfile, SocialAccount
from tests.conftest import Tenant
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import CreatorProfileFactory, SocialAccountFactory

MakeCreator = Callable[..., CreatorProfile]


def make_creator(
    name: str,
    *,
    country: str = "US",
    niches: list[str] | None = None,
    accounts: list[dict[str, Any]] | None = None,
) -> CreatorProfile:
    """A creator with accounts given as dicts of SocialAccountFactory fields (``verified=False``
    for an unverified one)."""
    creator = CreatorProfileFactory(display_name=name, country=country, niches=niches or [])
    for spec in accounts or []:
        SocialAccountFactory(creator=creator, **spec)
    creator.refresh_from_db()
    return creator


@pytest.fixture
def creator_maker() -> MakeCreator:
    return make_creator


@dataclass
class Cast:
    """Five creators chosen so that every filter and sort changes the result."""

    ana: CreatorProfile  # US, beauty; TikTok 50k (3.00 %), Instagram 8k (7.00 %)
    ben: CreatorProfile  # GB, fitness; TikTok 5k (9.00 %)
    cara: CreatorProfile  # US, beauty + fashion; Instagram 120k (1.50 %)
    dan: CreatorProfile  # DE, food; YouTube 20k (5.00 %), TikTok 90k UNVERIFIED (10.00 %)
    eve: CreatorProfile  # US, no niche; TikTok 30k UNVERIFIED (2.00 %)

    def names(self, items: list[CreatorProfile]) -> list[str]:
        return [c.display_name for c in items]


@pytest.fixture
def cast(db: None) -> Cast:
    return Cast(
        ana=make_creator(
            "Ana",
            niches=["beauty"],
            accounts=[
                {
                    "platform": "tiktok",
                    "handle": "ana.tt",
                    "follower_count": 50_000,
                    "engagement_rate_bp": 300,
                },
                {
                    "platform": "instagram",
                    "handle": "ana.ig",
                    "follower_count": 8_000,
                    "engagement_rate_bp": 700,
                },
            ],
        ),
        ben=make_creator(
            "Ben",
            country="GB",
            niches=["fitness"],
            accounts=[
                {
                    "platform": "tiktok",
                    "handle": "ben.tt",
                    "follower_count": 5_000,
                    "engagement_rate_bp": 900,
                }
            ],
        ),
        cara=make_creator(
            "Cara",
            niches=["beauty", "fashion"],
            accounts=[
                {
                    "platform": "instagram",
                    "handle": "cara.ig",
                    "follower_count": 120_000,
                    "engagement_rate_bp": 150,
                }
            ],
        ),
        dan=make_creator(
            "Dan",
            country="DE",
            niches=["food"],
            accounts=[
                {
                    "platform": "youtube",
                    "handle": "dan.yt",
                    "follower_count": 20_000,
                    "engagement_rate_bp": 500,
                },
                {
                    "platform": "tiktok",
                    "handle": "dan.tt",
                    "follower_count": 90_000,
                    "engagement_rate_bp": 1000,
                    "verified": False,
                },
            ],
        ),
        eve=make_creator(
            "Eve",
            accounts=[
                {
                    "platform": "tiktok",
                    "handle": "eve.tt",
                    "follower_count": 30_000,
                    "engagement_rate_bp": 200,
                    "verified": False,
                }
            ],
        ),
    )


def recruiting_campaign(tenant: Tenant, **overrides: Any) -> Campaign:
    """A recruiting TikTok campaign of the tenant for creators with 1k-100k followers."""
    fields: dict[str, Any] = {
        "organization": tenant.org,
        "brand": tenant.brand,
        "name": "Glow Launch",
    }
    fields.update(overrides)
    return CampaignFactory(**fields)


def verified_tiktok(name: str, handle: str, followers: int = 12_000, **kw: Any) -> CreatorProfile:
    return make_creator(
        name,
        accounts=[{"platform": "tiktok", "handle": handle, "follower_count": followers, **kw}],
    )


def account(creator: CreatorProfile, platform: str) -> SocialAccount:
    return creator.social_accounts.get(platform=platform)
