"""The simulator as a plain WSGI application.

Routes ``/tiktok``, ``/instagram``, ``/youtube`` and ``/_control`` to their handlers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from platforms.simulator import control, instagram, tiktok, youtube
from platforms.simulator.http import Request, Response, json_response
from platforms.simulator.state import SimulatorState

logger = logging.getLogger(__name__)

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
Handler = Callable[[Request, SimulatorState], Response]

_PREFIXES: dict[str, Handler] = {
    "/tiktok": tiktok.handle,
    "/instagram": instagram.handle,
    "/youtube": youtube.handle,
    "/_control": control.handle,
}


def make_app(state: SimulatorState | None = None) -> WSGIApp:
    """A simulator with its own state (each test server gets a fresh one)."""
    state = state or SimulatorState()

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = Request.from_environ(environ)
        try:
            response = _route(request, state)
        except Exception:  # a simulator bug must answer, not hang the client
            logger.exception("simulator error on %s %s", request.method, request.path)
            response = json_response(500, {"error": "simulator bug, see its log"})
        headers = [*response.headers, ("Content-Length", str(len(response.body)))]
        start_response(response.status_line, headers)
        return [response.body]

    app.state = state  # type: ignore[attr-defined]  # handy for in-process inspection
    return app


def _route(request: Request, state: SimulatorState) -> Response:
    for prefix, handler in _PREFIXES.items():
        if request.path == prefix or request.path.startswith(prefix + "/"):
            request.path = request.path[len(prefix) :] or "/"
            return handler(request, state)
    return json_response(
        404,
        {"error": f"unknown path {request.path}; use /tiktok, /instagram, /youtube or /_control"},
    )


# The module-level application for any WSGI server (gunicorn platforms.simulator.app).
application = make_app()
