"""The stand-in's control API (tests and demos), under ``/_control``. JSON in, JSON out.

``POST /_control/reset``   forget everything (objects, balance, keys, events, failures, webhook).
``GET  /_control/state``   call counters, request log, balance, events, deliveries.
``POST /_control/fail``    ``{"kind", "count"?: 1, "path_prefix"?: "/v1/transfers",
    "delay_seconds"?}`` — the next matching API calls fail: ``rate_limit`` (429 before
    execution, nothing saved), ``api_error`` (500 after execution began: saved under the
    Idempotency-Key, replayed on retry), ``lost_response`` (executed and saved, but the client
    gets a 502 from "a proxy"), ``slow`` (executed, answered after ``delay_seconds``).
``POST /_control/balance`` ``{"currency": "usd", "amount": 5000}`` — add to the available balance.
``POST /_control/clock``   ``{"advance_seconds": n}`` — move the clock (links and sessions expire).
``GET  /_control/accounts/<id>``  the account as the API has it.
``POST /_control/accounts/<id>``  change it as Stripe would after a review: any of
    ``details_submitted, payouts_enabled, charges_enabled`` (bool), ``transfers``
    (active|inactive|pending), ``currently_due, past_due, pending_verification`` (lists),
    ``disabled_reason``, ``current_deadline``, ``metadata`` — emits ``account.updated``.
``POST /_control/accounts/<id>/complete`` ``{"outcome"?: complete|pending|incomplete}`` — what
    finishing the hosted onboarding does (emits ``account.updated``).
``POST /_control/accounts/<id>/payout`` ``{"currency"?: "usd"}`` — the connected account pays
    its balance (transfers less reversals and earlier payouts) out to its bank, arriving at once:
    emits ``payout.created`` and ``payout.paid`` on the account (``event.account``).
``POST /_control/checkout/<session id>/pay`` — what the hosted payment page does.
``POST /_control/webhooks``  ``{"url"?, "secrets"?: [...], "mode"?: "auto"|"hold"}`` — the
    endpoint; several secrets sign each event with several ``v1`` (rotation).
``GET  /_control/events``   every event (full objects), oldest first; ``?type=`` filters.
``POST /_control/webhooks/sign`` ``{"event_id", "timestamp"?, "secrets"?}`` — the body and
    ``Stripe-Signature`` header of a delivery, without sending it.
``POST /_control/webhooks/deliver`` ``{"event_ids"?: [...] (this order; default: every pending
    one), "times"?: 1, "timestamp"?, "secrets"?}`` — POST them to the endpoint now (replays,
    duplicates, out of order, stale or wrongly signed); answers each delivery's status.
"""

from __future__ import annotations

from typing import Any

from payouts.stripe_standin import resources
from payouts.stripe_standin.state import FAILURE_KINDS, Failure, StripeState
from payouts.stripe_standin.webhooks import build_delivery, post
from platforms.simulator.http import Request, Response, json_response

MAX_FAILURES = 1000
MAX_TIMES = 20


def handle(request: Request, state: StripeState) -> Response:
    parts = [p for p in request.path.split("/") if p]
    method = request.method
    body = request.json() if method == "POST" else None
    if method == "POST" and request.body and not isinstance(body, dict):
        return _bad(400, "send a JSON object")
    body = body if isinstance(body, dict) else {}
    if parts == ["reset"] and method == "POST":
        state.reset()
        return json_response(200, {"ok": True})
    if parts == ["state"] and method == "GET":
        return json_response(200, state.snapshot())
    if parts == ["fail"] and method == "POST":
        return _fail(body, state)
    if parts == ["balance"] and method == "POST":
        return _balance(body, state)
    if parts == ["clock"] and method == "POST":
        step = body.get("advance_seconds")
        if isinstance(step, bool) or not isinstance(step, int) or step < 0:
            return _bad(400, "send {advance_seconds: a non-negative integer}")
        with state.lock:
            state.clock_offset += step
        return json_response(200, {"now": state.now()})
    if len(parts) >= 2 and parts[0] == "accounts":
        return _account(method, parts[1:], body, state)
    if len(parts) == 3 and parts[0] == "checkout" and parts[2] == "pay" and method == "POST":
        return _pay(parts[1], state)
    if parts == ["events"] and method == "GET":
        with state.lock:
            events = [e for e in state.events if request.query.get("type") in (None, e["type"])]
        return json_response(200, {"events": events})
    if parts == ["webhooks"] and method == "POST":
        return _configure_webhooks(body, state)
    if parts == ["webhooks", "sign"] and method == "POST":
        return _sign(body, state)
    if parts == ["webhooks", "deliver"] and method == "POST":
        return _deliver(body, state)
    return _bad(404, f"no control endpoint {method} /_control/{'/'.join(parts)}")


