"""Simulated TikTok API: OAuth client token, Research API user info and video query,
Display API ``/v2/user/info/`` and ``/v2/video/query/`` (the creator's own ``act.`` token;
the simulator reads ``act.sim.<handle>`` as that handle's), and vm./vt. short links under
``/short/<code>`` (a 301 to the post, as TikTok answers a browser).

Shapes follow developers.tiktok.com: every v2 answer is ``{"data": …, "error":
{"code", "message", "log_id"}}`` (``code == "ok"`` on success); OAuth errors are flat
``{"error", "error_description", "log_id"}``.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from platforms.simulator.accounts import Account, Post, posts
from platforms.simulator.control import REFRESH_TOKEN_PREFIX, token_owner, user_token
from platforms.simulator.http import (
    Request,
    Response,
    html_error,
    json_response,
    new_log_id,
    raw_response,
    retry_after,
)
from platforms.simulator.posts import SimPost
from platforms.simulator.state import Failure, SimulatorState

USER_FIELDS = frozenset(
    {
        "display_name",
        "bio_description",
        "avatar_url",
        "is_verified",
        "follower_count",
        "following_count",
        "likes_count",
        "video_count",
        "bio_url",
    }
)
VIDEO_FIELDS = frozenset(
    {
        "id",
        "create_time",
        "username",
        "region_code",
        "video_description",
        "music_id",
        "like_count",
        "comment_count",
        "share_count",
        "view_count",
        "hashtag_names",
    }
)
TOKEN_LIFETIME = 7200
MAX_RANGE_DAYS = 30


DISPLAY_USER_FIELDS = frozenset(
    {
        "open_id",
        "union_id",
        "avatar_url",
        "avatar_url_100",
        "avatar_large_url",
        "display_name",
        "bio_description",
        "profile_deep_link",
        "is_verified",
        "username",
        "follower_count",
        "following_count",
        "likes_count",
        "video_count",
    }
)
DISPLAY_VIDEO_FIELDS = frozenset(
    {
        "id",
        "create_time",
        "cover_image_url",
        "share_url",
        "video_description",
        "duration",
        "height",
        "width",
        "title",
        "embed_html",
        "embed_link",
        "like_count",
        "comment_count",
        "share_count",
        "view_count",
    }
)
MAX_QUERY_IDS = 20


def handle(request: Request, state: SimulatorState) -> Response:
    if request.path == "/v2/oauth/token/":
        if request.form().get("grant_type") == "refresh_token":
            return _refresh(request, state)
        return _token(request)
    if request.path.startswith("/short/"):
        return _short_link(request, state)
    display = {
        "/v2/user/info/": ("GET", _display_user),
        "/v2/video/query/": ("POST", _display_query),
        "/v2/video/list/": ("POST", _display_list),
    }
    if request.path in display and request.method == display[request.path][0]:
        failure = state.record_call("tiktok", f"{request.method} {request.path}")
        if failure:
            return failure_response(failure)
        owner = token_owner("tiktok", request.bearer_token())
        if owner is None:
            return _error(
                401,
                "access_token_invalid",
                "The access token is invalid or not found in the request.",
            )
        requested = {f.strip() for f in request.query.get("fields", "").split(",") if f.strip()}
        if not requested:
            return _error(400, "invalid_params", "fields is required")
        return display[request.path][1](request, state, owner, requested)
    routes = {
        "/v2/research/user/info/": _user_info,
        "/v2/research/video/query/": _video_query,
    }
    handler = routes.get(request.path)
    if handler is None or request.method != "POST":
        return _error(404, "invalid_params", f"no such endpoint: {request.method} {request.path}")
    failure = state.record_call("tiktok", f"{request.method} {request.path}")
    if failure:
        return failure_response(failure)
    if not request.bearer_token().startswith("clt."):
        return _error(
            401, "access_token_invalid", "The access token is invalid or not found in the request."
        )
    requested = {f.strip() for f in request.query.get("fields", "").split(",") if f.strip()}
    if not requested:
        return _error(400, "invalid_params", "fields is required")
    return handler(request, state, requested)


def _short_link(request: Request, state: SimulatorState) -> Response:
    code = [p for p in request.path.split("/") if p][-1]
    location = state.short_link(code)
    if location is None:
        return html_error(404)
    return raw_response(301, b"", "text/html; charset=utf-8", headers=[("Location", location)])


def _display_user(
    request: Request, state: SimulatorState, owner: str, requested: set[str]
) -> Response:
    unknown = requested - DISPLAY_USER_FIELDS
    if unknown:
        return _error(400, "invalid_params", f"invalid fields: {','.join(sorted(unknown))}")
    account = state.account("tiktok", owner)
    values = {
        **_user(account),
        "open_id": f"-000{account.external_id}",
        "union_id": f"c9c60f44-{account.external_id[:8]}",
        "avatar_url_100": "",
        "avatar_large_url": "",
        "username": account.handle,
        "profile_deep_link": f"https://vm.tiktok.com/{account.handle}",
    }
    return _ok({"user": {k: v for k, v in values.items() if k in requested}})


def _display_query(
    request: Request, state: SimulatorState, owner: str, requested: set[str]
) -> Response:
    unknown = requested - DISPLAY_VIDEO_FIELDS
    if unknown:
        return _error(400, "invalid_params", f"invalid fields: {','.join(sorted(unknown))}")
    body = request.json()
    filters = body.get("filters") if isinstance(body, dict) else None
    ids = filters.get("video_ids") if isinstance(filters, dict) else None
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        return _error(400, "invalid_params", "filters.video_ids must be a list of video ids")
    if len(ids) > MAX_QUERY_IDS:
        return _error(400, "invalid_params", f"at most {MAX_QUERY_IDS} video_ids per request")
    now = state.now()
    videos = []
    for video_id in dict.fromkeys(ids):
        post = state.post("tiktok", video_id)
        # Only the token owner's public videos come back; others are simply left out.
        if post is None or post.owner != owner or post.visibility != "public":
            continue
        values = _display_video(post, now)
        videos.append({k: v for k, v in values.items() if k in requested})
    return _ok({"videos": videos, "cursor": 0, "has_more": False})


LIST_MAX_COUNT = 20


def _display_list(
    request: Request, state: SimulatorState, owner: str, requested: set[str]
) -> Response:
    """The owner's public videos, newest first; ``cursor`` = UTC ms, older than it."""
    unknown = requested - DISPLAY_VIDEO_FIELDS
    if unknown:
        return _error(400, "invalid_params", f"invalid fields: {','.join(sorted(unknown))}")
    body = request.json() if request.body else {}
    if not isinstance(body, dict):
        return _error(400, "invalid_params", "request body must be a JSON object")
    max_count, cursor = body.get("max_count", 10), body.get("cursor")
    if isinstance(max_count, bool) or not isinstance(max_count, int) or not 1 <= max_count <= 20:
        return _error(400, "invalid_params", f"max_count must be 1-{LIST_MAX_COUNT}")
    if cursor is not None and (isinstance(cursor, bool) or not isinstance(cursor, int)):
        return _error(400, "invalid_params", "cursor must be a timestamp in milliseconds")
    now = state.now()
    account = state.account("tiktok", owner)
    videos = [
        {
            **_video(account, p),
            "id": p.id,
            "share_url": f"https://www.tiktok.com/@{owner}/video/{p.id}",
        }
        for p in posts(account, now)
    ]
    videos += [
        _display_video(p, now) for p in state.posts_of("tiktok", owner) if p.visibility == "public"
    ]
    videos.sort(key=lambda v: v["create_time"], reverse=True)
    if cursor is not None:
        videos = [v for v in videos if v["create_time"] * 1000 < cursor]
    page = videos[:max_count]
    next_cursor = page[-1]["create_time"] * 1000 if page else (cursor or 0)
    return _ok(
        {
            "videos": [{k: v for k, v in video.items() if k in requested} for video in page],
            "cursor": next_cursor,
            "has_more": len(videos) > len(page),
        }
    )


