"""The simulator's in-memory, thread-safe state: overrides, queued failures, counters, id index."""

from __future__ import annotations

import threading
from collections import Counter, deque
from dataclasses import dataclass
from typing import Any

from platforms.simulator.accounts import Account, generate, with_overrides

FAILURE_KINDS = frozenset(
    {"rate_limit", "quota", "server_error", "unavailable", "auth", "malformed", "unexpected_shape"}
)
REQUEST_LOG_SIZE = 200


@dataclass(frozen=True)
class Failure:
    kind: str
    platform: str | None  # None: the next call to any platform
    retry_after: int | None


class SimulatorState:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._overrides: dict[tuple[str, str], dict[str, Any]] = {}
        self._failures: deque[Failure] = deque()
        self._calls: Counter[str] = Counter()
        self._requests: deque[str] = deque(maxlen=REQUEST_LOG_SIZE)
        # ids we handed out (channel, uploads playlist, video) → (platform, handle)
        self._ids: dict[str, tuple[str, str]] = {}

    # Accounts -----------------------------------------------------------------
    def account(self, platform: str, handle: str) -> Account:
        with self._lock:
            overrides = dict(self._overrides.get((platform, handle), {}))
        return with_overrides(generate(platform, handle), overrides)

    def set_overrides(self, platform: str, handle: str, values: dict[str, Any]) -> None:
        with self._lock:
            self._overrides.setdefault((platform, handle), {}).update(values)

    def clear_overrides(self, platform: str, handle: str) -> bool:
        with self._lock:
            return self._overrides.pop((platform, handle), None) is not None

    def remember_id(self, external_id: str, platform: str, handle: str) -> None:
        with self._lock:
            self._ids[external_id] = (platform, handle)

    def lookup_id(self, external_id: str) -> tuple[str, str] | None:
        with self._lock:
            return self._ids.get(external_id)

    # Failures and counters ------------------------------------------------------
    def queue_failures(self, failure: Failure, count: int) -> None:
        with self._lock:
            self._failures.extend([failure] * count)

    def record_call(self, platform: str, description: str) -> Failure | None:
        """Count a data call and hand back the first queued failure aimed at it, if any."""
        with self._lock:
            self._calls[platform] += 1
            self._requests.append(description)
            for failure in self._failures:
                if failure.platform in (None, platform):
                    self._failures.remove(failure)
                    return failure
            return None

    def reset(self) -> None:
        with self._lock:
            self._overrides.clear()
            self._failures.clear()
            self._calls.clear()
            self._requests.clear()

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "calls": dict(self._calls),
                "requests": list(self._requests),
                "pending_failures": [
                    {"kind": f.kind, "platform": f.platform, "retry_after": f.retry_after}
                    for f in self._failures
                ],
                "overrides": [
                    {"platform": p, "handle": h, **values}
                    for (p, h), values in sorted(self._overrides.items())
                ],
            }
