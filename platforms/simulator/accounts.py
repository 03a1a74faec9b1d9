"""Deterministic fake accounts and their recent posts, derived from a hash of the handle.

The same (platform, handle) always yields the same account, so demos and tests are
reproducible; overrides set through the control API replace individual fields.
Posts are built so the numbers a client computes come back out: the mean of the
views is ``average_views`` and the interactions add up to ``engagement_rate_bp``.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from typing import Any

MIN_FOLLOWERS = 500
MAX_FOLLOWERS = 250_000
POST_COUNT = 12
POST_SPACING_DAYS = 2  # newest post is 1 day old, then every 2 days (all within 30 days)

_TOPICS = (
    "Skincare",
    "Home cooking",
    "Trail running",
    "Budget travel",
    "Plant care",
    "Streetwear",
    "Indie games",
    "Coffee",
    "Yoga",
    "DIY furniture",
    "Vegan baking",
    "Cycling",
    "Thrifting",
    "Pet life",
    "Makeup",
    "Camping",
)
_PLACES = (
    "Austin",
    "Leeds",
    "Lyon",
    "Toronto",
    "Melbourne",
    "Berlin",
    "Lisbon",
    "Denver",
    "Dublin",
    "Seattle",
    "Porto",
    "Manchester",
)
_TAGLINES = (
    "honest reviews, no fluff",
    "small wins every day",
    "tips I wish I knew sooner",
    "real routines, real results",
    "sharing what works",
    "learning out loud",
)


@dataclass(frozen=True)
class Account:
    platform: str
    handle: str
    exists: bool
    external_id: str
    display_name: str
    bio: str
    follower_count: int
    average_views: int
    engagement_rate_bp: int
    post_count: int
    hidden_subscriber_count: bool = False  # YouTube: subscriberCount then omitted


@dataclass(frozen=True)
class Post:
    id: str
    created_at: datetime
    views: int
    likes: int
    comments: int
    shares: int


# Fields the control API may override, with their types.
OVERRIDABLE: dict[str, type] = {
    f.name: (bool if f.type in ("bool", bool) else int if f.type in ("int", int) else str)
    for f in fields(Account)
    if f.name not in {"platform", "handle", "external_id"}
}


def _number(seed: bytes, index: int) -> int:
    """The index-th 32-bit number drawn from the seed (stable across runs)."""
    return int.from_bytes(hashlib.sha256(seed + index.to_bytes(2, "big")).digest()[:4], "big")


def generate(platform: str, handle: str) -> Account:
    seed = f"{platform}:{handle}".encode()
    followers = MIN_FOLLOWERS + _number(seed, 0) % (MAX_FOLLOWERS - MIN_FOLLOWERS + 1)
    words = [w for w in handle.replace(".", "_").replace("-", "_").split("_") if w]
    return Account(
        platform=platform,
        handle=handle,
        exists=not handle.startswith("missing"),
        external_id=_external_id(platform, seed),
        display_name=" ".join(w.capitalize() for w in words) or handle,
        bio=(
            f"{_TOPICS[_number(seed, 1) % len(_TOPICS)]} · "
            f"{_PLACES[_number(seed, 2) % len(_PLACES)]} · "
            f"{_TAGLINES[_number(seed, 3) % len(_TAGLINES)]}"
        ),
        follower_count=followers,
        average_views=followers * (20 + _number(seed, 4) % 181) // 100,  # 20 %..200 % of followers
        engagement_rate_bp=150 + _number(seed, 5) % 851,  # 1.5 %..10 %
        post_count=POST_COUNT,
    )


def with_overrides(account: Account, overrides: dict[str, Any]) -> Account:
    return replace(account, **overrides) if overrides else account


def _external_id(platform: str, seed: bytes) -> str:
    digest = hashlib.sha256(b"id:" + seed).digest()
    if platform == "instagram":
        return "17841" + str(int.from_bytes(digest[:8], "big"))[:12].rjust(12, "0")
    if platform == "youtube":
        return "UC" + base64.urlsafe_b64encode(digest).decode()[:22]
    return str(int.from_bytes(digest[:8], "big") % 10**19).rjust(19, "7")


def youtube_video_id(account: Account, index: int) -> str:
    digest = hashlib.sha256(f"video:{account.handle}:{index}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()[:11]


def posts(account: Account, now: datetime) -> list[Post]:
    """Newest first. Views vary in ±pairs around the average so the mean is exact."""
    count = account.post_count
    if not account.exists or count <= 0:
        return []
    seed = f"posts:{account.platform}:{account.handle}".encode()
    views = _spread([account.average_views] * count, seed, b"v")
    total = (
        2 * account.engagement_rate_bp * account.follower_count * count + 10_000
    ) // 20_000  # total interactions, rounded
    base, extra = divmod(total, count)
    interactions = _spread([base + (1 if i < extra else 0) for i in range(count)], seed, b"i")
    result = []
    for i in range(count):
        inter = interactions[i]
        comments = inter // 10
        shares = inter // 20 if account.platform == "tiktok" else 0
        result.append(
            Post(
                id=_post_id(account, i),
                created_at=(now - timedelta(days=1 + POST_SPACING_DAYS * i)).replace(microsecond=0),
                views=views[i],
                likes=inter - comments - shares,
                comments=comments,
                shares=shares,
            )
        )
    return result


def _spread(values: list[int], seed: bytes, salt: bytes) -> list[int]:
    """Move up to 40 % between neighbours (i, i+1): sums stay, posts look different."""
    out = list(values)
    for i in range(0, len(out) - 1, 2):
        room = min(out[i], out[i + 1])
        delta = room * (_number(seed + salt, i) % 41) // 100
        out[i] += delta
        out[i + 1] -= delta
    return out


def _post_id(account: Account, index: int) -> str:
    if account.platform == "youtube":
        return youtube_video_id(account, index)
    digest = hashlib.sha256(f"post:{account.platform}:{account.handle}:{index}".encode()).digest()
    number = int.from_bytes(digest[:8], "big")
    if account.platform == "tiktok":
        return "7" + str(number % 10**18).rjust(18, "0")  # 19-digit item ids
    return "18" + str(number % 10**15).rjust(15, "0")