def _display_video(post: SimPost, now: datetime) -> dict[str, Any]:
    counts = post.metrics(now)
    share = f"{post.permalink()}?utm_campaign=tt4d_open_api&utm_source=aw46lwwtsqjeapig"
    return {
        "id": post.id,
        "create_time": int(post.published_at.timestamp()),
        "cover_image_url": f"https://p16-sign.tiktokcdn-us.com/obj/{post.id}.image",
        "share_url": share,
        "video_description": post.caption,
        "duration": 27,
        "height": 1024,
        "width": 576,
        "title": post.title,
        "embed_html": f'<blockquote class="tiktok-embed" data-video-id="{post.id}"></blockquote>',
        "embed_link": f"https://www.tiktok.com/player/v1/{post.id}",
        "like_count": counts["likes"],
        "comment_count": counts["comments"],
        "share_count": counts["shares"],
        "view_count": counts["views"],
    }


def _token(request: Request) -> Response:
    form = request.form()
    if form.get("grant_type") != "client_credentials":
        return _oauth_error("unsupported_grant_type", "Only client_credentials is simulated.")
    if not (form.get("client_key") and form.get("client_secret")):
        return _oauth_error("invalid_client", "Client key or secret is missing or invalid.")
    return json_response(
        200,
        {
            "access_token": f"clt.{secrets.token_urlsafe(24)}",
            "expires_in": TOKEN_LIFETIME,
            "token_type": "Bearer",
        },
    )


