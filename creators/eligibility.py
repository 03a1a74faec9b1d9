"""Can this creator take part in this campaign? A pure function, with reasons in the words of
whoever reads them: ``audience="creator"`` ("Your TikTok account has 850 followers…", the
default) or ``audience="brand"`` ("Their TikTok account has 850 followers…").

``check_eligibility`` runs no query when it is given ``accounts`` and the objects carry their
prefetches: ``creator.niche_links`` (for niches) and ``campaign.deliverables`` (for
``campaign.platforms``). For lists::

    creators = CreatorProfile.objects.prefetch_related("niche_links", "social_accounts")
    campaign = Campaign.objects.prefetch_related("deliverables").get(...)
    check_eligibility(creator=c, campaign=campaign, accounts=list(c.social_accounts.all()))

Rules (each failing rule adds one sentence to ``reasons``):

- a VERIFIED account on one of the campaign's platforms (any platform when the campaign has
  no deliverables yet) whose followers are within [min_followers, max_followers] and whose
  engagement is at least ``min_engagement_bp``; the best such account (most followers) is
  returned as ``account``;
- the creator's country is in ``campaign.countries`` (empty = any country);
- the creator shares a niche with ``campaign.niches`` (empty = any niche).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

from core.taxonomy import Niche
from platforms.types import Platform

if TYPE_CHECKING:
    from creators.models import CreatorProfile, SocialAccount


class CampaignTargeting(Protocol):
    """What eligibility reads from a campaign (``campaigns.models.Campaign`` fits)."""

    min_followers: int
    max_followers: int
    min_engagement_bp: int
    niches: list[str]
    countries: list[str]

    @property
    def platforms(self) -> list[str]: ...


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: list[str] = field(default_factory=list)
    account: SocialAccount | None = None


Audience = Literal["creator", "brand"]


def check_eligibility(
    *,
    creator: CreatorProfile,
    campaign: CampaignTargeting,
    accounts: list[SocialAccount] | None = None,
    audience: Audience = "creator",
) -> Eligibility:
    if accounts is None:
        accounts = list(creator.social_accounts.all())
    brand = audience == "brand"
    reasons: list[str] = []

    account, account_reasons = _best_account(campaign, accounts, brand=brand)
    reasons.extend(account_reasons)

    countries = [c.upper() for c in campaign.countries or []]
    if countries and (creator.country or "").upper() not in countries:
        where = ", ".join(countries)
        if brand:
            lives = (
                f"they are in {creator.country.upper()}"
                if creator.country
                else "they have not said where they live"
            )
            reasons.append(f"This campaign is for creators in {where}; {lives}.")
        elif creator.country:
            reasons.append(f"This campaign is for creators in {where}.")
        else:
            reasons.append(
                f"This campaign is for creators in {where}; add your country to your profile."
            )

    niches = list(campaign.niches or [])
    if niches and not set(niches) & set(creator.niches):
        names = _join_or([_niche_label(n) for n in niches])
        if brand:
            theirs = ", ".join(_niche_label(n) for n in creator.niches) or "none chosen"
            reasons.append(f"This campaign is for {names} creators; their niches: {theirs}.")
        else:
            reasons.append(
                f"This campaign is for {names} creators; add a matching niche to your profile "
                "if it fits you."
            )

    return Eligibility(
        eligible=account is not None and not reasons, reasons=reasons, account=account
    )


def _best_account(
    campaign: CampaignTargeting, accounts: list[SocialAccount], *, brand: bool = False
) -> tuple[SocialAccount | None, list[str]]:
    platforms = list(campaign.platforms)
    platform_names = _join_or([_platform_label(p) for p in platforms])
    candidates = [a for a in accounts if not platforms or a.platform in platforms]
    whose = "Their" if brand else "Your"
    if not candidates:
        if brand:
            return None, [
                f"They have no {platform_names} account; this campaign is for "
                f"{platform_names} creators."
            ]
        return None, [
            f"Add your {platform_names} account: this campaign is for {platform_names} creators."
        ]
    verified = [a for a in candidates if a.is_verified]
    if not verified:
        handles = _join_or([f"{_platform_label(a.platform)} @{a.handle}" for a in candidates])
        if brand:
            return None, [
                f"Their {handles} account is not verified yet; this campaign needs a verified "
                "account."
            ]
        return None, [
            f"Verify your {handles} account to take part: this campaign needs a verified account."
        ]

    low, high = campaign.min_followers, campaign.max_followers
    min_bp = campaign.min_engagement_bp or 0
    qualifying: list[SocialAccount] = []
    problems: list[str] = []
    for account in verified:
        label = _platform_label(account.platform)
        fits_followers = low <= account.follower_count <= high
        fits_engagement = account.engagement_rate_bp >= min_bp
        if fits_followers and fits_engagement:
            qualifying.append(account)
            continue
        if not fits_followers:
            problems.append(
                f"{whose} {label} account has {account.follower_count:,} followers; "
                f"this campaign needs {low:,}–{high:,}."  # noqa: RUF001 (an en dash, on purpose)
            )
        if not fits_engagement:
            problems.append(
                f"{whose} {label} account's engagement rate is "
                f"{_percent(account.engagement_rate_bp)}; "
                f"this campaign needs at least {_percent(min_bp)}."
            )
    if not qualifying:
        unverified = [a for a in candidates if not a.is_verified]
        if unverified:
            handles = _join_or([f"{_platform_label(a.platform)} @{a.handle}" for a in unverified])
            if brand:
                problems.append(f"Their unverified {handles} account may qualify once verified.")
            else:
                problems.append(f"Verifying your {handles} account may help.")
        return None, problems
    best = max(qualifying, key=lambda a: (a.follower_count, a.engagement_rate_bp))
    return best, []


def _platform_label(value: str) -> str:
    try:
        return str(Platform(value).label)
    except ValueError:
        return value


def _niche_label(value: str) -> str:
    try:
        return str(Niche(value).label)
    except ValueError:
        return value


def _percent(bp: int) -> str:
    whole, frac = divmod(bp, 100)
    return f"{whole}.{frac:02d}%"


def _join_or(items: list[str]) -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} or {items[-1]}"


def outside_targeting(
    *, creator: CreatorProfile, account: SocialAccount | None, campaign: CampaignTargeting
) -> list[str]:
    """Short flags, in a brand's words, for an applicant outside the campaign's targeting:
    country, and the followers and engagement of the account they applied with. No query."""
    flags: list[str] = []
    countries = [c.upper() for c in campaign.countries or []]
    if countries and (creator.country or "").upper() not in countries:
        where = creator.country.upper() if creator.country else "no country given"
        flags.append(f"Country {where}; the campaign targets {', '.join(countries)}.")
    if account is not None:
        low, high = campaign.min_followers, campaign.max_followers
        if not low <= account.follower_count <= high:
            flags.append(
                f"{account.follower_count:,} followers; the campaign targets {low:,}–{high:,}."  # noqa: RUF001
            )
        min_bp = campaign.min_engagement_bp or 0
        if account.engagement_rate_bp < min_bp:
            flags.append(
                f"Engagement {_percent(account.engagement_rate_bp)}; the campaign asks for at "
                f"least {_percent(min_bp)}."
            )
    return flags
