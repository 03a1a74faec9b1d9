"""Template helpers for recruitment: ``{% load recruitment_tags %}``.

- ``{{ application.status|rc_status_class }}``: the badge modifier for a status.
- ``{{ date|days_left }}``: "today", "1 day left", "5 days left", "closed".
- ``{% campaign_capacity campaign as cap %}``: places left (campaigns' pages sit below
  recruitment, so they ask through this tag; the same selector as every other page and the API).
- ``{% campaign_overview org_access %}``: the dashboard's table of live campaigns.
"""

import datetime
from typing import Any

from django import template
from django.utils import timezone

from creators.eligibility import outside_targeting
from platforms.types import Platform
from recruitment.selectors import (
    campaign_capacity as _campaign_capacity,
)
from recruitment.selectors import (
    campaign_overview as _campaign_overview,
)
from recruitment.selectors import invitations_for_creator

register = template.Library()

_STATUS_CLASS = {
    "pending": "rc-pending",
    "accepted": "ok",
    "active": "ok",
    "completed": "rc-done",
    "declined": "danger",
    "cancelled": "danger",
    "waitlisted": "warn",
    "withdrawn": "muted",
    "expired": "muted",
}


@register.filter
def rc_status_class(status: str) -> str:
    return _STATUS_CLASS.get(status, "")


@register.filter
def days_left(value: datetime.date | None) -> str:
    if value is None:
        return ""
    days = (value - timezone.localdate()).days
    if days < 0:
        return "closed"
    if days == 0:
        return "last day"
    return f"{days} day{'s' if days != 1 else ''} left"


@register.filter
def platform_label(value: str) -> str:
    """'tiktok' -> 'TikTok'."""
    try:
        return str(Platform(value).label)
    except ValueError:
        return value


@register.simple_tag
def campaign_capacity(campaign: Any) -> Any:
    return _campaign_capacity(campaign)


@register.inclusion_tag("recruitment/_overview.html", takes_context=True)
def campaign_overview(context: dict[str, Any], access: Any) -> dict[str, Any]:
    return {
        "rows": _campaign_overview(access),
        "org_access": access,
        "request": context.get("request"),
    }


@register.filter
def targeting_flags(application: Any) -> list[str]:
    """``{% for flag in a|targeting_flags %}``: why an applicant is outside the targeting."""
    return outside_targeting(
        creator=application.creator,
        account=application.social_account,
        campaign=application.campaign,
    )


@register.simple_tag
def pending_invitations(creator: Any, limit: int = 5) -> list[Any]:
    """``{% pending_invitations profile as invites %}`` on the creator's home: one query."""
    if creator is None:
        return []
    return list(invitations_for_creator(creator, pending_only=True)[:limit])
