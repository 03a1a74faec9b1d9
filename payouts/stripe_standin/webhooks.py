"""Signing and delivering events the way Stripe does.

``Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…],v0=<hex>``: each ``v1`` is the HMAC-SHA256
(hex) of ``"<t>.<raw body>"`` keyed with one of the endpoint's secrets (several while a rolled
secret is still active); test mode adds a ``v0`` that receivers must ignore.

Deliveries are POSTed by one background thread in the order events happened ("auto" mode), or
held until the control API delivers them — in any order, several times, with an old timestamp
("hold" mode, for tests of replays, duplicates and events out of order).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import queue
import threading
import time
from typing import Any

import httpx

from payouts.stripe_standin.state import Delivery, StripeState

logger = logging.getLogger(__name__)

AUTO_RETRIES = 3  # Stripe retries for days; the stand-in retries a little, then keeps it pending
DELIVERY_TIMEOUT = 10.0


def sign(body: str, secrets: list[str], timestamp: int) -> str:
    signed = f"{timestamp}.{body}".encode()
    parts = [f"t={timestamp}"]
    for secret in secrets:
        parts.append("v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest())
    # Test-mode events carry a fake v0 scheme: a correct receiver ignores it.
    parts.append("v0=" + hashlib.sha256(signed).hexdigest())
    return ",".join(parts)


def build_delivery(
    state: StripeState,
    event: dict[str, Any],
    *,
    timestamp: int | None = None,
    secrets: list[str] | None = None,
) -> Delivery:
    body = json.dumps(event, indent=2)  # Stripe pretty-prints; receivers must sign raw bytes
    ts = state.now() if timestamp is None else timestamp
    with state.lock:
        keys = list(secrets if secrets is not None else state.webhook_secrets)
    return Delivery(event["id"], event["type"], body, sign(body, keys, ts), ts)


def post(state: StripeState, delivery: Delivery, url: str) -> int:
    """POST one delivery; returns the HTTP status (0 when the endpoint could not be reached)."""
    try:
        response = httpx.post(
            url,
            content=delivery.body.encode(),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": delivery.signature,
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            },
            timeout=DELIVERY_TIMEOUT,
        )
        status = response.status_code
    except httpx.HTTPError as exc:
        logger.warning("stand-in: webhook %s to %s failed: %r", delivery.event_id, url, exc)
        status = 0
    with state.lock:
        state.deliveries.append(
            {"event_id": delivery.event_id, "type": delivery.event_type, "status": status}
        )
        state.deliveries[:] = state.deliveries[-1000:]
    return status


class Deliverer:
    """The auto-mode worker: one thread, events in the order they were emitted."""

    def __init__(self, state: StripeState) -> None:
        self.state = state
        self._queue: queue.Queue[str] = queue.Queue()
        self._thread = threading.Thread(
            target=self._run, name="stripe-standin-webhooks", daemon=True
        )
        self._thread.start()

    def kick(self) -> None:
        """Hand every pending event to the worker (auto mode with a URL only)."""
        with self.state.lock:
            if self.state.webhook_mode != "auto" or not self.state.webhook_url:
                return
            ids, self.state.pending[:] = list(self.state.pending), []
        for event_id in ids:
            self._queue.put(event_id)

    def _run(self) -> None:
        while True:
            event_id = self._queue.get()
            try:
                self._deliver(event_id)
            except Exception:  # the worker must survive anything
                logger.exception("stand-in: delivering %s", event_id)

    def _deliver(self, event_id: str) -> None:
        event = self.state.event(event_id)
        for attempt in range(AUTO_RETRIES):
            with self.state.lock:
                url = self.state.webhook_url
            if event is None or not url:
                return
            if 200 <= post(self.state, build_delivery(self.state, event), url) < 300:
                return
            time.sleep(0.5 * 2**attempt)
        with self.state.lock:  # given up for now: the control API can deliver it again
            self.state.pending.append(event_id)
