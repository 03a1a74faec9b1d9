"""The daily rollups computed in Python over the ORM, for databases without PostgreSQL's SQL
(SQLite: the embedded default, where a newcomer's dashboard must still move).

Same rules as :mod:`analytics.rollups` (latest snapshot of a UTC day minus the latest earlier
figure; clicks, net revenue and spend by day; each level the sum of the one below), computed as
a full rebuild every run: the embedded default holds a demo's worth of rows, so rebuilding costs
milliseconds there, and a rebuild cannot drift. ``tests/analytics/test_rollup_portable.py``
checks it row for row against the SQL rebuild on PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from django.db import transaction

from analytics.models import Click, Conversion, PostMetricSnapshot
from analytics.rollups_models import BrandDay, CampaignDay, CreatorDay, PostDay
from campaigns.models import Campaign
from ledger.models import Entry
from recruitment.models import Participation

METRICS = ("views", "likes", "comments", "shares", "saves")
SPEND_KINDS = ("accrue", "bonus", "commission", "refund")
SUMS = ("views", "engagements", "clicks", "conversions", "revenue_cents", "spend_cents")


def _day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def _post_days() -> list[PostDay]:
    """One row per post and day with snapshots: end gauges of the day's latest snapshot."""
    latest: dict[tuple[int, date], PostMetricSnapshot] = {}
    for snap in PostMetricSnapshot.objects.order_by("live_post_id", "retrieved_at", "id"):
        latest[(snap.live_post_id, _day(snap.retrieved_at))] = snap  # later ones win
    rows: list[PostDay] = []
    previous: dict[int, dict[str, int | None]] = {}  # post → latest earlier non-null figure
    for (post_id, day), snap in sorted(latest.items()):
        before = previous.setdefault(post_id, dict.fromkeys(METRICS))
        deltas: dict[str, int] = {}
        for metric in METRICS:
            end = getattr(snap, metric)
            deltas[metric] = 0 if end is None else end - (before[metric] or 0)
            if end is not None:
                before[metric] = end
        rows.append(
            PostDay(
                organization_id=snap.organization_id,
                campaign_id=snap.campaign_id,
                participation_id=snap.participation_id,
                live_post_id=post_id,
                day=day,
                **{f"{m}_end": getattr(snap, m) for m in METRICS},
                **deltas,
                engagements=sum(deltas[m] for m in METRICS if m != "views"),
            )
        )
    return rows


def _creator_days(post_days: Iterable[PostDay]) -> list[CreatorDay]:
    sums: dict[tuple[int, date], dict[str, int]] = defaultdict(lambda: dict.fromkeys(SUMS, 0))
    for row in post_days:
        key = (row.participation_id, row.day)
        sums[key]["views"] += row.views
        sums[key]["engagements"] += row.engagements
    for participation_id, created_at in Click.objects.values_list("participation_id", "created_at"):
        sums[(participation_id, _day(created_at))]["clicks"] += 1
    participations = {
        p.pk: p for p in Participation.objects.only("organization_id", "campaign_id", "creator_id")
    }
    for conversion in Conversion.objects.filter(participation__isnull=False).only(
        "participation_id", "campaign_id", "occurred_at", "revenue_cents", "refunded_cents"
    ):
        owner = participations.get(conversion.participation_id or 0)
        if owner is None:
            continue
        # The day is touched (a row, maybe of zeros) even when the order names another
        # campaign, as in the SQL rebuild; only a matching order counts.
        figures = sums[(owner.pk, _day(conversion.occurred_at))]
        if owner.campaign_id != conversion.campaign_id:
            continue
        figures["conversions"] += 1
        figures["revenue_cents"] += conversion.revenue_cents - conversion.refunded_cents
    by_account = {(p.campaign_id, p.creator_id): p.pk for p in participations.values()}
    for campaign_id, creator_id, amount, created_at in Entry.objects.filter(
        account__kind="payable", transaction__kind__in=SPEND_KINDS
    ).values_list(
        "account__campaign_id", "account__creator_id", "amount_cents", "transaction__created_at"
    ):
        spender = by_account.get((campaign_id, creator_id))
        if spender is not None:
            sums[(spender, _day(created_at))]["spend_cents"] += amount
    return [
        CreatorDay(
            organization_id=participations[pid].organization_id,
            campaign_id=participations[pid].campaign_id,
            participation_id=pid,
            day=day,
            **figures,
        )
        for (pid, day), figures in sums.items()
        if pid in participations
    ]


def _add(target: dict[str, int], row: Any) -> None:
    for column in SUMS:
        target[column] += getattr(row, column)


def _campaign_and_brand_days(
    creator_days: Iterable[CreatorDay],
) -> tuple[list[CampaignDay], list[BrandDay]]:
    by_campaign: dict[tuple[int, date], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(SUMS, 0)
    )
    for row in creator_days:
        _add(by_campaign[(row.campaign_id, row.day)], row)
    campaigns = Campaign.objects.in_bulk({campaign_id for campaign_id, _ in by_campaign})
    campaign_rows = [
        CampaignDay(
            organization_id=campaigns[cid].organization_id,
            brand_id=campaigns[cid].brand_id,
            campaign_id=cid,
            currency=campaigns[cid].currency,
            day=day,
            **figures,
        )
        for (cid, day), figures in by_campaign.items()
    ]
    by_brand: dict[tuple[int, int, str, date], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(SUMS, 0)
    )
    for campaign_row in campaign_rows:
        key = (
            campaign_row.organization_id,
            campaign_row.brand_id,
            campaign_row.currency,
            campaign_row.day,
        )
        _add(by_brand[key], campaign_row)
    brand_rows = [
        BrandDay(organization_id=org, brand_id=brand, currency=currency, day=day, **figures)
        for (org, brand, currency, day), figures in by_brand.items()
    ]
    return campaign_rows, brand_rows


def rollup_rebuild_portable() -> tuple[int, int, int, int]:
    """Replace every rollup row with one computed from the raw rows. Returns the row counts
    (posts, creators, campaigns, brands)."""
    with transaction.atomic():
        post_days = _post_days()
        creator_days = _creator_days(post_days)
        campaign_days, brand_days = _campaign_and_brand_days(creator_days)
        for model in (BrandDay, CampaignDay, CreatorDay, PostDay):
            model.objects.all().delete()
        PostDay.objects.bulk_create(post_days, batch_size=500)
        CreatorDay.objects.bulk_create(creator_days, batch_size=500)
        CampaignDay.objects.bulk_create(campaign_days, batch_size=500)
        BrandDay.objects.bulk_create(brand_days, batch_size=500)
    return len(post_days), len(creator_days), len(campaign_days), len(brand_days)
