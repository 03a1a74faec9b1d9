"""Campaigns: the brief, its deliverables, the money and the dates, the targeting, the lifecycle.

The database holds every invariant it can (check constraints); the rest lives in
``campaigns.services`` (format fits platform, dates in order at publish, budget vs fees).
"""

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q

from core import files
from core.models import PublicIdModel
from organizations.models import Brand, Organization, OrgScopedQuerySet
from platforms.types import Platform

# Text limits (TextField max_length is not a database constraint: it bounds forms and the API,
# and the validator bounds full_clean). campaigns.services.validation checks the same numbers.
BRIEF_MAX_CHARS = 20_000
DOS_MAX_CHARS = 5_000

# Attribution (issue 11): how far back a creator's link click still earns an order, and how
# fast its time-decay credit halves. Per campaign, because a 3-day flash sale and a 60-day
# launch need different lookbacks. The defaults are the former global settings (30 and 7 days),
# so campaigns created before keep behaving as they did. analytics.attribution reads them.
ATTRIBUTION_WINDOW_DEFAULT_DAYS = 30
ATTRIBUTION_WINDOW_MIN_DAYS = 1
ATTRIBUTION_WINDOW_MAX_DAYS = 90
HALF_LIFE_DEFAULT_DAYS = 7
HALF_LIFE_MIN_DAYS = 1
HALF_LIFE_MAX_DAYS = 30


class CampaignQuerySet(OrgScopedQuerySet):
    pass


