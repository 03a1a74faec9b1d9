"""The Redis side of tracking links: the code -> destination cache and the click buffer.

One round trip per warm click: a Lua script reads the link's cached entry and, when the click
counts, claims the (code, visitor) window with ``SET NX EX`` and appends the click to a Redis
stream. The batch writer (``analytics.services.clicks_flush``) reads the stream through a
consumer group and acknowledges + deletes entries only after their rows are committed, so a
worker killed mid-batch leaves its entries pending, and another flush claims them again.

Entries of the link cache are plain strings, ``<state>\\t<org id>\\t<participation id>\\t<url>``:
state ``L`` live (url empty when there is no usable landing page), ``E`` ended, ``U`` unknown.
Single-node Redis is assumed (the script touches keys that a cluster could shard apart).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from dataclasses import dataclass
from typing import Any

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

GROUP = "writers"

LIVE, ENDED, UNKNOWN = "L", "E", "U"

# KEYS: link entry, visitor window, stream, flush request.
# ARGV: 1 count (0/1), 2 window seconds, 3 click id, 4 time (ms), 5 visitor hash, 6 referrer host,
#       7 user agent, 8 flush threshold, 9 entry to store when missing ('' = none), 10 its TTL.
# Returns {entry or false, outcome}: 0 not counted, 1 counted, 2 duplicate in window,
# 3 counted and a flush is due.
_RECORD = """
local entry = redis.call('GET', KEYS[1])
if not entry then
  if ARGV[9] == '' then return {false, 0} end
  entry = ARGV[9]
  redis.call('SET', KEYS[1], entry, 'EX', ARGV[10])
end
if ARGV[1] ~= '1' or string.sub(entry, 1, 1) ~= 'L' then return {entry, 0} end
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[2]) then return {entry, 2} end
local org, participation = string.match(entry, '^L\\t(%d+)\\t(%d+)\\t')
redis.call('XADD', KEYS[3], '*', 'id', ARGV[3], 't', ARGV[4], 'o', org, 'p', participation,
  'v', ARGV[5], 'r', ARGV[6], 'u', ARGV[7])
if redis.call('XLEN', KEYS[3]) >= tonumber(ARGV[8])
   and redis.call('SET', KEYS[4], '1', 'NX', 'EX', 5) then
  return {entry, 3}
end
return {entry, 1}
"""

NOT_COUNTED, COUNTED, DUPLICATE, COUNTED_FLUSH_DUE = 0, 1, 2, 3


@dataclass(frozen=True)
class LinkEntry:
    state: str
    organization_id: int
    participation_id: int
    destination: str

    def encode(self) -> str:
        return f"{self.state}\t{self.organization_id}\t{self.participation_id}\t{self.destination}"

    @classmethod
    def decode(cls, raw: str) -> LinkEntry:
        state, org, participation, destination = raw.split("\t", 3)
        return cls(state, int(org), int(participation), destination)


UNKNOWN_ENTRY = LinkEntry(UNKNOWN, 0, 0, "")


@dataclass(frozen=True)
class ClickData:
    """A click as buffered: everything the writer needs, and no raw address."""

    click_id: str
    at_ms: int
    visitor_hash: str
    referrer_host: str
    user_agent: str


class _State:
    client: redis.Redis | None = None
    url: str = ""
    down_until: float = 0.0
    script: Any = None


_state = _State()


def prefix() -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:track"


def stream_key() -> str:
    return f"{prefix()}:clicks"


def link_key(code: str) -> str:
    return f"{prefix()}:link:{code}"


def client() -> redis.Redis | None:
    """This process's client, or None: no Redis configured, or it failed a moment ago."""
    url = settings.TRACKING_REDIS_URL
    if not url or time.monotonic() < _state.down_until:
        return None
    if _state.client is None or _state.url != url:
        timeout = settings.TRACKING_REDIS_TIMEOUT_SECONDS
        _state.client = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout, decode_responses=True
        )
        _state.url = url
        _state.script = _state.client.register_script(_RECORD)
    return _state.client


def mark_down(exc: Exception) -> None:
    """Skip Redis for a moment so an outage costs one timeout per process, not one a request."""
    logger.warning("tracking: Redis unavailable, using the database: %r", exc)
    _state.down_until = time.monotonic() + settings.TRACKING_REDIS_RETRY_AFTER_SECONDS


def reset() -> None:
    """Forget the client and any outage (tests, and settings changes)."""
    _state.client = None
    _state.url = ""
    _state.down_until = 0.0


def record(
    conn: redis.Redis,
    *,
    code: str,
    count: bool,
    click: ClickData,
    fill: LinkEntry | None = None,
) -> tuple[LinkEntry | None, int]:
    """Read the link's entry and buffer the click if it counts — one round trip."""
    raw, outcome = _state.script(
        keys=[
            link_key(code),
            f"{prefix()}:seen:{code}:{click.visitor_hash}",
            stream_key(),
            f"{prefix()}:flush-due",
        ],
        args=[
            "1" if count else "0",
            settings.TRACKING_DEDUP_WINDOW_SECONDS,
            click.click_id,
            click.at_ms,
            click.visitor_hash,
            click.referrer_host,
            click.user_agent,
            settings.TRACKING_FLUSH_WHEN_BUFFERED,
            fill.encode() if fill else "",
            settings.TRACKING_LINK_CACHE_SECONDS,
        ],
        client=conn,
    )
    return (LinkEntry.decode(raw) if raw else None), int(outcome)


def forget_links(codes: list[str]) -> None:
    """Drop cached entries (a campaign, brand or participation changed). Never raises."""
    if not codes:
        return
    conn = client()
    if conn is None:
        return
    try:
        for start in range(0, len(codes), 500):
            conn.delete(*(link_key(c) for c in codes[start : start + 500]))
    except redis.RedisError as exc:  # the TTL bounds how long a stale entry can live
        logger.warning("tracking: could not drop %d cached links: %r", len(codes), exc)


def consumer_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def ensure_group(conn: redis.Redis) -> None:
    try:
        conn.xgroup_create(stream_key(), GROUP, id="0", mkstream=True)
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise
