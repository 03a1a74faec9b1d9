"""The ``/v1`` API: authentication, form decoding, Idempotency-Key, routing, errors.

Idempotency exactly as Stripe documents it: a POST's ``Idempotency-Key`` (up to 255 characters)
is saved with the request's parameters once execution begins, with whatever it answered —
success or error, 500s included — and a retry with the same key and parameters gets that saved
response back (``Idempotent-Replayed: true``). The same key with other parameters (or another
endpoint) answers 400 ``idempotency_error``; while the first request is still executing, 409.
Requests refused before execution (authentication, validation, a rate limit) are not saved.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from payouts.stripe_standin import API_VERSION, resources
from payouts.stripe_standin.errors import StripeApiError
from payouts.stripe_standin.forms import FormError, decode
from payouts.stripe_standin.state import SavedResponse, StripeState
from platforms.simulator.http import Request, Response, html_error, json_response

MAX_IDEMPOTENCY_KEY = 255
KEY_LIFETIME = 24 * 3600  # Stripe may prune keys after 24 h: then the key is new again
STRIPE_ACCOUNT_PARAM = "\x00stripe_account"  # a GET's Stripe-Account header, for its handler
Params = dict[str, Any]
# A route's handler: (state, params, path args, base url) → (object, events to emit)
Result = tuple[dict[str, Any], list[tuple[str, dict[str, Any], dict[str, Any] | None]]]
Handler = Callable[[StripeState, Params, tuple[str, ...], str], Result]


def _accounts_create(
    state: StripeState, params: Params, args: tuple[str, ...], base: str
) -> Result:
    return resources.create_account(state, params), []


def _accounts_get(state: StripeState, params: Params, args: tuple[str, ...], base: str) -> Result:
    return resources.get_account(state, args[0]), []


def _accounts_update(
    state: StripeState, params: Params, args: tuple[str, ...], base: str
) -> Result:
    account, previous = resources.update_account(state, args[0], params)
    return account, ([("account.updated", account, previous)] if previous else [])


def _accounts_list(state: StripeState, params: Params, args: tuple[str, ...], base: str) -> Result:
    return resources.list_of(state.all("account"), "/v1/accounts", params), []


def _account_links_create(
    state: StripeState, params: Params, args: tuple[str, ...], base: str
) -> Result:
    return resources.create_account_link(state, params, base), []


def _sessions_create(
    state: StripeState, params: Params, args: tuple[str, ...], base: str
) -> Result:
    return resources.create_checkout_session(state, params, base), []


def _sessions_get(state: StripeState, params: Params, args: tuple[str, ...], base: str) -> Result:
    return resources.get_checkout_session(state, args[0]), []


def _sessions_expire(
    state: StripeState, params: Params, args: tuple[str, ...], base: str
) -> Result:
    session = resources.expire_checkout_session(state, args[0])
    return session, [("checkout.session.expired", session, None)]


def _transfers_create(
    state: StripeState, params: Params, args: tuple[str, ...], base: str
) -> Result:
    transfer = resources.create_transfer(state, params)
    return transfer, [("transfer.created", transfer, None)]


def _transfers_get(state: StripeState, params: Params, args: tuple[str, ...], base: str) -> Result:
    return resources.get_transfer(state, args[0]), []


def _transfers_list(state: StripeState, params: Params, args: tuple[str, ...], base: str) -> Result:
    group = params.get("transfer_group") if isinstance(params.get("transfer_group"), str) else None
    destination = params.get("destination") if isinstance(params.get("destination"), str) else None
    return resources.list_of(
        state.all("transfer"),
        "/v1/transfers",
        params,
        transfer_group=group,
        destination=destination,
    ), []


def _payouts_list(state: StripeState, params: Params, args: tuple[str, ...], base: str) -> Result:
    """A connected account's payouts (``Stripe-Account`` header), newest first; ``status`` and
    ``created`` filter as Stripe's do. Without the header: the platform's own (none here)."""
    account = params.pop(STRIPE_ACCOUNT_PARAM, None)
    status = params.get("status") if isinstance(params.get("status"), str) else None
    rows = [p for p in state.all("payout") if account and p["account"] == account]
    listed = resources.list_of(rows, "/v1/payouts", params, status=status)
    listed["data"] = [{k: v for k, v in p.items() if k != "account"} for p in listed["data"]]
    return listed, []


def _reversals_create(
    state: StripeState, params: Params, args: tuple[str, ...], base: str
) -> Result:
    reversal = resources.reverse_transfer(state, args[0], params)
    transfer = resources.get_transfer(state, args[0])
    return reversal, [("transfer.reversed", transfer, None)]


def _balance_get(state: StripeState, params: Params, args: tuple[str, ...], base: str) -> Result:
    return resources.balance(state), []


def _events_get(state: StripeState, params: Params, args: tuple[str, ...], base: str) -> Result:
    event = state.event(args[0])
    if event is None:
        raise StripeApiError(
            404, f"No such event: '{args[0]}'", code="resource_missing", param="id"
        )
    return event, []


_ID = r"([A-Za-z0-9_]+)"
ROUTES: list[tuple[str, re.Pattern[str], Handler]] = [
    ("POST", re.compile(r"^/v1/accounts$"), _accounts_create),
    ("GET", re.compile(r"^/v1/accounts$"), _accounts_list),
    ("GET", re.compile(rf"^/v1/accounts/{_ID}$"), _accounts_get),
    ("POST", re.compile(rf"^/v1/accounts/{_ID}$"), _accounts_update),
    ("POST", re.compile(r"^/v1/account_links$"), _account_links_create),
    ("POST", re.compile(r"^/v1/checkout/sessions$"), _sessions_create),
    ("GET", re.compile(rf"^/v1/checkout/sessions/{_ID}$"), _sessions_get),
    ("POST", re.compile(rf"^/v1/checkout/sessions/{_ID}/expire$"), _sessions_expire),
    ("POST", re.compile(r"^/v1/transfers$"), _transfers_create),
    ("GET", re.compile(r"^/v1/transfers$"), _transfers_list),
    ("GET", re.compile(rf"^/v1/transfers/{_ID}$"), _transfers_get),
    ("POST", re.compile(rf"^/v1/transfers/{_ID}/reversals$"), _reversals_create),
    ("GET", re.compile(r"^/v1/payouts$"), _payouts_list),
    ("GET", re.compile(r"^/v1/balance$"), _balance_get),
    ("GET", re.compile(rf"^/v1/events/{_ID}$"), _events_get),
]


class Api:
    def __init__(self, state: StripeState, on_events: Callable[[], None]) -> None:
        self.state = state
        self.on_events = on_events  # wakes the webhook deliverer

    def handle(self, request: Request, base_url: str) -> Response:
        request_id = "req_" + uuid.uuid4().hex[:14]
        key = request.headers.get("idempotency-key") if request.method == "POST" else None
        response, executed = self._handle(request, base_url, request_id, key)
        response.headers += [("Request-Id", request_id), ("Stripe-Version", API_VERSION)]
        if key:
            response.headers.append(("Idempotency-Key", key))
        self.state.log_request(
            {
                "method": request.method,
                "path": request.path,
                "idempotency_key": key,
                "status": response.status,
                "executed": executed,
            }
        )
        return response

    def _handle(
        self, request: Request, base_url: str, request_id: str, key: str | None
    ) -> tuple[Response, bool]:
        auth = _authenticate(request)
        if auth is not None:
            return _error(auth, request_id), False
        try:
            params = decode(request.body.decode("utf-8") if request.method == "POST" else "")
            if request.method != "POST":
                params = decode(urlencode(request.query))
                if request.headers.get("stripe-account"):  # acting as a connected account
                    params[STRIPE_ACCOUNT_PARAM] = request.headers["stripe-account"]
        except (FormError, UnicodeDecodeError) as exc:
            return _error(StripeApiError(400, str(exc)), request_id), False
        route = _route(request.method, request.path)
        if route is None:
            return _error(
                StripeApiError(
                    404,
                    f"Unrecognized request URL ({request.method}: {request.path}). Please see "
                    "https://stripe.com/docs or we can help at https://support.stripe.com/.",
                ),
                request_id,
            ), False
        handler, args = route
        failure = self.state.take_failure(request.path)
        if failure and failure.kind == "rate_limit":  # refused before execution: nothing saved
            return _error(
                StripeApiError(
                    429,
                    "Too many requests hit the API too quickly. We recommend an exponential "
                    "backoff of your requests.",
                    code="rate_limit",
                ),
                request_id,
            ), False

        fingerprint = json.dumps([request.method, request.path, params], sort_keys=True)
        if key is not None:
            claimed = self._claim_key(key, fingerprint, request_id)
            if isinstance(claimed, Response):
                return claimed, False

        with self.state.lock:
            try:
                obj, events = handler(self.state, params, args, base_url)
                if failure and failure.kind == "api_error":  # failed mid-execution
                    raise StripeApiError(
                        500, "An unknown error occurred", type="api_error", executed=True
                    )
                status, body = 200, json.dumps(obj, indent=2).encode()
                for event_type, event_obj, previous in events:
                    self.state.emit(
                        event_type,
                        event_obj,
                        previous_attributes=previous,
                        account=event_obj["id"] if event_obj.get("object") == "account" else None,
                        request_id=request_id,
                        idempotency_key=key,
                    )
                executed = True
            except StripeApiError as exc:
                status, body = exc.status, json.dumps(exc.body(request_id), indent=2).encode()
                executed = exc.executed
            if key is not None:
                if executed:
                    saved = self.state.idempotency[key]
                    saved.status, saved.body = status, body
                else:  # not executed (validation): the key stays free for a corrected retry
                    self.state.idempotency.pop(key, None)
            if executed:
                self.state.calls[f"{request.method} {_template(request.path)}"] += 1
        self.state.save()
        self.on_events()

        if failure and failure.kind == "lost_response" and executed:
            # Executed and saved, but the answer never reaches the client (a proxy fails):
            # a retry with the same key gets the saved response.
            return html_error(502), True
        if failure and failure.kind == "slow":
            time.sleep(failure.delay_seconds)  # past the client's timeout: it sees a network error
        return Response(status, body, [("Content-Type", "application/json")]), executed

    def _claim_key(self, key: str, fingerprint: str, request_id: str) -> Response | None:
        if len(key) > MAX_IDEMPOTENCY_KEY:
            return _error(
                StripeApiError(
                    400, f"Idempotency-Key must be at most {MAX_IDEMPOTENCY_KEY} characters long."
                ),
                request_id,
            )
        with self.state.lock:
            saved = self.state.idempotency.get(key)
            if saved is not None and saved.created < self.state.now() - KEY_LIFETIME:
                saved = None
            if saved is None:
                self.state.idempotency[key] = SavedResponse(fingerprint, self.state.now())
                return None
            if saved.fingerprint != fingerprint:
                return _error(
                    StripeApiError(
                        400,
                        "Keys for idempotent requests can only be used with the same parameters "
                        "they were first used with. Try using a key other than "
                        f"'{key}' if you meant to execute a different request.",
                        type="idempotency_error",
                    ),
                    request_id,
                )
            if saved.status is None:
                return _error(
                    StripeApiError(
                        409,
                        "There is currently another in-progress request using this Idempotent "
                        "Key (that probably means you submitted twice, and the other request is still "
                        "going through): " + key + ". Please try again later.",
                        type="idempotency_error",
                    ),
                    request_id,
                )
            return Response(
                saved.status,
                saved.body,
                [("Content-Type", "application/json"), ("Idempotent-Replayed", "true")],
            )


def _authenticate(request: Request) -> StripeApiError | None:
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        return StripeApiError(
            401,
            "You did not provide an API key. You need to provide your API key in the "
            "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
            "YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or "
            "we can help at https://support.stripe.com/.",
        )
    if not key.strip().startswith(("sk_test_", "rk_test_")):
        shown = key.strip()[:8] + "*" * 12 + key.strip()[-4:]
        return StripeApiError(401, f"Invalid API Key provided: {shown}")
    return None


def _route(method: str, path: str) -> tuple[Handler, tuple[str, ...]] | None:
    for route_method, pattern, handler in ROUTES:
        match = pattern.match(path)
        if match and route_method == method:
            return handler, match.groups()
    return None


def _template(path: str) -> str:
    """``/v1/transfers/tr_123/reversals`` → ``/v1/transfers/:id/reversals`` (call counters)."""
    return re.sub(r"/(acct|tr|cs_test|evt|pi)_[A-Za-z0-9]+", "/:id", path)


def _error(error: StripeApiError, request_id: str) -> Response:
    return json_response(error.status, error.body(request_id))
