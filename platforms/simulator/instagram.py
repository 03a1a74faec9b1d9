"""Simulated Instagram Graph API: Business Discovery on our own IG user id.

``GET /{version}/{ig_user_id}?fields=id,business_discovery.username(h){…,media.limit(n){…}}``
Only requested fields come back and unknown fields fail with ``(#100)``, as on Graph,
so a client asking for a field Business Discovery lacks is caught here too.
Throttle errors are served with HTTP 400 and switched on ``error.code`` (Graph's advice);
the exact status Meta uses for them is not documented in what we could read.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime
from typing import Any

from platforms.simulator.accounts import Account, Post, posts
from platforms.simulator.control import token_owner, user_token
from platforms.simulator.graph_fields import Field, FieldSyntaxError, parse_fields
from platforms.simulator.http import (
    Request,
    Response,
    html_error,
    json_response,
    new_log_id,
    raw_response,
)
from platforms.simulator.posts import SimPost
from platforms.simulator.state import Failure, SimulatorState

_ROOT = re.compile(r"/v\d+\.\d+/?")
_NODE = re.compile(r"/v\d+\.\d+/(\w+)(?:/(media|insights))?/?")
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
MAX_MEDIA_LIMIT = 100
MAX_IDS = 50  # Graph's multiple-id read takes at most 50 ids
# Fields of a media node read by id (its owner's token), beyond Business Discovery's.
POST_FIELDS = MEDIA_FIELDS | {"shortcode", "username", "owner", "is_shared_to_feed", "insights"}
INSIGHT_METRICS = frozenset(
    {
        "views",
        "reach",
        "likes",
        "comments",
        "shares",
        "saved",
        "total_interactions",
        "follows",
        "profile_visits",
        "ig_reels_avg_watch_time",
        "ig_reels_video_view_total_time",
    }
)
# Retired: plays, clips_replays_count, ig_reels_aggregated_all_plays_count and impressions
# (v22.0, all versions from April 21, 2025), video_views, and v18's engagement family.
RETIRED_METRICS = frozenset(
    {
        "impressions",
        "plays",
        "clips_replays_count",
        "ig_reels_aggregated_all_plays_count",
        "video_views",
        "engagement",
        "exits",
        "taps_forward",
        "taps_back",
    }
)


def handle(request: Request, state: SimulatorState) -> Response:
    if request.path.rstrip("/") == "/refresh_access_token" and request.method == "GET":
        return _refresh_token(request, state)
    if request.path.rstrip("/") == "/access_token" and request.method == "GET":
        return _refresh_token(request, state, grant="ig_exchange_token")
    root = _ROOT.fullmatch(request.path)
    node = _NODE.fullmatch(request.path)
    if (root is None and node is None) or request.method != "GET":
        return _unsupported(request.path)
    node_id, edge = node.groups() if node else ("", None)
    failure = state.record_call("instagram", f"{request.method} {request.path}")
    if failure:
        return failure_response(failure, node_id or "0")
    token = request.bearer_token() or request.query.get("access_token", "")
    if not token:
        return _error(
            400,
            2500,
            "An active access token must be used to query information about the current user.",
        )
    owner = token_owner("instagram", token)
    if root is not None:
        return _multi_read(request, state, owner)
    if edge == "media":
        return _media_listing(request, state, owner, node_id)
    post = state.post("instagram", node_id)
    if post is not None or edge == "insights":
        if post is None or not _can_read(post, owner):
            return _unsupported(request.path, node_id)
        if edge == "insights":
            return _insights_edge(request, state, post)
        rendered = _render_post(state, post, request.query.get("fields", "id"))
        return rendered if isinstance(rendered, Response) else json_response(200, rendered)
    if not node_id.isdigit():
        return _unsupported(request.path, node_id)
    return _user_node(request, state, node_id)


LONG_LIVED_SECONDS = 60 * 86_400


def _refresh_token(
    request: Request, state: SimulatorState, grant: str = "ig_refresh_token"
) -> Response:
    """graph.instagram.com ``refresh_access_token`` (a long-lived token renews itself) and
    ``access_token`` with ``ig_exchange_token`` (short-lived → long-lived)."""
    if request.query.get("grant_type") != grant:
        return _error(400, 100, f"(#100) grant_type must be {grant}")
    if grant == "ig_exchange_token" and not request.query.get("client_secret"):
        return _error(400, 101, "Missing client_secret parameter.")
    owner = token_owner("instagram", request.query.get("access_token", ""))
    if owner is None:
        return _error(400, 190, "Invalid OAuth access token - Cannot parse access token")
    serial = state.next_serial()
    return json_response(
        200,
        {
            "access_token": f"{user_token('instagram', owner)}~{serial}",
            "token_type": "bearer",
            "expires_in": LONG_LIVED_SECONDS,
        },
    )


def _user_node(request: Request, state: SimulatorState, node_id: str) -> Response:
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
    result["id"] = node_id
    return json_response(200, result)


def _unsupported(path: str, node_id: str = "") -> Response:
    what = f"Object with ID '{node_id}'" if node_id else "Object"
    return _error(
        400,
        100,
        f"Unsupported get request. {what} does not exist, cannot be loaded due to missing "
        "permissions, or does not support this operation. Please read the Graph API "
        "documentation at https://developers.facebook.com/docs/graph-api",
        subcode=33,
    )


def _can_read(post: SimPost, owner: str | None) -> bool:
    """Deleted or private media cannot be read; a creator's token reads only their own."""
    return post.visibility == "public" and (owner is None or owner == post.owner)


def _multi_read(request: Request, state: SimulatorState, owner: str | None) -> Response:
    ids = [i for i in request.query.get("ids", "").split(",") if i]
    if not ids:
        return _error(400, 100, "(#100) The parameter ids is required")
    if len(ids) > MAX_IDS:
        return _error(400, 100, f"(#100) Too many IDs. Maximum: {MAX_IDS}")
    missing = []
    found = []
    for media_id in dict.fromkeys(ids):
        post = state.post("instagram", media_id)
        if post is None or not _can_read(post, owner):
            missing.append(media_id)
        else:
            found.append(post)
    if missing:
        # One unreadable id fails the whole multi-id read, naming the culprits.
        return _error(
            400, 100, f"(#100) Some of the aliases you requested do not exist: {','.join(missing)}"
        )
    result: dict[str, Any] = {}
    for post in found:
        rendered = _render_post(state, post, request.query.get("fields", "id"))
        if isinstance(rendered, Response):
            return rendered
        result[post.id] = rendered
    return json_response(200, result)


def _media_listing(
    request: Request, state: SimulatorState, owner: str | None, node_id: str
) -> Response:
    """``GET /<ig-user-id|me>/media``: the account's media, newest first, cursor-paged."""
    if node_id == "me":
        handle_name = owner
    else:
        known = state.lookup_id(node_id)
        handle_name = known[1] if known and known[0] == "instagram" else None
        if owner is not None and handle_name != owner:
            handle_name = None
    if handle_name is None:
        return _unsupported(request.path, node_id)
    try:
        limit = int(request.query.get("limit", DEFAULT_MEDIA_LIMIT))
        offset = _decode_cursor(request.query.get("after", ""))
    except ValueError:
        return _error(400, 100, "(#100) Invalid limit or cursor")
    limit = max(1, min(limit, MAX_MEDIA_LIMIT))
    mine = [p for p in state.posts_of("instagram", handle_name) if p.visibility == "public"]
    page = mine[offset : offset + limit]
    data = []
    for post in page:
        rendered = _render_post(state, post, request.query.get("fields", "id"))
        if isinstance(rendered, Response):
            return rendered
        data.append(rendered)
    paging: dict[str, Any] = {}
    if page:
        paging["cursors"] = {
            "before": _encode_cursor(offset),
            "after": _encode_cursor(offset + len(page)),
        }
    if offset + len(page) < len(mine):
        paging["next"] = (
            f"https://graph.facebook.com/v25.0/{node_id}/media?limit={limit}"
            f"&after={_encode_cursor(offset + len(page))}"
        )
    return json_response(200, {"data": data, "paging": paging})


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _decode_cursor(cursor: str) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError("bad cursor") from exc
    kind, _, number = text.partition(":")
    if kind != "offset" or not number.isdigit():
        raise ValueError("bad cursor")
    return int(number)


def _render_post(
    state: SimulatorState, post: SimPost, fields_text: str
) -> dict[str, Any] | Response:
    try:
        wanted = parse_fields(fields_text)
    except FieldSyntaxError as exc:
        return _error(400, 100, f"Syntax error in fields: {exc}")
    now = state.now()
    counts = post.metrics(now)
    account = state.account("instagram", post.owner)
    values: dict[str, Any] = {
        "id": post.id,
        "caption": post.caption,
        "like_count": counts["likes"],
        "comments_count": counts["comments"],
        "timestamp": post.published_at.strftime("%Y-%m-%dT%H:%M:%S+0000"),
        "media_type": "VIDEO" if post.media_type == "REELS" else post.media_type,
        "media_product_type": post.media_type if post.media_type == "REELS" else "FEED",
        "media_url": f"https://scontent.cdninstagram.com/v/{post.shortcode}.mp4",
        "permalink": post.permalink(),
        "thumbnail_url": f"https://scontent.cdninstagram.com/v/{post.shortcode}.jpg",
        "shortcode": post.shortcode,
        "username": post.owner,
        "owner": {"id": account.external_id},
        "is_shared_to_feed": True,
    }
    out: dict[str, Any] = {}
    for field in wanted:
        if field.name not in POST_FIELDS:
            return _nonexisting(field.name, "IGMedia")
        if field.name == "insights":
            names = [m for m in field.modifiers.get("metric", "").split(",") if m]
            insights = _insights(post, names, now)
            if isinstance(insights, Response):
                return insights
            out["insights"] = {"data": insights}
        elif field.name == "like_count" and post.hide_likes:
            continue  # omitted when the owner hides like counts
        else:
            out[field.name] = values[field.name]
    out.setdefault("id", post.id)
    return out


def _insights_edge(request: Request, state: SimulatorState, post: SimPost) -> Response:
    names = [m for m in request.query.get("metric", "").split(",") if m]
    insights = _insights(post, names, state.now())
    return insights if isinstance(insights, Response) else json_response(200, {"data": insights})


def _insights(post: SimPost, names: list[str], now: datetime) -> list[dict[str, Any]] | Response:
    if not names:
        return _error(400, 100, "(#100) The parameter metric is required")
    for name in names:
        if name in RETIRED_METRICS:
            return _error(
                400,
                100,
                f"(#100) Starting from v22.0, the {name} metric is no longer supported for "
                "media insights. Please use the views metric instead.",
            )
        if name not in INSIGHT_METRICS:
            return _error(
                400,
                100,
                f"(#100) metric[0] must be one of the following values: "
                f"{', '.join(sorted(INSIGHT_METRICS))}",
            )
    counts = post.metrics(now)
    interactions = counts["likes"] + counts["comments"] + counts["shares"] + counts["saves"]
    values = {
        "views": counts["views"],
        "reach": counts["reach"],
        "likes": counts["likes"],
        "comments": counts["comments"],
        "shares": counts["shares"],
        "saved": counts["saves"],
        "total_interactions": interactions,
        "follows": counts["views"] // 500,
        "profile_visits": counts["views"] // 200,
        "ig_reels_avg_watch_time": 8400,
        "ig_reels_video_view_total_time": counts["views"] * 8400,
    }
    return [
        {
            "name": name,
            "period": "lifetime",
            "values": [{"value": values[name]}],
            "title": name.replace("_", " ").capitalize(),
            "description": f"Lifetime {name.replace('_', ' ')} of this media.",
            "id": f"{post.id}/insights/{name}/lifetime",
        }
        for name in dict.fromkeys(names)
    ]


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
