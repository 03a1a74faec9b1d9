"""Demo submissions: a living review queue on "Glow Serum Summer Launch" and work in progress
for creator@demo.chorus.test on "Hiking Boots Spring Push".

Builds on ``recruitment.demo`` (Glow's accepted creators, the demo creator's Boots
participation). Each Glow creator's TikTok slot gets one state: drafts waiting for review (one a
second version after changes were asked), changes requested, a draft approved and waiting for the
post, live posts in review with their check results (one with a failed check), one done. The
demo creator's first Boots slot has changes requested on its first draft, the second is due.

Drafts are real image files (small PNGs drawn here, stored through core.files under the
organization), so the review desk and the slot page show them. Rows are written directly (no
e-mails, no durable transactions: this may run inside the caller's transaction), with the
decision history and audit rows the services would have written; the one done post is approved
through the review service (``decide_locked``), so its fee accrues as a real approval's does. Idempotent: a campaign that
has any submission is left as it is.
"""

import datetime
import struct
import zlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils import timezone

from campaigns.models import Campaign
from core import files
from organizations.access import access_for_user
from organizations.audit import audit_record
from recruitment.models import Participation, ParticipationSlot
from submissions.models import DraftVersion, LivePost, ReviewDecision, ReviewState, Submission
from submissions.services.review import decide_locked
from submissions.uploads import DRAFT
from users.models import User

DEMO_DOMAIN = "demo.chorus.test"
MAIN_CREATOR = f"creator@{DEMO_DOMAIN}"
REVIEWER = f"reviewer@{DEMO_DOMAIN}"
GLOW = "Glow Serum Summer Launch"
BOOTS = "Hiking Boots Spring Push"
POST_ID_BASE = 7_390_000_000_000_000_000  # TikTok-like ids, clear of the simulator's own

# (what happened, in order), per Glow participation: the queue the reviewer opens.
GLOW_PLAN = [
    "draft_review",
    "draft_review_v2",
    "post_review",
    "draft_changes",
    "post_review_failed",
    "post_due",
    "done",
    "draft_review",
]
CAPTION = "#ad My morning glow, step 2: two drops of @glowskincare serum. #GlowSerum #SummerGlow"
CHECKS_PASSED = [
    {"key": "public", "status": "passed", "message": "The post is public."},
    {"key": "account", "status": "passed", "message": "Posted from the creator's account."},
    {"key": "window", "status": "passed", "message": "Published inside the posting window."},
    {"key": "disclosure", "status": "passed", "message": "#ad opens the caption."},
    {"key": "hashtag:#GlowSerum", "status": "passed", "message": "#GlowSerum is in the caption."},
    {"key": "hashtag:#SummerGlow", "status": "passed", "message": "#SummerGlow is in the caption."},
    {"key": "mention:@glowskincare", "status": "passed", "message": "@glowskincare is mentioned."},
]
CHECKS_FAILED = [
    *CHECKS_PASSED[:5],
    {
        "key": "hashtag:#SummerGlow",
        "status": "failed",
        "message": "Add #SummerGlow to the caption.",
    },
    CHECKS_PASSED[6],
]
COLOURS = [(247, 197, 159), (180, 220, 200), (200, 190, 240), (250, 224, 140), (170, 200, 240)]


