"""The simulator's control API (for tests and demos), under ``/_control``.

``GET|POST|DELETE /_control/accounts/<platform>/<handle>``
    read the effective account / override fields (JSON, e.g. ``{"bio": "…",
    "follower_count": 1200, "exists": false}``) / drop the overrides again.
``POST /_control/fail``  ``{"count": 1, "kind": "rate_limit", "platform"?: "tiktok",
    "retry_after"?: 30}`` — the next ``count`` data calls (to that platform, or to any)
    fail. Kinds: rate_limit, quota, server_error, unavailable (HTML 503), auth,
    malformed (broken JSON), unexpected_shape (valid JSON, wrong types), error_in_ok
    (TikTok: HTTP 200 carrying error.code "internal_error").
``POST /_control/posts``  ``{"platform", "owner", "caption"?, "title"?, "published_at"?
    (ISO-8601 with zone; default an hour ago), "visibility"?: public|unlisted|private|deleted,
    "paid_partnership"?, "final_views"?, "hide_likes"?, "media_type"?, "id"?}`` — create a
    post; answers it with its ``id`` (Instagram also ``shortcode``, TikTok ``short_code``),
    ``url`` and current ``metrics`` (which grow with age, see platforms.simulator.posts).
``GET|POST /_control/posts/<platform>/<id>``  read / change (caption, title, visibility,
    paid_partnership, final_views, hide_likes) a post.
``POST /_control/short-links``  ``{"code", "location"}`` — a TikTok short link to anywhere.
``POST /_control/clock``  ``{"advance_seconds": n}`` — move the simulator's clock forward
    (metrics grow accordingly); reset puts it back.
``GET /_control/tokens/<platform>/<handle>``  a user access token the simulator accepts as
    that account's own (TikTok ``act.sim.<handle>``, Instagram ``IGsim.<handle>``), and for
    TikTok a ``refresh_token`` (``rft.sim.<handle>``; each refresh rotates it).
``POST /_control/reset``  forget overrides, queued failures, counters, posts and the clock.
``GET /_control/state``   call counters, recent requests, queued failures, overrides.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from platforms.simulator import PLATFORMS
from platforms.simulator.accounts import OVERRIDABLE
from platforms.simulator.http import Request, Response, json_response
from platforms.simulator.posts import build_post, updated
from platforms.simulator.state import FAILURE_KINDS, Failure, SimulatorState

USER_TOKEN_PREFIXES = {"tiktok": "act.sim.", "instagram": "IGsim."}
MAX_CLOCK_STEP = 10 * 365 * 86_400


def user_token(platform: str, handle: str) -> str:
    """A token the simulator treats as ``handle``'s own OAuth token on ``platform``."""
    return f"{USER_TOKEN_PREFIXES[platform]}{handle.lstrip('@').lower()}"


def token_owner(platform: str, token: str) -> str | None:
    """The handle a simulator user token belongs to, or None for any other token.

    A refreshed token is ``<prefix><handle>~<serial>``: still that handle's.
    """
    prefix = USER_TOKEN_PREFIXES[platform]
    if not token.startswith(prefix):
        return None
    return token[len(prefix) :].partition("~")[0].lower() or None


REFRESH_TOKEN_PREFIX = "rft.sim."


def refresh_token(handle: str) -> str:
    """A TikTok refresh token the simulator accepts for ``handle`` (once: it rotates)."""
    return f"{REFRESH_TOKEN_PREFIX}{handle.lstrip('@').lower()}"


MAX_FAILURES = 1000


def handle(request: Request, state: SimulatorState) -> Response:
    parts = [p for p in request.path.split("/") if p]  # ["accounts", platform, handle] …
    method = request.method
    if parts == ["reset"] and method == "POST":
        state.reset()
        return json_response(200, {"ok": True})
    if parts == ["state"] and method == "GET":
        return json_response(200, state.snapshot())
    if parts == ["fail"] and method == "POST":
        return _fail(request, state)
    if parts == ["posts"] and method == "POST":
        return _create_post(request, state)
    if len(parts) == 3 and parts[0] == "posts":
        return _post(request, state, parts[1], parts[2])
    if parts == ["short-links"] and method == "POST":
        body = request.json()
        if not (
            isinstance(body, dict)
            and isinstance(body.get("code"), str)
            and isinstance(body.get("location"), str)
            and body["code"]
        ):
            return _bad(400, "send {code, location}")
        state.set_short_link(body["code"], body["location"])
        return json_response(200, {"code": body["code"], "location": body["location"]})
    if parts == ["clock"] and method == "POST":
        body = request.json()
        step = body.get("advance_seconds") if isinstance(body, dict) else None
        if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step <= MAX_CLOCK_STEP:
            return _bad(400, "send {advance_seconds: a non-negative integer}")
        return json_response(200, {"now": state.advance_clock(step).isoformat()})
    if len(parts) == 3 and parts[0] == "tokens" and parts[1] in USER_TOKEN_PREFIXES:
        tokens = {"access_token": user_token(parts[1], parts[2])}
        if parts[1] == "tiktok":
            tokens["refresh_token"] = refresh_token(parts[2])
        return json_response(200, tokens)
    if len(parts) == 3 and parts[0] == "accounts":
        return _account(request, state, parts[1], parts[2].lstrip("@").lower())
    return _bad(404, f"no control endpoint {method} /_control/{'/'.join(parts)}")


