"""Build platform clients from Django settings.

Settings (all read when a client is first asked for):

``PLATFORM_BASE_URLS``  (required) ``{"tiktok": url, "instagram": url, "youtube": url}``
    e.g. ``https://open.tiktokapis.com``, ``https://graph.facebook.com[/v25.0]``,
    ``https://www.googleapis.com[/youtube/v3]`` — or the simulator's
    ``http://127.0.0.1:8765/tiktok`` … (the simulator accepts both forms too).
``PLATFORM_CREDENTIALS`` (optional) per platform:
    ``{"tiktok": {"client_key", "client_secret", "access_token"?},
      "instagram": {"access_token", "ig_user_id", "api_version"?, "user_api_base_url"?},
      "youtube": {"api_key"}}``
    A missing value falls back to the simulator's placeholder credentials, which the
    simulator accepts and every real API rejects (AuthError), so nothing silently works
    against production with fake keys.
``PLATFORM_HTTP_TIMEOUT_SECONDS`` (optional, default 10).
``PLATFORM_RATE_LIMIT_REDIS_URL`` (optional) where every worker shares rate-limit parks
    (:mod:`platforms.ratelimit`); empty: one throttle memory per process (embedded default).
``PLATFORM_RATE_LIMIT_KEY_PREFIX`` (optional) prefix of those Redis keys.
``PLATFORM_SHORT_LINK_BASE_URLS`` (optional) short-link host → base URL to ask instead,
    e.g. ``{"vm.tiktok.com": "http://127.0.0.1:8765/tiktok/short"}``; a host without an
    entry is asked at ``https://<host>`` (see :func:`get_short_link_resolver`).

``config/settings/components/platforms.py`` fills these from the environment: an explicit
``*_API_BASE_URL`` wins over ``PLATFORM_SIMULATOR_URL``, which only fills the gaps.

Clients are cached per configuration (they hold connection pools and, for TikTok, a
client token) and are thread-safe; the cache empties when those settings change.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from platforms.base import DEFAULT_TIMEOUT_SECONDS
from platforms.instagram import InstagramClient
from platforms.post_urls import HttpShortLinkResolver, PostRef, parse_post_url
from platforms.ratelimit import DEFAULT_KEY_PREFIX, MemoryThrottle, RedisThrottle, Throttle
from platforms.simulator import SIMULATOR_CREDENTIALS
from platforms.tiktok import TikTokClient
from platforms.types import Platform, PlatformClient
from platforms.youtube import YouTubeClient

SETTING_NAMES = frozenset(
    {
        "PLATFORM_BASE_URLS",
        "PLATFORM_CREDENTIALS",
        "PLATFORM_HTTP_TIMEOUT_SECONDS",
        "PLATFORM_SHORT_LINK_BASE_URLS",
        "PLATFORM_RATE_LIMIT_REDIS_URL",
        "PLATFORM_RATE_LIMIT_KEY_PREFIX",
    }
)

_cache: dict[tuple[Any, ...], PlatformClient] = {}
_resolvers: dict[tuple[Any, ...], HttpShortLinkResolver] = {}
_throttles: dict[tuple[str, str], Throttle] = {}
_cache_lock = threading.Lock()


def get_client(platform: Platform | str) -> PlatformClient:
    """The configured client for ``platform`` (a Platform or its value, e.g. "tiktok")."""
    platform = Platform(platform)
    base_url = _base_url(platform)
    credentials = _credentials(platform)
    timeout = float(getattr(settings, "PLATFORM_HTTP_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))
    throttle_key = _throttle_settings()
    key = (platform, base_url, tuple(sorted(credentials.items())), timeout, throttle_key)
    with _cache_lock:
        client = _cache.get(key)
        if client is None:
            client = build_client(
                platform,
                base_url=base_url,
                credentials=credentials,
                timeout=timeout,
                throttle=_throttle(throttle_key),
            )
            _cache[key] = client
        return client


def get_throttle() -> Throttle:
    """The rate-limit parks every client of this process shares (Redis when configured)."""
    key = _throttle_settings()
    with _cache_lock:
        return _throttle(key)


def _throttle_settings() -> tuple[str, str]:
    url = str(getattr(settings, "PLATFORM_RATE_LIMIT_REDIS_URL", "") or "")
    prefix = str(getattr(settings, "PLATFORM_RATE_LIMIT_KEY_PREFIX", "") or DEFAULT_KEY_PREFIX)
    return url, prefix


def _throttle(key: tuple[str, str]) -> Throttle:
    """Caller holds ``_cache_lock``."""
    throttle = _throttles.get(key)
    if throttle is None:
        url, prefix = key
        throttle = RedisThrottle.from_url(url, key_prefix=prefix) if url else MemoryThrottle()
        _throttles[key] = throttle
    return throttle


def build_client(
    platform: Platform | str,
    *,
    base_url: str,
    credentials: Mapping[str, str],
    **options: Any,
) -> PlatformClient:
    """A new, uncached client; ``options`` go to the client (timeout, max_attempts, …)."""
    platform = Platform(platform)
    if platform == Platform.TIKTOK:
        return TikTokClient(
            base_url=base_url,
            client_key=credentials.get("client_key", ""),
            client_secret=credentials.get("client_secret", ""),
            access_token=credentials.get("access_token", ""),
            research_api=_truthy(credentials.get("research_api", "")),
            **options,
        )
    if platform == Platform.INSTAGRAM:
        extra = {
            key: credentials[name]
            for key, name in (
                ("api_version", "api_version"),
                ("user_base_url", "user_api_base_url"),
            )
            if credentials.get(name)
        }
        return InstagramClient(
            base_url=base_url,
            access_token=credentials.get("access_token", ""),
            ig_user_id=credentials.get("ig_user_id", ""),
            **extra,
            **options,
        )
    return YouTubeClient(base_url=base_url, api_key=credentials.get("api_key", ""), **options)


def get_short_link_resolver() -> HttpShortLinkResolver:
    """The resolver for TikTok short links, aimed where the settings say (cached)."""
    configured = getattr(settings, "PLATFORM_SHORT_LINK_BASE_URLS", None) or {}
    base_urls = dict(configured) if isinstance(configured, Mapping) else {}
    timeout = float(getattr(settings, "PLATFORM_HTTP_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))
    key = ("short-links", tuple(sorted(base_urls.items())), timeout)
    with _cache_lock:
        resolver = _resolvers.get(key)
        if resolver is None:
            resolver = HttpShortLinkResolver(base_urls, timeout=timeout)
            _resolvers[key] = resolver
        return resolver


def parse_post_url_resolving(text: str) -> PostRef:
    """:func:`platforms.post_urls.parse_post_url` with short links resolved per the settings.

    Raises ``PostUrlError`` (permanent: tell the creator) or ``PlatformUnavailable``
    (the short-link host is down: try again later).
    """
    return parse_post_url(text, resolver=get_short_link_resolver())


def clear_client_cache() -> None:
    """Close and forget every cached client and its throttle (settings changed, or tests).

    Also drops the rate-limit parks under the configured Redis key prefix, so one test's
    429 does not park the next test's token (tests give each process its own prefix).
    """
    with _cache_lock:
        clients = list(_cache.values())
        resolvers = list(_resolvers.values())
        throttles = list(_throttles.values())
        _cache.clear()
        _resolvers.clear()
        _throttles.clear()
    for client in clients:
        client.close()
    for resolver in resolvers:
        resolver.close()
    for throttle in throttles:
        if isinstance(throttle, RedisThrottle):
            throttle.forget_all()
            throttle.close()


def _base_url(platform: Platform) -> str:
    urls = getattr(settings, "PLATFORM_BASE_URLS", None) or {}
    url = urls.get(platform.value) if isinstance(urls, Mapping) else None
    if not url:
        raise ImproperlyConfigured(f"PLATFORM_BASE_URLS has no URL for {platform.value!r}")
    return str(url)


def _credentials(platform: Platform) -> dict[str, str]:
    configured = getattr(settings, "PLATFORM_CREDENTIALS", None) or {}
    mine = configured.get(platform.value) if isinstance(configured, Mapping) else None
    merged = dict(SIMULATOR_CREDENTIALS[platform.value])
    if (mine or {}).get("client_key"):
        # Real app keys: TikTok's Research API (approved research only) must be opted into,
        # never inherited from the simulator's placeholders.
        merged.pop("research_api", None)
    for name, value in (mine or {}).items():
        if value:
            merged[name] = str(value)
    return merged


def _truthy(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}
