"""Posts created through the control API, and their metrics, which grow with age.

A post's counts are a pure function of its age at the simulator's clock, so they move on
their own (the embedded default shows metrics arriving) and tests can predict them:

    views(age) = final_views * age / (age + GROWTH_HALF_LIFE)      (integer division)

half of ``final_views`` after one day, 90 % after nine; likes, comments, shares, saves and
reach are fixed per-post fractions of views (basis points drawn from a hash of the id).
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

GROWTH_HALF_LIFE_SECONDS = 86_400
VISIBILITIES = ("public", "unlisted", "private", "deleted")
# How the control API may describe a post (name → type); everything else is derived.
CREATE_FIELDS: dict[str, type | tuple[type, ...]] = {
    "platform": str,
    "owner": str,
    "id": str,
    "caption": str,
    "title": str,
    "published_at": str,
    "visibility": str,
    "paid_partnership": bool,
    "final_views": int,
    "hide_likes": bool,
    "media_type": str,
    "shortcode": str,  # Instagram only: the permalink code (else one is drawn from the id)
}
UPDATE_FIELDS = frozenset(
    {"caption", "title", "visibility", "paid_partnership", "final_views", "hide_likes"}
)


@dataclass(frozen=True)
class SimPost:
    platform: str
    id: str
    owner: str  # handle, lower-case
    caption: str  # TikTok video_description, Instagram caption, YouTube description
    title: str  # TikTok/YouTube title ("" on Instagram)
    published_at: datetime
    visibility: str = "public"
    paid_partnership: bool = False
    final_views: int = 10_000
    hide_likes: bool = False
    media_type: str = ""
    shortcode: str = ""  # Instagram permalink code
    short_code: str = ""  # TikTok vm./vt. short-link code
    rates_bp: dict[str, int] = field(default_factory=dict)

    @property
    def readable(self) -> bool:
        """Whether a public API hands it out (unlisted YouTube videos are, by id)."""
        return self.visibility in {"public", "unlisted"}

    def permalink(self) -> str:
        if self.platform == "tiktok":
            return f"https://www.tiktok.com/@{self.owner}/video/{self.id}"
        if self.platform == "instagram":
            kind = "reel" if self.media_type == "REELS" else "p"
            return f"https://www.instagram.com/{kind}/{self.shortcode}/"
        return f"https://www.youtube.com/watch?v={self.id}"

    def metrics(self, now: datetime) -> dict[str, int]:
        age = max(0, int((now - self.published_at).total_seconds()))
        views = self.final_views * age // (age + GROWTH_HALF_LIFE_SECONDS)
        counts = {name: views * bp // 10_000 for name, bp in self.rates_bp.items()}
        return {"views": views, **counts}

    def describe(self, now: datetime) -> dict[str, Any]:
        data = asdict(self)
        data["published_at"] = self.published_at.isoformat()
        data["url"] = self.permalink()
        data["metrics"] = self.metrics(now)
        return data


def _digest(*parts: str) -> bytes:
    return hashlib.sha256(":".join(parts).encode()).digest()


def _rates(post_id: str) -> dict[str, int]:
    d = _digest("rates", post_id)
    return {
        "likes": 300 + int.from_bytes(d[0:2], "big") % 900,  # 3 %..12 % of views
        "comments": 20 + int.from_bytes(d[2:4], "big") % 130,
        "shares": 10 + int.from_bytes(d[4:6], "big") % 90,
        "saves": 10 + int.from_bytes(d[6:8], "big") % 140,
        "reach": 6000 + int.from_bytes(d[8:10], "big") % 3000,  # Instagram: accounts reached
    }


def new_ids(platform: str, owner: str, serial: int) -> dict[str, str]:
    """Ids in each platform's real shape, deterministic per (platform, owner, serial)."""
    d = _digest("simpost", platform, owner, str(serial))
    number = int.from_bytes(d[:8], "big")
    code = base64.urlsafe_b64encode(d[8:20]).decode()
    if platform == "tiktok":
        return {
            "id": "7" + str(number % 10**18).rjust(18, "0"),
            "short_code": "ZM" + "".join(c for c in code if c.isalnum())[:7],
        }
    if platform == "instagram":
        return {"id": "18" + str(number % 10**15).rjust(15, "0"), "shortcode": code[:11]}
    return {"id": code[:11]}