class Campaign(PublicIdModel):
    public_id_prefix = "cmp"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        RECRUITING = "recruiting", "Recruiting"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        ARCHIVED = "archived", "Archived"

    class Visibility(models.TextChoices):
        OPEN = "open", "Open to all eligible creators"
        INVITE_ONLY = "invite_only", "Invite only"

    class UsageRights(models.TextChoices):
        ORGANIC = "organic", "Organic only"
        PAID = "paid", "Paid usage (ads)"

    class CreditModel(models.TextChoices):
        # The same values as analytics.models.ConversionCredit.Model (campaigns sits below
        # analytics and cannot import it; a test keeps the two in step).
        LAST_TOUCH = "last_touch", "Last touch"
        LINEAR = "linear", "Linear"
        TIME_DECAY = "time_decay", "Time decay"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="campaigns"
    )
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(max_length=120)
    objective = models.CharField(max_length=200, blank=True)

    # The brief. ``brief`` is markdown, rendered by campaigns.rendering.render_brief (sanitised).
    brief = models.TextField(
        blank=True, max_length=BRIEF_MAX_CHARS, validators=[MaxLengthValidator(BRIEF_MAX_CHARS)]
    )
    reference_links = models.JSONField(default=list, blank=True)  # list of URLs
    dos = models.TextField(
        blank=True, max_length=DOS_MAX_CHARS, validators=[MaxLengthValidator(DOS_MAX_CHARS)]
    )
    donts = models.TextField(
        blank=True, max_length=DOS_MAX_CHARS, validators=[MaxLengthValidator(DOS_MAX_CHARS)]
    )
    product_name = models.CharField(max_length=120, blank=True)
    landing_url = models.URLField(max_length=500, blank=True)
    required_hashtags = models.JSONField(default=list, blank=True)  # ["glowserum"], no "#"
    required_mentions = models.JSONField(default=list, blank=True)  # ["glowskincare"], no "@"
    disclosure_required = models.BooleanField(default=True)
    usage_rights = models.CharField(
        max_length=10, choices=UsageRights.choices, default=UsageRights.ORGANIC
    )
    paid_usage_months = models.PositiveIntegerField(default=0)

    # Money: integer minor units + ISO-4217 currency.
    currency = models.CharField(max_length=3, default="USD")
    budget_cents = models.BigIntegerField(default=0)
    # Spend promised (fees committed to creators, bonuses and commissions accrued): a cache of
    # the ledger's figure, changed only by ledger.services (ledger_check_campaign compares).
    committed_cents = models.BigIntegerField(default=0)
    bonus_per_1k_views_cents = models.BigIntegerField(default=0)
    bonus_cap_per_post_cents = models.BigIntegerField(default=0)
    commission_per_conversion_cents = models.BigIntegerField(default=0)
    # Funding (payouts app): what the brand has paid in through Checkout, a figure kept by
    # payouts.funding as payments are recorded; with requires_funding the campaign cannot be
    # published before funded_cents covers the budget.
    funded_cents = models.BigIntegerField(default=0)
    requires_funding = models.BooleanField(default=False)

    # Dates.
    application_deadline = models.DateField(null=True, blank=True)
    draft_due = models.DateField(null=True, blank=True)
    posting_starts = models.DateField(null=True, blank=True)
    posting_ends = models.DateField(null=True, blank=True)
    pay_by_days = models.PositiveIntegerField(default=14)  # creators paid within N days of approval
    # Review: a draft or post left undecided this many days is approved automatically, so
    # creators are never left waiting (None: never).
    auto_approve_days = models.PositiveSmallIntegerField(null=True, blank=True)

    # Targeting (empty lists = any).
    min_followers = models.PositiveIntegerField(default=1000)
    max_followers = models.PositiveIntegerField(default=100000)
    niches = models.JSONField(default=list, blank=True)  # core.taxonomy.Niche values
    countries = models.JSONField(default=list, blank=True)  # ISO 3166-1 alpha-2
    min_engagement_bp = models.PositiveIntegerField(default=0)  # basis points, 0 = any
    max_creators = models.PositiveIntegerField(default=10)

    # Attribution: settings in effect when an order is recorded (credits already recorded keep
    # the settings of their day). ``attribution_model`` is the credit model the campaign's
    # dashboard shows first; every model's credits are always recorded.
    attribution_window_days = models.PositiveSmallIntegerField(
        default=ATTRIBUTION_WINDOW_DEFAULT_DAYS
    )
    attribution_half_life_days = models.PositiveSmallIntegerField(default=HALF_LIFE_DEFAULT_DAYS)
    attribution_model = models.CharField(
        max_length=10, choices=CreditModel.choices, default=CreditModel.LAST_TOUCH
    )

    visibility = models.CharField(
        max_length=12, choices=Visibility.choices, default=Visibility.OPEN
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    brand_path: ClassVar[str | None] = "brand"
    objects: ClassVar[Any] = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at",)
        indexes = [
            models.Index(
                fields=("organization", "status", "-created_at"), name="campaign_org_status"
            ),
            models.Index(
                fields=("organization", "brand", "-created_at"), name="campaign_org_brand"
            ),
            models.Index(
                fields=("status", "visibility", "application_deadline"), name="campaign_marketplace"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(budget_cents__gte=0), name="campaign_budget_nonneg"),
            models.CheckConstraint(
                condition=Q(committed_cents__gte=0), name="campaign_committed_nonneg"
            ),
            models.CheckConstraint(condition=Q(funded_cents__gte=0), name="campaign_funded_nonneg"),
            models.CheckConstraint(
                condition=Q(committed_cents__lte=F("budget_cents")),
                name="campaign_committed_within_budget",
            ),
            models.CheckConstraint(
                condition=Q(min_followers__lte=F("max_followers")), name="campaign_follower_range"
            ),
            models.CheckConstraint(
                condition=Q(max_creators__gte=1), name="campaign_max_creators_pos"
            ),
            models.CheckConstraint(
                condition=Q(bonus_per_1k_views_cents__gte=0)
                & Q(bonus_cap_per_post_cents__gte=0)
                & Q(commission_per_conversion_cents__gte=0),
                name="campaign_rates_nonneg",
            ),
            models.CheckConstraint(
                condition=Q(usage_rights="paid") | Q(paid_usage_months=0),
                name="campaign_organic_no_paid_months",
            ),
            models.CheckConstraint(
                condition=Q(auto_approve_days__isnull=True)
                | Q(auto_approve_days__gte=1, auto_approve_days__lte=60),
                name="campaign_auto_approve_days_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    attribution_window_days__gte=ATTRIBUTION_WINDOW_MIN_DAYS,
                    attribution_window_days__lte=ATTRIBUTION_WINDOW_MAX_DAYS,
                    attribution_half_life_days__gte=HALF_LIFE_MIN_DAYS,
                    attribution_half_life_days__lte=HALF_LIFE_MAX_DAYS,
                )
                & Q(attribution_half_life_days__lte=F("attribution_window_days")),
                name="campaign_attribution_ranges",
            ),
            models.CheckConstraint(
                condition=Q(attribution_model__in=["last_touch", "linear", "time_decay"]),
                name="campaign_attribution_model_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "recruiting", "active", "completed", "archived"]),
                name="campaign_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=["open", "invite_only"]),
                name="campaign_visibility_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    # -- derived values ---------------------------------------------------------------------

    @property
    def per_creator_fee_cents(self) -> int:
        """What one creator costs in fixed fees: sum(quantity * fee_cents) over deliverables.

        Reads ``self.deliverables.all()``: prefetch ``deliverables`` on lists (the selectors do),
        otherwise this runs one query per campaign.
        """
        return sum(d.quantity * d.fee_cents for d in self.deliverables.all())

    @property
    def platforms(self) -> list[str]:
        """Sorted distinct platforms of the deliverables (prefetch ``deliverables`` on lists)."""
        return sorted({d.platform for d in self.deliverables.all()})

    @property
    def remaining_cents(self) -> int:
        return self.budget_cents - self.committed_cents

    @property
    def is_fully_funded(self) -> bool:
        """The brand has paid the whole budget in: creators see "funded"."""
        return self.budget_cents > 0 and self.funded_cents >= self.budget_cents

    @property
    def funding_blocks_publishing(self) -> bool:
        return self.requires_funding and not self.is_fully_funded

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RECRUITING, self.Status.ACTIVE)


# Which formats each platform accepts (validated in services and forms).
PLATFORM_FORMATS: dict[str, tuple[str, ...]] = {
    Platform.TIKTOK: ("video", "photo", "carousel", "story"),
    Platform.INSTAGRAM: ("reel", "story", "photo", "carousel"),
    Platform.YOUTUBE: ("video", "short"),
}


class Deliverable(PublicIdModel):
    public_id_prefix = "dlv"

    class Format(models.TextChoices):
        VIDEO = "video", "Video"
        REEL = "reel", "Reel"
        SHORT = "short", "Short"
        STORY = "story", "Story"
        PHOTO = "photo", "Photo post"
        CAROUSEL = "carousel", "Carousel"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deliverables")
    platform = models.CharField(max_length=12, choices=Platform.choices)
    format = models.CharField(max_length=10, choices=Format.choices)
    quantity = models.PositiveIntegerField(default=1)  # posts per creator
    fee_cents = models.BigIntegerField()  # fixed fee per approved post
    notes = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    brand_path: ClassVar[str | None] = "campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ("position", "id")
        indexes = [
            models.Index(fields=("organization", "campaign"), name="deliverable_org_campaign")
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="deliverable_quantity_pos"),
            models.CheckConstraint(condition=Q(fee_cents__gt=0), name="deliverable_fee_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.get_platform_display()} {self.get_format_display()}"

    @property
    def total_cents(self) -> int:
        return self.quantity * self.fee_cents


# Brief assets: product shots, logos, guidelines, example videos (checked by core.files).
BRIEF_ASSET = files.UploadKind(
    "brief-asset",
    {
        "image/jpeg": files.JPEG,
        "image/png": files.PNG,
        "image/webp": files.WEBP,
        "image/gif": (files.GIF87, files.GIF89),
        "application/pdf": files.PDF,
        "video/mp4": files.MP4,
        "video/quicktime": files.QUICKTIME,
    },
    max_bytes=25 * files.MB,
    label="JPEG, PNG, WebP, GIF, PDF, MP4 or MOV",
    default_name="asset",
)


class CampaignAsset(PublicIdModel):
    """A file attached to a campaign's brief (product shots, logo, guidelines PDF, example video).

    The type is sniffed from the bytes at upload (``campaigns.services.campaign_asset_add``); the
    file is stored under a key the server chose (``core.files``) and fetched only through
    ``url`` (the authorizing view). ``name`` is the original file name, sanitised: data only.
    """

    public_id_prefix = "cas"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="assets")
    file = models.FileField(upload_to="campaigns/assets/%Y/%m/", max_length=255)
    name = models.CharField(max_length=150)
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    brand_path: ClassVar[str | None] = "campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ("created_at", "id")
        indexes = [
            models.Index(fields=("organization", "campaign"), name="campaignasset_org_campaign")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def url(self) -> str:
        """Where members and creators who may see the campaign fetch it (authorized)."""
        return files.file_url(BRIEF_ASSET, self.public_id)

    @property
    def kind(self) -> str:
        """A short label for the type: 'PDF', 'PNG', 'MP4'..."""
        return ASSET_TYPE_LABELS.get(self.content_type, self.content_type)


ASSET_TYPE_LABELS: dict[str, str] = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WebP",
    "image/gif": "GIF",
    "application/pdf": "PDF",
    "video/mp4": "MP4",
    "video/quicktime": "MOV",
}
