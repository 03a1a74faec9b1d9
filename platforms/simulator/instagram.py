"""Simulated Instagram Graph API: Business Discovery on our own IG user id.

``GET /{version}/{ig_user_id}?fields=id,business_discovery.username(h){…,media.limit(n){…}}``
Only requested fields come back and unknown fields fail with ``(#100)``, as on Graph,
so a client asking for a field Business Discovery lacks is caught here too.
Throttle errors are served with HTTP 400 and switched on ``error.code`` (Graph's advice);
the exact status Meta uses for them is not documented in what we could read.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from platforms.simulator.accounts import Account, Post, posts
from platforms.simulator.graph_fields import Field, FieldSyntaxError, parse_fields
from platforms.simulator.http import (
    Request,
    Response,
    html_error,
    json_response,
    new_log_id,
    raw_response,
)
from platforms.simulator.state import Failure, SimulatorState

_PATH = re.compile(r"/v\d+\.\d+/(\d+)/?")
USER_FIELDS = frozenset(
    {
        "id",
        "ig_id",
        "username",
        "name",
        "biography",
        "website",
        "profile_picture_url",
        "followers_count",
        "follows_count",
        "media_count",
        "media",
    }
)
MEDIA_FIELDS = frozenset(
    {
        "id",
        "caption",
        "like_count",
        "comments_count",
        "timestamp",
        "media_type",
        "media_product_type",
        "media_url",
        "permalink",
        "thumbnail_url",
    }
)
DEFAULT_MEDIA_LIMIT = 25


def handle(request: Request, state: SimulatorState) -> Response:
    match = _PATH.fullmatch(request.path)
    if match is None or request.method != "GET":
        return _error(
            400,
            100,
            "Unsupported get request. Object does not exist or cannot be loaded.",
            subcode=33,
        )
    failure = state.record_call("instagram", f"{request.method} {request.path}")
    if failure:
        return failure_response(failure, match.group(1))
    token = request.bearer_token() or request.query.get("access_token", "")
    if not token:
        return _error(
            400,
            2500,
            "An active access token must be used to query information about the current user.",
        )
    try:
        fields = parse_fields(request.query.get("fields", "id"))
    except FieldSyntaxError as exc:
        return _error(400, 100, f"Syntax error in fields: {exc}")
    result: dict[str, Any] = {}
    for field in fields:
        if field.name == "id":
            continue
        if field.name != "business_discovery":
            return _nonexisting(field.name, "IGUser")
        if "username" not in field.modifiers:
            return _error(400, 100, "(#100) The parameter username is required")
        handle_name = field.modifiers["username"].lstrip("@").lower()
        account = state.account("instagram", handle_name)
        if not account.exists:
            return _error(
                400,
                110,
                "Invalid user id",
                subcode=2207013,
                title="Cannot find User",
                user_msg=f"The user with username: {handle_name} cannot be found.",
            )
        rendered = _render_user(account, field.children or [Field("id")])
        if isinstance(rendered, Response):
            return rendered
        result["business_discovery"] = rendered
    result["id"] = match.group(1)
    return json_response(200, result)


def _render_user(account: Account, wanted: list[Field]) -> dict[str, Any] | Response:
    values: dict[str, Any] = {
        "id": account.external_id,
        "ig_id": int(account.external_id[-10:]),
        "username": account.handle,
        "name": account.display_name,
        "biography": account.bio,
        "website": "",
        "profile_picture_url": f"https://scontent.cdninstagram.com/v/{account.handle}.jpg",
        "followers_count": account.follower_count,
        "follows_count": account.follower_count // 30,
        "media_count": account.post_count + 40,
    }
    out: dict[str, Any] = {}
    for field in wanted:
        if field.name not in USER_FIELDS:
            return _nonexisting(field.name, "IGUser")
        if field.name == "media":
            media = _render_media(account, field)
            if isinstance(media, Response):
                return media
            out["media"] = media
        else:
            out[field.name] = values[field.name]
    out.setdefault("id", account.external_id)  # Graph always includes the node id
    return out


def _render_media(account: Account, field: Field) -> dict[str, Any] | Response:
    wanted = field.children or [Field("id")]
    for child in wanted:
        if child.name not in MEDIA_FIELDS:
            return _nonexisting(child.name, "IGMedia")
    try:
        limit = int(field.modifiers.get("limit", DEFAULT_MEDIA_LIMIT))
    except ValueError:
        return _error(400, 100, "(#100) limit must be an integer")
    items = posts(account, datetime.now(UTC))[: max(0, limit)]
    data = []
    for post in items:
        values = _media(account, post)
        data.append({c.name: values[c.name] for c in wanted})
    cursors = {"before": "QVFIUmsz", "after": "QVFIUnBm"} if data else {}
    return {"data": data, "paging": {"cursors": cursors}}


def _media(account: Account, post: Post) -> dict[str, Any]:
    shortcode = post.id[-11:]
    return {
        "id": post.id,
        "caption": f"{account.bio.split(' · ')[0]} #ad with @brand",
        "like_count": post.likes,
        "comments_count": post.comments,
        "timestamp": post.created_at.strftime("%Y-%m-%dT%H:%M:%S+0000"),
        "media_type": "VIDEO",
        "media_product_type": "REELS",
        "media_url": f"https://scontent.cdninstagram.com/v/{shortcode}.mp4",
        "permalink": f"https://www.instagram.com/reel/{shortcode}/",
        "thumbnail_url": f"https://scontent.cdninstagram.com/v/{shortcode}.jpg",
    }


def failure_response(failure: Failure, our_id: str) -> Response:
    kind = failure.kind
    if kind == "rate_limit":
        minutes = max(1, -(-(failure.retry_after or 300) // 60))
        usage = {
            our_id: [
                {
                    "type": "instagram",
                    "call_count": 100,
                    "total_cputime": 12,
                    "total_time": 30,
                    "estimated_time_to_regain_access": minutes,
                }
            ]
        }
        response = _error(
            400,
            80002,
            "There have been too many calls to this Instagram account. Wait a bit and try again.",
        )
        response.headers.append(("X-Business-Use-Case-Usage", json.dumps(usage)))
        return response
    if kind == "quota":
        response = _error(400, 4, "(#4) Application request limit reached")
        response.headers.append(
            ("X-App-Usage", '{"call_count":100,"total_time":40,"total_cputime":20}')
        )
        return response
    if kind == "server_error":
        return _error(
            500,
            2,
            "An unexpected error has occurred. Please retry your request later.",
            transient=True,
        )
    if kind == "unavailable":
        return html_error(503)
    if kind == "auth":
        return _error(
            400,
            190,
            "Error validating access token: Session has expired on Friday, 01-Jan-21 00:00:00 PST.",
            subcode=463,
        )
    if kind == "malformed":
        return raw_response(
            200, b'{"business_discovery": {"followers_count": 12', "application/json"
        )
    return json_response(
        200, {"business_discovery": {"followers_count": {"value": 1}, "id": []}, "id": our_id}
    )


def _nonexisting(name: str, node: str) -> Response:
    return _error(
        400, 100, f"(#100) Tried accessing nonexisting field ({name}) on node type ({node})"
    )


def _error(
    status: int,
    code: int,
    message: str,
    *,
    subcode: int | None = None,
    title: str = "",
    user_msg: str = "",
    transient: bool = False,
) -> Response:
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    if transient:
        error["is_transient"] = True
    if title:
        error["error_user_title"] = title
        error["error_user_msg"] = user_msg
    error["fbtrace_id"] = new_log_id()[:27]
    return json_response(status, {"error": error})
