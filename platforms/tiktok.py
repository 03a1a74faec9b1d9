"""TikTok client.

Profiles: the production path is the **Display API** with the creator's own OAuth token
(``fetch_profile(handle, access_token=...)``): ``GET /v2/user/info/`` describes the token's
owner (``user.info.basic``/``.profile``/``.stats`` scopes) and ``POST /v2/video/list/``
pages their public videos, newest first (``cursor`` = a UTC timestamp in milliseconds,
``max_count`` ≤ 20, ``has_more``; a page may hold fewer videos than asked even when more
follow). The Display API takes no handle: it describes only the token's own account, so a
token of another account is refused rather than answered with the wrong profile.

Looking up *someone else's* public account by handle is only offered by the Research API
(``POST /v2/research/user/info/`` and ``/v2/research/video/query/`` with a client token from
the ``client_credentials`` grant). TikTok grants it to approved academic research only, so it
is used only when configured (``research_api``, e.g. the simulator); without it and without
a creator token a profile lookup is an AuthError (``creator_token_required``).

Posts (lookup and metrics) go through the Display API with the creator's own OAuth
token (``act.…``, scope ``video.list``): ``POST /v2/video/query/?fields=…`` with
``{"filters": {"video_ids": [...]}}``, at most 20 ids per call. TikTok answers only for
videos that belong to the token's user, so a video left out of ``data.videos`` is a
permanent "not found" (deleted, private, or someone else's). The v2 envelope always
carries ``error``; success is ``error.code == "ok"`` even inside a 200.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

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
from platforms.ratelimit import APP_SCOPE
from platforms.types import (
    AccountProfile,
    Platform,
    PostBatch,
    PostInfo,
    PostMetrics,
    UnavailableReason,
    Visibility,
)

USER_FIELDS = "display_name,bio_description,avatar_url,is_verified,follower_count,video_count"
VIDEO_FIELDS = "id,create_time,username,like_count,comment_count,share_count,view_count"
RECENT_VIDEOS = 20
RESEARCH_RANGE_DAYS = 29  # start..end inclusive must stay within 30 days
TOKEN_REFRESH_MARGIN_SECONDS = 60
DEFAULT_RETRY_AFTER = 60  # rate limits are per one-minute sliding window

MAX_VIDEO_IDS = 20  # /v2/video/query/ filters.video_ids limit
POST_FIELDS = "id,create_time,share_url,title,video_description,duration"
METRIC_FIELDS = "id,view_count,like_count,comment_count,share_count"
OWNER_FIELDS = "open_id,username"
DISPLAY_USER_FIELDS = (
    "open_id,username,display_name,bio_description,avatar_url,follower_count,video_count"
)
LIST_FIELDS = "id,create_time,like_count,comment_count,share_count,view_count"
LIST_PAGE = 20  # /v2/video/list/ max_count
MAX_LIST_PAGES = 5
_SCOPE_CODES = frozenset({"scope_not_authorized", "scope_permission_missed"})


def _valid_video_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and 10 <= len(value) <= 21


_AUTH_CODES = frozenset({"access_token_invalid", "scope_not_authorized", "scope_permission_missed"})


class TikTokClient(BaseClient):
    platform = Platform.TIKTOK

    def __init__(
        self,
        *,
        base_url: str,
        client_key: str = "",
        client_secret: str = "",
        access_token: str = "",
        research_api: bool = False,
        **options: Any,
    ):
        super().__init__(base_url=base_url, **options)
        self._research_api = research_api
        self._client_key = client_key
        self._client_secret = client_secret
        # A pre-obtained client token is used until TikTok rejects it; then, given a
        # client key and secret, we fetch our own.
        self._token = access_token
        self._token_expires_at = float("inf") if access_token else 0.0  # time.monotonic()
        self._token_lock = threading.Lock()

    def fetch_profile(self, handle: str, *, access_token: str = "") -> AccountProfile:
        handle = parse_handle(self.platform, handle)
        if access_token:
            return self._display_profile(handle, access_token)
        if not self._research_api:
            raise AuthError(
                "a TikTok profile is read with the creator's own token (Display API); "
                "the Research API is not configured",
                platform="tiktok",
                code="creator_token_required",
            )
        user = self._read.obj(
            self._research(
                "/v2/research/user/info/", fields=USER_FIELDS, body={"username": handle}
            ).get("data"),
            "data",
        )
        followers = self._read.count(user, "follower_count", required=True)
        videos = self._recent_videos(handle)
        return AccountProfile(
            platform=self.platform,
            handle=handle,
            # The research user object carries no id; the username is the identifier.
            external_id=handle,
            display_name=self._read.string(user, "display_name") or handle,
            bio=self._read.string(user, "bio_description"),
            profile_url=profile_url(self.platform, handle),
            follower_count=followers,
            average_views=metrics.average([self._read.count(v, "view_count") for v in videos]),
            engagement_rate_bp=metrics.engagement_rate_bp(
                [
                    self._read.count(v, "like_count")
                    + self._read.count(v, "comment_count")
                    + self._read.count(v, "share_count")
                    for v in videos
                ],
                followers,
            ),
            fetched_at=self._now(),
            avatar_url=self._read.string(user, "avatar_url"),
            posts_sampled=len(videos),
        )

    def _display_profile(self, handle: str, token: str) -> AccountProfile:
        """The token owner's profile and recent videos (user/info + paged video/list)."""
        payload = self._request(
            "GET",
            "/v2/user/info/",
            params={"fields": DISPLAY_USER_FIELDS},
            headers={"Authorization": f"Bearer {token}"},
        )
        user = self._read.opt_obj(self._read.opt_obj(payload, "data"), "user")
        username = self._read.string(user, "username").lower()
        if username != handle:
            raise AuthError(
                f"this TikTok token belongs to @{username or '?'}, not @{handle}",
                platform="tiktok",
                code="token_of_another_account",
            )
        followers = self._read.count(user, "follower_count", required=True)
        videos = self._listed_videos(token)
        return AccountProfile(
            platform=self.platform,
            handle=handle,
            external_id=self._read.string(user, "open_id") or handle,
            display_name=self._read.string(user, "display_name") or handle,
            bio=self._read.string(user, "bio_description"),
            profile_url=profile_url(self.platform, handle),
            follower_count=followers,
            average_views=metrics.average([self._read.count(v, "view_count") for v in videos]),
            engagement_rate_bp=metrics.engagement_rate_bp(
                [
                    self._read.count(v, "like_count")
                    + self._read.count(v, "comment_count")
                    + self._read.count(v, "share_count")
                    for v in videos
                ],
                followers,
            ),
            fetched_at=self._now(),
            avatar_url=self._read.string(user, "avatar_url"),
            posts_sampled=len(videos),
        )

    def _listed_videos(self, token: str) -> list[JSONObject]:
        """The newest RECENT_VIDEOS public videos of the token's user, following the cursor."""
        videos: dict[str, JSONObject] = {}
        cursor: int | None = None
        for _ in range(MAX_LIST_PAGES):
            body: JSONObject = {"max_count": LIST_PAGE}
            if cursor is not None:
                body["cursor"] = cursor
            payload = self._request(
                "POST",
                "/v2/video/list/",
                params={"fields": LIST_FIELDS},
                json_body=body,
                headers={"Authorization": f"Bearer {token}"},
            )
            data = self._read.opt_obj(payload, "data")
            for video in self._read.items(data, "videos"):
                videos.setdefault(self._read.string(video, "id", required=True), video)
            next_cursor = self._read.count(data, "cursor")
            # A short page does not mean the end: only has_more does (and a cursor that moves).
            if len(videos) >= RECENT_VIDEOS or data.get("has_more") is not True:
                break
            if next_cursor == cursor or not next_cursor:
                break
            cursor = next_cursor
        ordered = sorted(
            videos.values(), key=lambda v: self._read.count(v, "create_time"), reverse=True
        )
        return ordered[:RECENT_VIDEOS]

    # Posts (Display API, creator's token) -------------------------------------------
    def lookup_posts(
        self, post_ids: Sequence[str], *, access_token: str = ""
    ) -> PostBatch[PostInfo]:
        owner: dict[str, str] = {}

        def fetch(chunk: list[str]) -> PostBatch[PostInfo]:
            if not owner:  # one user-info call per batch names the token's account
                owner.update(self._token_owner(access_token))
            part: PostBatch[PostInfo] = PostBatch()
            videos, unreadable = self._query_videos(chunk, POST_FIELDS, access_token)

            def info(video_id: str, video: JSONObject) -> PostInfo:
                return PostInfo(
                    platform=self.platform,
                    post_id=video_id,
                    author_id=owner.get("open_id", ""),
                    author_handle=owner.get("username", "").lower(),
                    caption=_join(
                        self._read.string(video, "title"),
                        self._read.string(video, "video_description"),
                    ),
                    published_at=datetime.fromtimestamp(
                        self._read.count(video, "create_time", required=True), UTC
                    ),
                    # The Display API hands out the user's public videos only (video.list).
                    visibility=Visibility.PUBLIC,
                    permalink=_strip_query(self._read.string(video, "share_url"))
                    or f"https://www.tiktok.com/@{owner.get('username', '')}/video/{video_id}",
                    paid_partnership=None,  # the content-disclosure toggle is not exposed
                    media_type="VIDEO",
                )

            for video_id in chunk:
                video = videos.get(video_id)
                if video is None:
                    self._left_out(part, video_id, unreadable, self._not_returned(video_id))
                    continue
                self._read_post(part, video_id, functools.partial(info, video_id, video))
            return part

        return self._batched(post_ids, size=MAX_VIDEO_IDS, valid=_valid_video_id, fetch=fetch)

    def fetch_post_metrics(
        self, post_ids: Sequence[str], *, access_token: str = ""
    ) -> PostBatch[PostMetrics]:
        def fetch(chunk: list[str]) -> PostBatch[PostMetrics]:
            part: PostBatch[PostMetrics] = PostBatch()
            videos, unreadable = self._query_videos(chunk, METRIC_FIELDS, access_token)
            now = self._now()

            def figures(video_id: str, video: JSONObject) -> PostMetrics:
                return PostMetrics(
                    platform=self.platform,
                    post_id=video_id,
                    retrieved_at=now,
                    views=self._read.opt_count(video, "view_count"),
                    likes=self._read.opt_count(video, "like_count"),
                    comments=self._read.opt_count(video, "comment_count"),
                    shares=self._read.opt_count(video, "share_count"),
                    saves=None,  # not in the Display API's video object
                )

            for video_id in chunk:
                video = videos.get(video_id)
                if video is None:
                    self._left_out(part, video_id, unreadable, self._not_returned(video_id))
                    continue
                self._read_post(part, video_id, functools.partial(figures, video_id, video))
            return part

        return self._batched(post_ids, size=MAX_VIDEO_IDS, valid=_valid_video_id, fetch=fetch)

    def _query_videos(
        self, ids: list[str], fields: str, token: str
    ) -> tuple[dict[str, JSONObject], int]:
        """The videos TikTok returned by id, and how many items it returned we cannot read."""
        if not token:
            raise AuthError(
                "TikTok posts need the creator's own access token (Display API)",
                platform="tiktok",
                code="access_token_invalid",
            )
        payload = self._request(
            "POST",
            "/v2/video/query/",
            params={"fields": fields},
            json_body={"filters": {"video_ids": ids}},
            headers={"Authorization": f"Bearer {token}"},
        )
        # Every v2 answer carries ``data``: without it, nothing says the videos are gone.
        data = self._read.obj(payload.get("data"), "data")
        return self._read.by_id(data, "videos")

    def _token_owner(self, token: str) -> dict[str, str]:
        """open_id (+ username when the token has user.info.profile) of the token's user."""
        if not token:
            return {}
        for fields in (OWNER_FIELDS, "open_id"):
            try:
                payload = self._request(
                    "GET",
                    "/v2/user/info/",
                    params={"fields": fields},
                    headers={"Authorization": f"Bearer {token}"},
                )
            except AuthError as exc:
                if exc.code in _SCOPE_CODES and fields != "open_id":
                    continue  # username needs user.info.profile; open_id alone is basic
                raise
            user = self._read.opt_obj(self._read.opt_obj(payload, "data"), "user")
            return {
                "open_id": self._read.string(user, "open_id"),
                "username": self._read.string(user, "username"),
            }
        return {}

    def _not_returned(self, video_id: str) -> Any:
        return self._gone(
            video_id,
            UnavailableReason.NOT_FOUND,
            "TikTok did not return this video for the creator's account: it was deleted, "
            "made private, or belongs to someone else.",
        )

    def _recent_videos(self, handle: str) -> list[JSONObject]:
        end = self._now().date()
        start = end - timedelta(days=RESEARCH_RANGE_DAYS)
        body = {
            "query": {
                "and": [{"operation": "EQ", "field_name": "username", "field_values": [handle]}]
            },
            "start_date": start.strftime("%Y%m%d"),
            "end_date": end.strftime("%Y%m%d"),
            "max_count": RECENT_VIDEOS,
        }
        data = self._read.opt_obj(
            self._research("/v2/research/video/query/", fields=VIDEO_FIELDS, body=body), "data"
        )
        videos = self._read.items(data, "videos")
        # The research API does not promise an order; newest first, then cap.
        videos.sort(key=lambda v: self._read.count(v, "create_time"), reverse=True)
        return videos[:RECENT_VIDEOS]

    # Research calls with a cached client token --------------------------------
    def _research(self, path: str, *, fields: str, body: JSONObject) -> JSONObject:
        try:
            return self._call(path, fields, body)
        except AuthError as exc:
            if exc.code != "access_token_invalid":
                raise
            # Tokens live ~2 h and the server may drop them earlier: get a new one once.
            self._forget_token()
            return self._call(path, fields, body)

    def _call(self, path: str, fields: str, body: JSONObject) -> JSONObject:
        token = self._client_token()
        return self._request(
            "POST",
            path,
            params={"fields": fields},
            json_body=body,
            headers={"Authorization": f"Bearer {token}"},
            # Client tokens are renewed every ~2 h; the limit is on our app, not on one token.
            scope=APP_SCOPE,
        )

    def _client_token(self) -> str:
        with self._token_lock:
            if self._token and time.monotonic() < self._token_expires_at:
                return self._token
            if not (self._client_key and self._client_secret):
                raise AuthError(
                    "no valid access_token, and no client_key/client_secret to get one",
                    platform="tiktok",
                    code="access_token_invalid",
                )
            payload = self._request(
                "POST",
                "/v2/oauth/token/",
                data={
                    "client_key": self._client_key,
                    "client_secret": self._client_secret,
                    "grant_type": "client_credentials",
                },
            )
            token = self._read.string(payload, "access_token", required=True)
            lifetime = self._read.count(payload, "expires_in") or 7200
            self._token = token
            self._token_expires_at = time.monotonic() + max(
                lifetime - TOKEN_REFRESH_MARGIN_SECONDS, 1
            )
            return token

    def _forget_token(self) -> None:
        with self._token_lock:
            self._token = ""
            self._token_expires_at = 0.0

    # Error mapping -------------------------------------------------------------
    def _raise_for_error(self, response: httpx.Response, payload: JSONObject | None) -> None:
        status = response.status_code
        error = payload.get("error") if payload else None
        if isinstance(error, str) and payload and "error_description" in payload:
            # OAuth endpoints: {"error": "invalid_client", "error_description": ..., "log_id": ...}
            message = str(payload.get("error_description") or error)
            if status >= 500:
                raise PlatformUnavailable(message, platform="tiktok", code=error, status=status)
            raise AuthError(message, platform="tiktok", code=error, status=status)
        if isinstance(error, dict):
            # v2 envelope: {"data": {...}, "error": {"code": "ok", "message": "", "log_id": ...}}
            code = str(error.get("code") or "")
            message = str(error.get("message") or code)
            if code == "ok":
                if status < 400:
                    return
            elif code == "rate_limit_exceeded":
                raise RateLimited(
                    message,
                    retry_after_seconds=retry_after_header(response) or DEFAULT_RETRY_AFTER,
                    platform="tiktok",
                    code=code,
                    status=status,
                )
            elif code in _AUTH_CODES:
                raise AuthError(message, platform="tiktok", code=code, status=status)
            elif code == "invalid_params" and response.url.path.endswith("/research/user/info/"):
                # The only parameter is the username: TikTok answers invalid_params for a
                # username that does not exist or is not public (as seen in public clients).
                raise AccountNotFound(message, platform="tiktok", code=code, status=status)
            elif code == "internal_error" or status >= 500:
                raise PlatformUnavailable(message, platform="tiktok", code=code, status=status)
            else:
                raise PlatformError(message, platform="tiktok", code=code, status=status)
        super()._raise_for_error(response, payload)


def _join(*parts: str) -> str:
    """Distinct non-empty texts, one per line (a title often repeats the description)."""
    seen: list[str] = []
    for part in parts:
        text = part.strip()
        if text and not any(text in other for other in seen):
            seen.append(text)
    return "\n".join(seen)


def _strip_query(url: str) -> str:
    return url.split("?", 1)[0]
