"""Creators are global users, not tenant members.

``CreatorProfile`` carries denormalised search columns (``total_followers``,
``best_engagement_bp``, ``has_verified_account``) that ``creators.services`` recomputes
whenever a social account changes (``creator_stats_recompute``). They count VERIFIED
accounts only: an unverified account may be someone else's, so brands never see its
numbers as the creator's reach.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core import files
from core.models import PublicIdModel
from core.taxonomy import Niche
from platforms.types import Platform

PHOTO_MAX_BYTES = 5 * 1024 * 1024
# Profile photos: stored as creators/creator-photo/<opaque>.<ext> (core.files), served to the
# creator and to organization members (who can find any creator in search), never publicly.
CREATOR_PHOTO = files.UploadKind(
    "creator-photo",
    {"image/jpeg": files.JPEG, "image/png": files.PNG, "image/webp": files.WEBP},
    max_bytes=PHOTO_MAX_BYTES,
    label="JPEG, PNG or WebP",
    field="photo",
    default_name="photo",
)


class CreatorProfile(PublicIdModel):
    public_id_prefix = "cre"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="creator_profile"
    )
    display_name = models.CharField(max_length=80)
    bio = models.TextField(blank=True, max_length=1000)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    photo = models.FileField(upload_to="creators/photos/", blank=True, max_length=200)
    languages = models.JSONField(default=list, blank=True)  # core.taxonomy.LANGUAGES codes
    updated_at = models.DateTimeField(auto_now=True)

    # Search columns kept by creators.services.creator_stats_recompute (verified accounts only).
    total_followers = models.PositiveBigIntegerField(default=0)
    best_engagement_bp = models.PositiveIntegerField(default=0)
    has_verified_account = models.BooleanField(default=False)

    class Meta:
        ordering = ("display_name",)
        indexes = [
            models.Index(
                fields=("has_verified_account", "total_followers"),
                name="creator_verified_followers",
            ),
            models.Index(
                fields=("has_verified_account", "best_engagement_bp"),
                name="creator_verified_engagement",
            ),
            models.Index(fields=("country", "total_followers"), name="creator_country_followers"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def owns(self, obj: object) -> bool:
        """``obj`` is one of this creator's rows (application, account, slot, …): for
        ``core.ownership.require_owns``."""
        return self.pk is not None and getattr(obj, "creator_id", None) == self.pk

    @property
    def photo_url(self) -> str:
        """The photo through the authorizing view ('' without one); the version busts caches."""
        if not self.photo:
            return ""
        stem = (self.photo.name or "").rsplit("/", 1)[-1].split(".", 1)[0]
        return files.file_url(CREATOR_PHOTO, self.public_id, version=stem[:10])

    @property
    def niches(self) -> list[str]:
        """Niche values, sorted (reads ``niche_links``: prefetch it on lists)."""
        return sorted(link.niche for link in self.niche_links.all())


class CreatorNiche(models.Model):
    """One niche of a creator: a table (not JSON) so discovery filters by niche on an index."""

    creator = models.ForeignKey(
        CreatorProfile, on_delete=models.CASCADE, related_name="niche_links"
    )
    niche = models.CharField(max_length=20, choices=Niche.choices)

    class Meta:
        ordering = ("niche",)
        constraints = [
            models.UniqueConstraint(fields=("creator", "niche"), name="creator_niche_unique"),
        ]
        indexes = [models.Index(fields=("niche", "creator"), name="creator_niche_by_niche")]

    def __str__(self) -> str:
        return f"{self.creator_id}:{self.niche}"


class PortfolioItem(PublicIdModel):
    """A link to work the creator is proud of (a post, a video, a page)."""

    public_id_prefix = "prt"

    creator = models.ForeignKey(CreatorProfile, on_delete=models.CASCADE, related_name="portfolio")
    url = models.URLField(max_length=500)
    title = models.CharField(max_length=120, blank=True)
    platform = models.CharField(max_length=12, choices=Platform.choices, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "id")
        indexes = [models.Index(fields=("creator", "position"), name="portfolio_creator_position")]

    def __str__(self) -> str:
        return self.title or self.url


class SocialAccount(PublicIdModel):
    public_id_prefix = "soc"

    class VerificationMethod(models.TextChoices):
        OAUTH = "oauth", "Connected account"
        BIO_CODE = "bio_code", "Code in bio"

    creator = models.ForeignKey(
        CreatorProfile, on_delete=models.CASCADE, related_name="social_accounts"
    )
    platform = models.CharField(max_length=12, choices=Platform.choices)
    handle = models.CharField(max_length=64)  # normalised: lower-case, no "@"
    profile_url = models.URLField(max_length=500, blank=True)
    external_id = models.CharField(max_length=128, blank=True)
    display_name = models.CharField(max_length=150, blank=True)
    follower_count = models.PositiveBigIntegerField(default=0)
    average_views = models.PositiveBigIntegerField(default=0)
    engagement_rate_bp = models.PositiveIntegerField(default=0)  # basis points: 345 = 3.45 %
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    last_refresh_error = models.CharField(max_length=300, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verification_method = models.CharField(
        max_length=10, choices=VerificationMethod.choices, blank=True
    )
    verification_code = models.CharField(max_length=20, blank=True)
    # When the creator was told this account must be connected again (its token was refused
    # for metric pulls). Set once by a conditional UPDATE, so one notice per account however
    # many posts or pulls fail; cleared when the account is connected again.
    reconnect_notified_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("created_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("creator", "platform", "handle"), name="social_account_unique_per_creator"
            ),
            models.UniqueConstraint(
                fields=("platform", "handle"),
                condition=Q(verified_at__isnull=False),
                name="social_account_verified_once",
            ),
            models.CheckConstraint(
                condition=Q(platform__in=["tiktok", "instagram", "youtube"]),
                name="social_account_platform_valid",
            ),
            models.CheckConstraint(
                condition=Q(verification_method__in=["", "oauth", "bio_code"]),
                name="social_account_method_valid",
            ),
            models.CheckConstraint(
                condition=Q(verified_at__isnull=True) | ~Q(verification_method=""),
                name="social_account_verified_has_method",
            ),
        ]
        indexes = [
            models.Index(fields=("platform", "follower_count"), name="social_platform_followers"),
            models.Index(
                fields=("platform", "engagement_rate_bp"), name="social_platform_engagement"
            ),
            models.Index(fields=("platform", "handle"), name="social_platform_handle"),
            models.Index(fields=("last_refreshed_at",), name="social_last_refreshed"),
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} @{self.handle}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def engagement_percent(self) -> str:
        """'3.45' for 345 basis points (integer arithmetic, for display)."""
        whole, frac = divmod(self.engagement_rate_bp, 100)
        return f"{whole}.{frac:02d}"