REFRESH_LIFETIME = 180 * 86_400


def _refresh(request: Request, state: SimulatorState) -> Response:
    """``grant_type=refresh_token``: a new access token and a *rotated* refresh token."""
    form = request.form()
    if not (form.get("client_key") and form.get("client_secret")):
        return _oauth_error("invalid_client", "Client key or secret is missing or invalid.")
    token = form.get("refresh_token", "")
    handle_name = token.removeprefix(REFRESH_TOKEN_PREFIX).partition("~")[0].lower()
    serial = state.use_refresh_token(token) if token.startswith(REFRESH_TOKEN_PREFIX) else None
    if not handle_name or serial is None:
        return _oauth_error("invalid_grant", "Refresh token is invalid or expired.")
    account = state.account("tiktok", handle_name)
    return json_response(
        200,
        {
            "access_token": f"{user_token('tiktok', handle_name)}~{serial}",
            "expires_in": TOKEN_LIFETIME,
            "open_id": f"-000{account.external_id}",
            "refresh_expires_in": REFRESH_LIFETIME,
            "refresh_token": f"{REFRESH_TOKEN_PREFIX}{handle_name}~{serial}",
            "scope": "user.info.basic,video.list",
            "token_type": "Bearer",
        },
    )


def _user_info(request: Request, state: SimulatorState, requested: set[str]) -> Response:
    unknown = requested - USER_FIELDS
    if unknown:
        return _error(400, "invalid_params", f"invalid fields: {','.join(sorted(unknown))}")
    body = request.json()
    username = str(body.get("username") or "").lstrip("@").lower() if isinstance(body, dict) else ""
    if not username:
        return _error(400, "invalid_params", "username is required")
    account = state.account("tiktok", username)
    if not account.exists:
        return _error(400, "invalid_params", "The user does not exist or is not public.")
    return _ok({k: v for k, v in _user(account).items() if k in requested})


def _user(account: Account) -> dict[str, Any]:
    return {
        "display_name": account.display_name,
        "bio_description": account.bio,
        "avatar_url": f"https://p16-sign.tiktokcdn-us.com/{account.handle}~c5_168x168.jpeg",
        "is_verified": False,
        "follower_count": account.follower_count,
        "following_count": account.follower_count // 40,
        "likes_count": account.follower_count * 7,
        "video_count": account.post_count + 30,
        "bio_url": "",
    }


