"""Throttle memory shared by every worker: "do not call <platform> with <token> before T".

A platform extends a block when it is hammered, so after one worker is told to wait (429,
a quota error, a usage header near 100 %) no worker may call with that token until the
reset. :class:`RedisThrottle` keeps each park as a Redis key that expires at the reset
(``<prefix>:<platform>:<scope>``); :class:`MemoryThrottle` is the same in process memory,
for the embedded default without Redis and as the fallback while Redis is unreachable.

A *scope* is ``"app"`` (a limit on our whole app: Graph code 4, TikTok's client token) or a
token's SHA-256 (never the token itself: keys are visible to anyone who can read Redis).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Sequence
from typing import Any, Protocol

logger = logging.getLogger("platforms")

APP_SCOPE = "app"
DEFAULT_KEY_PREFIX = "chorus:platforms:park"
REDIS_RETRY_SECONDS = 10

# Park only if the new park ends later than the current one (a shorter 429 must not
# shorten a quota park); PX keeps millisecond precision.
_PARK_SCRIPT = """
local ttl = redis.call('PTTL', KEYS[1])
if ttl < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[1])
end
return ttl
"""


def token_scope(token: str) -> str:
    """The scope of one credential (access token or API key); "app" when there is none."""
    if not token:
        return APP_SCOPE
    return "tok:" + hashlib.sha256(token.encode()).hexdigest()[:32]


class Throttle(Protocol):
    def park(self, platform: str, scope: str, seconds: float, reason: str = "") -> None:
        """Refuse calls on (platform, scope) for ``seconds`` (never shortens a longer park)."""
        ...

    def remaining(self, platform: str, scopes: Sequence[str]) -> float:
        """Seconds until every one of ``scopes`` may be called again (0: go ahead)."""
        ...


class MemoryThrottle:
    """Parks in this process only (one per process is shared by all its clients)."""

    def __init__(self, clock: Any = time.monotonic) -> None:
        self._until: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def park(self, platform: str, scope: str, seconds: float, reason: str = "") -> None:
        if seconds <= 0:
            return
        key = (platform, scope)
        with self._lock:
            self._until[key] = max(self._until.get(key, 0.0), self._clock() + seconds)

    def remaining(self, platform: str, scopes: Sequence[str]) -> float:
        now = self._clock()
        with self._lock:
            ends = [self._until.get((platform, scope), 0.0) for scope in scopes]
        return max([end - now for end in ends] + [0.0])


class RedisThrottle:
    """Parks in Redis, seen by every worker; also kept locally so a Redis outage forgets none."""

    def __init__(self, redis: Any, *, key_prefix: str = DEFAULT_KEY_PREFIX) -> None:
        self._redis = redis
        self._prefix = key_prefix
        self._local = MemoryThrottle()
        self._script = redis.register_script(_PARK_SCRIPT)
        # After a Redis failure, skip it for a while: an outage must not add a connect
        # timeout to every platform call (the local parks carry on meanwhile).
        self._skip_until = 0.0

    @classmethod
    def from_url(cls, url: str, *, key_prefix: str = DEFAULT_KEY_PREFIX) -> RedisThrottle:
        import redis

        # Short timeouts: a slow Redis must not hold a pull longer than the platform would.
        client = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        return cls(client, key_prefix=key_prefix)

    def key(self, platform: str, scope: str) -> str:
        return f"{self._prefix}:{platform}:{scope}"

    def park(self, platform: str, scope: str, seconds: float, reason: str = "") -> None:
        if seconds <= 0:
            return
        self._local.park(platform, scope, seconds)
        millis = max(1, int(seconds * 1000))
        if self._skipping():
            return
        try:
            self._script(keys=[self.key(platform, scope)], args=[millis, reason[:100] or "1"])
        except Exception as exc:  # redis.RedisError and socket errors: local park still holds
            self._failed(f"could not share a {platform} park in Redis: {exc}")

    def remaining(self, platform: str, scopes: Sequence[str]) -> float:
        local = self._local.remaining(platform, scopes)
        if self._skipping():
            return local
        try:
            pipe = self._redis.pipeline(transaction=False)
            for scope in scopes:
                pipe.pttl(self.key(platform, scope))
            ttls = pipe.execute()
        except Exception as exc:  # Redis away: what this process knows is all we have
            self._failed(f"could not read {platform} parks from Redis: {exc}")
            return local
        shared = max([int(t) / 1000 for t in ttls if int(t) > 0] + [0.0])
        return max(local, shared)

    def _skipping(self) -> bool:
        return time.monotonic() < self._skip_until

    def _failed(self, message: str) -> None:
        logger.warning("%s; using this process's parks for %ds", message, REDIS_RETRY_SECONDS)
        self._skip_until = time.monotonic() + REDIS_RETRY_SECONDS

    def forget_all(self) -> int:
        """Drop every park under this prefix (tests, or after changing credentials)."""
        self._local = MemoryThrottle()
        try:
            keys = list(self._redis.scan_iter(match=f"{self._prefix}:*", count=500))
            return int(self._redis.delete(*keys)) if keys else 0
        except Exception as exc:
            logger.warning("could not drop parks in Redis: %s", exc)
            return 0

    def close(self) -> None:
        self._redis.close()
