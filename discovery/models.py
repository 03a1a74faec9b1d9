"""Discovery: a brand's shortlists of creators, and batches of invitations sent in the background.

Creators themselves are global (``creators.CreatorProfile``); what a brand keeps about them —
shortlists, invitation batches and their rows — is tenant-owned, carries ``organization`` and
leads its indexes and unique constraints with it.
"""

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from campaigns.models import Campaign
from core.models import PublicIdModel
from creators.models import CreatorProfile
from organizations.models import ApiKey, Brand, Organization, OrgScopedQuerySet
from platforms.types import Platform

SHORTLIST_NAME_MAX = 120
SHORTLIST_MAX_ENTRIES = 1000
BATCH_MAX_ROWS = 1000
NOTE_MAX_CHARS = 300
REASON_MAX_CHARS = 500
RAW_INPUT_MAX_CHARS = 300


class Shortlist(PublicIdModel):
    """A named list of creators a brand is considering (e.g. "Spring launch — skincare")."""

    public_id_prefix = "shl"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    # Set when the list belongs to one brand of an agency; brand-limited members see only theirs.
    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=SHORTLIST_NAME_MAX)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    brand_path: ClassVar[str | None] = "brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ("name", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("organization", "name"), name="shortlist_unique_name_per_org"
            ),
        ]
        indexes = [
            models.Index(fields=("organization", "brand", "name"), name="shortlist_org_brand"),
        ]

    def __str__(self) -> str:
        return self.name


class ShortlistEntry(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="entries")
    creator = models.ForeignKey(CreatorProfile, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(max_length=NOTE_MAX_CHARS, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    brand_path: ClassVar[str | None] = "shortlist__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=("organization", "shortlist", "creator"),
                name="shortlist_entry_unique_creator",
            ),
        ]
        indexes = [
            models.Index(
                fields=("organization", "shortlist", "-created_at"), name="shortlist_entry_recent"
            ),
            # "Which of my shortlists is this creator on?" and the creator FK's deletes.
            models.Index(fields=("creator", "organization"), name="shortlist_entry_creator"),
        ]

    def __str__(self) -> str:
        return f"{self.creator_id} on {self.shortlist_id}"


class InviteBatch(PublicIdModel):
    """Invitations to one campaign for many creators at once, processed by a background task."""

    public_id_prefix = "ibt"

    class Source(models.TextChoices):
        SHORTLIST = "shortlist", "Shortlist"
        HANDLES = "handles", "Pasted handles"
        CSV = "csv", "CSV upload"
        SINGLE = "single", "Chosen creators"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    # Who started it: a member, or an API key. The task acts with their access as it is then.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by_api_key = models.ForeignKey(
        ApiKey, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    shortlist = models.ForeignKey(
        Shortlist, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file_name = models.CharField(max_length=200, blank=True)
    message = models.CharField(max_length=1000, blank=True)  # sent with every invitation
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    error = models.CharField(max_length=REASON_MAX_CHARS, blank=True)  # why the batch failed
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    invited = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The batch's heartbeat: pushed ahead by every chunk of rows that commits. It lapses when no
    # worker is on the batch any more (all killed), and the sweep then publishes it again. Who
    # sends which row is decided by row locks, not by this (discovery.services.LEASE).
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    brand_path: ClassVar[str | None] = "campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=("organization", "-created_at"), name="invite_batch_org_recent"),
            models.Index(
                fields=("organization", "campaign", "-created_at"), name="invite_batch_org_campaign"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=["shortlist", "handles", "csv", "single"]),
                name="invite_batch_source_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]),
                name="invite_batch_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(processed__lte=F("total")), name="invite_batch_processed_le_total"
            ),
            models.CheckConstraint(
                condition=Q(processed=F("invited") + F("failed_count")),
                name="invite_batch_counters_add_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.status}, {self.processed}/{self.total})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        """Progress in whole percent (integer arithmetic)."""
        if self.total == 0:
            return 100
        return self.processed * 100 // self.total


class InviteBatchRow(models.Model):
    """One line of a batch: what was given, who it resolved to, and what happened."""

    class Outcome(models.TextChoices):
        PENDING = "", "Pending"
        INVITED = "invited", "Invited"
        FAILED = "failed", "Failed"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    batch = models.ForeignKey(InviteBatch, on_delete=models.CASCADE, related_name="rows")
    # The CSV line (header = 1), or the position in the pasted text / shortlist.
    line_number = models.PositiveIntegerField()
    raw_input = models.CharField(max_length=RAW_INPUT_MAX_CHARS, blank=True)
    platform = models.CharField(max_length=12, choices=Platform.choices, blank=True)
    handle = models.CharField(max_length=64, blank=True)  # normalised
    creator = models.ForeignKey(
        CreatorProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.CharField(max_length=1000, blank=True)  # a CSV row's own message
    outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True, default="")
    reason = models.CharField(max_length=REASON_MAX_CHARS, blank=True)
    # Set just before the invitation is sent: a rerun after a crash knows this row was tried.
    attempted_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    brand_path: ClassVar[str | None] = "batch__campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ("line_number", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("organization", "batch", "line_number"), name="invite_row_unique_line"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["", "invited", "failed"]), name="invite_row_outcome_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=("organization", "batch", "outcome", "line_number"),
                name="invite_row_org_batch_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"line {self.line_number}: {self.raw_input} ({self.outcome or 'pending'})"
