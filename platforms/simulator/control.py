"""The simulator's control API (for tests and demos), under ``/_control``.

``GET|POST|DELETE /_control/accounts/<platform>/<handle>``
    read the effective account / override fields (JSON, e.g. ``{"bio": "…",
    "follower_count": 1200, "exists": false}``) / drop the overrides again.
``POST /_control/fail``  ``{"count": 1, "kind": "rate_limit", "platform"?: "tiktok",
    "retry_after"?: 30}`` — the next ``count`` data calls (to that platform, or to any)
    fail. Kinds: rate_limit, quota, server_error, unavailable (HTML 503), auth,
    malformed (broken JSON), unexpected_shape (valid JSON, wrong types).
``POST /_control/reset``  forget overrides, queued failures and counters.
``GET /_control/state``   call counters, recent requests, queued failures, overrides.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from platforms.simulator import PLATFORMS
from platforms.simulator.accounts import OVERRIDABLE
from platforms.simulator.http import Request, Response, json_response
from platforms.simulator.state import FAILURE_KINDS, Failure, SimulatorState

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
