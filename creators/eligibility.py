"""Can this creator take part in this campaign? A pure function, with reasons a creator reads.

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
from typing import TYPE_CHECKING, Protocol

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


def check_eligibility(
    *,
    creator: CreatorProfile,
    campaign: CampaignTargeting,
    accounts: list[SocialAccount] | None = None,
) -> Eligibility:
    if accounts is None:
        accounts = list(creator.social_accounts.all())
    reasons: list[str] = []

    account, account_reasons = _best_account(campaign, accounts)
    reasons.extend(account_reasons)

    countries = [c.upper() for c in campaign.countries or []]
    if countries and (creator.country or "").upper() not in countries:
        where = ", ".join(countries)
        if creator.country:
            reasons.append(f"This campaign is for creators in {where}.")
        else:
            reasons.append(
                f"This campaign is for creators in {where}; add your country to your profile."
            )

    niches = list(campaign.niches or [])
    if niches and not set(niches) & set(creator.niches):
        names = _join_or([_niche_label(n) for n in niches])
        reasons.append(
            f"This campaign is for {names} creators; add a matching niche to your profile "
            "if it fits you."
        )

    return Eligibility(
        eligible=account is not None and not reasons, reasons=reasons, account=account
    )


def _best_account(
    campaign: CampaignTargeting, accounts: list[SocialAccount]
) -> tuple[SocialAccount | None, list[str]]:
    platforms = list(campaign.platforms)
    platform_names = _join_or([_platform_label(p) for p in platforms])
    candidates = [a for a in accounts if not platforms or a.platform in platforms]
    if not candidates:
        return None, [
            f"Add your {platform_names} account: this campaign is for {platform_names} creators."
        ]
    verified = [a for a in candidates if a.is_verified]
    if not verified:
        handles = _join_or([f"{_platform_label(a.platform)} @{a.handle}" for a in candidates])
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
                f"Your {label} account has {account.follower_count:,} followers; "
                f"this campaign needs {low:,}–{high:,}."  # noqa: RUF001 (an en dash, on purpose)
            )
        if not fits_engagement:
            problems.append(
                f"Your {label} account's engagement rate is {_percent(account.engagement_rate_bp)}; "
                f"this campaign needs at least {_percent(min_bp)}."
            )
    if not qualifying:
        unverified = [a for a in candidates if not a.is_verified]
        if unverified:
            handles = _join_or([f"{_platform_label(a.platform)} @{a.handle}" for a in unverified])
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