def _fail(body: dict[str, Any], state: StripeState) -> Response:
    kind = body.get("kind")
    count = body.get("count", 1)
    prefix = body.get("path_prefix")
    delay = body.get("delay_seconds", 0)
    if kind not in FAILURE_KINDS:
        return _bad(400, f"kind must be one of {sorted(FAILURE_KINDS)}")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_FAILURES:
        return _bad(400, f"count must be an integer from 1 to {MAX_FAILURES}")
    if prefix is not None and not (isinstance(prefix, str) and prefix.startswith("/v1")):
        return _bad(400, "path_prefix must start with /v1")
    if isinstance(delay, bool) or not isinstance(delay, int | float) or not 0 <= delay <= 120:
        return _bad(400, "delay_seconds must be a number from 0 to 120")
    state.queue_failures(Failure(kind, prefix, float(delay)), count)
    return json_response(200, {"queued": count, "kind": kind, "path_prefix": prefix})


def _balance(body: dict[str, Any], state: StripeState) -> Response:
    currency = body.get("currency", "usd")
    amount = body.get("amount")
    if not isinstance(currency, str) or not resources.CURRENCY.match(currency.lower()):
        return _bad(400, "currency must be a three-letter code")
    if isinstance(amount, bool) or not isinstance(amount, int):
        return _bad(400, "amount must be an integer (minor units; negative takes away)")
    state.add_available(currency.lower(), amount)
    state.save()
    return json_response(200, resources.balance(state))


def _account(method: str, rest: list[str], body: dict[str, Any], state: StripeState) -> Response:
    with state.lock:
        account = state.get("account", rest[0])
        if account is None:
            return _bad(404, f"no account {rest[0]}")
        if rest[1:] == ["payout"] and method == "POST":
            return _pay_out(rest[0], body, state)
        if rest[1:] == ["complete"] and method == "POST":
            outcome = body.get("outcome", "complete")
            if outcome not in resources.ONBOARDING_OUTCOMES:
                return _bad(400, f"outcome must be one of {list(resources.ONBOARDING_OUTCOMES)}")
            previous: dict[str, Any] | str = resources.onboarding_outcome(account, outcome)
        elif not rest[1:] and method == "POST":
            previous = resources.control_update_account(account, body)
        elif not rest[1:] and method == "GET":
            return json_response(200, {"account": account})
        else:
            return _bad(404, "use GET|POST /_control/accounts/<id> or POST …/<id>/complete")
        if isinstance(previous, str):
            return _bad(400, previous)
        event = None
        if previous:
            event = state.emit(
                "account.updated", account, previous_attributes=previous, account=account["id"]
            )
    state.save()
    return json_response(200, {"account": account, "event_id": event["id"] if event else None})


def _pay_out(account_id: str, body: dict[str, Any], state: StripeState) -> Response:
    currency = body.get("currency", "usd")
    if not isinstance(currency, str) or not resources.CURRENCY.match(currency.lower()):
        return _bad(400, "currency must be a three-letter code")
    with state.lock:
        payout = resources.pay_out_account(state, account_id, currency.lower())
        events = []
        if payout is not None:
            public = {k: v for k, v in payout.items() if k != "account"}
            for event_type in ("payout.created", "payout.paid"):
                events.append(state.emit(event_type, public, account=account_id)["id"])
    state.save()
    return json_response(200, {"payout": payout, "event_ids": events})


