"""Instagram client: Graph API Business Discovery, asked on our own IG user id.

``GET /{version}/{our_ig_user_id}?fields=business_discovery.username(<handle>){...}``
returns another professional (Business/Creator) account's public fields and recent
media. Personal accounts and missing handles look the same to the API (error 110 /
subcode 2207013), so both are AccountNotFound. Business Discovery exposes no view
counts, so ``average_views`` is 0 here; views need the creator's own token (insights).
"""

from __future__ import annotations

import json
import re
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
from platforms.types import AccountProfile, Platform

DEFAULT_API_VERSION = "v25.0"
RECENT_MEDIA = 12
PROFILE_FIELDS = "id,username,name,biography,profile_picture_url,followers_count,media_count"
MEDIA_FIELDS = "id,timestamp,media_type,permalink,like_count,comments_count"
_VERSION_IN_PATH = re.compile(r"/v\d+\.\d+/?$")
DEFAULT_RETRY_AFTER = 300  # Graph gives no delay for app/user throttles; back off a while

# Graph error codes (graph-api/guides/error-handling, overview/rate-limiting).
_THROTTLE_CODES = frozenset({4, 17, 32, 613}) | frozenset(range(80000, 80015))
_AUTH_CODES = frozenset({10, 102, 104, 190, 2500}) | frozenset(range(200, 300))
_TRANSIENT_CODES = frozenset({1, 2})
_NOT_FOUND_CODE = 110  # "Invalid user id"
_NOT_FOUND_SUBCODE = 2207013  # not found, or not a professional account


def _discovery_fields(handle: str) -> str:
    # ``handle`` comes from parse_handle, so it cannot contain ( ) { } or commas.
    return (
        f"business_discovery.username({handle})"
        f"{{{PROFILE_FIELDS},media.limit({RECENT_MEDIA}){{{MEDIA_FIELDS}}}}}"
    )


class InstagramClient(BaseClient):
    platform = Platform.INSTAGRAM

    def __init__(
        self,
        *,
        base_url: str,
        access_token: str,
        ig_user_id: str,
        api_version: str = DEFAULT_API_VERSION,
        **options: Any,
    ):
        super().__init__(base_url=base_url, **options)
        self._access_token = access_token
        self._ig_user_id = ig_user_id
        # Accept both https://graph.facebook.com and https://graph.facebook.com/v25.0.
        has_version = _VERSION_IN_PATH.search(httpx.URL(base_url).path)
        self._prefix = "" if has_version else f"/{api_version}"

    def fetch_profile(self, handle: str) -> AccountProfile:
        handle = parse_handle(self.platform, handle)
        if not (self._access_token and self._ig_user_id):
            raise AuthError("access_token and ig_user_id are required", platform="instagram")
        payload = self._request(
            "GET",
            f"{self._prefix}/{self._ig_user_id}",
            params={"fields": _discovery_fields(handle)},
            # Header rather than ?access_token= so the token stays out of logged URLs.
            headers={"Authorization": f"Bearer {self._access_token}"},
        )
        account = payload.get("business_discovery")
        if account is None:
            raise AccountNotFound("no business_discovery in response", platform="instagram")
        account = self._read.obj(account, "business_discovery")
        media = self._read.items(self._read.opt_obj(account, "media"), "data")[:RECENT_MEDIA]
        followers = self._read.count(account, "followers_count", required=True)
        return AccountProfile(
            platform=self.platform,
            handle=handle,
            external_id=self._read.string(account, "id", required=True),
            display_name=self._read.string(account, "name") or handle,
            bio=self._read.string(account, "biography"),
            profile_url=profile_url(self.platform, handle),
            follower_count=followers,
            average_views=0,
            # like_count is omitted when the owner hides likes: it then counts as 0.
            engagement_rate_bp=metrics.engagement_rate_bp(
                [
                    self._read.count(m, "like_count") + self._read.count(m, "comments_count")
                    for m in media
                ],
                followers,
            ),
            fetched_at=self._now(),
            avatar_url=self._read.string(account, "profile_picture_url"),
            posts_sampled=len(media),
        )

    def _raise_for_error(self, response: httpx.Response, payload: JSONObject | None) -> None:
        error = payload.get("error") if payload else None
        if isinstance(error, dict):
            # Switch on error.code / error_subcode, not on the HTTP status (Graph's advice).
            code = _int(error.get("code"))
            subcode = _int(error.get("error_subcode"))
            message = str(error.get("message") or "Graph API error")
            raw_code = f"{code}/{subcode}" if subcode else str(code)
            kwargs: dict[str, Any] = {
                "platform": "instagram",
                "code": raw_code,
                "status": response.status_code,
            }
            if code == _NOT_FOUND_CODE or subcode == _NOT_FOUND_SUBCODE:
                raise AccountNotFound(message, **kwargs)
            if code in _THROTTLE_CODES:
                raise RateLimited(message, retry_after_seconds=_retry_after(response), **kwargs)
            if code in _AUTH_CODES:
                raise AuthError(message, **kwargs)
            if code in _TRANSIENT_CODES or error.get("is_transient") is True:
                raise PlatformUnavailable(message, **kwargs)
            if response.status_code >= 500:
                raise PlatformUnavailable(message, **kwargs)
            raise PlatformError(message, **kwargs)
        super()._raise_for_error(response, payload)


def _int(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return 0


def _retry_after(response: httpx.Response) -> int:
    """Seconds until access returns, from X-Business-Use-Case-Usage (given in minutes)."""
    minutes = 0
    try:
        usage = json.loads(response.headers.get("x-business-use-case-usage", "") or "{}")
    except ValueError:
        usage = {}
    if isinstance(usage, dict):
        for entries in usage.values():
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, dict):
                    minutes = max(minutes, _int(entry.get("estimated_time_to_regain_access")))
    if minutes:
        return minutes * 60
    return retry_after_header(response) or DEFAULT_RETRY_AFTER
