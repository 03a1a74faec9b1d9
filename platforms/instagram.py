"""Instagram client: Graph API Business Discovery, asked on our own IG user id.

``GET /{version}/{our_ig_user_id}?fields=business_discovery.username(<handle>){...}``
returns another professional (Business/Creator) account's public fields and recent
media. Personal accounts and missing handles look the same to the API (error 110 /
subcode 2207013), so both are AccountNotFound. Business Discovery exposes no view
counts, so ``average_views`` is 0 here; views need the creator's own token (insights).

Posts are read with the creator's own token (Instagram Login, ``instagram_business_basic``
+ ``instagram_business_manage_insights``), or the configured token when none is given:

- Lookup and metrics batch up to 50 media ids per call with Graph's multiple-id read,
  ``GET /{version}/?ids=a,b,…&fields=…``; metrics ride along as a field expansion,
  ``insights.metric(views,reach,saved,shares,total_interactions)``, so one call serves 50
  posts (Meta still counts each id as one call against the rate limit). ``views`` replaced
  ``impressions``/``plays`` (retired for all versions on April 21, 2025) and is never asked.
  One unreadable id fails a multiple-id read with ``(#100) Some of the aliases you
  requested do not exist: <ids>``: those ids are marked unavailable and the rest re-asked.
- A post URL carries a *shortcode*, which the Graph API cannot look up. We page through the
  creator's own ``/{ig-user-id|me}/media?fields=id,shortcode`` (cursor ``after``, newest
  first) until every shortcode is found. This needs the creator's token but proves the post
  is theirs; Business Discovery's media edge would work with our token for any professional
  account, but caps what it returns and gives no insights, so it is not used here.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Sequence
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
from platforms.types import (
    AccountProfile,
    Platform,
    PostBatch,
    PostInfo,
    PostMetrics,
    UnavailableReason,
    Visibility,
)

logger = logging.getLogger("platforms")

DEFAULT_API_VERSION = "v25.0"
INSTAGRAM_LOGIN_HOST = "graph.instagram.com"  # where Instagram Login (creator) tokens work
RECENT_MEDIA = 12
PROFILE_FIELDS = "id,username,name,biography,profile_picture_url,followers_count,media_count"
MEDIA_FIELDS = "id,timestamp,media_type,permalink,like_count,comments_count"
_VERSION_IN_PATH = re.compile(r"/v\d+\.\d+/?$")
DEFAULT_RETRY_AFTER = 300  # Graph gives no delay for app/user throttles; back off a while

MAX_IDS = 50  # Graph's multiple-id read
LISTING_PAGE = 100
MAX_LISTING_PAGES = 30  # 3,000 most recent media: far beyond a campaign's posting window
POST_FIELDS = (
    "id,caption,timestamp,permalink,shortcode,media_type,media_product_type,username,owner"
)
INSIGHT_METRICS = "views,reach,saved,shares,total_interactions"
COUNT_FIELDS = "id,like_count,comments_count"
METRIC_FIELDS = f"{COUNT_FIELDS},insights.metric({INSIGHT_METRICS})"
_ALIASES = re.compile(r"aliases you requested do not exist: ([\w,\s]+)")
_MEDIA_ID = re.compile(r"[0-9]{15,25}")
_SHORTCODE = re.compile(r"[A-Za-z0-9_-]{5,40}")

# Graph error codes (graph-api/guides/error-handling, overview/rate-limiting).
_THROTTLE_CODES = frozenset({4, 17, 32, 613}) | frozenset(range(80000, 80015))
_APP_THROTTLE_CODES = frozenset({4})
# Usage headers are whole-number percentages of the limit; at 100 % calls are refused, and
# calling on extends the block. Stop a little before, for as long as Meta says (or a while).
USAGE_PARK_PERCENT = 95
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
        user_base_url: str = "",
        **options: Any,
    ):
        super().__init__(base_url=base_url, **options)
        self._access_token = access_token
        self._ig_user_id = ig_user_id
        # Accept both https://graph.facebook.com and https://graph.facebook.com/v25.0.
        has_version = _VERSION_IN_PATH.search(httpx.URL(base_url).path)
        self._prefix = "" if has_version else f"/{api_version}"
        self._user_root = _user_root(base_url, user_base_url, api_version)

    def fetch_profile(self, handle: str, *, access_token: str = "") -> AccountProfile:
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

    # Posts ------------------------------------------------------------------------------
    def lookup_posts(
        self, post_ids: Sequence[str], *, access_token: str = "", ig_user_id: str = "me"
    ) -> PostBatch[PostInfo]:
        """Posts by media id *or* shortcode (from a post URL). Keys are as requested.

        A shortcode is resolved through the creator's own media listing, so it needs the
        creator's ``access_token``: without one its id lands in ``failed`` with an AuthError
        (ask the creator to connect Instagram), never as "not found". ``ig_user_id="me"``
        works with Instagram Login tokens (graph.instagram.com); with Facebook Login pass the
        creator's IG user id.
        """
        ids, batch = self._resolve_shortcodes(post_ids, access_token, ig_user_id)
        token = access_token or self._access_token

        def fetch(chunk: list[str]) -> PostBatch[PostInfo]:
            part: PostBatch[PostInfo] = PostBatch()
            for media_id, media in self._read_media(chunk, POST_FIELDS, token, part).items():
                owner = self._read.opt_obj(media, "owner")
                part.found[media_id] = PostInfo(
                    platform=self.platform,
                    post_id=self._read.string(media, "id", required=True),
                    author_id=self._read.string(owner, "id"),
                    author_handle=self._read.string(media, "username").lower(),
                    caption=self._read.string(media, "caption"),
                    published_at=self._read.timestamp(media, "timestamp"),
                    # Graph serves professional accounts' live media only: readable = public.
                    visibility=Visibility.PUBLIC,
                    permalink=self._read.string(media, "permalink"),
                    paid_partnership=None,  # the "Paid partnership" label is not in the API
                    media_type=self._read.string(media, "media_product_type")
                    or self._read.string(media, "media_type"),
                    shortcode=self._read.string(media, "shortcode"),
                )
            return part

        found = self._batched(ids.values(), size=MAX_IDS, valid=_valid_media_id, fetch=fetch)
        return _rekey(found, ids, batch)

    def fetch_post_metrics(
        self, post_ids: Sequence[str], *, access_token: str = "", ig_user_id: str = "me"
    ) -> PostBatch[PostMetrics]:
        ids, batch = self._resolve_shortcodes(post_ids, access_token, ig_user_id)
        token = access_token or self._access_token

        def fetch(chunk: list[str]) -> PostBatch[PostMetrics]:
            part: PostBatch[PostMetrics] = PostBatch()
            now = self._now()

            def figures(media_id: str, media: JSONObject) -> PostMetrics:
                insights = self._insights(media)
                likes = self._read.opt_count(media, "like_count")  # absent when likes hidden
                comments = self._read.opt_count(media, "comments_count")
                extra: dict[str, int] = {}
                for name in ("reach", "total_interactions"):
                    value = insights.get(name)
                    if value is not None:
                        extra[name] = value
                return PostMetrics(
                    platform=self.platform,
                    post_id=media_id,
                    retrieved_at=now,
                    views=insights.get("views"),
                    likes=likes,
                    comments=comments,
                    shares=insights.get("shares"),
                    saves=insights.get("saved"),
                    extra=extra,
                )

            for media_id, media in self._metrics_media(chunk, token, part).items():
                self._read_post(part, media_id, functools.partial(figures, media_id, media))
            return part

        found = self._batched(ids.values(), size=MAX_IDS, valid=_valid_media_id, fetch=fetch)
        return _rekey(found, ids, batch)

    def _metrics_media(
        self, chunk: list[str], token: str, part: PostBatch[PostMetrics]
    ) -> dict[str, JSONObject]:
        """Counts with insights for a chunk in one call; when Graph refuses the insights of
        one media (too few viewers, a metric its product type lacks), that refusal fails the
        whole multiple-id read: re-read the counts without insights, then ask each media's
        insights edge, so one such post costs its own insights, not the chunk's figures."""
        try:
            return self._read_media(chunk, METRIC_FIELDS, token, part)
        except PlatformError as exc:
            if not _insights_refused(exc):
                raise
            logger.info("instagram refused insights in a batch (%s); asking one by one", exc)
        media = self._read_media(chunk, COUNT_FIELDS, token, part)
        for media_id, values in media.items():
            try:
                values["insights"] = self._request(
                    "GET",
                    f"{self._root(token)}/{media_id}/insights",
                    params={"metric": INSIGHT_METRICS},
                    headers={"Authorization": f"Bearer {token}"},
                )
            except PlatformError as exc:
                if not _insights_refused(exc):
                    raise
                values["insights"] = {"data": []}  # no figures: None, never 0
        return media

    def _read_media[T](
        self, chunk: list[str], fields: str, token: str, part: PostBatch[T]
    ) -> dict[str, JSONObject]:
        """media id → media object; unreadable ids are recorded in ``part.unavailable``."""
        if not token:
            raise AuthError("an access token is required", platform="instagram")
        pending = list(chunk)
        while pending:
            try:
                payload = self._request(
                    "GET",
                    f"{self._root(token)}/",
                    params={"ids": ",".join(pending), "fields": fields},
                    headers={"Authorization": f"Bearer {token}"},
                )
            except PlatformError as exc:
                culprits = _alias_errors(exc, pending)
                if not culprits:
                    raise
                for media_id in culprits:
                    part.unavailable[media_id] = self._gone(
                        media_id,
                        UnavailableReason.NOT_FOUND,
                        "Instagram cannot show this post with the creator's access: it was "
                        "deleted, archived, or belongs to another account.",
                    )
                pending = [i for i in pending if i not in culprits]
                continue
            result: dict[str, JSONObject] = {}
            for media_id in pending:
                media = payload.get(media_id)
                if media is None:
                    part.unavailable[media_id] = self._gone(
                        media_id, UnavailableReason.NOT_FOUND, "Instagram returned nothing for it."
                    )
                elif not isinstance(media, dict):  # this post only: retried, no verdict
                    part.failed[media_id] = self._read.fail(f"{media_id} is not an object")
                else:
                    result[media_id] = media
            return result
        return {}

    def _insights(self, media: JSONObject) -> dict[str, int | None]:
        """Lifetime insight values by name; a metric Instagram left out is None (not 0)."""
        values: dict[str, int | None] = {}
        for entry in self._read.items(self._read.opt_obj(media, "insights"), "data"):
            name = self._read.string(entry, "name")
            points = self._read.items(entry, "values")
            values[name] = self._read.opt_count(points[0], "value") if points else None
        return values

    def _resolve_shortcodes(
        self, post_ids: Sequence[str], token: str, ig_user_id: str
    ) -> tuple[dict[str, str], PostBatch[Any]]:
        """requested id → media id, and a batch holding shortcodes that cannot be resolved."""
        batch: PostBatch[Any] = PostBatch()
        ids: dict[str, str] = {}
        shortcodes: list[str] = []
        for raw in dict.fromkeys(post_ids):
            if _valid_media_id(raw):
                ids[raw] = raw
            elif _SHORTCODE.fullmatch(raw):
                shortcodes.append(raw)
            else:
                batch.unavailable[raw] = self._gone(
                    raw, UnavailableReason.NOT_FOUND, f"{raw!r} is not an Instagram post id"
                )
        if not shortcodes:
            return ids, batch
        if not token:
            needs_token = AuthError(
                "an Instagram shortcode is found through the creator's own media: "
                "their access token is needed",
                platform="instagram",
                code="creator_token_required",
            )
            batch.failed.update(dict.fromkeys(shortcodes, needs_token))
            return ids, batch
        start = self.http_calls
        try:
            media_ids = self.media_ids_for_shortcodes(
                shortcodes, access_token=token, ig_user_id=ig_user_id
            )
        except PlatformError as exc:
            batch.failed.update(dict.fromkeys(shortcodes, exc))
            batch.calls = self.http_calls - start
            return ids, batch
        batch.calls = self.http_calls - start
        for shortcode in shortcodes:
            if shortcode in media_ids:
                ids[shortcode] = media_ids[shortcode]
            else:
                batch.unavailable[shortcode] = self._gone(
                    shortcode,
                    UnavailableReason.NOT_FOUND,
                    "This post is not among the creator's Instagram media: it was deleted, "
                    "archived, or belongs to another account.",
                )
        return ids, batch

    def media_ids_for_shortcodes(
        self, shortcodes: Sequence[str], *, access_token: str = "", ig_user_id: str = "me"
    ) -> dict[str, str]:
        """shortcode → media id, paging the account's media (newest first) with cursors."""
        token = access_token or self._access_token
        if not token:
            raise AuthError("an access token is required", platform="instagram")
        wanted = set(shortcodes)
        found: dict[str, str] = {}
        after = ""
        for _ in range(MAX_LISTING_PAGES):
            params: dict[str, str | int] = {"fields": "id,shortcode", "limit": LISTING_PAGE}
            if after:
                params["after"] = after
            page = self._request(
                "GET",
                f"{self._root(token)}/{ig_user_id}/media",
                params=params,
                headers={"Authorization": f"Bearer {token}"},
            )
            for media in self._read.items(page, "data"):
                shortcode = self._read.string(media, "shortcode")
                if shortcode in wanted:
                    found[shortcode] = self._read.string(media, "id", required=True)
            paging = self._read.opt_obj(page, "paging")
            after = self._read.string(self._read.opt_obj(paging, "cursors"), "after")
            if len(found) == len(wanted) or not paging.get("next") or not after:
                break
        return found

    def _root(self, token: str) -> str:
        """Where a call with ``token`` goes: a creator's Instagram Login token is only valid on
        graph.instagram.com; our own (Facebook Login) token on the configured base URL."""
        if self._user_root and token != self._access_token:
            return self._user_root
        return self._prefix

    def _usage_parks(self, response: httpx.Response) -> list[tuple[int, bool]]:
        """Parks from ``X-App-Usage`` (app-wide) and ``X-Business-Use-Case-Usage`` (per token).

        Sent on successes too, once enough calls were made: a usage near 100 % or a positive
        ``estimated_time_to_regain_access`` (minutes) stops us before Meta has to.
        """
        parks: list[tuple[int, bool]] = []
        app = _json_header(response, "x-app-usage")
        if isinstance(app, dict) and _peak_percent(app) >= USAGE_PARK_PERCENT:
            parks.append((DEFAULT_RETRY_AFTER, True))
        buc = _json_header(response, "x-business-use-case-usage")
        for entries in buc.values() if isinstance(buc, dict) else []:
            for entry in entries if isinstance(entries, list) else []:
                if not isinstance(entry, dict):
                    continue
                minutes = _int(entry.get("estimated_time_to_regain_access"))
                if minutes > 0:
                    parks.append((minutes * 60, False))
                elif _peak_percent(entry) >= USAGE_PARK_PERCENT:
                    parks.append((DEFAULT_RETRY_AFTER, False))
        return parks

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
                raise RateLimited(
                    message,
                    retry_after_seconds=_retry_after(response),
                    # Code 4 is the app-wide Platform limit; the others are per user/token.
                    app_wide=code in _APP_THROTTLE_CODES,
                    **kwargs,
                )
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


