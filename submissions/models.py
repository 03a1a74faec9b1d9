"""Submissions: the work that fills a participation slot (one promised post).

A slot's :class:`Submission` walks through two reviews::

    draft_due → draft_review ⇄ draft_changes → post_due → post_review ⇄ post_changes → done
                          ↘ rejected                              ↘ rejected

- a creator uploads a draft (:class:`DraftVersion`, one row per upload, all kept), the brand
  approves it, asks for changes (feedback required) or rejects it (reason required);
- once the draft is approved the creator submits the live post's address (:class:`LivePost`),
  the automatic checks run against the platform, and the brand decides the same way;
- an approved live post is what payouts and analytics build on: it carries its slot, the
  agreed fee, the platform's post id and the approval time.

Every decision is a :class:`ReviewDecision` row (who, when, what) as well as an audit event.
Rows carry the tenant (``organization``) and the creator; unique constraints lead with the
organization, except :class:`LivePost`'s one global rule: a platform post can be claimed once,
by anyone, in any campaign (on a distributed database that table is a reference table).
"""

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from campaigns.models import Campaign
from core.models import PublicIdModel
from creators.models import CreatorProfile
from organizations.models import ApiKey, Organization, OrgScopedQuerySet
from platforms.types import Platform
from recruitment.models import Participation, ParticipationSlot

CAPTION_MAX_CHARS = 2200  # Instagram's caption limit; TikTok and YouTube allow at least this
FEEDBACK_MAX_CHARS = 2000
POST_URL_MAX_CHARS = 500


