"""Turn a pasted post address into (platform, post id, canonical URL).

Accepted forms (with or without ``https://``, ``www.``/``m.``, tracking parameters such as
``si``, ``igsh``, ``utm_*``, ``t``, ``_r``, ``is_from_webapp``, and a trailing slash):

- TikTok: ``tiktok.com/@user/video/<id>`` (and ``/photo/<id>``), ``m.tiktok.com/v/<id>.html``,
  ``tiktok.com/embed/v2/<id>``; short links ``vm.tiktok.com/<code>`` and
  ``vt.tiktok.com/<code>`` (and ``tiktok.com/t/<code>``) are resolved by asking the short-link
  host where it redirects (one HTTP request per hop, redirects are *read*, never followed
  blindly), through a :class:`ShortLinkResolver` whose base URLs are settings
  (``PLATFORM_SHORT_LINK_BASE_URLS``) so tests and the embedded default hit the simulator.
- Instagram: ``/p/<shortcode>/``, ``/reel/<shortcode>/``, ``/reels/<shortcode>/``,
  ``/tv/<shortcode>/``, also under ``/<username>/p/…``; ``instagr.am``. The post id here is the
  *shortcode*: the Graph API's media id is found by the Instagram client.
- YouTube: ``watch?v=<id>``, ``youtu.be/<id>``, ``/shorts/<id>``, ``/live/<id>``,
  ``/embed/<id>``, on ``www.``/``m.``/``music.`` hosts and ``youtube-nocookie.com``.

Anything else raises :class:`PostUrlError` (a ``ValueError``) with a ``code`` and a message in
plain words: another site, a profile or channel page, a malformed id, a dead short link.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

import httpx

from platforms.errors import PlatformUnavailable
from platforms.types import Platform

MAX_URL_LENGTH = 2048
MAX_REDIRECTS = 5

# Hosts, lower-case, without a port.
_TIKTOK_HOSTS = frozenset({"tiktok.com", "www.tiktok.com", "m.tiktok.com"})
_TIKTOK_SHORT_HOSTS = frozenset({"vm.tiktok.com", "vt.tiktok.com"})
_INSTAGRAM_HOSTS = frozenset(
    {"instagram.com", "www.instagram.com", "m.instagram.com", "instagr.am", "www.instagr.am"}
)
_YOUTUBE_HOSTS = frozenset(
    {
        "youtube.com",
        "www.youtube.com",
        "m.youtube.com",
        "music.youtube.com",
        "youtube-nocookie.com",
        "www.youtube-nocookie.com",
    }
)
_YOUTU_BE = frozenset({"youtu.be", "www.youtu.be"})

_TIKTOK_ID = re.compile(r"[0-9]{15,21}")  # item ids are 19-digit numbers today
_TIKTOK_SHORT_CODE = re.compile(r"[A-Za-z0-9]{5,20}")
_INSTAGRAM_SHORTCODE = re.compile(r"[A-Za-z0-9_-]{5,40}")
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_TIKTOK_V_HTML = re.compile(r"([0-9]+)\.html")

_INSTAGRAM_KINDS = {"p": "post", "reel": "reel", "reels": "reel", "tv": "tv"}


class PostUrlError(ValueError):
    """The text is not the address of one post we can check. ``code`` is machine-readable:
    ``empty``, ``not_a_url``, ``unsupported_site``, ``not_a_post`` (a profile, channel or other
    page), ``malformed_id``, ``short_link_unresolved``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class PostRef:
    """One post, as named by its address."""

    platform: Platform
    post_id: str  # TikTok item id, Instagram shortcode, YouTube video id
    canonical_url: str
    kind: str = ""  # video, photo, post, reel, tv, short, live
    handle: str = ""  # the @handle in the address when there is one (TikTok), lower-case

    @property
    def key(self) -> str:
        """A stable identity for "the same post cannot be submitted twice": ``platform:id``."""
        return f"{self.platform.value}:{self.post_id}"


class ShortLinkResolver(Protocol):
    def location(self, url: str) -> str | None:
        """Where ``url`` redirects to (absolute URL), or None if it does not redirect."""
        ...


