"""Template helpers for recruitment: ``{% load recruitment_tags %}``.

- ``{{ application.status|rc_status_class }}``: the badge modifier for a status.
- ``{{ date|days_left }}``: "today", "1 day left", "5 days left", "closed".
"""

import datetime

from django import template
from django.utils import timezone

from platforms.types import Platform

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
