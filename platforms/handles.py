"""Turn what a person types (``@Foo``, ``foo``, a profile URL) into a normalised handle.

Handles are validated here, before they reach any API, because the Graph API
takes the handle inside a field expression (``business_discovery.username(...)``)
where a stray ``)`` or ``{`` would change the query.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from platforms.types import Platform

_HOSTS: dict[Platform, frozenset[str]] = {
    Platform.TIKTOK: frozenset({"tiktok.com", "www.tiktok.com", "m.tiktok.com"}),
    Platform.INSTAGRAM: frozenset({"instagram.com", "www.instagram.com", "m.instagram.com"}),
    Platform.YOUTUBE: frozenset({"youtube.com", "www.youtube.com", "m.youtube.com"}),
}

# Shortener hosts redirect to a profile we cannot resolve without a network call.
_SHORT_HOSTS = frozenset({"vm.tiktok.com", "vt.tiktok.com", "youtu.be", "instagr.am"})

# Instagram paths that are not profiles.
_INSTAGRAM_RESERVED = frozenset(
    {"p", "reel", "reels", "tv", "explore", "stories", "accounts", "direct", "about", "legal"}
)

_RULES: dict[Platform, tuple[re.Pattern[str], str]] = {
    # TikTok: 2-24 of a-z 0-9 _ . (and not ending with a dot).
    Platform.TIKTOK: (
        re.compile(r"[a-z0-9_.]{1,23}[a-z0-9_]"),
        "2-24 letters, digits, '_' or '.', not ending with '.'",
    ),
    # Instagram: up to 30 of a-z 0-9 _ . ; no leading/trailing or doubled dot.
    Platform.INSTAGRAM: (
        re.compile(r"(?!.*\.\.)[a-z0-9_](?:[a-z0-9_.]{0,28}[a-z0-9_])?"),
        "1-30 letters, digits, '_' or '.', without '..' or a dot at either end",
    ),
    # YouTube: 3-30 characters; letters of any script, digits, '_', '-', '.'.
    Platform.YOUTUBE: (
        re.compile(r"[\w.\-]{3,30}"),
        "3-30 letters, digits, '_', '-' or '.'",
    ),
}


def parse_handle(platform: Platform | str, text: str) -> str:
    """Return the normalised handle (no ``@``, lower-case) or raise ``ValueError``.

    Accepts ``@Foo``, ``foo`` and profile URLs such as ``https://www.tiktok.com/@foo``,
    ``instagram.com/foo/`` or ``https://www.youtube.com/@Foo/videos``.
    """
    platform = Platform(platform)
    label = platform.label
    raw = (text or "").strip()
    if not raw:
        raise ValueError(f"Enter a {label} handle, e.g. @name.")
    if "/" in raw or raw.lower().startswith(("http:", "https:")):
        candidate = _handle_from_url(platform, raw)
    else:
        candidate = raw
    handle = candidate.removeprefix("@").lower()
    pattern, rule = _RULES[platform]
    if not pattern.fullmatch(handle):
        raise ValueError(f"{raw!r} is not a valid {label} handle: use {rule}.")
    return handle


def profile_url(platform: Platform | str, handle: str) -> str:
    """Public profile address for a normalised handle."""
    platform = Platform(platform)
    if platform == Platform.TIKTOK:
        return f"https://www.tiktok.com/@{handle}"
    if platform == Platform.INSTAGRAM:
        return f"https://www.instagram.com/{handle}/"
    return f"https://www.youtube.com/@{handle}"


def _handle_from_url(platform: Platform, raw: str) -> str:
    label = platform.label
    url = raw if "://" in raw else f"https://{raw}"
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError as exc:  # e.g. an invalid port
        raise ValueError(f"{raw!r} is not a {label} profile address.") from exc
    if host in _SHORT_HOSTS:
        raise ValueError(
            f"{raw!r} is a short link; open it and paste the {label} profile address instead."
        )
    if host not in _HOSTS[platform]:
        raise ValueError(f"{raw!r} is not a {label} profile address.")
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        raise ValueError(f"{raw!r} has no {label} handle in it.")
    first = segments[0]
    if platform == Platform.INSTAGRAM:
        if first.lower() in _INSTAGRAM_RESERVED:
            raise ValueError(f"{raw!r} is a post or page, not an Instagram profile address.")
        return first
    if not first.startswith("@"):
        # /channel/UC…, /c/name, /user/name (YouTube) or /video/… (TikTok) carry no handle.
        raise ValueError(
            f"{raw!r} is not a {label} profile address: use the one with the @handle in it."
        )
    return first
