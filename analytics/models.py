"""Tracking-link clicks: append-only time series, one row per counted click."""

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from campaigns.models import Campaign
from core.ids import new_public_id
from core.models import PublicIdModel
from organizations.models import Organization, OrgScopedQuerySet
from recruitment.models import Participation


class Click(models.Model):
    """A visit through a creator's tracking link. Never updated; counts are sums over rows.

    Shaped to be range-partitioned by month later: no foreign key points at it, and every
    query carries organization and created_at. Rows come in batches from the click buffer
    (``analytics.services.clicks_flush``): ``click_id`` and ``created_at`` are set when the
    visitor clicks, so a batch written twice inserts nothing the second time.
    """

    # No index of its own: every composite index below (and the unique key) leads with it, and
    # one more index on this append-only table costs every click batch (bench/conversions).
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="clicks"
    )
    click_id = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    # A keyed hash of the visitor's address, never the address itself: enough to tell unique
    # visitors apart and to count a flood from one address once.
    visitor_hash = models.CharField(max_length=64)
    referrer_host = models.CharField(max_length=255, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    brand_path: ClassVar[str | None] = "participation__campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        indexes = [
            # (organization, created_at) is served by the unique constraint's index below.
            models.Index(
                fields=("organization", "participation", "created_at"),
                name="click_org_participation_time",
            ),
            # Attribution reads a buyer's clicks by visitor hash within a window: a probe per
            # hash, not a scan of the organization's clicks in the window (bench/conversions).
            models.Index(
                fields=("organization", "visitor_hash", "created_at"),
                name="click_org_visitor_time",
            ),
        ]
        constraints = [
            # With created_at: a unique key of a table partitioned by month must hold it.
            models.UniqueConstraint(
                fields=("organization", "created_at", "click_id"), name="click_unique_id"
            ),
        ]

    def __str__(self) -> str:
        return f"click on {self.participation_id} at {self.created_at:%Y-%m-%d %H:%M}"


# Platform metrics ------------------------------------------------------------------------


class PostMetricSnapshot(models.Model):
    """A live post's counts as its platform reported them at ``retrieved_at``. Append-only.

    Counts are cumulative gauges (views so far), so a snapshot taken twice never counts
    anything twice: rollups take the latest snapshot per post and day. ``None`` means the
    platform gave no figure, never 0. Shaped like Click for monthly range partitions: no
    foreign key points at it and every query carries organization and retrieved_at. On
    PostgreSQL a BRIN index covers time (rows arrive in time order; migration 0004 makes it,
    as SQLite, the embedded default, has no BRIN).
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    live_post = models.ForeignKey(
        "submissions.LivePost", on_delete=models.CASCADE, related_name="metric_snapshots"
    )
    # Copied from the post so rollups group without joins.
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    participation = models.ForeignKey(Participation, on_delete=models.CASCADE, related_name="+")
    platform = models.CharField(max_length=12)
    retrieved_at = models.DateTimeField()
    views = models.BigIntegerField(null=True)
    likes = models.BigIntegerField(null=True)
    comments = models.BigIntegerField(null=True)
    shares = models.BigIntegerField(null=True)
    saves = models.BigIntegerField(null=True)
    extra = models.JSONField(default=dict, blank=True)  # platform-specific ints (reach, …)

    brand_path: ClassVar[str | None] = "campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(
                fields=("organization", "live_post", "retrieved_at"), name="snapshot_org_post_time"
            ),
        ]
        constraints = [
            # A redelivered pull writes the same (post, retrieved_at) again: inserted once.
            models.UniqueConstraint(
                fields=("organization", "retrieved_at", "live_post"), name="snapshot_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"metrics of post {self.live_post_id} at {self.retrieved_at:%Y-%m-%d %H:%M}"


class PostMetrics(models.Model):
    """Each tracked post's latest figures and where its pulls stand (one row per live post).

    ``status`` separates a permanent answer (the post is gone or private: not pulled again)
    from a temporary one (the platform failed: retried at ``next_pull_at``).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the first figures"
        OK = "ok", "Up to date"
        RETRYING = "retrying", "Platform unavailable, retrying"
        # The creator's token was refused even after a refresh: still retried (slowly), so
        # figures resume by themselves once the creator connects the account again.
        RECONNECT = "reconnect", "Creator must reconnect the account"
        UNAVAILABLE = "unavailable", "Post deleted or private"
        ENDED = "ended", "No longer tracked"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    live_post = models.OneToOneField(
        "submissions.LivePost", on_delete=models.CASCADE, related_name="metrics"
    )
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    participation = models.ForeignKey(Participation, on_delete=models.CASCADE, related_name="+")
    platform = models.CharField(max_length=12)
    views = models.BigIntegerField(null=True)
    likes = models.BigIntegerField(null=True)
    comments = models.BigIntegerField(null=True)
    shares = models.BigIntegerField(null=True)
    saves = models.BigIntegerField(null=True)
    retrieved_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    status_reason = models.CharField(max_length=300, blank=True)
    next_pull_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveSmallIntegerField(default=0)
    # Worker lease, so two workers never pull the same post at once.
    leased_until = models.DateTimeField(null=True, blank=True)
    # Which claim holds the lease: only the task given this token pulls the row (a redelivered
    # or duplicated task finds it taken and does nothing).
    lease_token = models.UUIDField(null=True, blank=True)
    # Views the view bonus has been computed up to (payouts.bonuses): rows with more are due.
    bonus_views = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    brand_path: ClassVar[str | None] = "campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(
                fields=("next_pull_at",),
                name="post_metrics_due",
                condition=models.Q(status__in=("pending", "ok", "retrying", "reconnect")),
            ),
            models.Index(fields=("organization", "campaign"), name="post_metrics_campaign"),
        ]

    def __str__(self) -> str:
        return f"latest metrics of post {self.live_post_id}"


