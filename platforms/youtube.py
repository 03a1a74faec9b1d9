"""YouTube Data API v3 client (API key; public data only).

A profile costs 3 quota units: ``channels.list?forHandle=`` (snippet, statistics and
the uploads playlist), ``playlistItems.list`` on the uploads playlist (newest first)
and ``videos.list`` on those ids for their statistics. Counts arrive as strings.

Posts: ``videos.list?id=<up to 50 ids>`` costs 1 quota unit per call whatever the number of
ids (``maxResults`` is not allowed with ``id``). Lookup asks ``part=snippet,status,
contentDetails``, metrics ``part=statistics``. Unknown, deleted and private ids are simply
left out of ``items`` (an API key sees public and unlisted videos only): a permanent answer.
Statistics are uint64 *strings*; an absent one (likes hidden) is None, not 0.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from platforms import metrics
from platforms._parse import JSONObject
from platforms.base import BaseClient, retry_after_header
from platforms.errors import (
    AccountNotFound,
    AuthError,
    PlatformError,
    PlatformUnavailable,
    RateLimited,
)
from platforms.handles import parse_handle, profile_url
from platforms.types import (
    AccountProfile,
    Platform,
    PostBatch,
    PostInfo,
    PostMetrics,
    UnavailableReason,
    Visibility,
)

API_PREFIX = "/youtube/v3"
RECENT_VIDEOS = 12
DEFAULT_RETRY_AFTER = 60

MAX_VIDEO_IDS = 50  # videos.list id= limit
_VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_SHORT_MAX_SECONDS = 180  # Shorts are up to 3 minutes
_DURATION = re.compile(r"P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?")
_VISIBILITY = {"public": Visibility.PUBLIC, "unlisted": Visibility.UNLISTED}
_GONE_UPLOADS = frozenset({"deleted", "rejected", "failed"})

_QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})
_THROTTLE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
_AUTH_REASONS = frozenset(
    {
        "keyInvalid",
        "keyExpired",
        "forbidden",
        "accessNotConfigured",
        "ipRefererBlocked",
        "authError",
        "insufficientPermissions",
        "API_KEY_INVALID",
    }
)
_TRANSIENT_REASONS = frozenset({"backendError", "internalError"})
_NOT_FOUND_REASONS = frozenset({"channelNotFound"})


class YouTubeClient(BaseClient):
    platform = Platform.YOUTUBE

    def __init__(self, *, base_url: str, api_key: str, **options: Any):
        super().__init__(base_url=base_url, **options)
        self._api_key = api_key
        # Accept both https://www.googleapis.com and https://www.googleapis.com/youtube/v3.
        has_prefix = httpx.URL(base_url).path.rstrip("/").endswith(API_PREFIX)
        self._prefix = "" if has_prefix else API_PREFIX

    def fetch_profile(self, handle: str, *, access_token: str = "") -> AccountProfile:
        handle = parse_handle(self.platform, handle)
        if not self._api_key:
            raise AuthError("api_key is required", platform="youtube")
        channels = self._get(
            "channels", part="snippet,statistics,contentDetails", forHandle=f"@{handle}"
        )
        found = self._read.items(channels, "items")
        if not found:  # an unknown handle is a 200 with no "items"
            raise AccountNotFound(f"no channel has the handle @{handle}", platform="youtube")
        channel = found[0]
        snippet = self._read.opt_obj(channel, "snippet")
        statistics = self._read.opt_obj(channel, "statistics")
        uploads = self._read.string(
            self._read.opt_obj(self._read.opt_obj(channel, "contentDetails"), "relatedPlaylists"),
            "uploads",
        )
        # hiddenSubscriberCount: subscriberCount is then absent (reads as 0).
        followers = self._read.count(statistics, "subscriberCount")
        videos = self._recent_video_stats(uploads)
        return AccountProfile(
            platform=self.platform,
            handle=handle,
            external_id=self._read.string(channel, "id", required=True),
            display_name=self._read.string(snippet, "title") or handle,
            bio=self._read.string(snippet, "description"),
            profile_url=profile_url(self.platform, handle),
            follower_count=followers,
            average_views=metrics.average([self._read.count(v, "viewCount") for v in videos]),
            engagement_rate_bp=metrics.engagement_rate_bp(
                [
                    self._read.count(v, "likeCount") + self._read.count(v, "commentCount")
                    for v in videos
                ],
                followers,
            ),
            fetched_at=self._now(),
            avatar_url=self._thumbnail(snippet),
            posts_sampled=len(videos),
        )

    # Posts ----------------------------------------------------------------------------
    def lookup_posts(
        self, post_ids: Sequence[str], *, access_token: str = ""
    ) -> PostBatch[PostInfo]:
        def fetch(chunk: list[str]) -> PostBatch[PostInfo]:
            part: PostBatch[PostInfo] = PostBatch()
            videos, unreadable = self._videos(chunk, "snippet,status,contentDetails")
            for video_id in chunk:
                video = videos.get(video_id)
                if video is None:
                    gone = self._gone(
                        video_id,
                        UnavailableReason.NOT_FOUND,
                        "YouTube has no public or unlisted video with this id: it was "
                        "deleted, made private, or never existed.",
                    )
                    self._left_out(part, video_id, unreadable, gone)
                    continue
                snippet = self._read.opt_obj(video, "snippet")
                status = self._read.opt_obj(video, "status")
                if self._read.string(status, "uploadStatus") in _GONE_UPLOADS:
                    part.unavailable[video_id] = self._gone(
                        video_id, UnavailableReason.DELETED, "YouTube removed this upload."
                    )
                    continue
                privacy = self._read.string(status, "privacyStatus")
                duration = self._read.string(
                    self._read.opt_obj(video, "contentDetails"), "duration"
                )
                part.found[video_id] = PostInfo(
                    platform=self.platform,
                    post_id=video_id,
                    author_id=self._read.string(snippet, "channelId"),
                    author_handle="",  # videos.list names the channel id, not its @handle
                    caption="\n".join(
                        t
                        for t in (
                            self._read.string(snippet, "title"),
                            self._read.string(snippet, "description"),
                        )
                        if t
                    ),
                    published_at=self._read.timestamp(snippet, "publishedAt"),
                    visibility=_VISIBILITY.get(privacy, Visibility.PRIVATE),
                    permalink=f"https://www.youtube.com/watch?v={video_id}",
                    # paidProductPlacementDetails is readable by the video's owner only.
                    paid_partnership=None,
                    media_type="short" if 0 < _seconds(duration) <= _SHORT_MAX_SECONDS else "video",
                )
            return part

        return self._batched(
            post_ids, size=MAX_VIDEO_IDS, valid=lambda v: bool(_VIDEO_ID.fullmatch(v)), fetch=fetch
        )

    def fetch_post_metrics(
        self, post_ids: Sequence[str], *, access_token: str = ""
    ) -> PostBatch[PostMetrics]:
        def fetch(chunk: list[str]) -> PostBatch[PostMetrics]:
            part: PostBatch[PostMetrics] = PostBatch()
            videos, unreadable = self._videos(chunk, "statistics")
            now = self._now()

            def figures(video_id: str, video: JSONObject) -> PostMetrics:
                stats = self._read.opt_obj(video, "statistics")
                favorites = self._read.opt_count(stats, "favoriteCount")
                return PostMetrics(
                    platform=self.platform,
                    post_id=video_id,
                    retrieved_at=now,
                    views=self._read.opt_count(stats, "viewCount"),
                    likes=self._read.opt_count(stats, "likeCount"),
                    comments=self._read.opt_count(stats, "commentCount"),
                    shares=None,  # not in the Data API
                    saves=None,
                    extra={} if favorites is None else {"favorites": favorites},
                )

            for video_id in chunk:
                video = videos.get(video_id)
                if video is None:
                    gone = self._gone(
                        video_id,
                        UnavailableReason.NOT_FOUND,
                        "YouTube no longer returns this video: deleted or made private.",
                    )
                    self._left_out(part, video_id, unreadable, gone)
                    continue
                self._read_post(part, video_id, functools.partial(figures, video_id, video))
            return part

        return self._batched(
            post_ids, size=MAX_VIDEO_IDS, valid=lambda v: bool(_VIDEO_ID.fullmatch(v)), fetch=fetch
        )

    def _videos(self, ids: list[str], part: str) -> tuple[dict[str, JSONObject], int]:
        """The videos YouTube returned by id, and how many items it returned we cannot read."""
        if not self._api_key:
            raise AuthError("api_key is required", platform="youtube")
        payload = self._get("videos", part=part, id=",".join(ids))
        # Deleted ids are left out of ``items`` (which may itself be absent when none is
        # left), but a videoListResponse always says what it is: an answer that is neither
        # (``{}`` from a proxy) says nothing about the videos, so it is no verdict on them.
        if "items" not in payload and payload.get("kind") != "youtube#videoListResponse":
            raise self._read.fail("not a video list")
        return self._read.by_id(payload, "items")

    def _recent_video_stats(self, uploads_playlist: str) -> list[JSONObject]:
        """Statistics objects of the newest uploads (empty when there are none)."""
        if not uploads_playlist:
            return []
        try:
            page = self._get(
                "playlistItems",
                part="contentDetails",
                playlistId=uploads_playlist,
                maxResults=RECENT_VIDEOS,
            )
        except PlatformError as exc:
            if exc.code == "playlistNotFound":  # a channel that never uploaded
                return []
            raise
        ids = [
            self._read.string(self._read.opt_obj(item, "contentDetails"), "videoId")
            for item in self._read.items(page, "items")
        ]
        ids = [i for i in ids if i][:RECENT_VIDEOS]
        if not ids:
            return []
        videos = self._get("videos", part="statistics", id=",".join(ids))
        # Deleted/private ids are simply left out of items.
        return [self._read.opt_obj(v, "statistics") for v in self._read.items(videos, "items")]

    def _thumbnail(self, snippet: JSONObject) -> str:
        thumbnails = self._read.opt_obj(snippet, "thumbnails")
        for size in ("high", "medium", "default"):
            url = self._read.string(self._read.opt_obj(thumbnails, size), "url")
            if url:
                return url
        return ""

    def _get(self, resource: str, **params: str | int) -> JSONObject:
        # Header rather than ?key= so the API key stays out of logged URLs.
        return self._request(
            "GET",
            f"{self._prefix}/{resource}",
            params=params,
            headers={"X-Goog-Api-Key": self._api_key},
        )

    def _raise_for_error(self, response: httpx.Response, payload: JSONObject | None) -> None:
        error = payload.get("error") if payload else None
        if isinstance(error, dict):
            ordered = _reasons(error)
            reasons = set(ordered)
            status = response.status_code
            message = str(error.get("message") or "YouTube API error")
            code = ordered[0] if ordered else str(error.get("status") or status)
            kwargs: dict[str, Any] = {"platform": "youtube", "code": code, "status": status}
            if reasons & _QUOTA_REASONS:
                # Not transient: the daily quota resets at midnight Pacific Time.
                raise RateLimited(
                    message, retry_after_seconds=seconds_until_quota_reset(), **kwargs
                )
            if reasons & _THROTTLE_REASONS or status == 429:
                retry = retry_after_header(response) or DEFAULT_RETRY_AFTER
                raise RateLimited(message, retry_after_seconds=retry, **kwargs)
            if reasons & _AUTH_REASONS or status == 401:
                raise AuthError(message, **kwargs)
            if reasons & _NOT_FOUND_REASONS:
                raise AccountNotFound(message, **kwargs)
            if reasons & _TRANSIENT_REASONS or status >= 500:
                raise PlatformUnavailable(message, **kwargs)
            if status >= 400:
                raise PlatformError(message, **kwargs)
        super()._raise_for_error(response, payload)


def _reasons(error: JSONObject) -> list[str]:
    """Reasons from ``errors[].reason`` and google.rpc ``details[].reason``, first seen first."""
    found: list[str] = []
    for key in ("errors", "details"):
        entries = error.get(key)
        for entry in entries if isinstance(entries, list) else []:
            reason = entry.get("reason") if isinstance(entry, dict) else None
            if isinstance(reason, str) and reason not in found:
                found.append(reason)
    return found


def seconds_until_quota_reset(now: datetime | None = None) -> int:
    """Seconds until the next midnight in America/Los_Angeles (YouTube's quota day)."""
    try:
        pacific: timezone | ZoneInfo = ZoneInfo("America/Los_Angeles")
    except ZoneInfoNotFoundError:  # no tz database: standard time is close enough
        pacific = timezone(timedelta(hours=-8))
    local = (now or datetime.now(UTC)).astimezone(pacific)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    # Subtract in UTC: same-tzinfo subtraction ignores a DST change in between.
    return max(1, int((midnight.astimezone(UTC) - local.astimezone(UTC)).total_seconds()))


def _seconds(duration: str) -> int:
    """ISO-8601 duration (``PT1M5S``) in seconds; 0 when absent or unreadable."""
    match = _DURATION.fullmatch(duration or "")
    if not match or not duration:
        return 0
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds
