"""Simulated YouTube Data API v3: channels (forHandle/id), playlistItems, videos.

Counts are uint64 JSON strings; an unknown handle is a 200 without ``items``; errors
use Google's envelope ``{"error": {"code", "message", "errors": [{"reason", …}], "status"}}``.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from platforms.simulator.accounts import Account, Post, posts
from platforms.simulator.http import (
    Request,
    Response,
    html_error,
    json_response,
    raw_response,
    retry_after,
)
from platforms.simulator.posts import SimPost
from platforms.simulator.state import Failure, SimulatorState

PREFIX = "/youtube/v3/"
MAX_RESULTS = 50


def handle(request: Request, state: SimulatorState) -> Response:
    if request.path.rstrip("/") == "/token" and request.method == "POST":
        return _google_token(request, state)
    resource = (
        request.path.removeprefix(PREFIX).rstrip("/") if request.path.startswith(PREFIX) else ""
    )
    routes = {"channels": _channels, "playlistItems": _playlist_items, "videos": _videos}
    handler = routes.get(resource)
    if handler is None or request.method != "GET":
        return _error(404, "notFound", "Not Found", status="NOT_FOUND", domain="global")
    failure = state.record_call("youtube", f"{request.method} {request.path}")
    if failure:
        return failure_response(failure)
    if not (request.headers.get("x-goog-api-key") or request.query.get("key")):
        return _error(
            403,
            "forbidden",
            "The request is missing a valid API key.",
            status="PERMISSION_DENIED",
            domain="global",
        )
    parts = {p.strip() for p in request.query.get("part", "").split(",") if p.strip()}
    if not parts:
        return _error(
            400,
            "missingRequiredParameter",
            "No filter selected. Expected one of: part",
            domain="global",
        )
    return handler(request, state, parts)


def _google_token(request: Request, state: SimulatorState) -> Response:
    """Google's token endpoint, ``grant_type=refresh_token`` only (refresh token kept)."""
    form = request.form()
    if form.get("grant_type") != "refresh_token":
        return json_response(400, {"error": "unsupported_grant_type"})
    if not (form.get("client_id") and form.get("client_secret")):
        return json_response(
            401, {"error": "invalid_client", "error_description": "The OAuth client was not found."}
        )
    if not form.get("refresh_token", "").startswith("1//"):
        return json_response(
            400,
            {"error": "invalid_grant", "error_description": "Token has been expired or revoked."},
        )
    return json_response(
        200,
        {
            "access_token": f"ya29.sim~{state.next_serial()}",
            "expires_in": 3599,
            "scope": "https://www.googleapis.com/auth/youtube.readonly",
            "token_type": "Bearer",
        },
    )


def _channels(request: Request, state: SimulatorState, parts: set[str]) -> Response:
    accounts: list[Account] = []
    if "forHandle" in request.query:
        handle_name = request.query["forHandle"].lstrip("@").lower()
        accounts = [state.account("youtube", handle_name)]
    elif "id" in request.query:
        for channel_id in request.query["id"].split(","):
            known = state.lookup_id(channel_id)
            if known:
                accounts.append(state.account(*known))
    else:
        return _error(
            400,
            "missingRequiredParameter",
            "No filter selected. Expected one of: forHandle, id, mine",
            domain="youtube.parameter",
        )
    items = []
    for account in accounts:
        if not account.exists:
            continue
        state.remember_id(account.external_id, "youtube", account.handle)
        state.remember_id(_uploads_id(account), "youtube", account.handle)
        items.append(_channel(account, parts))
    return _list("youtube#channelListResponse", items)


def _channel(account: Account, parts: set[str]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "kind": "youtube#channel",
        "etag": _etag(account.external_id),
        "id": account.external_id,
    }
    if "snippet" in parts:
        thumb = f"https://yt3.ggpht.com/{account.handle}"
        item["snippet"] = {
            "title": account.display_name,
            "description": account.bio,
            "customUrl": f"@{account.handle}",
            "publishedAt": "2019-03-14T09:26:53Z",
            "thumbnails": {
                "default": {"url": f"{thumb}=s88", "width": 88, "height": 88},
                "medium": {"url": f"{thumb}=s240", "width": 240, "height": 240},
                "high": {"url": f"{thumb}=s800", "width": 800, "height": 800},
            },
            "localized": {"title": account.display_name, "description": account.bio},
        }
    if "contentDetails" in parts:
        item["contentDetails"] = {
            "relatedPlaylists": {"likes": "", "uploads": _uploads_id(account)}
        }
    if "statistics" in parts:
        stats: dict[str, Any] = {
            "viewCount": str(account.average_views * (account.post_count + 30)),
            "hiddenSubscriberCount": account.hidden_subscriber_count,
            "videoCount": str(account.post_count),
        }
        if not account.hidden_subscriber_count:
            stats["subscriberCount"] = str(account.follower_count)
        item["statistics"] = stats
    return item


def _playlist_items(request: Request, state: SimulatorState, parts: set[str]) -> Response:
    known = state.lookup_id(request.query.get("playlistId", ""))
    account = state.account(*known) if known else None
    if account is None or not account.exists or account.post_count <= 0:
        return _error(
            404,
            "playlistNotFound",
            "The playlist identified with the request's <code>playlistId</code> parameter "
            "cannot be found.",
            domain="youtube.playlistItem",
        )
    try:
        limit = min(int(request.query.get("maxResults", 5)), MAX_RESULTS)
    except ValueError:
        return _error(
            400, "invalidParameter", "Invalid value for maxResults", domain="youtube.parameter"
        )
    uploads = posts(account, datetime.now(UTC))
    items = []
    for post in uploads[:limit]:
        state.remember_id(post.id, "youtube", account.handle)
        item: dict[str, Any] = {
            "kind": "youtube#playlistItem",
            "etag": _etag(post.id),
            "id": _etag("pi" + post.id)[:40],
        }
        if "contentDetails" in parts:
            item["contentDetails"] = {"videoId": post.id, "videoPublishedAt": _time(post)}
        if "snippet" in parts:
            item["snippet"] = {
                "publishedAt": _time(post),
                "channelId": account.external_id,
                "title": _title(account, post),
            }
        items.append(item)
    extra = {"nextPageToken": "EAAaBlBUOkNBVQ"} if len(uploads) > limit else {}
    return _list(
        "youtube#playlistItemListResponse", items, total=len(uploads), per_page=limit, **extra
    )


def _videos(request: Request, state: SimulatorState, parts: set[str]) -> Response:
    ids = [i for i in request.query.get("id", "").split(",") if i]
    if not ids:
        return _error(
            400,
            "missingRequiredParameter",
            "No filter selected. Expected one of: id, chart, myRating",
            domain="youtube.parameter",
        )
    if len(ids) > MAX_RESULTS:
        return _error(400, "invalidParameter", "Too many ids", domain="youtube.parameter")
    now = datetime.now(UTC)
    items = []
    for video_id in ids:  # unknown, deleted or private ids are simply left out
        created = state.post("youtube", video_id)
        if created is not None:
            if created.readable:  # public or unlisted; an API key never sees private
                items.append(_created_video(state, created, parts))
            continue
        known = state.lookup_id(video_id)
        if not known:
            continue
        account = state.account(*known)
        post = next((p for p in posts(account, now) if p.id == video_id), None)
        if post is not None:
            items.append(_video(account, post, parts))
    return _list("youtube#videoListResponse", items)


def _video(account: Account, post: Post, parts: set[str]) -> dict[str, Any]:
    item: dict[str, Any] = {"kind": "youtube#video", "etag": _etag(post.id), "id": post.id}
    if "snippet" in parts:
        item["snippet"] = {
            "publishedAt": _time(post),
            "channelId": account.external_id,
            "title": _title(account, post),
            "description": account.bio,
        }
    if "statistics" in parts:
        item["statistics"] = {
            "viewCount": str(post.views),
            "likeCount": str(post.likes),
            "favoriteCount": "0",
            "commentCount": str(post.comments),
        }
    return item


def _created_video(state: SimulatorState, post: SimPost, parts: set[str]) -> dict[str, Any]:
    account = state.account("youtube", post.owner)
    item: dict[str, Any] = {"kind": "youtube#video", "etag": _etag(post.id), "id": post.id}
    published = post.published_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    if "snippet" in parts:
        item["snippet"] = {
            "publishedAt": published,
            "channelId": account.external_id,
            "title": post.title,
            "description": post.caption,
            "thumbnails": {"default": {"url": f"https://i.ytimg.com/vi/{post.id}/default.jpg"}},
            "channelTitle": account.display_name,
            "categoryId": "22",
            "liveBroadcastContent": "none",
        }
    if "statistics" in parts:
        counts = post.metrics(state.now())
        stats = {
            "viewCount": str(counts["views"]),
            "likeCount": str(counts["likes"]),
            "favoriteCount": "0",
            "commentCount": str(counts["comments"]),
        }
        if post.hide_likes:
            del stats["likeCount"]  # the owner hid the rating: no likeCount at all
        item["statistics"] = stats
    if "status" in parts:
        item["status"] = {
            "uploadStatus": "processed",
            "privacyStatus": post.visibility,
            "license": "youtube",
            "embeddable": True,
            "publicStatsViewable": True,
            "madeForKids": False,
        }
    if "contentDetails" in parts:
        short = post.media_type == "short"
        item["contentDetails"] = {
            "duration": "PT45S" if short else "PT8M12S",
            "dimension": "2d",
            "definition": "hd",
            "caption": "false",
            "licensedContent": False,
            "contentRating": {},
            "projection": "rectangular",
        }
    if "paidProductPlacementDetails" in parts:
        # Only the video's owner (OAuth) may read it; an API key gets an empty object.
        item["paidProductPlacementDetails"] = {}
    return item


def failure_response(failure: Failure) -> Response:
    kind = failure.kind
    if kind == "rate_limit":
        response = _error(
            403,
            "rateLimitExceeded",
            "The request cannot be completed because you have exceeded your rate limit.",
            domain="youtube.quota",
        )
        response.headers += retry_after(failure.retry_after)
        return response
    if kind == "quota":
        return _error(
            403,
            "quotaExceeded",
            "The request cannot be completed because you have exceeded your "
            '<a href="/youtube/v3/getting-started#quota">quota</a>.',
            domain="youtube.quota",
        )
    if kind == "server_error":
        return _error(500, "backendError", "Backend Error", domain="global")
    if kind == "unavailable":
        return html_error(503)
    if kind == "auth":
        return _error(
            400,
            "badRequest",
            "API key not valid. Please pass a valid API key.",
            status="INVALID_ARGUMENT",
            domain="global",
            details=[
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "API_KEY_INVALID",
                    "domain": "googleapis.com",
                }
            ],
        )
    if kind == "malformed":
        return raw_response(
            200, b'{"kind": "youtube#channelListResponse", "items": [{', "application/json"
        )
    return json_response(
        200, {"kind": "youtube#channelListResponse", "items": [{"id": 5, "statistics": []}]}
    )


def _list(
    kind: str,
    items: list[dict[str, Any]],
    *,
    total: int | None = None,
    per_page: int = 5,
    **extra: Any,
) -> Response:
    body: dict[str, Any] = {
        "kind": kind,
        "etag": _etag(kind + str(len(items))),
        **extra,
        "pageInfo": {
            "totalResults": len(items) if total is None else total,
            "resultsPerPage": per_page,
        },
    }
    if items:  # an empty result has no "items" key at all
        body["items"] = items
    return json_response(200, body)


def _error(
    http_status: int,
    reason: str,
    message: str,
    *,
    domain: str,
    status: str = "",
    details: list[dict[str, str]] | None = None,
) -> Response:
    error: dict[str, Any] = {
        "code": http_status,
        "message": message,
        "errors": [{"message": message, "domain": domain, "reason": reason}],
    }
    if status:
        error["status"] = status
    if details:
        error["details"] = details
    return json_response(http_status, {"error": error})


def _uploads_id(account: Account) -> str:
    return "UU" + account.external_id[2:]


def _time(post: Post) -> str:
    return post.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _title(account: Account, post: Post) -> str:
    return f"{account.bio.split(' · ')[0]} vlog #{post.id[:4]}"


def _etag(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()[:27]
