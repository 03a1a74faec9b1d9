"""Value types shared by every platform client."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from django.db import models


class Platform(models.TextChoices):
    # TextChoices so model fields downstream can use ``choices=Platform.choices``.
    TIKTOK = "tiktok", "TikTok"
    INSTAGRAM = "instagram", "Instagram"
    YOUTUBE = "youtube", "YouTube"


@dataclass(frozen=True, slots=True)
class AccountProfile:
    """A public account as one platform reports it at ``fetched_at``.

    Every number is an integer so it can be stored as is (no floats anywhere):
    ``engagement_rate_bp`` is in basis points (345 = 3.45 %), see
    :mod:`platforms.metrics` for how it and ``average_views`` are computed.
    ``average_views`` is 0 when the platform exposes no view counts for other
    people's posts (Instagram Business Discovery).
    """

    platform: Platform
    handle: str  # normalised: no "@", lower-case
    external_id: str  # the platform's stable id (TikTok's research API only gives the username)
    display_name: str
    bio: str
    profile_url: str
    follower_count: int
    average_views: int
    engagement_rate_bp: int
    fetched_at: datetime
    avatar_url: str = ""
    posts_sampled: int = 0  # how many recent posts the averages were computed from


@runtime_checkable
class PlatformClient(Protocol):
    """What every platform client offers. Later work adds post-metrics pulls here."""

    platform: Platform

    def fetch_profile(self, handle: str) -> AccountProfile:
        """Look up a public account by handle (``@Foo``, ``foo`` or a profile URL).

        Raises ``ValueError`` for a handle that cannot be valid, and a
        :class:`platforms.errors.PlatformError` subclass for anything the platform says.
        """
        ...

    def close(self) -> None: ...