def _pay(session_id: str, state: StripeState) -> Response:
    with state.lock:
        session = state.get("checkout.session", session_id)
        if session is None:
            return _bad(404, f"no checkout session {session_id}")
        event = None
        if resources.pay_checkout_session(state, session):
            event = state.emit("checkout.session.completed", session)
    state.save()
    return json_response(200, {"session": session, "event_id": event["id"] if event else None})


def _configure_webhooks(body: dict[str, Any], state: StripeState) -> Response:
    url, secrets, mode = body.get("url", ...), body.get("secrets"), body.get("mode")
    if url is not ... and url is not None and not (isinstance(url, str) and url.startswith("http")):
        return _bad(400, "url must be an http(s) URL or null")
    if secrets is not None and not (
        isinstance(secrets, list) and secrets and all(isinstance(s, str) and s for s in secrets)
    ):
        return _bad(400, "secrets must be a non-empty list of strings")
    if mode is not None and mode not in ("auto", "hold"):
        return _bad(400, "mode must be auto or hold")
    with state.lock:
        if url is not ...:
            state.webhook_url = url
        if secrets is not None:
            state.webhook_secrets = list(secrets)
        if mode is not None:
            state.webhook_mode = mode
        answer = {
            "url": state.webhook_url,
            "mode": state.webhook_mode,
            "secrets": len(state.webhook_secrets),
        }
    return json_response(200, answer)


def _signing_options(body: dict[str, Any]) -> tuple[int | None, list[str] | None] | str:
    timestamp, secrets = body.get("timestamp"), body.get("secrets")
    if timestamp is not None and (isinstance(timestamp, bool) or not isinstance(timestamp, int)):
        return "timestamp must be a unix time"
    if secrets is not None and not (
        isinstance(secrets, list) and all(isinstance(s, str) for s in secrets)
    ):
        return "secrets must be a list of strings"
    return timestamp, secrets


def _sign(body: dict[str, Any], state: StripeState) -> Response:
    options = _signing_options(body)
    if isinstance(options, str):
        return _bad(400, options)
    event = state.event(str(body.get("event_id")))
    if event is None:
        return _bad(404, f"no event {body.get('event_id')}")
    delivery = build_delivery(state, event, timestamp=options[0], secrets=options[1])
    return json_response(
        200,
        {
            "event_id": event["id"],
            "body": delivery.body,
            "signature": delivery.signature,
            "timestamp": delivery.timestamp,
        },
    )


def _deliver(body: dict[str, Any], state: StripeState) -> Response:
    options = _signing_options(body)
    if isinstance(options, str):
        return _bad(400, options)
    times = body.get("times", 1)
    if isinstance(times, bool) or not isinstance(times, int) or not 1 <= times <= MAX_TIMES:
        return _bad(400, f"times must be from 1 to {MAX_TIMES}")
    with state.lock:
        url = state.webhook_url
        ids = body.get("event_ids")
        if ids is None:
            ids, state.pending[:] = list(state.pending), []
        elif not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            return _bad(400, "event_ids must be a list of event ids")
        else:
            state.pending[:] = [i for i in state.pending if i not in ids]
    if not url:
        return _bad(409, "no webhook url: POST /_control/webhooks {url} first")
    results = []
    for event_id in ids:
        event = state.event(event_id)
        if event is None:
            return _bad(404, f"no event {event_id}")
        for _ in range(times):
            delivery = build_delivery(state, event, timestamp=options[0], secrets=options[1])
            results.append({"event_id": event_id, "status": post(state, delivery, url)})
    return json_response(200, {"deliveries": results})


def _bad(status: int, message: str) -> Response:
    return json_response(status, {"error": message})
