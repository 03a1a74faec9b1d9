"""API throttling: per API key, per signed-in user, and failed authentication per client address.

Fixed one-window counters in the cache (Redis in production and tests; the embedded default's
file cache where there is no Redis), so every web process shares them. Rates are settings
(``CHORUS_API_THROTTLE_RATES``: ``"<n>/<sec|min|hour>"``). Over the limit the API answers 429
with ``Retry-After`` and the usual ``{code, message, fields}`` body (core.api.errors).
"""

import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from rest_framework import exceptions, throttling
from rest_framework.request import Request

logger = logging.getLogger(__name__)

_PERIODS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"1000/min"`` → (1000, 60)."""
    count, _, period = rate.partition("/")
    return int(count), _PERIODS[period.strip().lower()]


def _rate(scope: str) -> tuple[int, int]:
    return parse_rate(settings.CHORUS_API_THROTTLE_RATES[scope])


def _key(scope: str, ident: str, period: int, now: float) -> str:
    # The namespace lets tests (and operators, to reset everything) start counters afresh.
    namespace = getattr(settings, "CHORUS_API_THROTTLE_NAMESPACE", "")
    return f"throttle:{namespace}:{scope}:{ident}:{int(now // period)}"


def _count(scope: str, ident: str, *, add: bool) -> tuple[int, int, float]:
    """(count in the current window after this hit, limit, seconds until the window ends)."""
    limit, period = _rate(scope)
    now = time.time()
    key = _key(scope, ident, period, now)
    try:
        count = _hit(key, period, add=add)
    except Exception:  # the cache is down: let the request through rather than answer 500
        # An outage of Redis must delay nothing and break nothing (DESIGN.md, Background work);
        # for the minutes it lasts, the API runs unthrottled.
        logger.warning("api throttle counters unavailable; not throttling", exc_info=True)
        count = 0
    return count, limit, period - (now % period)


def _hit(key: str, period: int, *, add: bool) -> int:
    if add:
        cache.add(key, 0, timeout=period + 1)
        try:
            count = int(cache.incr(key))
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=period + 1)
            count = 1
    else:
        count = int(cache.get(key, 0))
    return count


class TooManyRequests(exceptions.Throttled):
    default_code = "throttled"

    def __init__(self, wait: float, what: str) -> None:
        seconds = max(1, int(wait + 0.999))
        super().__init__(
            wait=seconds,
            detail=f"Too many {what}. Slow down and retry in {seconds} seconds.",
            code="throttled",
        )


def client_address(request: Request | Any) -> str:
    return str(throttling.BaseThrottle().get_ident(request))


def failed_auth_check(request: Request | Any) -> None:
    """Refuse (429) an address that failed authentication too often in this window."""
    count, limit, wait = _count("failed_auth", client_address(request), add=False)
    if count >= limit:
        raise TooManyRequests(wait, "failed authentication attempts from your address")


def failed_auth_record(request: Request | Any) -> None:
    _count("failed_auth", client_address(request), add=True)


class ApiRateThrottle(throttling.BaseThrottle):
    """Per API key (``key`` rate) or per signed-in user (``user`` rate); anonymous requests are
    refused by authentication and counted by ``failed_auth`` instead."""

    def __init__(self) -> None:
        self._wait: float | None = None
        self._what = "requests"

    def allow_request(self, request: Request, view: Any) -> bool:
        # request.auth is the ApiKey for key requests (duck-typed: DRF imports this module at
        # start-up, before models can be imported).
        api_key = request.auth if getattr(request.auth, "key_hash", None) else None
        if api_key is not None:
            scope, ident = "key", str(api_key.pk)
            self._what = "requests with this API key"
        elif request.user is not None and request.user.is_authenticated:
            scope, ident = "user", str(request.user.pk)
            self._what = "requests from your account"
        else:
            return True
        count, limit, wait = _count(scope, ident, add=True)
        if count > limit:
            self._wait = wait
            raise TooManyRequests(wait, self._what)
        return True

    def wait(self) -> float | None:
        return self._wait
