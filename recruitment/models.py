"""Recruitment: invitations to creators, their applications, the participations that follow and
their slots (one per promised post). The notices about them are ``notifications`` rows; the kinds
are in recruitment/notifications.py.

Every row a creator touches carries both the tenant (``organization``) and the creator; unique
constraints lead with the organization so the tables can be distributed by it.
"""

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from campaigns.models import Campaign, Deliverable
from core.links import absolute_url
from core.models import PublicIdModel
from creators.models import CreatorProfile, SocialAccount
from organizations.models import Organization, OrgScopedQuerySet
from platforms.types import Platform

PITCH_MAX_CHARS = 1000
MESSAGE_MAX_CHARS = 1000


class CampaignInvitation(PublicIdModel):
    """A brand asks one creator to join one campaign."""

    public_id_prefix = "cin"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        EXPIRED = "expired", "Expired"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    creator = models.ForeignKey(
        CreatorProfile, on_delete=models.CASCADE, related_name="campaign_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.CharField(max_length=MESSAGE_MAX_CHARS, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    responded_at = models.DateTimeField(null=True, blank=True)
    # When the "deadline in 2 days" reminder went out: the record that keeps it to one.
    reminded_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    brand_path: ClassVar[str | None] = "campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=("organization", "campaign", "creator"), name="cinvitation_unique_creator"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "accepted", "declined", "withdrawn", "expired"]),
                name="cinvitation_status_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=("organization", "campaign", "status"), name="cinvitation_org_campaign"
            ),
            models.Index(fields=("creator", "status", "-created_at"), name="cinvitation_creator"),
        ]

    def __str__(self) -> str:
        return f"{self.creator_id} invited to {self.campaign_id} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class Application(PublicIdModel):
    """A creator asks to join an open campaign with one of their accounts and a short pitch."""

    public_id_prefix = "app"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WAITLISTED = "waitlisted", "Wait-listed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="applications")
    creator = models.ForeignKey(
        CreatorProfile, on_delete=models.CASCADE, related_name="applications"
    )
    # Nullable: a creator may remove the account later; the application stays on record.
    social_account = models.ForeignKey(
        SocialAccount,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
    )
    pitch = models.CharField(max_length=PITCH_MAX_CHARS)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    brand_path: ClassVar[str | None] = "campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=("organization", "campaign", "creator"), name="application_unique_creator"
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["pending", "accepted", "declined", "waitlisted", "withdrawn"]
                ),
                name="application_status_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=("organization", "campaign", "status", "-created_at"),
                name="application_org_campaign",
            ),
            models.Index(
                fields=("organization", "status", "-created_at"), name="application_org_status"
            ),
            models.Index(fields=("creator", "-created_at"), name="application_creator"),
        ]

    def __str__(self) -> str:
        return f"{self.creator_id} applied to {self.campaign_id} ({self.status})"


class Participation(PublicIdModel):
    """An accepted creator in a campaign: the fees agreed, and the codes that track their sales."""

    public_id_prefix = "par"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="participations")
    creator = models.ForeignKey(
        CreatorProfile, on_delete=models.CASCADE, related_name="participations"
    )
    social_account = models.ForeignKey(
        SocialAccount,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participations",
    )
    application = models.OneToOneField(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participation",
    )
    invitation = models.OneToOneField(
        CampaignInvitation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participation",
    )
    # Snapshot of the deliverables at acceptance: [{platform, format, quantity, fee_cents}].
    agreed_fees = models.JSONField(default=list)
    agreed_total_cents = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    tracking_code = models.CharField(max_length=16, unique=True)
    promo_code = models.CharField(max_length=24, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    brand_path: ClassVar[str | None] = "campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=("organization", "campaign", "creator"), name="participation_unique_creator"
            ),
            models.CheckConstraint(
                condition=Q(agreed_total_cents__gte=0), name="participation_total_nonneg"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "completed", "cancelled"]),
                name="participation_status_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=("organization", "campaign", "status"), name="participation_org_campaign"
            ),
            models.Index(fields=("creator", "status"), name="participation_creator"),
        ]

    def __str__(self) -> str:
        return f"{self.creator_id} in {self.campaign_id} ({self.status})"

    @property
    def tracking_path(self) -> str:
        return f"/r/{self.tracking_code}"

    @property
    def tracking_url(self) -> str:
        """The link where no request is at hand (e-mails from workers); pages and the API build
        it from the request (``core.links``)."""
        return absolute_url(self.tracking_path)


class ParticipationSlot(PublicIdModel):
    """One promised post: a participation agreed to ``quantity`` posts of each deliverable, and
    each of them is a slot (numbered 1..quantity per deliverable).

    Created at acceptance, from the same deliverables the fee snapshot comes from. Submissions
    fill a slot; payouts accrue once per slot (the natural key below). Fee, currency, platform
    and format are copied: they are the promise, and stay as agreed.
    """

    public_id_prefix = "slt"

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for the post"
        CANCELLED = "cancelled", "Cancelled"  # the participation was cancelled

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    participation = models.ForeignKey(Participation, on_delete=models.CASCADE, related_name="slots")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    creator = models.ForeignKey(CreatorProfile, on_delete=models.CASCADE, related_name="+")
    # Deliverables are fixed while anyone is committed (campaigns.rules.deliverables_locked),
    # so only slots of cancelled participations can ever lose theirs.
    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="slots")
    slot_number = models.PositiveSmallIntegerField()  # 1..quantity within the deliverable
    platform = models.CharField(max_length=12, choices=Platform.choices)
    format = models.CharField(max_length=12, choices=Deliverable.Format.choices)
    fee_cents = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    draft_due = models.DateField(null=True, blank=True)
    post_due = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    updated_at = models.DateTimeField(auto_now=True)

    brand_path: ClassVar[str | None] = "campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ("participation", "deliverable__position", "deliverable_id", "slot_number")
        constraints = [
            models.UniqueConstraint(
                fields=("organization", "participation", "deliverable", "slot_number"),
                name="slot_unique_per_deliverable",
            ),
            models.CheckConstraint(condition=Q(slot_number__gte=1), name="slot_number_positive"),
            models.CheckConstraint(condition=Q(fee_cents__gte=0), name="slot_fee_nonneg"),
        ]
        indexes = [
            models.Index(fields=("organization", "campaign", "status"), name="slot_org_campaign"),
            models.Index(fields=("creator", "status"), name="slot_creator"),
        ]

    def __str__(self) -> str:
        return f"{self.participation_id} {self.platform} {self.format} #{self.slot_number}"
