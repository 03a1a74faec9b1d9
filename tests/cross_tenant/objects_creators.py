"""Cross-tenant builders for the creators app's URL kwargs (creator portal).

Other apps' builders can reuse the victim creator's profile with ``victim_creator_profile(owner)``
and a verified account with ``victim_social_account(owner)``.
"""

from creators.models import CreatorProfile, PortfolioItem, SocialAccount
from tests.cross_tenant.registry import Owner, url_param
from tests.factories.creators import CreatorProfileFactory, SocialAccountFactory


def victim_creator_profile(owner: Owner) -> CreatorProfile:
    """The victim creator's profile (created if the world has none yet)."""

    def make() -> CreatorProfile:
        profile = CreatorProfile.objects.filter(user=owner.creator).first()
        return profile or CreatorProfileFactory(user=owner.creator, display_name="victim-creator")

    return owner.once("creators:profile", make)


def victim_social_account(owner: Owner) -> SocialAccount:
    """An UNVERIFIED TikTok account of the victim creator (so "verify" would change it)."""
    return owner.once(
        "creators:social_account",
        lambda: SocialAccountFactory(
            creator=victim_creator_profile(owner), handle="victim.creator", verified=False
        ),
    )


def victim_portfolio_item(owner: Owner) -> PortfolioItem:
    return owner.once(
        "creators:portfolio_item",
        lambda: PortfolioItem.objects.create(
            creator=victim_creator_profile(owner),
            url="https://www.tiktok.com/@victim.creator/video/1",
            title="Victim's best video",
        ),
    )


@url_param("account_id")
def account_id(owner: Owner) -> str:
    return victim_social_account(owner).public_id


@url_param("portfolio_item_id")
def portfolio_item_id(owner: Owner) -> str:
    return victim_portfolio_item(owner).public_id