def _user_root(base_url: str, user_base_url: str, api_version: str) -> str:
    """Absolute root for creator-token calls, or "" to use the configured base URL (the
    simulator and other stand-ins serve both kinds of token on one host)."""
    if user_base_url:
        url = user_base_url.rstrip("/")
    elif httpx.URL(base_url).host == "graph.facebook.com":
        url = str(httpx.URL(base_url).copy_with(host=INSTAGRAM_LOGIN_HOST)).rstrip("/")
    else:
        return ""
    return url if _VERSION_IN_PATH.search(httpx.URL(url).path) else f"{url}/{api_version}"


def _json_header(response: httpx.Response, name: str) -> object:
    try:
        return json.loads(response.headers.get(name, "") or "null")
    except ValueError:
        return None


def _peak_percent(usage: dict[str, Any]) -> int:
    return max(_int(usage.get(k)) for k in ("call_count", "total_time", "total_cputime"))


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


def _valid_media_id(value: str) -> bool:
    return bool(_MEDIA_ID.fullmatch(value))


def _insights_refused(exc: PlatformError) -> bool:
    """Graph declined insights for a media, not the call: ``(#10) Not enough viewers for the
    media to show insights`` or ``(#100)`` about a metric its product type does not support."""
    if isinstance(exc, RateLimited | PlatformUnavailable):
        return False
    head = exc.code.split("/", 1)[0]
    text = exc.message.lower()
    if head == "10":
        return "insights" in text or "viewers" in text
    return head == "100" and ("metric" in text or "insights" in text)


def _alias_errors(exc: PlatformError, pending: list[str]) -> list[str]:
    """Ids a multiple-id read named as unreadable (code 100), if that is what ``exc`` is."""
    if not exc.code.startswith("100"):
        return []
    match = _ALIASES.search(exc.message)
    if not match:
        return []
    named = {part.strip() for part in match.group(1).split(",")}
    return [i for i in pending if i in named]


def _rekey[T](found: PostBatch[T], ids: dict[str, str], resolved: PostBatch[Any]) -> PostBatch[T]:
    """Results keyed by what the caller asked for (a shortcode or a media id)."""
    out: PostBatch[T] = PostBatch(calls=found.calls + resolved.calls)
    out.unavailable.update(resolved.unavailable)
    out.failed.update(resolved.failed)
    for requested, media_id in ids.items():
        if media_id in found.found:
            out.found[requested] = found.found[media_id]
        elif media_id in found.unavailable:
            gone = found.unavailable[media_id]
            out.unavailable[requested] = type(gone)(
                gone.platform, requested, gone.reason, gone.message
            )
        elif media_id in found.failed:
            out.failed[requested] = found.failed[media_id]
    return out
