"""Daily rollups of performance, per post, creator (participation), campaign and brand.

Integer sums only; ratios (engagement rate, CPM, CPE, CPA, ROAS) are computed when read
(``analytics.rollups_selectors``). Days are UTC dates. Rows are written by
``analytics.rollups.rollup_run`` (INSERT … ON CONFLICT DO UPDATE), never by hand: each level is
a pure function of the level below it (posts of snapshots; creators of posts, clicks,
conversions and ledger spend; campaigns of creators; brands of campaigns), so recomputing a
row twice gives the same row and a full rebuild gives the same numbers as incremental runs.
"""

from typing import Any, ClassVar

from django.db import models

from campaigns.models import Campaign
from organizations.models import Brand, Organization, OrgScopedQuerySet
from recruitment.models import Participation


class _Sums(models.Model):
    views = models.BigIntegerField(default=0)
    engagements = models.BigIntegerField(default=0)  # likes + comments + shares + saves

    class Meta:
        abstract = True


class _Outcomes(_Sums):
    clicks = models.BigIntegerField(default=0)
    conversions = models.BigIntegerField(default=0)
    revenue_cents = models.BigIntegerField(default=0)  # net of refunds
    spend_cents = models.BigIntegerField(default=0)  # accrued to creators (ledger)

    class Meta:
        abstract = True


class PostDay(_Sums):
    """A live post's day: ``*_end`` is the latest snapshot's cumulative gauge that day (None:
    no figure); the deltas are end minus the latest earlier figure (the first day: all of it)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    participation = models.ForeignKey(Participation, on_delete=models.CASCADE, related_name="+")
    live_post = models.ForeignKey(
        "submissions.LivePost", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    views_end = models.BigIntegerField(null=True)
    likes_end = models.BigIntegerField(null=True)
    comments_end = models.BigIntegerField(null=True)
    shares_end = models.BigIntegerField(null=True)
    saves_end = models.BigIntegerField(null=True)
    likes = models.BigIntegerField(default=0)
    comments = models.BigIntegerField(default=0)
    shares = models.BigIntegerField(default=0)
    saves = models.BigIntegerField(default=0)

    brand_path: ClassVar[str | None] = "campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("organization", "live_post", "day"), name="postday_unique"
            ),
        ]
        indexes = [
            models.Index(fields=("organization", "participation", "day"), name="postday_creator"),
            models.Index(fields=("organization", "campaign", "day"), name="postday_campaign"),
        ]

    def __str__(self) -> str:
        return f"post {self.live_post_id} on {self.day}"


class CreatorDay(_Outcomes):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    participation = models.ForeignKey(Participation, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    brand_path: ClassVar[str | None] = "campaign__brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("organization", "participation", "day"), name="creatorday_unique"
            ),
        ]
        indexes = [
            models.Index(fields=("organization", "campaign", "day"), name="creatorday_campaign"),
        ]

    def __str__(self) -> str:
        return f"participation {self.participation_id} on {self.day}"


class CampaignDay(_Outcomes):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    currency = models.CharField(max_length=3)
    day = models.DateField()

    brand_path: ClassVar[str | None] = "brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("organization", "campaign", "day"), name="campaignday_unique"
            ),
        ]
        indexes = [
            models.Index(fields=("organization", "brand", "day"), name="campaignday_brand"),
        ]

    def __str__(self) -> str:
        return f"campaign {self.campaign_id} on {self.day}"


class BrandDay(_Outcomes):
    """A brand's day per currency (its campaigns may be priced in several)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    currency = models.CharField(max_length=3)
    day = models.DateField()

    brand_path: ClassVar[str | None] = "brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("organization", "brand", "currency", "day"), name="brandday_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"brand {self.brand_id} {self.currency} on {self.day}"


class RollupState(models.Model):
    """Where the incremental rollup stands: the last id read from each source table.

    One row (``name="daily"``). A run holds its row lock for the whole run, so two workers
    never roll up at once (the second skips), and the watermarks move in the same transaction
    as the rows they account for. Not tenant data: it spans every organization.
    """

    name = models.CharField(max_length=20, primary_key=True)
    snapshot_id = models.BigIntegerField(default=0)
    click_id = models.BigIntegerField(default=0)
    conversion_id = models.BigIntegerField(default=0)
    refund_id = models.BigIntegerField(default=0)
    entry_id = models.BigIntegerField(default=0)
    # The oldest transaction (xid8) still in flight when the last run took its watermarks; a
    # row below a watermark that this run did not see can only come from it or a later one.
    # 0: unknown, so the next run re-reads the last OVERLAP ids in full.
    snapshot_xmin = models.BigIntegerField(default=0)
    ran_at = models.DateTimeField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)

    brand_path: ClassVar[str | None] = None

    def __str__(self) -> str:
        return f"rollup {self.name}"