def _png(width: int, height: int, top: tuple[int, int, int], bottom: tuple[int, int, int]) -> bytes:
    """A small vertical-gradient PNG (no imaging library needed at run time)."""
    rows = bytearray()
    for y in range(height):
        t = y / max(height - 1, 1)
        pixel = bytes(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        rows += b"\x00" + pixel * width

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def _store_image(campaign: Campaign, index: int) -> files.StoredUpload:
    top = COLOURS[index % len(COLOURS)]
    bottom = COLOURS[(index + 2) % len(COLOURS)]
    content = ContentFile(_png(180, 320, top, bottom), name=f"draft-{index}.png")
    return files.store_upload(content, kind=DRAFT, owner=campaign.organization.public_id)


@dataclass
class _Seeder:
    campaign: Campaign
    reviewer: User | None
    now: datetime.datetime
    made: int = 0

    def submission(self, slot: ParticipationSlot) -> Submission:
        # Created waiting on the creator; ``fill`` moves it to its stage with the times.
        return Submission.objects.create(
            organization_id=slot.organization_id,
            campaign=self.campaign,
            participation_id=slot.participation_id,
            slot=slot,
            creator_id=slot.creator_id,
            platform=slot.platform,
            stage=Submission.Stage.DRAFT_DUE,
        )

    def draft(
        self, submission: Submission, number: int, state: str, ago: datetime.timedelta
    ) -> DraftVersion:
        stored = _store_image(self.campaign, self.made + number)
        decided = state != ReviewState.IN_REVIEW
        draft = DraftVersion.objects.create(
            organization_id=submission.organization_id,
            submission=submission,
            campaign=self.campaign,
            creator_id=submission.creator_id,
            number=number,
            file_key=stored.key,
            content_type=stored.content_type,
            size_bytes=stored.size,
            original_name=f"morning-routine-v{number}.png",
            # The version changes were asked on buried its disclosure at the end.
            caption=CAPTION if state != ReviewState.CHANGES_REQUESTED else CAPTION[4:] + " #ad",
            preview_status=DraftVersion.Preview.READY,
            thumbnail_key=stored.key,  # an image is its own preview
            width=180,
            height=320,
            state=state,
            feedback=(
                "Lovely light! Please open with #ad: it sits at the end of the caption now."
                if state == ReviewState.CHANGES_REQUESTED
                else ""
            ),
            decided_by=self.reviewer if decided else None,
            decided_at=self.now - ago + datetime.timedelta(hours=6) if decided else None,
        )
        DraftVersion.objects.filter(pk=draft.pk).update(created_at=self.now - ago)
        if decided:
            self.decision(submission, draft=draft, decision=_DECISION[state], at=draft.decided_at)
        return draft

    def decision(
        self,
        submission: Submission,
        *,
        decision: str,
        at: datetime.datetime | None,
        draft: DraftVersion | None = None,
        post: LivePost | None = None,
    ) -> None:
        item = draft or post
        assert item is not None
        row = ReviewDecision.objects.create(
            organization_id=submission.organization_id,
            submission=submission,
            campaign=self.campaign,
            target=ReviewDecision.Target.DRAFT if draft else ReviewDecision.Target.POST,
            draft=draft,
            live_post=post,
            decision=decision,
            feedback=item.feedback,
            decided_by=self.reviewer,
        )
        ReviewDecision.objects.filter(pk=row.pk).update(created_at=at or self.now)
        audit_record(
            organization=self.campaign.organization,
            actor=self.reviewer,
            action=f"submission.{row.target}_{decision}",
            target=submission,
            data={"item": item.public_id, "automatic": False},
        )

    def post(self, submission: Submission, *, state: str, checks: list[dict[str, str]]) -> LivePost:
        slot = submission.slot
        post_id = str(POST_ID_BASE + slot.pk)
        handle = (submission.creator.display_name or "creator").lower()
        approved = state == ReviewState.APPROVED
        post = LivePost.objects.create(
            organization_id=submission.organization_id,
            submission=submission,
            campaign=self.campaign,
            creator_id=submission.creator_id,
            slot=slot,
            url=f"https://www.tiktok.com/@{handle}/video/{post_id}",
            platform=slot.platform,
            post_id=post_id,
            fee_cents=slot.fee_cents,
            currency=slot.currency,
            state=state,
            checks_status=LivePost.Checks.DONE,
            check_results=checks,
            check_attempts=1,
            checked_at=self.now - datetime.timedelta(hours=3),
            published_at=self.now - datetime.timedelta(hours=5),
            platform_caption=CAPTION,
            decided_by=self.reviewer if approved else None,
            decided_at=self.now - datetime.timedelta(hours=1) if approved else None,
            approved_at=self.now - datetime.timedelta(hours=1) if approved else None,
        )
        if approved:
            self.decision(submission, decision="approve", at=post.approved_at, post=post)
        return post

    def fill(self, slot: ParticipationSlot, plan: str, index: int) -> Submission:
        """One slot's story, as the services would have written it."""
        self.made = index * 3
        day = datetime.timedelta(days=1)
        stage = {
            "draft_review_v2": "draft_review",
            "post_review_failed": "post_review",
            "done": "post_review",  # then approved below, through the review service
        }.get(plan, plan)
        submission = self.submission(slot)
        waited = datetime.timedelta(hours=2 + 9 * index)  # the queue is oldest first
        current: DraftVersion
        if plan in ("draft_review", "draft_review_v2", "draft_changes"):
            first_state = ReviewState.IN_REVIEW if plan == "draft_review" else "changes_requested"
            current = self.draft(
                submission, 1, first_state, waited if plan == "draft_review" else 3 * day
            )
            if plan == "draft_review_v2":
                current = self.draft(submission, 2, ReviewState.IN_REVIEW, waited)
        else:
            current = self.draft(submission, 1, ReviewState.APPROVED, 4 * day)
        submission.current_draft = current
        submission.stage = stage
        fields = ["current_draft", "stage"]
        if plan in ("post_review", "post_review_failed", "done"):
            checks = CHECKS_FAILED if plan == "post_review_failed" else CHECKS_PASSED
            submission.current_post = self.post(
                submission, state=ReviewState.IN_REVIEW, checks=checks
            )
            fields.append("current_post")
        if stage in Submission.IN_REVIEW:
            submission.review_since = self.now - waited
            fields.append("review_since")
        submission.save(update_fields=fields)
        if plan == "done" and self.reviewer is not None:
            # The reviewer approves it as the review desk would: the decision, its audit row
            # and the slot's fee accrued in the ledger (committed → payable) happen there.
            decide_locked(
                submission_pk=submission.pk,
                decision=ReviewDecision.Decision.APPROVE,
                feedback="",
                access=access_for_user(self.reviewer, self.campaign.organization.slug),
            )
            submission.refresh_from_db()
        return submission


_DECISION: dict[str, str] = {
    ReviewState.APPROVED: "approve",
    ReviewState.CHANGES_REQUESTED: "request_changes",
    ReviewState.REJECTED: "reject",
}


def _campaign(name: str) -> Campaign | None:
    return (
        Campaign.objects.select_related("brand", "organization")
        .filter(organization__slug="northstar", name=name)
        .first()
    )


def _first_slots(campaign: Campaign, **filters: object) -> list[ParticipationSlot]:
    """Each active participation's first slot on TikTok (where the demo's links point)."""
    slots = (
        ParticipationSlot.objects.filter(
            campaign=campaign,
            platform="tiktok",
            status=ParticipationSlot.Status.OPEN,
            participation__status=Participation.Status.ACTIVE,
            **filters,
        )
        .select_related("creator", "participation")
        .order_by("participation_id", "deliverable__position", "slot_number")
    )
    seen: set[int] = set()
    first: list[ParticipationSlot] = []
    for slot in slots:
        if slot.participation_id not in seen:
            seen.add(slot.participation_id)
            first.append(slot)
    return first


def seed_submissions_demo() -> dict[str, int]:
    """Fill the demo's submissions; returns how many submissions each stage has."""
    reviewer = User.objects.filter(email=REVIEWER).first()
    now = timezone.now()
    glow = _campaign(GLOW)
    if glow is not None and not Submission.objects.filter(campaign=glow).exists():
        seeder = _Seeder(glow, reviewer, now)
        slots = _first_slots(glow)
        for index, (slot, plan) in enumerate(zip(slots, GLOW_PLAN, strict=False)):
            seeder.fill(slot, plan, index)
        if glow.auto_approve_days is None:
            Campaign.objects.filter(pk=glow.pk).update(auto_approve_days=7)
            Submission.objects.filter(campaign=glow, stage__in=Submission.IN_REVIEW).update(
                auto_approve_at=now + datetime.timedelta(days=6)
            )
    boots = _campaign(BOOTS)
    if boots is not None and not Submission.objects.filter(campaign=boots).exists():
        mine = list(
            ParticipationSlot.objects.filter(
                campaign=boots,
                creator__user__email=MAIN_CREATOR,
                status=ParticipationSlot.Status.OPEN,
            ).order_by("deliverable__position", "slot_number")
        )
        if mine:
            _Seeder(boots, reviewer, now).fill(mine[0], "draft_changes", 0)
    counts: dict[str, int] = {}
    for stage in Submission.objects.values_list("stage", flat=True):
        counts[stage] = counts.get(stage, 0) + 1
    return counts
