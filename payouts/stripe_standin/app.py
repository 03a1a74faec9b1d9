"""The stand-in as a WSGI application: ``/v1`` (the API), ``/hosted`` (pages), ``/_control``."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from payouts.stripe_standin import control, hosted
from payouts.stripe_standin.api import Api
from payouts.stripe_standin.errors import StripeApiError
from payouts.stripe_standin.state import StripeState
from payouts.stripe_standin.webhooks import Deliverer
from platforms.simulator.app import StartResponse, WSGIApp
from platforms.simulator.http import Request, Response, json_response

logger = logging.getLogger(__name__)


def make_app(state: StripeState | None = None, *, public_url: str | None = None) -> WSGIApp:
    """A stand-in with its own state. ``public_url``: the address that hosted-page links use
    (default: the Host the client called, which is right for tests and ``make run``)."""
    state = state or StripeState()
    deliverer = Deliverer(state)
    api = Api(state, deliverer.kick)

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = Request.from_environ(environ)
        base = (
            public_url
            or f"{environ.get('wsgi.url_scheme', 'http')}://{environ.get('HTTP_HOST') or environ.get('SERVER_NAME')}"
        )
        try:
            response = _route(request, state, api, base.rstrip("/"))
        except Exception:  # a stand-in bug answers like Stripe's own 500, and is logged
            logger.exception("stand-in error on %s %s", request.method, request.path)
            response = json_response(
                500,
                StripeApiError(500, "An unknown error occurred", type="api_error").body("req_bug"),
            )
        deliverer.kick()
        headers = [*response.headers, ("Content-Length", str(len(response.body)))]
        start_response(response.status_line, headers)
        return [response.body]

    app.state = state  # type: ignore[attr-defined]
    return app


def _route(request: Request, state: StripeState, api: Api, base: str) -> Response:
    path = request.path
    if path.startswith("/v1/"):
        return api.handle(request, base)
    for prefix, handler in (("/hosted", hosted.handle), ("/_control", control.handle)):
        if path == prefix or path.startswith(prefix + "/"):
            request.path = path[len(prefix) :] or "/"
            return handler(request, state)
    return json_response(
        404,
        StripeApiError(404, f"Unrecognized request URL ({request.method}: {path}).").body(
            "req_none"
        ),
    )
