"""Reads for the "reconnect your account" notices: the creator's own, and a campaign's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.urls import reverse

from analytics.models import PostMetrics
from analytics.reconnect import account_for
from campaigns.models import Campaign
from creators.models import CreatorProfile
from creators.oauth import oauth_connect_options
from organizations.access import OrgAccess
from platforms.types import Platform
from submissions.models import ReviewState


@dataclass(frozen=True)
class ReconnectNotice:
    platform: str
    platform_label: str
    handle: str  # "" when the account was removed since
    posts: int
    connect_url: str


def reconnect_notices_for_creator(
    request: HttpRequest, creator: CreatorProfile
) -> list[ReconnectNotice]:
    """One notice per platform whose approved posts of ``creator`` (in any organization: a
    creator is a global user) wait for the account to be connected again."""
    counts = (
        PostMetrics.objects.filter(
            live_post__creator_id=creator.pk,
            live_post__state=ReviewState.APPROVED,
            status=PostMetrics.Status.RECONNECT,
        )
        .values("platform")
        .annotate(posts=Count("pk"))
        .order_by("platform")
    )
    if not counts:
        return []
    # The platform's own OAuth flow when it is configured; else the accounts page.
    oauth = {o.platform.value: o.url for o in oauth_connect_options(request)}
    fallback = reverse("creators:accounts")
    notices = []
    for row in counts:
        platform = row["platform"]
        account = account_for(creator.pk, platform)
        notices.append(
            ReconnectNotice(
                platform=platform,
                platform_label=Platform(platform).label,
                handle=account.handle if account else "",
                posts=row["posts"],
                connect_url=oauth.get(platform, fallback),
            )
        )
    return notices


def creator_home_reconnect(
    request: HttpRequest, profile: CreatorProfile
) -> tuple[str, dict[str, Any]] | None:
    """The creator home's notice, at the top (``creators.portal``), or nothing."""
    notices = reconnect_notices_for_creator(request, profile)
    if not notices:
        return None
    return "analytics/_reconnect_notice.html", {"reconnect_notices": notices}


@dataclass(frozen=True)
class PausedPosts:
    posts: int
    creators: list[str]  # display names, sorted


def campaign_paused_posts(access: OrgAccess, campaign: Campaign) -> PausedPosts:
    """The campaign's posts whose figures wait for their creator to reconnect (within what
    ``access`` may see: its organization and brand limit)."""
    names = list(
        PostMetrics.objects.for_access(access)
        .filter(campaign_id=campaign.pk, status=PostMetrics.Status.RECONNECT)
        .values_list("live_post__creator__display_name", flat=True)
    )
    return PausedPosts(posts=len(names), creators=sorted(set(names), key=str.casefold))