class Submission(PublicIdModel):
    """The work for one slot, and where it stands."""

    public_id_prefix = "sub"

    class Stage(models.TextChoices):
        DRAFT_DUE = "draft_due", "Draft due"
        DRAFT_REVIEW = "draft_review", "Draft in review"
        DRAFT_CHANGES = "draft_changes", "Changes requested on the draft"
        POST_DUE = "post_due", "Draft approved: post it"
        POST_REVIEW = "post_review", "Live post in review"
        POST_CHANGES = "post_changes", "Changes requested on the post"
        DONE = "done", "Done"
        REJECTED = "rejected", "Rejected"
        CANCELLED = "cancelled", "Cancelled"

    IN_REVIEW: ClassVar[tuple[str, ...]] = ("draft_review", "post_review")
    WAITING_ON_CREATOR: ClassVar[tuple[str, ...]] = (
        "draft_due",
        "draft_changes",
        "post_due",
        "post_changes",
    )

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="submissions")
    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="submissions"
    )
    slot = models.OneToOneField(
        ParticipationSlot, on_delete=models.CASCADE, related_name="submission"
    )
    creator = models.ForeignKey(CreatorProfile, on_delete=models.CASCADE, related_name="+")
    platform = models.CharField(max_length=12, choices=Platform.choices)  # the slot's
    stage = models.CharField(max_length=14, choices=Stage.choices, default=Stage.DRAFT_DUE)
    # When the item now in review arrived: the queue's order (oldest first).
    review_since = models.DateTimeField(null=True, blank=True)
    # Set on arrival when the campaign auto-approves after N days; cleared by any decision.
    auto_approve_at = models.DateTimeField(null=True, blank=True)
    current_draft = models.ForeignKey(
        "DraftVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    current_post = models.ForeignKey(
        "LivePost", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    brand_path: ClassVar[str | None] = "campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    stage__in=[
                        "draft_due",
                        "draft_review",
                        "draft_changes",
                        "post_due",
                        "post_review",
                        "post_changes",
                        "done",
                        "rejected",
                        "cancelled",
                    ]
                ),
                name="submission_stage_valid",
            ),
            models.CheckConstraint(
                condition=~Q(stage__in=["draft_review", "post_review"])
                | Q(review_since__isnull=False),
                name="submission_review_has_since",
            ),
        ]
        indexes = [
            # The review queue: what waits, oldest first, per organization.
            models.Index(
                fields=("organization", "stage", "review_since"), name="submission_org_queue"
            ),
            models.Index(
                fields=("organization", "campaign", "stage"), name="submission_org_campaign"
            ),
            models.Index(fields=("creator", "stage"), name="submission_creator"),
            models.Index(
                fields=("auto_approve_at",),
                condition=Q(auto_approve_at__isnull=False),
                name="submission_auto_approve_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.stage})"

    @property
    def in_review(self) -> bool:
        return self.stage in self.IN_REVIEW


class ReviewState(models.TextChoices):
    """Where one draft version or live post stands."""

    CHECKING = "checking", "Checking"  # live posts only: the automatic checks have not run yet
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    REJECTED = "rejected", "Rejected"


_REVIEW_STATES = ["checking", "in_review", "approved", "changes_requested", "rejected"]


class DraftVersion(PublicIdModel):
    """One uploaded draft: the file, its caption, its preview and the decision on it."""

    public_id_prefix = "drv"

    class Preview(models.TextChoices):
        PENDING = "pending", "Preparing preview"
        READY = "ready", "Preview ready"
        NO_PREVIEW = "no_preview", "No preview available"  # e.g. no ffmpeg on this server
        FAILED = "failed", "Preview could not be made"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="drafts")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    creator = models.ForeignKey(CreatorProfile, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveSmallIntegerField()  # 1, 2, … per submission
    file_key = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveBigIntegerField()
    original_name = models.CharField(max_length=150, blank=True)  # data only, shown escaped
    caption = models.TextField(max_length=CAPTION_MAX_CHARS, blank=True)
    preview_status = models.CharField(
        max_length=10, choices=Preview.choices, default=Preview.PENDING
    )
    thumbnail_key = models.CharField(max_length=255, blank=True)
    poster_key = models.CharField(max_length=255, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    state = models.CharField(
        max_length=18, choices=ReviewState.choices, default=ReviewState.IN_REVIEW
    )
    feedback = models.TextField(max_length=FEEDBACK_MAX_CHARS, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    brand_path: ClassVar[str | None] = "campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ("submission", "number")
        constraints = [
            models.UniqueConstraint(
                fields=("organization", "submission", "number"), name="draft_unique_number"
            ),
            models.UniqueConstraint(fields=("organization", "file_key"), name="draft_unique_file"),
            models.CheckConstraint(condition=Q(state__in=_REVIEW_STATES), name="draft_state_valid"),
        ]
        indexes = [
            # The content library: approved drafts per campaign, newest first.
            models.Index(
                fields=("organization", "campaign", "state", "-decided_at"),
                name="draft_org_library",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} v{self.number} ({self.state})"

    @property
    def is_video(self) -> bool:
        return self.content_type.startswith("video/")


class LivePost(PublicIdModel):
    """The address of a published post for a slot, what the platform says of it, and the
    decision. The platform's post id is claimed once, globally."""

    public_id_prefix = "lpo"

    class Checks(models.TextChoices):
        PENDING = "pending", "Checks pending"  # not run yet, or the platform did not answer
        DONE = "done", "Checks done"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="posts")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    creator = models.ForeignKey(CreatorProfile, on_delete=models.CASCADE, related_name="+")
    slot = models.ForeignKey(ParticipationSlot, on_delete=models.CASCADE, related_name="posts")
    url = models.URLField(max_length=POST_URL_MAX_CHARS)  # canonical form of what was pasted
    platform = models.CharField(max_length=12, choices=Platform.choices)
    # The id in the post's address (TikTok item id, Instagram shortcode, YouTube video id): the
    # key of "submitted once". ``api_post_id`` is what the platform's API calls it (Instagram
    # media id), known after the first successful lookup.
    post_id = models.CharField(max_length=64)
    api_post_id = models.CharField(max_length=64, blank=True)
    # The agreed fee, copied from the slot: what payouts pay once approved.
    fee_cents = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    state = models.CharField(
        max_length=18, choices=ReviewState.choices, default=ReviewState.CHECKING
    )
    checks_status = models.CharField(max_length=8, choices=Checks.choices, default=Checks.PENDING)
    # [{"key": "public", "status": "passed"|"failed"|"pending", "message": "…"}], in order.
    check_results = models.JSONField(default=list, blank=True)
    check_attempts = models.PositiveSmallIntegerField(default=0)
    next_check_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    # What the platform said of the post (after a successful lookup).
    published_at = models.DateTimeField(null=True, blank=True)
    platform_caption = models.TextField(blank=True)
    permalink = models.URLField(max_length=POST_URL_MAX_CHARS, blank=True)
    feedback = models.TextField(max_length=FEEDBACK_MAX_CHARS, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    brand_path: ClassVar[str | None] = "campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(fields=("platform", "post_id"), name="live_post_claimed_once"),
            models.CheckConstraint(
                condition=Q(state__in=_REVIEW_STATES), name="live_post_state_valid"
            ),
            models.CheckConstraint(condition=Q(fee_cents__gte=0), name="live_post_fee_nonneg"),
            models.CheckConstraint(
                condition=~Q(state="approved") | Q(approved_at__isnull=False),
                name="live_post_approved_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=("organization", "state", "approved_at"), name="live_post_org_state"
            ),
            models.Index(
                fields=("checks_status", "next_check_at"),
                condition=Q(checks_status="pending"),
                name="live_post_checks_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.platform}:{self.post_id} ({self.state})"


class ReviewDecision(PublicIdModel):
    """Who decided what on which draft or post, when: the history both sides see."""

    public_id_prefix = "dec"

    class Decision(models.TextChoices):
        APPROVE = "approve", "Approved"
        REQUEST_CHANGES = "request_changes", "Changes requested"
        REJECT = "reject", "Rejected"

    class Target(models.TextChoices):
        DRAFT = "draft", "Draft"
        POST = "post", "Live post"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="decisions")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    target = models.CharField(max_length=5, choices=Target.choices)
    draft = models.ForeignKey(
        DraftVersion, on_delete=models.CASCADE, null=True, blank=True, related_name="decisions"
    )
    live_post = models.ForeignKey(
        LivePost, on_delete=models.CASCADE, null=True, blank=True, related_name="decisions"
    )
    decision = models.CharField(max_length=16, choices=Decision.choices)
    feedback = models.TextField(max_length=FEEDBACK_MAX_CHARS, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by_api_key = models.ForeignKey(
        ApiKey, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    automatic = models.BooleanField(default=False)  # auto-approval after the campaign's N days

    brand_path: ClassVar[str | None] = "campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ("created_at", "id")
        constraints = [
            models.CheckConstraint(
                condition=(Q(target="draft") & Q(draft__isnull=False) & Q(live_post__isnull=True))
                | (Q(target="post") & Q(live_post__isnull=False) & Q(draft__isnull=True)),
                name="decision_names_its_target",
            ),
            models.CheckConstraint(
                condition=Q(decision="approve") | ~Q(feedback=""),
                name="decision_feedback_unless_approve",
            ),
        ]
        indexes = [
            models.Index(fields=("organization", "submission"), name="decision_org_submission"),
        ]


class UploadTicket(PublicIdModel):
    """A direct upload we allowed: the key we chose for one creator's draft of one slot.
    Confirming an upload needs its ticket, so a key cannot be claimed by anyone else; an
    unconfirmed ticket lets the page offer to finish an upload after a refresh."""

    public_id_prefix = "upl"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    slot = models.ForeignKey(ParticipationSlot, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    creator = models.ForeignKey(CreatorProfile, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveBigIntegerField()  # as the client announced it
    original_name = models.CharField(max_length=150, blank=True)
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)

    brand_path: ClassVar[str | None] = "campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(fields=("organization", "key"), name="upload_ticket_key"),
        ]
        indexes = [
            models.Index(fields=("creator", "slot", "confirmed_at"), name="upload_ticket_open"),
        ]


class SlotReminder(models.Model):
    """A reminder sent before a slot's deadline: one per slot, kind and due date."""

    class Kind(models.TextChoices):
        DRAFT = "draft", "Draft due"
        POST = "post", "Post due"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    slot = models.ForeignKey(ParticipationSlot, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    due = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    brand_path: ClassVar[str | None] = "slot__campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("organization", "slot", "kind", "due"), name="slot_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slot_id} {self.kind} due {self.due}"