def _video_query(request: Request, state: SimulatorState, requested: set[str]) -> Response:
    unknown = requested - VIDEO_FIELDS
    if unknown:
        return _error(400, "invalid_params", f"invalid fields: {','.join(sorted(unknown))}")
    body = request.json()
    if not isinstance(body, dict):
        return _error(400, "invalid_params", "request body must be a JSON object")
    try:
        start = datetime.strptime(str(body["start_date"]), "%Y%m%d").replace(tzinfo=UTC)
        end = datetime.strptime(str(body["end_date"]), "%Y%m%d").replace(tzinfo=UTC)
        usernames = _usernames(body["query"])
        max_count = int(body.get("max_count", 20))
        cursor = int(body.get("cursor", 0))
    except (KeyError, ValueError, TypeError, AttributeError):
        return _error(
            400, "invalid_params", "query, start_date and end_date (YYYYMMDD) are required"
        )
    if end < start or end - start > timedelta(days=MAX_RANGE_DAYS) or not 1 <= max_count <= 100:
        return _error(400, "invalid_params", "date range must be at most 30 days; max_count 1-100")
    end_of_day = end + timedelta(days=1)
    now = datetime.now(UTC)
    found: list[tuple[Account, Post]] = []
    for username in usernames:
        account = state.account("tiktok", username)
        found += [(account, p) for p in posts(account, now) if start <= p.created_at < end_of_day]
    page = found[cursor : cursor + max_count]
    videos = [{k: v for k, v in _video(a, p).items() if k in requested} for a, p in page]
    return _ok(
        {
            "videos": videos,
            "cursor": cursor + len(page),
            "has_more": cursor + len(page) < len(found),
            "search_id": new_log_id(),
        }
    )


def _usernames(query: Any) -> list[str]:
    """Usernames from ``{"and": [{"operation": "EQ"|"IN", "field_name": "username", …}]}``."""
    names: list[str] = []
    for clause in query.get("and", []):
        if clause.get("field_name") == "username" and clause.get("operation") in {"EQ", "IN"}:
            names += [str(v).lower() for v in clause.get("field_values", [])]
    if not names:
        raise ValueError("no username condition")
    return names


def _video(account: Account, post: Post) -> dict[str, Any]:
    return {
        "id": int(post.id),  # the research API sends item ids as numbers
        "create_time": int(post.created_at.timestamp()),
        "username": account.handle,
        "region_code": "US",
        "video_description": f"{account.bio.split(' · ')[0]} day {post.id[-3:]} #fyp",
        "music_id": int(post.id) // 7,
        "like_count": post.likes,
        "comment_count": post.comments,
        "share_count": post.shares,
        "view_count": post.views,
        "hashtag_names": ["fyp"],
    }


def failure_response(failure: Failure) -> Response:
    kind = failure.kind
    if kind in {"rate_limit", "quota"}:
        response = _error(429, "rate_limit_exceeded", "API rate limit was exceeded.")
        response.headers += retry_after(failure.retry_after)
        return response
    if kind == "error_in_ok":
        return _error(200, "internal_error", "Something went wrong. Please try again later.")
    if kind == "server_error":
        return _error(500, "internal_error", "Something went wrong. Please try again later.")
    if kind == "unavailable":
        return html_error(503)
    if kind == "auth":
        return _error(
            401, "access_token_invalid", "The access token is invalid or not found in the request."
        )
    if kind == "malformed":
        return raw_response(200, b'{"data": {"display_name": "trunc', "application/json")
    return json_response(  # unexpected_shape: right envelope, wrong types
        200, {"data": {"follower_count": "lots", "videos": "none"}, "error": _ok_error()}
    )


def _ok(data: dict[str, Any]) -> Response:
    return json_response(200, {"data": data, "error": _ok_error()})


def _ok_error() -> dict[str, str]:
    return {"code": "ok", "message": "", "log_id": new_log_id()}


def _error(status: int, code: str, message: str) -> Response:
    return json_response(
        status, {"data": {}, "error": {"code": code, "message": message, "log_id": new_log_id()}}
    )


def _oauth_error(error: str, description: str) -> Response:
    return json_response(
        400 if error != "invalid_client" else 401,
        {"error": error, "error_description": description, "log_id": new_log_id()},
    )