# Conversions -----------------------------------------------------------------------------


class Conversion(models.Model):
    """An order from a brand's store, attributed (or not) to a creator. Never deleted.

    Idempotent by ``(organization, source, order_id)``: a webhook delivered twice records one
    order. ``participation`` is the credited creator (promo code first, then the tracking
    reference within the window); a refund lowers ``refunded_cents`` through ConversionRefund.
    Money is integer cents in the order's currency.
    """

    class Source(models.TextChoices):
        SHOPIFY = "shopify", "Shopify"
        API = "api", "Conversion API"

    class Method(models.TextChoices):
        PROMO_CODE = "promo_code", "Promo code"
        TRACKING_REF = "tracking_ref", "Tracking link"
        NONE = "none", "Not attributed"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    # Opaque id for URLs and the API (added in 0007; the database integer is never shown).
    public_id = models.CharField(max_length=32, unique=True, editable=False)
    source = models.CharField(max_length=8, choices=Source.choices)
    order_id = models.CharField(max_length=64)
    occurred_at = models.DateTimeField()
    currency = models.CharField(max_length=3)
    revenue_cents = models.BigIntegerField()
    refunded_cents = models.BigIntegerField(default=0)
    # A keyed hash of the customer (e-mail or store customer id), never the value itself.
    customer_hash = models.CharField(max_length=64, blank=True)
    visitor_hash = models.CharField(max_length=64, blank=True)  # as Click.visitor_hash
    promo_code = models.CharField(max_length=64, blank=True)
    tracking_code = models.CharField(max_length=32, blank=True)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    method = models.CharField(max_length=12, choices=Method.choices, default=Method.NONE)
    # How many distinct creators' links the customer clicked within the window before buying.
    creators_exposed = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    brand_path: ClassVar[str | None] = "campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("organization", "source", "order_id"), name="conversion_unique_order"
            ),
            models.CheckConstraint(
                condition=models.Q(revenue_cents__gte=0)
                & models.Q(refunded_cents__gte=0)
                & models.Q(refunded_cents__lte=models.F("revenue_cents")),
                name="conversion_amounts_valid",
            ),
        ]
        indexes = [
            models.Index(fields=("organization", "campaign", "occurred_at"), name="conv_campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.source} order {self.order_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.public_id:
            self.public_id = new_public_id("conv")
        super().save(*args, **kwargs)


class ConversionRefund(models.Model):
    """A refund of (part of) an order, recorded once by ``(conversion, refund_id)``."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    conversion = models.ForeignKey(Conversion, on_delete=models.CASCADE, related_name="refunds")
    refund_id = models.CharField(max_length=64)
    amount_cents = models.BigIntegerField()
    occurred_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    brand_path: ClassVar[str | None] = "conversion__campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("organization", "conversion", "refund_id"), name="refund_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(amount_cents__gte=0), name="refund_amount_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"refund {self.refund_id} of {self.conversion_id}"


class ConversionCredit(models.Model):
    """One creator's share of a conversion under one credit model.

    Last touch gives one row with the whole order; linear and time-decay spread it over every
    creator whose link the customer clicked within the window. ``weight_ppm`` (parts per
    million) sums to 1,000,000 per conversion and model; ``revenue_cents`` shares are integers
    whose sum is the order's revenue (largest remainder).
    """

    class Model(models.TextChoices):
        LAST_TOUCH = "last_touch", "Last touch"
        LINEAR = "linear", "Linear"
        TIME_DECAY = "time_decay", "Time decay"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    conversion = models.ForeignKey(Conversion, on_delete=models.CASCADE, related_name="credits")
    model = models.CharField(max_length=10, choices=Model.choices)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    participation = models.ForeignKey(Participation, on_delete=models.CASCADE, related_name="+")
    weight_ppm = models.PositiveIntegerField()
    revenue_cents = models.BigIntegerField()
    occurred_at = models.DateTimeField()  # the conversion's, for rollups by day

    brand_path: ClassVar[str | None] = "campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("organization", "conversion", "model", "participation"),
                name="credit_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=("organization", "campaign", "occurred_at"), name="credit_campaign"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model} credit of {self.conversion_id} to {self.participation_id}"


# Store connections (Shopify) --------------------------------------------------------------


class StoreConnection(PublicIdModel):
    """A brand's Shopify store: webhooks from ``shop_domain`` are checked with its secret.

    The secret (the Shopify app's client secret, or the signing key shown in the store's
    notification settings) is stored encrypted (``analytics.conversions_stores``) and never
    shown again after it is entered; ``secret_hint`` keeps its last characters to recognise it.
    """

    public_id_prefix = "store"

    class Platform(models.TextChoices):
        SHOPIFY = "shopify", "Shopify"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    brand = models.ForeignKey("organizations.Brand", on_delete=models.CASCADE, related_name="+")
    platform = models.CharField(max_length=10, choices=Platform.choices, default="shopify")
    shop_domain = models.CharField(max_length=255, unique=True)
    secret_encrypted = models.TextField()
    secret_hint = models.CharField(max_length=8)
    # After a rotation Shopify may sign with the old secret for up to an hour: both are accepted
    # until ``secret_rotated_at`` + SHOPIFY_SECRET_GRACE_SECONDS.
    previous_secret_encrypted = models.TextField(blank=True)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    brand_path: ClassVar[str | None] = "brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=("organization", "brand"), name="store_org_brand")]

    def __str__(self) -> str:
        return self.shop_domain


class ShopifyDelivery(models.Model):
    """The inbox: one accepted webhook delivery, by ``X-Shopify-Webhook-Id``.

    The webhook view writes it (signature checked, body kept as received) and answers 200; a
    worker processes it (``analytics.shopify_inbox``) and marks it ``processed``, or ``failed``
    with ``last_error`` once it has given up (shown on the Stores page). A redelivery of the
    same webhook id finds the row and records nothing. ``next_attempt_at`` is when the next try
    is due: a pending row still waiting long after it is found by the sweep (its message was
    lost, or its worker died: the row lock died with it). Rows from before the inbox (0012)
    have no body and are ``processed``.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PROCESSED = "processed", "Processed"
        FAILED = "failed", "Failed"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    store = models.ForeignKey(StoreConnection, on_delete=models.CASCADE, related_name="+")
    # Opaque id for the Stores page (retry button); null only on rows from before 0012.
    public_id = models.CharField(max_length=32, unique=True, null=True, editable=False)
    webhook_id = models.CharField(max_length=100)
    # Shopify's headers, kept for support: the event (one per order, shared by several
    # subscriptions) and when Shopify triggered it (a retry carries the original time).
    event_id = models.CharField(max_length=100, blank=True)
    triggered_at = models.DateTimeField(null=True, blank=True)
    topic = models.CharField(max_length=40)
    body = models.TextField(blank=True)  # the raw JSON body, exactly as signed
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A refund that arrived before its order: the order it waits for (its arrival retries it).
    waiting_for_order = models.CharField(max_length=64, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    brand_path: ClassVar[str | None] = "store__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("organization", "store", "webhook_id"), name="shopify_delivery_unique"
            ),
        ]
        indexes = [
            # The sweep's scan: only the (few) pending rows are indexed.
            models.Index(
                fields=("next_attempt_at",),
                name="shopify_delivery_due",
                condition=models.Q(status="pending"),
            ),
            models.Index(
                fields=("organization", "store", "status", "received_at"),
                name="shopify_delivery_store",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.webhook_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.public_id:
            self.public_id = new_public_id("whd")
        super().save(*args, **kwargs)


# Daily rollups live in their own module (analytics.rollups_models); imported so Django sees them.
from analytics.rollups_models import (  # noqa: E402, F401
    BrandDay,
    CampaignDay,
    CreatorDay,
    PostDay,
    RollupState,
)