_SHORTCODE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def build_post(values: dict[str, Any], *, serial: int, now: datetime) -> SimPost | str:
    """A post from control-API values, or an error message."""
    unknown = set(values) - set(CREATE_FIELDS)
    if unknown:
        return f"unknown fields {sorted(unknown)}; allowed: {sorted(CREATE_FIELDS)}"
    for name, kind in CREATE_FIELDS.items():
        if name in values and (
            not isinstance(values[name], kind) or (kind is int and isinstance(values[name], bool))
        ):
            return f"{name} has the wrong type"
    platform = values.get("platform")
    owner = str(values.get("owner") or "").lstrip("@").lower()
    if platform not in {"tiktok", "instagram", "youtube"}:
        return "platform must be tiktok, instagram or youtube"
    if not owner:
        return "owner (the account's handle) is required"
    visibility = values.get("visibility", "public")
    if visibility not in VISIBILITIES:
        return f"visibility must be one of {list(VISIBILITIES)}"
    published = now - timedelta(hours=1)
    if "published_at" in values:
        try:
            published = datetime.fromisoformat(values["published_at"])
        except ValueError:
            return "published_at must be an ISO-8601 date-time"
        if published.tzinfo is None:
            return "published_at needs a time zone (e.g. +00:00)"
    if values.get("final_views", 0) < 0:
        return "final_views must not be negative"
    ids = new_ids(platform, owner, serial)
    if values.get("id"):
        ids["id"] = values["id"]
    if "shortcode" in values:
        # A caller that already gave the post an address (demo seeding) keeps it.
        if platform != "instagram":
            return "shortcode is for Instagram posts only"
        if not _SHORTCODE.fullmatch(values["shortcode"]):
            return "shortcode must be 1-64 letters, digits, '-' or '_'"
        ids["shortcode"] = values["shortcode"]
    default_type = {"tiktok": "VIDEO", "instagram": "REELS", "youtube": "video"}[platform]
    post = SimPost(
        platform=platform,
        id=ids["id"],
        owner=owner,
        caption=values.get("caption", ""),
        title=values.get("title", ""),
        published_at=published.astimezone(UTC).replace(microsecond=0),
        visibility=visibility,
        paid_partnership=values.get("paid_partnership", False),
        final_views=values.get("final_views", 10_000),
        hide_likes=values.get("hide_likes", False),
        media_type=values.get("media_type") or default_type,
        shortcode=ids.get("shortcode", ""),
        short_code=ids.get("short_code", ""),
    )
    return replace(post, rates_bp=_rates(post.id))


def updated(post: SimPost, values: dict[str, Any]) -> SimPost | str:
    unknown = set(values) - UPDATE_FIELDS
    if unknown:
        return f"unknown fields {sorted(unknown)}; allowed: {sorted(UPDATE_FIELDS)}"
    if "visibility" in values and values["visibility"] not in VISIBILITIES:
        return f"visibility must be one of {list(VISIBILITIES)}"
    for name, value in values.items():
        kind = CREATE_FIELDS[name]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            return f"{name} has the wrong type"
    return replace(post, **values)


def to_json(post: SimPost) -> dict[str, Any]:
    """For the optional posts file (survives a simulator restart)."""
    data = asdict(post)
    data["published_at"] = post.published_at.isoformat()
    return data


def from_json(data: dict[str, Any]) -> SimPost:
    values = dict(data)
    values["published_at"] = datetime.fromisoformat(values["published_at"])
    return SimPost(**values)
