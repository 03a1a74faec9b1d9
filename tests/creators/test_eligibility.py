"""Eligibility: a pure function of the creator, their accounts and the campaign's targeting."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from campaigns.models import Campaign
from creators.eligibility import check_eligibility
from creators.models import CreatorProfile, SocialAccount
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import CreatorProfileFactory, SocialAccountFactory

VERIFIED = datetime(2026, 1, 1, tzinfo=UTC)
DASH = "\N{EN DASH}"  # as in "1,000 to 100,000" written with an en dash


@dataclass
class Creator:
    """Stands in for a CreatorProfile (country + niches are all eligibility reads)."""

    country: str = "US"
    niches: list[str] = field(default_factory=lambda: ["beauty"])


@dataclass
class Targeting:
    platforms: list[str] = field(default_factory=lambda: ["tiktok"])
    min_followers: int = 1_000
    max_followers: int = 100_000
    min_engagement_bp: int = 0
    niches: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)


def account(
    platform: str = "tiktok",
    followers: int = 12_000,
    engagement_bp: int = 450,
    verified: bool = True,
    handle: str = "casey",
) -> SocialAccount:
    return SocialAccount(
        platform=platform,
        handle=handle,
        follower_count=followers,
        engagement_rate_bp=engagement_bp,
        verified_at=VERIFIED if verified else None,
    )


def check(creator: Creator, campaign: Targeting, accounts: list[SocialAccount]):  # type: ignore[no-untyped-def]
    return check_eligibility(creator=creator, campaign=campaign, accounts=accounts)  # type: ignore[arg-type]


def test_a_creator_with_a_fitting_verified_account_is_eligible() -> None:
    result = check(Creator(), Targeting(), [account()])
    assert result.eligible
    assert result.reasons == []
    assert result.account is not None
    assert result.account.handle == "casey"


def test_too_few_followers_is_explained_with_the_range() -> None:
    result = check(Creator(), Targeting(), [account(followers=850)])
    assert not result.eligible
    assert result.reasons == [
        f"Your TikTok account has 850 followers; this campaign needs 1,000{DASH}100,000."
    ]
    assert result.account is None


def test_too_many_followers_is_explained_too() -> None:
    result = check(Creator(), Targeting(max_followers=50_000), [account(followers=75_000)])
    assert result.reasons == [
        f"Your TikTok account has 75,000 followers; this campaign needs 1,000{DASH}50,000."
    ]


def test_low_engagement_is_explained_in_percent() -> None:
    result = check(Creator(), Targeting(min_engagement_bp=300), [account(engagement_bp=120)])
    assert not result.eligible
    assert result.reasons == [
        "Your TikTok account's engagement rate is 1.20%; this campaign needs at least 3.00%."
    ]


def test_an_account_on_another_platform_does_not_count() -> None:
    result = check(Creator(), Targeting(platforms=["instagram", "youtube"]), [account("tiktok")])
    assert not result.eligible
    assert result.reasons == [
        "Add your Instagram or YouTube account: this campaign is for Instagram or YouTube creators."
    ]


def test_an_unverified_account_must_be_verified_first() -> None:
    result = check(Creator(), Targeting(), [account(verified=False)])
    assert not result.eligible
    assert result.reasons == [
        "Verify your TikTok @casey account to take part: this campaign needs a verified account."
    ]


def test_a_creator_outside_the_campaigns_countries_is_told_where_it_runs() -> None:
    result = check(Creator(country="DE"), Targeting(countries=["US", "CA"]), [account()])
    assert not result.eligible
    assert result.reasons == ["This campaign is for creators in US, CA."]
    assert result.account is not None  # the account itself fits


def test_a_creator_without_a_country_is_asked_to_add_one() -> None:
    result = check(Creator(country=""), Targeting(countries=["US"]), [account()])
    assert result.reasons == [
        "This campaign is for creators in US; add your country to your profile."
    ]


def test_no_shared_niche_is_explained_with_the_campaigns_niches() -> None:
    result = check(Creator(niches=["gaming"]), Targeting(niches=["beauty", "fitness"]), [account()])
    assert not result.eligible
    assert result.reasons == [
        "This campaign is for Beauty & skincare or Fitness creators; add a matching niche to "
        "your profile if it fits you."
    ]


def test_one_shared_niche_is_enough_and_empty_targeting_means_any() -> None:
    assert check(
        Creator(niches=["gaming", "fitness"]), Targeting(niches=["fitness"]), [account()]
    ).eligible
    assert check(Creator(country="JP", niches=[]), Targeting(), [account()]).eligible


def test_every_failing_rule_is_listed() -> None:
    result = check(
        Creator(country="FR", niches=["pets"]),
        Targeting(countries=["US"], niches=["beauty"]),
        [account(followers=10)],
    )
    assert len(result.reasons) == 3


def test_the_best_qualifying_account_has_the_most_followers() -> None:
    accounts = [
        account("tiktok", followers=20_000, handle="small"),
        account("instagram", followers=60_000, handle="big"),
        account("instagram", followers=500_000, handle="too.big"),
        account("youtube", followers=90_000, handle="other.platform"),
    ]
    result = check(Creator(), Targeting(platforms=["tiktok", "instagram"]), accounts)
    assert result.eligible
    assert result.account is not None
    assert result.account.handle == "big"


def test_a_campaign_without_deliverables_accepts_any_platform() -> None:
    assert check(Creator(), Targeting(platforms=[]), [account("youtube")]).eligible


@pytest.mark.django_db
def test_eligibility_runs_no_queries_on_prefetched_objects(
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    creator = CreatorProfileFactory(country="US", niches=["beauty"])
    SocialAccountFactory(creator=creator, platform="instagram", follower_count=30_000)
    campaign = CampaignFactory(
        deliverables=[("instagram", "reel", 1, 20000)], niches=["beauty"], countries=["US", "CA"]
    )
    campaign = Campaign.objects.prefetch_related("deliverables").get(pk=campaign.pk)
    loaded = CreatorProfile.objects.prefetch_related("niche_links", "social_accounts").get(
        pk=creator.pk
    )
    accounts = list(loaded.social_accounts.all())

    with django_assert_num_queries(0):
        result = check_eligibility(creator=loaded, campaign=campaign, accounts=accounts)

    assert result.eligible
    assert result.account is not None
    assert result.account.follower_count == 30_000