def _account(request: Request, state: SimulatorState, platform: str, handle: str) -> Response:
    if platform not in PLATFORMS:
        return _bad(404, f"unknown platform {platform!r}; use one of {', '.join(PLATFORMS)}")
    if not handle:
        return _bad(400, "handle is required")
    if request.method == "DELETE":
        removed = state.clear_overrides(platform, handle)
        return json_response(
            200, {"removed": removed, "account": asdict(state.account(platform, handle))}
        )
    if request.method == "POST":
        values = _validated_overrides(request.json())
        if isinstance(values, str):
            return _bad(400, values)
        state.set_overrides(platform, handle, values)
    elif request.method != "GET":
        return _bad(405, "use GET, POST or DELETE")
    return json_response(200, {"account": asdict(state.account(platform, handle))})


def _create_post(request: Request, state: SimulatorState) -> Response:
    body = request.json()
    if not isinstance(body, dict):
        return _bad(400, "send a JSON object: {platform, owner, caption?, …}")
    post = build_post(body, serial=state.next_serial(), now=state.now())
    if isinstance(post, str):
        return _bad(400, post)
    if state.post(post.platform, post.id):
        return _bad(409, f"post {post.id} exists already")
    account = state.account(post.platform, post.owner)
    # Channel and IG user ids lead back to the owner (channels.list?id=, /<ig-user>/media).
    state.remember_id(account.external_id, post.platform, post.owner)
    state.save_post(post)
    return json_response(200, {"post": post.describe(state.now())})


def _post(request: Request, state: SimulatorState, platform: str, post_id: str) -> Response:
    post = state.post(platform, post_id)
    if post is None:
        return _bad(404, f"no {platform} post {post_id}")
    if request.method == "POST":
        body = request.json()
        changed = updated(post, body) if isinstance(body, dict) else "send a JSON object"
        if isinstance(changed, str):
            return _bad(400, changed)
        state.save_post(changed)
        post = changed
    elif request.method != "GET":
        return _bad(405, "use GET or POST")
    return json_response(200, {"post": post.describe(state.now())})


def _validated_overrides(body: Any) -> dict[str, Any] | str:
    """The override fields, or an error message."""
    if not isinstance(body, dict) or not body:
        return f"send a JSON object with some of: {', '.join(sorted(OVERRIDABLE))}"
    unknown = set(body) - set(OVERRIDABLE)
    if unknown:
        return f"unknown fields {sorted(unknown)}; allowed: {sorted(OVERRIDABLE)}"
    for name, value in body.items():
        kind = OVERRIDABLE[name]
        if kind is int and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            return f"{name} must be a non-negative integer"
        if kind is not int and not isinstance(value, kind):
            return f"{name} must be a {kind.__name__}"
    return dict(body)


def _fail(request: Request, state: SimulatorState) -> Response:
    body = request.json()
    if not isinstance(body, dict):
        return _bad(400, "send a JSON object: {count, kind, platform?, retry_after?}")
    kind = body.get("kind", "server_error")
    count = body.get("count", 1)
    platform = body.get("platform")
    retry = body.get("retry_after")
    if kind not in FAILURE_KINDS:
        return _bad(400, f"kind must be one of {sorted(FAILURE_KINDS)}")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_FAILURES:
        return _bad(400, f"count must be an integer from 1 to {MAX_FAILURES}")
    if platform is not None and platform not in PLATFORMS:
        return _bad(400, f"platform must be one of {list(PLATFORMS)} or absent")
    if retry is not None and (isinstance(retry, bool) or not isinstance(retry, int) or retry < 1):
        return _bad(400, "retry_after must be a positive integer (seconds)")
    state.queue_failures(Failure(kind=kind, platform=platform, retry_after=retry), count)
    return json_response(200, {"queued": count, "kind": kind, "platform": platform})


def _bad(status: int, message: str) -> Response:
    return json_response(status, {"error": message})
