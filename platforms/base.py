"""HTTP plumbing shared by the platform clients: transport, retries, throttle memory.

Each client supplies ``_raise_for_error`` (its platform's error shape → our errors) and may
read usage headers (``_usage_park``); this class turns transport failures into
PlatformUnavailable and retries those (5xx, timeouts) with jittered exponential backoff
(tenacity ``wait_random_exponential``), so many workers do not retry in step. A RateLimited
parks the token it was told about in the shared throttle (:mod:`platforms.ratelimit`: Redis
when configured, so every worker refrains until the reset) and is retried in the call only
when the platform asks for a wait of a few seconds; otherwise it fails fast and the caller
reschedules after ``retry_after_seconds``. Before each request the client checks the park
of its app and of the token it is about to use: a parked token is refused without a call,
other tokens go on.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    before_sleep_log,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from platforms._parse import JSONObject, Reader
from platforms.errors import PlatformError, PlatformUnavailable, RateLimited, UnexpectedResponse
from platforms.ratelimit import APP_SCOPE, MemoryThrottle, Throttle, token_scope
from platforms.types import Platform, PostBatch, PostUnavailable, UnavailableReason

logger = logging.getLogger("platforms")

DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_MAX_ATTEMPTS = 3
DEFAULT_BACKOFF_SECONDS = 0.2
MAX_BACKOFF_SECONDS = 4.0
# A rate limit asking for at most this wait is waited out inside the call (with jitter);
# a longer one parks the token and fails fast, for the caller to reschedule.
DEFAULT_MAX_INLINE_WAIT_SECONDS = 5
CLIENT_BACKOFF = "client_backoff"  # RateLimited.code when we refused without calling


def retry_after_header(response: httpx.Response) -> int | None:
    """``Retry-After`` in seconds (delta form only; HTTP-dates are rare on these APIs)."""
    value = response.headers.get("retry-after", "").strip()
    return int(value) if value.isdigit() else None


class BaseClient:
    platform: Platform

    def __init__(
        self,
        *,
        base_url: str,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        backoff_seconds: float = DEFAULT_BACKOFF_SECONDS,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], datetime] | None = None,
        throttle: Throttle | None = None,
        max_inline_wait_seconds: int = DEFAULT_MAX_INLINE_WAIT_SECONDS,
    ) -> None:
        if not base_url:
            raise ValueError(f"{self.platform.label} client needs a base_url")
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            headers={"Accept": "application/json", "User-Agent": "chorus-platforms/1"},
            transport=transport,
        )
        self._max_attempts = max(1, max_attempts)
        self._backoff = backoff_seconds
        self._clock = clock or (lambda: datetime.now(UTC))
        self._read = Reader(self.platform.value)
        # Shared parks (the registry passes one per process, or Redis); alone, our own memory.
        self._throttle: Throttle = throttle or MemoryThrottle()
        self._max_inline_wait = max_inline_wait_seconds
        self._lock = threading.Lock()
        self.http_calls = 0  # requests sent (for call-budget tests and batch logs)

    # Lifecycle ---------------------------------------------------------------
    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> BaseClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Requests ----------------------------------------------------------------
    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json_body: Any = None,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        scope: str | None = None,
    ) -> JSONObject:
        """One logical call: retried on transient failures, mapped to our errors.

        ``scope`` names the credential for the throttle; by default the token in the
        ``Authorization`` (or ``X-Goog-Api-Key``) header, else the app.
        """
        scope = scope or token_scope(_credential(headers))
        retrying = Retrying(
            stop=stop_after_attempt(self._max_attempts),
            wait=self._wait,
            retry=retry_if_exception(self._retryable),
            before_sleep=before_sleep_log(logger, logging.WARNING),
            reraise=True,
        )
        for attempt in retrying:
            with attempt:
                return self._request_once(
                    method,
                    path,
                    params=params,
                    json_body=json_body,
                    data=data,
                    headers=headers,
                    scope=scope,
                )
        raise AssertionError("unreachable: tenacity reraises")  # pragma: no cover

    def _retryable(self, exc: BaseException) -> bool:
        if isinstance(exc, RateLimited):  # a short wait asked for by the platform itself
            return exc.code != CLIENT_BACKOFF and exc.retry_after_seconds <= self._max_inline_wait
        return isinstance(exc, PlatformUnavailable)

    def _wait(self, state: RetryCallState) -> float:
        """Full-jitter exponential backoff; a rate limit's own wait (plus jitter) at least."""
        jitter = wait_random_exponential(multiplier=self._backoff, max=MAX_BACKOFF_SECONDS)
        wait = float(jitter(state))
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RateLimited):
            wait += exc.retry_after_seconds
        return wait

    def _request_once(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None,
        json_body: Any,
        data: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
        scope: str = APP_SCOPE,
    ) -> JSONObject:
        self._check_not_blocked(scope)
        with self._lock:
            self.http_calls += 1
        try:
            response = self._http.request(
                method, path, params=params, json=json_body, data=data, headers=headers
            )
        except httpx.TimeoutException as exc:
            raise PlatformUnavailable("timed out", platform=self.platform.value) from exc
        except httpx.TransportError as exc:
            raise PlatformUnavailable(
                f"connection failed: {exc.__class__.__name__}", platform=self.platform.value
            ) from exc
        payload = self._decode(response)
        for seconds, app_wide in self._usage_parks(response):
            self._park(APP_SCOPE if app_wide else scope, seconds, "usage header")
        try:
            self._raise_for_error(response, payload)
        except RateLimited as exc:
            self._park(APP_SCOPE if exc.app_wide else scope, exc.retry_after_seconds, exc.code)
            raise
        if payload is None:
            raise UnexpectedResponse(
                "response body is not a JSON object",
                platform=self.platform.value,
                status=response.status_code,
            )
        return payload

    def _usage_parks(self, response: httpx.Response) -> list[tuple[int, bool]]:
        """(seconds, app_wide) parks the response's usage headers call for (none by default)."""
        return []

    def _decode(self, response: httpx.Response) -> JSONObject | None:
        """The JSON object in the body, or None when there is none (HTML error page, junk)."""
        try:
            value = json.loads(response.content)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def _raise_for_error(self, response: httpx.Response, payload: JSONObject | None) -> None:
        """Map an error response to our exceptions. Subclasses call super() last."""
        status = response.status_code
        platform = self.platform.value
        if status == 429:
            raise RateLimited(
                "too many requests",
                retry_after_seconds=retry_after_header(response) or 60,
                platform=platform,
                status=status,
            )
        if status >= 500:
            raise PlatformUnavailable(f"server error {status}", platform=platform, status=status)
        if status >= 400:
            raise PlatformError(f"request failed with {status}", platform=platform, status=status)

    # Batches -------------------------------------------------------------------------
    def _batched[T](
        self,
        post_ids: Iterable[str],
        *,
        size: int,
        valid: Callable[[str], bool],
        fetch: Callable[[list[str]], PostBatch[T]],
    ) -> PostBatch[T]:
        """Run ``fetch`` on chunks of at most ``size`` ids (the platform's per-call limit).

        A malformed id is a permanent not-found without a call. An error raised for a chunk
        lands its ids in ``failed`` (retry later) and the next chunk still runs — unless we
        are rate limited, when the throttle memory refuses the next calls without sending.
        """
        batch: PostBatch[T] = PostBatch()
        start = self.http_calls
        wanted: list[str] = []
        for raw in dict.fromkeys(post_ids):
            if valid(raw):
                wanted.append(raw)
            else:
                batch.unavailable[raw] = PostUnavailable(
                    self.platform,
                    raw,
                    UnavailableReason.NOT_FOUND,
                    f"{raw!r} is not a {self.platform.label} post id",
                )
        for index in range(0, len(wanted), size):
            chunk = wanted[index : index + size]
            try:
                part = fetch(chunk)
            except PlatformError as exc:
                logger.warning("%s batch of %d failed: %s", self.platform.value, len(chunk), exc)
                batch.failed.update(dict.fromkeys(chunk, exc))
                continue
            except (ValueError, OverflowError, OSError) as exc:  # e.g. an absurd timestamp
                logger.exception("%s answered something unreadable", self.platform.value)
                unreadable = UnexpectedResponse(
                    f"unexpected response: {exc}", platform=self.platform.value
                )
                batch.failed.update(dict.fromkeys(chunk, unreadable))
                continue
            batch.found.update(part.found)
            batch.unavailable.update(part.unavailable)
            batch.failed.update(part.failed)
        batch.calls = self.http_calls - start
        return batch

    def _gone(self, post_id: str, reason: UnavailableReason, message: str) -> PostUnavailable:
        return PostUnavailable(self.platform, post_id, reason, message)

    def _read_post[T](self, part: PostBatch[T], post_id: str, read: Callable[[], T]) -> None:
        """One post of an answer, read on its own: an unreadable item (a count such as "1,234"
        or "12K", a negative or absurd figure, a broken time) fails that post only — to retry,
        never a verdict — and the other posts of its call keep their figures."""
        try:
            part.found[post_id] = read()
        except UnexpectedResponse as exc:
            part.failed[post_id] = exc
        except (ValueError, OverflowError, OSError) as exc:  # e.g. an absurd timestamp
            part.failed[post_id] = UnexpectedResponse(
                f"unexpected response: {exc}", platform=self.platform.value
            )

    def _left_out[T](
        self, part: PostBatch[T], post_id: str, unreadable: int, gone: PostUnavailable
    ) -> None:
        """A post the answer left out: gone for good, unless the answer held items we could not
        read (one of them may be this post), when it is only retried."""
        if unreadable:
            part.failed[post_id] = UnexpectedResponse(
                f"unexpected response: {unreadable} unreadable item(s); this post may be one",
                platform=self.platform.value,
            )
        else:
            part.unavailable[post_id] = gone

    # Throttle memory ---------------------------------------------------------
    def _park(self, scope: str, seconds: int, reason: str = "") -> None:
        self._throttle.park(self.platform.value, scope, seconds, reason)

    def _check_not_blocked(self, scope: str = APP_SCOPE) -> None:
        scopes = [APP_SCOPE] if scope == APP_SCOPE else [APP_SCOPE, scope]
        remaining = self._throttle.remaining(self.platform.value, scopes)
        if remaining > 0:
            raise RateLimited(
                "still rate limited; not calling again yet",
                retry_after_seconds=int(remaining) + 1,
                platform=self.platform.value,
                code=CLIENT_BACKOFF,
            )

    def _now(self) -> datetime:
        return self._clock()


def _credential(headers: Mapping[str, str] | None) -> str:
    """The token or API key a request is sent with ("" when none)."""
    for name, value in (headers or {}).items():
        lowered = name.lower()
        if lowered == "authorization":
            return value.partition(" ")[2].strip() or value
        if lowered == "x-goog-api-key":
            return value
    return ""
