"""The stand-in's state: Stripe objects as the JSON Stripe returns, plus what Stripe keeps aside
(idempotency keys, the platform balance, events and their deliveries). Thread-safe: one lock.

Objects are plain JSON-shaped dicts, so the whole state can be written to a file and read back
(``--state-file``: ``make run`` keeps accounts and balances across restarts of the stand-in).
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from payouts.stripe_standin import API_VERSION, STANDIN_WEBHOOK_SECRET

logger = logging.getLogger(__name__)

# Failures the control API can queue for the next API calls (see control.py for what each does).
FAILURE_KINDS = frozenset({"rate_limit", "api_error", "lost_response", "slow"})
REQUEST_LOG_SIZE = 500
_ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def new_id(prefix: str) -> str:
    """Stripe-looking ids: ``acct_1Q…`` (24 random characters after the prefix)."""
    return f"{prefix}_1" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(23))


@dataclass(frozen=True)
class Failure:
    kind: str
    path_prefix: str | None  # None: the next API call, whatever it is
    delay_seconds: float = 0.0


@dataclass
class SavedResponse:
    """What an Idempotency-Key stands for: the request's fingerprint, then its response."""

    fingerprint: str
    created: int  # the stand-in's clock
    status: int | None = None  # None while the first request is still executing
    body: bytes = b""


@dataclass(frozen=True)
class Delivery:
    """One webhook delivery: the signed body exactly as it is POSTed."""

    event_id: str
    event_type: str
    body: str
    signature: str
    timestamp: int


class StripeState:
    def __init__(self, *, state_file: str | Path | None = None) -> None:
        self.lock = threading.RLock()
        self._state_file = Path(state_file) if state_file else None
        self.clock_offset = 0
        self.objects: dict[str, dict[str, dict[str, Any]]] = {}
        self.balance: dict[str, dict[str, int]] = {}  # currency → {available, pending}
        self.idempotency: dict[str, SavedResponse] = {}
        self.events: list[dict[str, Any]] = []
        self.failures: deque[Failure] = deque()
        self.requests: deque[dict[str, Any]] = deque(maxlen=REQUEST_LOG_SIZE)
        self.calls: Counter[str] = Counter()  # "POST /v1/transfers" → how many executed
        # Webhook endpoint: where events go, the secrets that sign them (several during a
        # rotation), and "auto" (POST as they happen) or "hold" (kept until the control API
        # delivers them, in any order, any number of times).
        self.webhook_url: str | None = None
        self.webhook_secrets: list[str] = [STANDIN_WEBHOOK_SECRET]
        self.webhook_mode = "auto"
        self.pending: list[str] = []  # event ids not delivered yet (held, or no URL)
        self.deliveries: list[dict[str, Any]] = []  # log: event id, status, attempt time
        self._load()

    # Clock ------------------------------------------------------------------------
    def now(self) -> int:
        return int(time.time()) + self.clock_offset

    # Objects ----------------------------------------------------------------------
    def put(self, kind: str, obj: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.objects.setdefault(kind, {})[obj["id"]] = obj
        return obj

    def get(self, kind: str, object_id: str) -> dict[str, Any] | None:
        with self.lock:
            return self.objects.get(kind, {}).get(object_id)

    def all(self, kind: str) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.objects.get(kind, {}).values())

    # Balance ----------------------------------------------------------------------
    def available(self, currency: str) -> int:
        with self.lock:
            return self.balance.get(currency, {}).get("available", 0)

    def add_available(self, currency: str, amount: int) -> None:
        with self.lock:
            entry = self.balance.setdefault(currency, {"available": 0, "pending": 0})
            entry["available"] += amount

    # Events -----------------------------------------------------------------------
    def emit(
        self,
        event_type: str,
        obj: dict[str, Any],
        *,
        previous_attributes: dict[str, Any] | None = None,
        account: str | None = None,
        request_id: str | None = None,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        """Record an event (a deep copy of the object as it is now) and queue its delivery."""
        data: dict[str, Any] = {"object": json.loads(json.dumps(obj))}
        if previous_attributes is not None:
            data["previous_attributes"] = previous_attributes
        event: dict[str, Any] = {
            "id": new_id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": self.now(),
            "data": data,
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": request_id, "idempotency_key": idempotency_key},
            "type": event_type,
        }
        if account:
            event["account"] = account  # an event of a connected account (Connect endpoint)
        with self.lock:
            self.events.append(event)
            self.pending.append(event["id"])
        return event

    def event(self, event_id: str) -> dict[str, Any] | None:
        with self.lock:
            return next((e for e in self.events if e["id"] == event_id), None)

    # Failures and the request log -----------------------------------------------------
    def queue_failures(self, failure: Failure, count: int) -> None:
        with self.lock:
            self.failures.extend([failure] * count)

    def take_failure(self, path: str) -> Failure | None:
        with self.lock:
            for failure in self.failures:
                if failure.path_prefix is None or path.startswith(failure.path_prefix):
                    self.failures.remove(failure)
                    return failure
        return None

    def log_request(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self.requests.append(entry)

    # Reset, snapshot, persistence -----------------------------------------------------
    def reset(self) -> None:
        with self.lock:
            self.clock_offset = 0
            self.objects.clear()
            self.balance.clear()
            self.idempotency.clear()
            self.events.clear()
            self.failures.clear()
            self.requests.clear()
            self.calls.clear()
            self.webhook_url = None
            self.webhook_secrets = [STANDIN_WEBHOOK_SECRET]
            self.webhook_mode = "auto"
            self.pending.clear()
            self.deliveries.clear()
        self.save()

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "calls": dict(self.calls),
                "requests": list(self.requests),
                "objects": {kind: len(rows) for kind, rows in self.objects.items()},
                "balance": json.loads(json.dumps(self.balance)),
                "events": [{"id": e["id"], "type": e["type"]} for e in self.events],
                "pending_webhooks": list(self.pending),
                "deliveries": list(self.deliveries),
                "webhook": {
                    "url": self.webhook_url,
                    "mode": self.webhook_mode,
                    "secrets": len(self.webhook_secrets),
                },
                "pending_failures": [
                    {"kind": f.kind, "path_prefix": f.path_prefix} for f in self.failures
                ],
                "clock_offset_seconds": self.clock_offset,
            }

    def save(self) -> None:
        """Write objects, balance and events to the state file (the embedded default's)."""
        if not self._state_file:
            return
        with self.lock:
            text = json.dumps(
                {
                    "objects": self.objects,
                    "balance": self.balance,
                    "events": self.events[-1000:],
                    "webhook": {"url": self.webhook_url, "secrets": self.webhook_secrets},
                }
            )
        tmp = self._state_file.with_suffix(".tmp")
        tmp.write_text(text)
        tmp.replace(self._state_file)

    def _load(self) -> None:
        if not self._state_file or not self._state_file.exists():
            return
        try:
            data = json.loads(self._state_file.read_text())
            self.objects = dict(data.get("objects", {}))
            self.balance = dict(data.get("balance", {}))
            self.events = list(data.get("events", []))
        except (ValueError, TypeError, AttributeError) as exc:
            logger.warning("ignoring unreadable stand-in state file %s: %s", self._state_file, exc)
