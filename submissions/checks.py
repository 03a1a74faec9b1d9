"""The automatic checks on a live post, item by item, from what the platform said of it.

Pure functions: the service looks the post up (platforms/) and stores what these return. Each
item is ``{"key", "status": "passed" | "failed" | "pending", "message"}``. They inform; the
reviewer decides. A platform that did not answer makes the items ``pending`` (checked again
later), never ``failed``.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from platforms.types import PostInfo, PostUnavailable
from submissions.compliance import check_caption

Status = Literal["passed", "failed", "pending"]


@dataclass(frozen=True, slots=True)
class CheckResult:
    key: str
    status: Status
    message: str

    def as_json(self) -> dict[str, str]:
        return {"key": self.key, "status": self.status, "message": self.message}


@dataclass(frozen=True, slots=True)
class PostExpectations:
    """What the campaign and the creator's account say the post must be."""

    platform: str
    account_handles: Sequence[str]  # the creator's verified handles on that platform
    account_ids: Sequence[str]  # and their platform ids, where known
    window_starts: datetime.date | None
    window_ends: datetime.date | None
    required_hashtags: Sequence[str]
    required_mentions: Sequence[str]
    disclosure_required: bool


PLATFORM_NAMES = {"tiktok": "TikTok", "instagram": "Instagram", "youtube": "YouTube"}


def pending_results(reason: str) -> list[CheckResult]:
    """The platform did not answer: nothing is decided yet."""
    return [CheckResult("lookup", "pending", reason)]


def unavailable_results(answer: PostUnavailable, platform: str) -> list[CheckResult]:
    name = PLATFORM_NAMES.get(platform, platform)
    return [
        CheckResult(
            "public",
            "failed",
            f"{name} cannot show this post ({answer.reason.label.lower()}). Make sure it is "
            "public and the link is right.",
        )
    ]


def _account_item(post: PostInfo, expected: PostExpectations) -> CheckResult:
    handles = {h.lower().lstrip("@") for h in expected.account_handles}
    ids = {i for i in expected.account_ids if i}
    if not handles and not ids:
        return CheckResult(
            "account",
            "failed",
            f"You have no verified {PLATFORM_NAMES.get(expected.platform, '')} account in "
            "Chorus. Verify the account you posted from.",
        )
    if (post.author_id and post.author_id in ids) or (
        post.author_handle and post.author_handle in handles
    ):
        return CheckResult("account", "passed", f"Posted from your account @{post.author_handle}.")
    if not post.author_id and not post.author_handle:
        # TikTok's Display API answers only for the token's own videos: owned by construction.
        return CheckResult("account", "passed", "Posted from your connected account.")
    return CheckResult(
        "account",
        "failed",
        f"Posted by @{post.author_handle or post.author_id}, not by your verified account "
        f"(@{', @'.join(sorted(handles)) or '?'}).",
    )


def _window_item(post: PostInfo, expected: PostExpectations) -> CheckResult:
    day = post.published_at.date()
    starts, ends = expected.window_starts, expected.window_ends
    when = day.isoformat()
    if starts and day < starts:
        return CheckResult(
            "window",
            "failed",
            f"Published on {when}, before the posting window opened ({starts.isoformat()}).",
        )
    if ends and day > ends:
        return CheckResult(
            "window",
            "failed",
            f"Published on {when}, after the posting window closed ({ends.isoformat()}).",
        )
    return CheckResult("window", "passed", f"Published on {when}, inside the posting window.")


def post_results(post: PostInfo, expected: PostExpectations) -> list[CheckResult]:
    """Every check of a post the platform described."""
    results = [
        CheckResult("public", "passed", "The post is public.")
        if post.is_public
        else CheckResult(
            "public", "failed", f"The post is {post.visibility.label.lower()}: make it public."
        ),
        _account_item(post, expected),
        _window_item(post, expected),
    ]
    for item in check_caption(
        caption=post.caption,
        required_hashtags=expected.required_hashtags,
        required_mentions=expected.required_mentions,
        disclosure_required=expected.disclosure_required,
        platform=expected.platform,
        paid_partnership=post.paid_partnership,
    ):
        results.append(CheckResult(item.key, "passed" if item.passed else "failed", item.message))
    return results


def summary(results: Sequence[dict[str, str]]) -> str:
    """One word for lists: ``passed``, ``failed`` (any item failed) or ``pending``."""
    statuses = {r.get("status") for r in results}
    if not results or "pending" in statuses:
        return "pending"
    return "failed" if "failed" in statuses else "passed"
