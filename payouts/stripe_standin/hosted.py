"""The hosted pages Stripe would show a person: Connect onboarding and Checkout.

``GET /hosted/onboarding/<link>`` finishes onboarding (``?outcome=complete`` by default, or
``pending`` / ``incomplete``), emits ``account.updated`` and redirects to the link's
``return_url``. A link is single-use and lives 300 s: a used or expired one redirects to its
``refresh_url``, as Stripe does.

``GET /hosted/checkout/<session>`` pays an open session (the platform balance grows by its
total), emits ``checkout.session.completed`` and redirects to ``success_url`` (with
``{CHECKOUT_SESSION_ID}`` filled in); ``?cancel=1`` goes back to ``cancel_url`` instead.
"""

from __future__ import annotations

from html import escape

from payouts.stripe_standin import resources
from payouts.stripe_standin.state import StripeState
from platforms.simulator.http import Request, Response, raw_response


def handle(request: Request, state: StripeState) -> Response:
    parts = [p for p in request.path.split("/") if p]
    if request.method not in ("GET", "POST") or len(parts) != 2:
        return _page(404, "Not found", "This page does not exist.")
    if parts[0] == "onboarding":
        return _onboarding(request, state, parts[1])
    if parts[0] == "checkout":
        return _checkout(request, state, parts[1])
    return _page(404, "Not found", "This page does not exist.")


def _onboarding(request: Request, state: StripeState, token: str) -> Response:
    outcome = request.query.get("outcome", "complete")
    if outcome not in resources.ONBOARDING_OUTCOMES:
        return _page(
            400, "Unknown outcome", f"Use one of {', '.join(resources.ONBOARDING_OUTCOMES)}."
        )
    with state.lock:
        link = state.get("account_link_private", token)
        if link is None:
            return _page(404, "Link not found", "This onboarding link does not exist.")
        if link["used"] or link["expires_at"] < state.now():
            return _redirect(link["refresh_url"])
        link["used"] = True
        account = state.get("account", link["account"])
        if account is None:
            return _page(404, "Account not found", "The account of this link is gone.")
        previous = resources.onboarding_outcome(account, outcome)
        if previous:
            state.emit(
                "account.updated", account, previous_attributes=previous, account=account["id"]
            )
    state.save()
    return _redirect(link["return_url"])


def _checkout(request: Request, state: StripeState, session_id: str) -> Response:
    with state.lock:
        session = state.get("checkout.session", session_id)
        if session is None:
            return _page(404, "Session not found", "This checkout session does not exist.")
        if request.query.get("cancel"):
            return _redirect(session["cancel_url"] or session["success_url"])
        if session["status"] == "expired" or session["expires_at"] < state.now():
            return _page(410, "Session expired", "This checkout session has expired.")
        if resources.pay_checkout_session(state, session):
            state.emit("checkout.session.completed", session)
    state.save()
    return _redirect(session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id))


def _redirect(location: str) -> Response:
    return raw_response(303, b"", "text/html", [("Location", location)])


def _page(status: int, title: str, text: str) -> Response:
    body = (
        f"<!doctype html><html lang=en><title>{escape(title)} · Stripe stand-in</title>"
        f"<h1>{escape(title)}</h1><p>{escape(text)}</p></html>"
    )
    return raw_response(status, body.encode(), "text/html; charset=utf-8")
