"""Value types shared by every platform client."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

from django.db import models

from platforms.errors import PlatformError


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
    """What every platform client offers: profiles, post lookup and post metrics."""

    platform: Platform

    def fetch_profile(self, handle: str, *, access_token: str = "") -> AccountProfile:
        """Look up a public account by handle (``@Foo``, ``foo`` or a profile URL).

        ``access_token`` is the account owner's own OAuth token: TikTok then reads the
        profile through the Display API (its production path); Instagram and YouTube read
        public profiles with the app's credentials and ignore it.

        Raises ``ValueError`` for a handle that cannot be valid, and a
        :class:`platforms.errors.PlatformError` subclass for anything the platform says.
        """
        ...

    def lookup_posts(
        self, post_ids: Sequence[str], *, access_token: str = ""
    ) -> PostBatch[PostInfo]:
        """Describe posts by id, batched as the platform allows.

        ``access_token`` is the creator's own OAuth token where the platform needs it
        (TikTok Display API always; Instagram for the creator's media, else the configured
        token); YouTube reads public videos with the API key and ignores it.
        """
        ...

    def fetch_post_metrics(
        self, post_ids: Sequence[str], *, access_token: str = ""
    ) -> PostBatch[PostMetrics]:
        """Current counts of posts by id, batched as the platform allows."""
        ...

    def close(self) -> None: ...


# Posts -------------------------------------------------------------------------------


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    UNLISTED = "unlisted", "Unlisted"  # YouTube: reachable by link, not listed
    PRIVATE = "private", "Private"


class UnavailableReason(models.TextChoices):
    """Why a post cannot be read. Every one of these is a *permanent* answer for that id."""

    NOT_FOUND = "not_found", "Not found (deleted, private, or not this account's)"
    PRIVATE = "private", "Private"
    DELETED = "deleted", "Deleted"
    NO_PERMISSION = "no_permission", "No permission to read it"


@dataclass(frozen=True, slots=True)
class PostInfo:
    """One post as its platform describes it (lookup, for the automatic checks).

    ``caption`` is the text a disclosure must appear in: TikTok's title and description,
    Instagram's caption, YouTube's title and description (joined by a line break).
    ``paid_partnership`` is the platform's own paid-promotion label when the API exposes it
    to us, else None (unknown — never False by default). ``author_id``/``author_handle`` are
    "" when the platform does not say; TikTok's Display API only answers for the token's
    own videos, so a TikTok PostInfo is owned by the token's account by construction.
    """

    platform: Platform
    post_id: str  # the id the platform's API uses (Instagram: the media id, not the shortcode)
    author_id: str
    author_handle: str  # normalised: no "@", lower-case
    caption: str
    published_at: datetime  # aware, UTC
    visibility: Visibility
    permalink: str
    paid_partnership: bool | None = None
    media_type: str = ""  # platform's own word: VIDEO, REELS, IMAGE, short, video …
    shortcode: str = ""  # Instagram only

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC


@dataclass(frozen=True, slots=True)
class PostUnavailable:
    """A permanent per-post answer: the rest of the batch goes on."""

    platform: Platform
    post_id: str  # as requested
    reason: UnavailableReason
    message: str


@dataclass(frozen=True, slots=True)
class PostMetrics:
    """Counts for one post at ``retrieved_at``. None = the platform gave no figure (not 0).

    ``extra`` holds anything else the platform reports (Instagram ``reach``,
    ``total_interactions``; YouTube ``favorites``), each an int.
    """

    platform: Platform
    post_id: str
    retrieved_at: datetime
    views: int | None
    likes: int | None
    comments: int | None
    shares: int | None
    saves: int | None
    extra: dict[str, int] = field(default_factory=dict)


@dataclass
class PostBatch[T]:
    """What a batched post call produced, per requested id (each id lands in exactly one dict).

    ``found``        id → PostInfo / PostMetrics.
    ``unavailable``  id → PostUnavailable: permanent (not found, deleted, private, no permission).
    ``failed``       id → the PlatformError that stopped its chunk: *temporary or not about the
                     post* (5xx, timeout, 429/quota, expired token, unreadable answer). Never a
                     verdict on the post: retry later (``RateLimited.retry_after_seconds``).
    """

    found: dict[str, T] = field(default_factory=dict)
    unavailable: dict[str, PostUnavailable] = field(default_factory=dict)
    failed: dict[str, PlatformError] = field(default_factory=dict)
    calls: int = 0  # HTTP requests made for this batch (for call-budget tests and logs)

    @property
    def complete(self) -> bool:
        """True when every id got a final answer (nothing to retry)."""
        return not self.failed

    @property
    def retry_after_seconds(self) -> int | None:
        """The longest wait a rate limit in ``failed`` asked for (None: no rate limit)."""
        waits = [getattr(e, "retry_after_seconds", None) for e in self.failed.values()]
        numbers = [w for w in waits if isinstance(w, int)]
        return max(numbers) if numbers else None
