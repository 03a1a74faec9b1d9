"""What the review desk shows of one submission: its media, the brief's requirements beside the
check results, the overdue flag. Pure presentation over rows the selectors loaded (no queries),
so a page of the queue costs the same whatever it holds."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from campaigns.models import Campaign
from submissions import checks
from submissions.compliance import check_caption
from submissions.file_access import draft_file_url, draft_poster_url, draft_preview_url
from submissions.models import DraftVersion, LivePost, Submission
from submissions.selectors import UsageRights, usage_rights
from submissions.services import overdue

STATUS_LABELS = {"passed": "Passed", "failed": "Failed", "pending": "Pending"}


@dataclass(frozen=True)
class Media:
    """How to show a draft: ``kind`` is "video", "image" or "none" (nothing to show yet)."""

    kind: str
    src: str = ""
    poster: str = ""  # video poster frame, image thumbnail
    note: str = ""  # why there is no preview, shown in the placeholder


def media_of(draft: DraftVersion | None) -> Media:
    if draft is None:
        return Media("none", note="No draft uploaded yet.")
    if draft.is_video:
        poster = draft_poster_url(draft)
        note = "" if poster else _no_preview_note(draft, "poster frame")
        return Media("video", src=draft_file_url(draft), poster=poster, note=note)
    # Images: the thumbnail when there is one, else the image itself (it is what is reviewed).
    return Media("image", src=draft_file_url(draft), poster=draft_preview_url(draft))


def _no_preview_note(draft: DraftVersion, what: str) -> str:
    if draft.preview_status == DraftVersion.Preview.PENDING:
        return f"The {what} is being prepared. Press play to watch the video."
    return f"No {what} could be made on this server. Press play to watch the video."


@dataclass(frozen=True)
class Requirements:
    hashtags: list[str]
    mentions: list[str]
    disclosure_required: bool
    dos: str
    donts: str

    @property
    def any(self) -> bool:
        return bool(
            self.hashtags or self.mentions or self.disclosure_required or self.dos or self.donts
        )


def requirements_of(campaign: Campaign) -> Requirements:
    return Requirements(
        hashtags=[str(t).lstrip("#") for t in campaign.required_hashtags or []],
        mentions=[str(m).lstrip("@") for m in campaign.required_mentions or []],
        disclosure_required=campaign.disclosure_required,
        dos=campaign.dos,
        donts=campaign.donts,
    )


@dataclass(frozen=True)
class CheckRow:
    key: str
    status: str  # passed | failed | pending
    message: str

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status.capitalize())


def draft_checks(draft: DraftVersion, submission: Submission) -> list[CheckRow]:
    """The caption rules run on a draft's caption (the live post is checked again for real)."""
    campaign = submission.campaign
    return [
        CheckRow(item.key, "passed" if item.passed else "failed", item.message)
        for item in check_caption(
            caption=draft.caption,
            required_hashtags=campaign.required_hashtags or [],
            required_mentions=campaign.required_mentions or [],
            disclosure_required=campaign.disclosure_required,
            platform=submission.platform,
        )
    ]


def post_checks(post: LivePost) -> list[CheckRow]:
    rows = [
        CheckRow(str(r.get("key", "")), str(r.get("status", "pending")), str(r.get("message", "")))
        for r in post.check_results or []
    ]
    if not rows:
        rows = [CheckRow("lookup", "pending", "The checks have not run yet; they run shortly.")]
    return rows


@dataclass
class ReviewItem:
    """One card of the queue (and the head of the detail page)."""

    submission: Submission
    target: str  # "draft" | "post" | "" (nothing in review)
    draft: DraftVersion | None
    post: LivePost | None
    media: Media
    requirements: Requirements
    checks: list[CheckRow] = field(default_factory=list)
    overdue: str = ""  # "draft" | "post" | ""
    can_decide: bool = False

    @property
    def checks_summary(self) -> str:
        return checks.summary([{"status": c.status} for c in self.checks]) if self.checks else ""

    @property
    def item_id(self) -> str:
        item: Any = self.post if self.target == "post" else self.draft
        return item.public_id if item is not None else ""

    @property
    def caption(self) -> str:
        if self.target == "post" and self.post is not None and self.post.platform_caption:
            return self.post.platform_caption
        return self.draft.caption if self.draft is not None else ""


def review_item(submission: Submission, *, today: datetime.date, may_review: bool) -> ReviewItem:
    """Build from a submission loaded with its campaign, slot, current draft and post."""
    draft = submission.current_draft
    post = submission.current_post
    if submission.stage == Submission.Stage.POST_REVIEW and post is not None:
        target = "post"
        found = post_checks(post)
    elif draft is not None:
        target = "draft" if submission.stage == Submission.Stage.DRAFT_REVIEW else ""
        found = draft_checks(draft, submission)
    else:
        target, found = "", []
    if submission.stage in (Submission.Stage.POST_CHANGES, Submission.Stage.DONE) and post:
        found = post_checks(post)
    return ReviewItem(
        submission=submission,
        target=target,
        draft=draft,
        post=post,
        media=media_of(draft),
        requirements=requirements_of(submission.campaign),
        checks=found,
        overdue=overdue(submission.slot, submission, today),
        can_decide=may_review and submission.in_review and bool(target),
    )


@dataclass(frozen=True)
class LibraryAsset:
    """One approved asset of the content library."""

    draft: DraftVersion
    media: Media
    rights: UsageRights
    download_url: str
    post: LivePost | None


def library_asset(draft: DraftVersion, *, today: datetime.date) -> LibraryAsset:
    """From a draft loaded by ``selectors.content_library`` (campaign, submission, its post)."""
    return LibraryAsset(
        draft=draft,
        media=media_of(draft),
        rights=usage_rights(draft, today),
        download_url=draft_file_url(draft, download=True),
        post=draft.submission.current_post,
    )
