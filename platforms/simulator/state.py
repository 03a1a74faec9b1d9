"""The simulator's in-memory, thread-safe state: overrides, queued failures, counters, id index."""

from __future__ import annotations

import json
import logging
import threading
from collections import Counter, deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from platforms.simulator.accounts import Account, generate, with_overrides
from platforms.simulator.posts import SimPost, build_post, from_json, to_json

logger = logging.getLogger(__name__)

FAILURE_KINDS = frozenset(
    {
        "rate_limit",
        "quota",
        "server_error",
        "unavailable",
        "auth",
        "malformed",
        "unexpected_shape",
        "error_in_ok",  # TikTok: HTTP 200 whose error.code is not "ok"
    }
)
REQUEST_LOG_SIZE = 200


@dataclass(frozen=True)
class Failure:
    kind: str
    platform: str | None  # None: the next call to any platform
    retry_after: int | None


class SimulatorState:
    def __init__(self, *, posts_file: str | Path | None = None) -> None:
        self._lock = threading.Lock()
        # Posts made through the control API: (platform, id) → post. Kept across reset only
        # when they came from the posts file (the embedded default's demo posts).
        self._posts: dict[tuple[str, str], SimPost] = {}
        self._short_links: dict[str, str] = {}  # TikTok short code → redirect target
        self._serial = 0
        self._clock_offset = timedelta(0)
        self._posts_file = Path(posts_file) if posts_file else None
        self._overrides: dict[tuple[str, str], dict[str, Any]] = {}
        self._failures: deque[Failure] = deque()
        self._calls: Counter[str] = Counter()
        self._requests: deque[str] = deque(maxlen=REQUEST_LOG_SIZE)
        # ids we handed out (channel, uploads playlist, video) → (platform, handle)
        self._ids: dict[str, tuple[str, str]] = {}
        self._used_refresh_tokens: set[str] = set()  # rotated away: refused from then on
        self._load_posts()

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
            self._posts.clear()
            self._short_links.clear()
            self._clock_offset = timedelta(0)
            self._used_refresh_tokens.clear()
        self._load_posts()

    def use_refresh_token(self, token: str) -> int | None:
        """Spend a refresh token: a new serial for the next one, or None if already spent."""
        with self._lock:
            if token in self._used_refresh_tokens:
                return None
            self._used_refresh_tokens.add(token)
            self._serial += 1
            return self._serial

    # Clock ----------------------------------------------------------------------
    def now(self) -> datetime:
        """The simulator's clock: real time plus what the control API advanced it by."""
        with self._lock:
            offset = self._clock_offset
        return datetime.now(UTC).replace(microsecond=0) + offset

    def advance_clock(self, seconds: int) -> datetime:
        with self._lock:
            self._clock_offset += timedelta(seconds=seconds)
        return self.now()

    # Posts ------------------------------------------------------------------------
    def next_serial(self) -> int:
        with self._lock:
            self._serial += 1
            return self._serial

    def save_post(self, post: SimPost) -> None:
        with self._lock:
            self._posts[(post.platform, post.id)] = post
            if post.short_code:
                self._short_links[post.short_code] = (
                    f"{post.permalink()}?_r=1&_t=8sim&is_from_webapp=1"
                )
            self._ids.setdefault(post.id, (post.platform, post.owner))
        self._store_posts()

    def post(self, platform: str, post_id: str) -> SimPost | None:
        with self._lock:
            return self._posts.get((platform, post_id))

    def posts_of(self, platform: str, owner: str) -> list[SimPost]:
        """The owner's posts, newest first."""
        with self._lock:
            mine = [p for (pf, _), p in self._posts.items() if pf == platform and p.owner == owner]
        return sorted(mine, key=lambda p: (p.published_at, p.id), reverse=True)

    def post_by_shortcode(self, shortcode: str) -> SimPost | None:
        with self._lock:
            return next((p for p in self._posts.values() if p.shortcode == shortcode), None)

    def set_short_link(self, code: str, location: str) -> None:
        with self._lock:
            self._short_links[code] = location

    def short_link(self, code: str) -> str | None:
        with self._lock:
            return self._short_links.get(code)

    def _load_posts(self) -> None:
        if not self._posts_file or not self._posts_file.exists():
            return
        try:
            rows = json.loads(self._posts_file.read_text())
            posts = [from_json(row) for row in rows]
        except (ValueError, TypeError, KeyError) as exc:
            logger.warning("ignoring unreadable simulator posts file %s: %s", self._posts_file, exc)
            return
        for post in posts:
            with self._lock:
                self._serial = max(self._serial, len(self._posts) + 1)
                self._posts[(post.platform, post.id)] = post
                self._ids.setdefault(post.id, (post.platform, post.owner))
                if post.short_code:
                    self._short_links[post.short_code] = f"{post.permalink()}?_r=1"

    def _store_posts(self) -> None:
        if not self._posts_file:
            return
        with self._lock:
            rows = [to_json(p) for p in self._posts.values()]
        tmp = self._posts_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(rows, indent=1))
        tmp.replace(self._posts_file)

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "calls": dict(self._calls),
                "requests": list(self._requests),
                "pending_failures": [
                    {"kind": f.kind, "platform": f.platform, "retry_after": f.retry_after}
                    for f in self._failures
                ],
                "posts": len(self._posts),
                "clock_offset_seconds": int(self._clock_offset.total_seconds()),
                "overrides": [
                    {"platform": p, "handle": h, **values}
                    for (p, h), values in sorted(self._overrides.items())
                ],
            }


def add_posts_to_file(path: str | Path, posts: list[dict[str, Any]]) -> list[SimPost]:
    """Append posts to a simulator posts file without a running simulator.

    For demo seeding: ``make run`` seeds the database before it starts the simulator, which
    then loads this file (``--posts-file``, the ``PLATFORM_SIMULATOR_POSTS_FILE`` setting).
    Each dict takes the control API's fields (platform, owner, caption, published_at, …);
    raises ValueError on a bad one. Returns the posts with their ids.
    """
    state = SimulatorState(posts_file=path)
    made = []
    for values in posts:
        post = build_post(values, serial=state.next_serial(), now=state.now())
        if isinstance(post, str):
            raise ValueError(post)
        state.save_post(post)
        made.append(post)
    return made