class HttpShortLinkResolver:
    """Asks the short-link host for its redirect without following it.

    ``base_urls`` maps a short host (``vm.tiktok.com``) to the base URL to ask instead
    (``https://vm.tiktok.com`` in production, ``http://127.0.0.1:8765/tiktok/short`` for the
    simulator). A host without an entry is asked at ``https://<host>``.
    """

    def __init__(
        self,
        base_urls: Mapping[str, str] | None = None,
        *,
        timeout: float = 5.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._base_urls = {k.lower(): v.rstrip("/") for k, v in (base_urls or {}).items()}
        self._http = httpx.Client(
            timeout=timeout,
            follow_redirects=False,
            transport=transport,
            # TikTok answers browsers with a redirect; an unknown agent may get an HTML page.
            headers={"User-Agent": "Mozilla/5.0 (compatible; chorus-link-check/1)"},
        )

    def location(self, url: str) -> str | None:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        base = self._base_urls.get(host, f"https://{host}")
        target = f"{base}{parts.path or '/'}"
        try:
            response = self._http.get(target)
        except httpx.TimeoutException as exc:
            raise PlatformUnavailable("short link lookup timed out", platform="tiktok") from exc
        except httpx.TransportError as exc:
            raise PlatformUnavailable(
                f"short link lookup failed: {exc.__class__.__name__}", platform="tiktok"
            ) from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise PlatformUnavailable(
                f"short link host answered {response.status_code}",
                platform="tiktok",
                status=response.status_code,
            )
        if response.is_redirect and response.headers.get("location"):
            return str(response.url.join(response.headers["location"]))
        return None

    def close(self) -> None:
        self._http.close()


def parse_post_url(text: str, *, resolver: ShortLinkResolver | None = None) -> PostRef:
    """The post named by ``text``, or :class:`PostUrlError`.

    Short links need ``resolver``; without one they are refused with a clear message.
    A resolver may raise :class:`platforms.errors.PlatformUnavailable` (retry later).
    """
    url = _as_url(text)
    for _ in range(MAX_REDIRECTS + 1):
        host = _host(url)
        if host in _TIKTOK_SHORT_HOSTS or (
            host in _TIKTOK_HOSTS and urlsplit(url).path.startswith("/t/")
        ):
            url = _resolve(url, resolver)
            continue
        if host in _TIKTOK_HOSTS:
            return _tiktok(url)
        if host in _INSTAGRAM_HOSTS:
            return _instagram(url)
        if host in _YOUTUBE_HOSTS or host in _YOUTU_BE:
            return _youtube(url, host)
        raise PostUrlError(
            "unsupported_site",
            "This is not a TikTok, Instagram or YouTube address. Paste the link to your post.",
        )
    raise PostUrlError("short_link_unresolved", "This short link redirects too many times.")


def _as_url(text: str) -> str:
    raw = (text or "").strip()
    if not raw:
        raise PostUrlError("empty", "Paste the link to your post.")
    if len(raw) > MAX_URL_LENGTH or any(c.isspace() for c in raw):
        raise PostUrlError("not_a_url", "This is not a web address. Paste the link to your post.")
    if "://" not in raw:
        raw = f"https://{raw}"
    scheme = raw.split("://", 1)[0].lower()
    if scheme not in {"http", "https"}:
        raise PostUrlError("not_a_url", "This is not a web address. Paste the link to your post.")
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise PostUrlError("not_a_url", "This web address is malformed.") from exc
    if not parts.hostname:
        raise PostUrlError("not_a_url", "This is not a web address. Paste the link to your post.")
    return raw


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().rstrip(".")


def _segments(url: str) -> list[str]:
    return [s for s in urlsplit(url).path.split("/") if s]


def _resolve(url: str, resolver: ShortLinkResolver | None) -> str:
    code = _segments(url)[-1] if _segments(url) else ""
    if not _TIKTOK_SHORT_CODE.fullmatch(code):
        raise PostUrlError("malformed_id", "This TikTok short link is incomplete or malformed.")
    if resolver is None:
        raise PostUrlError(
            "short_link_unresolved",
            "Short TikTok links cannot be checked here; open the link and paste the full address.",
        )
    target = resolver.location(url)
    if not target:
        raise PostUrlError(
            "short_link_unresolved",
            "This TikTok short link does not lead to a post (it may have expired).",
        )
    return _as_url(target)


def _tiktok(url: str) -> PostRef:
    segments = _segments(url)
    handle = ""
    post_id = ""
    kind = "video"
    if len(segments) >= 3 and segments[0].startswith("@") and segments[1] in {"video", "photo"}:
        handle, kind, post_id = segments[0][1:].lower(), segments[1], segments[2]
    elif len(segments) >= 2 and segments[0] == "v":
        match = _TIKTOK_V_HTML.fullmatch(segments[1])
        post_id = match.group(1) if match else segments[1]
    elif len(segments) >= 3 and segments[0] == "embed" and segments[1] == "v2":
        post_id = segments[2]
    elif len(segments) >= 2 and segments[0] == "embed":
        post_id = segments[1]
    elif segments and segments[0].startswith("@"):
        raise PostUrlError(
            "not_a_post", "This is a TikTok profile, not a post. Paste the link to the video."
        )
    else:
        raise PostUrlError("not_a_post", "This TikTok address is not a video or photo post.")
    if not _TIKTOK_ID.fullmatch(post_id):
        raise PostUrlError("malformed_id", "The video number in this TikTok link is malformed.")
    if handle:
        canonical = f"https://www.tiktok.com/@{handle}/{kind}/{post_id}"
    else:
        canonical = f"https://m.tiktok.com/v/{post_id}.html"
    return PostRef(Platform.TIKTOK, post_id, canonical, kind=kind, handle=handle)


def _instagram(url: str) -> PostRef:
    segments = _segments(url)
    # /p/<sc>/, /reel/<sc>/ … or /<username>/p/<sc>/ (Instagram's newer share form).
    for start in (0, 1):
        if len(segments) >= start + 2 and segments[start] in _INSTAGRAM_KINDS:
            kind = _INSTAGRAM_KINDS[segments[start]]
            shortcode = segments[start + 1]
            if not _INSTAGRAM_SHORTCODE.fullmatch(shortcode):
                raise PostUrlError(
                    "malformed_id", "The post code in this Instagram link is malformed."
                )
            path = "reel" if kind == "reel" else "tv" if kind == "tv" else "p"
            canonical = f"https://www.instagram.com/{path}/{shortcode}/"
            return PostRef(Platform.INSTAGRAM, shortcode, canonical, kind=kind)
    if segments and segments[0] in _INSTAGRAM_KINDS:
        raise PostUrlError("malformed_id", "This Instagram link has no post code in it.")
    if segments and segments[0] in {"stories", "s"}:
        raise PostUrlError(
            "not_a_post", "Stories disappear and cannot be checked. Paste a post or reel link."
        )
    raise PostUrlError(
        "not_a_post",
        "This is an Instagram profile or page, not a post. Paste the link to the post or reel.",
    )


def _youtube(url: str, host: str) -> PostRef:
    parts = urlsplit(url)
    segments = _segments(url)
    kind = "video"
    video_id = ""
    if host in _YOUTU_BE:
        video_id = segments[0] if segments else ""
    elif segments[:1] == ["watch"]:
        video_id = (parse_qs(parts.query).get("v") or [""])[0]
    elif len(segments) >= 2 and segments[0] in {"shorts", "live", "embed", "v", "e"}:
        kind = {"shorts": "short", "live": "live"}.get(segments[0], "video")
        video_id = segments[1]
    elif segments and (segments[0].startswith("@") or segments[0] in {"channel", "c", "user"}):
        raise PostUrlError(
            "not_a_post", "This is a YouTube channel, not a video. Paste the link to the video."
        )
    else:
        raise PostUrlError("not_a_post", "This YouTube address is not a video.")
    if not video_id:
        raise PostUrlError("malformed_id", "This YouTube link has no video id in it.")
    if not _YOUTUBE_ID.fullmatch(video_id):
        raise PostUrlError("malformed_id", "The video id in this YouTube link is malformed.")
    return PostRef(
        Platform.YOUTUBE, video_id, f"https://www.youtube.com/watch?v={video_id}", kind=kind
    )
