"""Reading the daily rollups: totals, series and leaderboards for dashboards, CSV and the API.

Sums are integers from the rollup tables; every ratio is computed here, when read, as an exact
``Decimal`` (None when its denominator is 0). Callers pass what they got through
``for_access`` (a campaign, the access itself) or the creator's own profile: each selector
adds the tenant and brand limit again through ``for_access``. A campaign's dashboard is a fixed
number of queries whatever its size (``tests/web/test_dashboard_pages.py`` pins it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Min, Sum
from django.db.models.functions import Coalesce, Least, TruncDate

from analytics.models import Conversion
from analytics.rollups_models import BrandDay, CampaignDay, CreatorDay, PostDay
from campaigns.models import Campaign
from creators.models import CreatorProfile
from organizations.access import OrgAccess
from recruitment.models import Participation
from submissions.models import LivePost, ReviewState

SUM_FIELDS = ("views", "engagements", "clicks", "conversions", "revenue_cents", "spend_cents")
LEADERBOARD_SIZE = 10
REACH_BUCKETS = ("1", "2", "3", "4+")


def _ratio(num: int, den: int, *, scale: int = 1, places: str = "0.01") -> Decimal | None:
    if not den:
        return None
    return (Decimal(num * scale) / Decimal(den)).quantize(Decimal(places), ROUND_HALF_UP)


@dataclass(frozen=True)
class Totals:
    views: int = 0
    engagements: int = 0
    clicks: int = 0
    conversions: int = 0
    revenue_cents: int = 0
    spend_cents: int = 0

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Totals:
        return cls(**{f: int(row.get(f) or 0) for f in SUM_FIELDS})

    @property
    def engagement_rate(self) -> Decimal | None:
        """Engagements per 100 views (a percentage)."""
        return _ratio(self.engagements, self.views, scale=100)

    @property
    def cpm_cents(self) -> Decimal | None:
        """Spend per 1,000 views, in cents."""
        return _ratio(self.spend_cents, self.views, scale=1000)

    @property
    def cpe_cents(self) -> Decimal | None:
        return _ratio(self.spend_cents, self.engagements)

    @property
    def cpa_cents(self) -> Decimal | None:
        return _ratio(self.spend_cents, self.conversions)

    @property
    def roas(self) -> Decimal | None:
        """Revenue per unit of spend."""
        return _ratio(self.revenue_cents, self.spend_cents)


def _sums() -> dict[str, Any]:
    return {f: Sum(f) for f in SUM_FIELDS}


@dataclass(frozen=True)
class Day:
    day: date
    totals: Totals


@dataclass(frozen=True)
class CreatorRow:
    participation_public_id: str
    creator_public_id: str
    name: str
    totals: Totals


@dataclass(frozen=True)
class PostRow:
    public_id: str
    url: str
    platform: str
    creator_name: str
    views: int
    engagements: int

    @property
    def engagement_rate(self) -> Decimal | None:
        return _ratio(self.engagements, self.views, scale=100)


@dataclass(frozen=True)
class CumulativePoint:
    day: date
    creators_posting: int
    conversions: int


@dataclass(frozen=True)
class CampaignPerformance:
    campaign: Campaign
    totals: Totals
    days: list[Day]
    cumulative: list[CumulativePoint]
    creators: list[CreatorRow]
    posts: list[PostRow]
    reach: dict[str, int] = field(default_factory=dict)  # customers by creators seen

    @property
    def reach_total(self) -> int:
        return sum(self.reach.values())


def campaign_days(access: OrgAccess, campaign: Campaign) -> list[Day]:
    rows = (
        CampaignDay.objects.for_access(access)
        .filter(campaign=campaign)
        .order_by("day")
        .values("day", *SUM_FIELDS)
    )
    return [Day(day=r["day"], totals=Totals.of(r)) for r in rows]


def campaign_creators(
    access: OrgAccess, campaign: Campaign, *, limit: int | None = LEADERBOARD_SIZE
) -> list[CreatorRow]:
    """Creators by views, most first (then by conversions); all of them with ``limit=None``.

    Two queries: sums grouped by participation id alone (no joins over every day row), then
    the names of the ones shown."""
    qs = (
        CreatorDay.objects.for_access(access)
        .filter(campaign=campaign)
        .values("participation_id")
        .annotate(**_sums())
        .order_by("-views", "-conversions", "participation_id")
    )
    rows = list(qs[:limit] if limit else qs)
    who = {
        p["id"]: p
        for p in Participation.objects.filter(
            organization_id=campaign.organization_id,
            id__in=[r["participation_id"] for r in rows],
        ).values("id", "public_id", "creator__public_id", "creator__display_name")
    }
    return [
        CreatorRow(
            participation_public_id=who[r["participation_id"]]["public_id"],
            creator_public_id=who[r["participation_id"]]["creator__public_id"],
            name=who[r["participation_id"]]["creator__display_name"],
            totals=Totals.of(r),
        )
        for r in rows
    ]


def campaign_posts(
    access: OrgAccess, campaign: Campaign, *, limit: int | None = LEADERBOARD_SIZE
) -> list[PostRow]:
    """Posts by views, most first; two queries as ``campaign_creators``."""
    qs = (
        PostDay.objects.for_access(access)
        .filter(campaign=campaign)
        .values("live_post_id")
        .annotate(views=Sum("views"), engagements=Sum("engagements"))
        .order_by("-views", "live_post_id")
    )
    rows = list(qs[:limit] if limit else qs)
    posts = {
        p["id"]: p
        for p in LivePost.objects.filter(
            organization_id=campaign.organization_id, id__in=[r["live_post_id"] for r in rows]
        ).values("id", "public_id", "url", "platform", "creator__display_name")
    }
    return [
        PostRow(
            public_id=posts[r["live_post_id"]]["public_id"],
            url=posts[r["live_post_id"]]["url"],
            platform=posts[r["live_post_id"]]["platform"],
            creator_name=posts[r["live_post_id"]]["creator__display_name"],
            views=int(r["views"] or 0),
            engagements=int(r["engagements"] or 0),
        )
        for r in rows
    ]


def campaign_reach(access: OrgAccess, campaign: Campaign) -> dict[str, int]:
    """Orders of the campaign by how many of its creators the customer had seen (clicked)
    before buying: 1, 2, 3, 4 or more (orders no creator's link preceded are left out)."""
    rows = (
        Conversion.objects.for_access(access)
        .filter(campaign=campaign, creators_exposed__gt=0)
        .annotate(bucket=Least(F("creators_exposed"), 4))
        .values("bucket")
        .annotate(n=Count("id"))
    )
    out = dict.fromkeys(REACH_BUCKETS, 0)
    for r in rows:
        out[REACH_BUCKETS[int(r["bucket"]) - 1]] = int(r["n"])
    return out


def _first_post_days(access: OrgAccess, campaign: Campaign) -> list[date]:
    """The day each creator's first (not rejected) post went live, one per creator."""
    rows = (
        LivePost.objects.for_access(access)
        .filter(campaign=campaign)
        .exclude(state=ReviewState.REJECTED)
        .values("slot__participation_id")
        .annotate(first=Min(TruncDate(Coalesce("published_at", "created_at"))))
        .values_list("first", flat=True)
    )
    return sorted(d for d in rows if d is not None)


def _cumulative(first_posts: list[date], days: list[Day]) -> list[CumulativePoint]:
    conversions_by_day = {d.day: d.totals.conversions for d in days}
    posting_by_day: dict[date, int] = defaultdict(int)
    for d in first_posts:
        posting_by_day[d] += 1
    points, creators, conversions = [], 0, 0
    for day in sorted(set(conversions_by_day) | set(posting_by_day)):
        creators += posting_by_day.get(day, 0)
        conversions += conversions_by_day.get(day, 0)
        points.append(CumulativePoint(day, creators, conversions))
    return points


def campaign_performance(access: OrgAccess, campaign: Campaign) -> CampaignPerformance:
    """Everything a campaign's dashboard shows, in seven queries."""
    days = campaign_days(access, campaign)
    totals = Totals(
        **{f: sum(getattr(d.totals, f) for d in days) for f in SUM_FIELDS}  # no second query
    )
    return CampaignPerformance(
        campaign=campaign,
        totals=totals,
        days=days,
        cumulative=_cumulative(_first_post_days(access, campaign), days),
        creators=campaign_creators(access, campaign),
        posts=campaign_posts(access, campaign),
        reach=campaign_reach(access, campaign),
    )


def campaigns_totals(access: OrgAccess, campaigns: Iterable[Campaign]) -> dict[int, Totals]:
    """Totals of many campaigns in one query, by campaign pk (campaigns without figures: 0)."""
    ids = [c.pk for c in campaigns]
    rows = (
        CampaignDay.objects.for_access(access)
        .filter(campaign_id__in=ids)
        .values("campaign_id")
        .annotate(**_sums())
    )
    found = {r["campaign_id"]: Totals.of(r) for r in rows}
    return {pk: found.get(pk, Totals()) for pk in ids}


@dataclass(frozen=True)
class CurrencyDays:
    currency: str
    totals: Totals
    days: list[Day]


def brand_days(access: OrgAccess, *, brand_ids: Iterable[int] | None = None) -> list[CurrencyDays]:
    """The organization's (or the given brands') days, summed over brands, per currency."""
    qs = BrandDay.objects.for_access(access)
    if brand_ids is not None:
        qs = qs.filter(brand_id__in=list(brand_ids))
    rows = qs.values("currency", "day").annotate(**_sums()).order_by("currency", "day")
    per: dict[str, list[Day]] = defaultdict(list)
    for r in rows:
        per[r["currency"]].append(Day(day=r["day"], totals=Totals.of(r)))
    return [
        CurrencyDays(
            currency=currency,
            totals=Totals(**{f: sum(getattr(d.totals, f) for d in days) for f in SUM_FIELDS}),
            days=days,
        )
        for currency, days in sorted(per.items())
    ]


# --------------------------------------------------------------------------- creator's own


@dataclass(frozen=True)
class CreatorCampaignStats:
    campaign_public_id: str
    campaign_name: str
    brand_name: str
    totals: Totals


@dataclass(frozen=True)
class CreatorStats:
    totals: Totals
    campaigns: list[CreatorCampaignStats]
    days: list[Day]


def creator_has_campaigns(creator: CreatorProfile) -> bool:
    return Participation.objects.filter(creator=creator).exists()


def creator_stats(creator: CreatorProfile) -> CreatorStats:
    """The creator's own figures across every campaign (their rows only), in two queries.
    Spend is left out: what they earned is on their earnings page."""
    mine = CreatorDay.objects.filter(participation__creator=creator)
    per_campaign = (
        mine.values("campaign__public_id", "campaign__name", "campaign__brand__name")
        .annotate(**_sums())
        .order_by("-views", "campaign__public_id")
    )
    campaigns = [
        CreatorCampaignStats(
            campaign_public_id=r["campaign__public_id"],
            campaign_name=r["campaign__name"],
            brand_name=r["campaign__brand__name"],
            totals=Totals.of(r),
        )
        for r in per_campaign
    ]
    day_rows = mine.values("day").annotate(**_sums()).order_by("day")
    days = [Day(day=r["day"], totals=Totals.of(r)) for r in day_rows]
    totals = Totals(
        **{
            f: sum(getattr(c.totals, f) for c in campaigns)
            for f in SUM_FIELDS
            if f != "spend_cents"
        }
    )
    return CreatorStats(totals=totals, campaigns=campaigns, days=days)
