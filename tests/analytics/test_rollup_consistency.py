"""Daily rollups: incremental runs over random batches give the numbers a full rebuild gives,
and both match figures computed here from the raw rows by the rule (latest snapshot of a day
minus the latest earlier figure; clicks, net revenue and spend by day)."""

from __future__ import annotations

import random
import threading
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection, transaction

from analytics import rollups
from analytics.models import (
    BrandDay,
    CampaignDay,
    Click,
    Conversion,
    ConversionRefund,
    CreatorDay,
    PostDay,
    PostMetricSnapshot,
    RollupState,
)
from ledger.models import Entry, TransactionKind
from ledger.services import bonus_accrue
from submissions.models import LivePost
from tests.factories.campaigns import CampaignFactory
from tests.factories.organizations import BrandFactory, OrganizationFactory
from tests.factories.recruitment import ParticipationFactory
from tests.factories.submissions import LivePostFactory, SubmissionFactory

pytestmark = pytest.mark.django_db(transaction=True)

DAY0 = datetime(2026, 11, 1, tzinfo=UTC)
METRICS = ("views", "likes", "comments", "shares", "saves")


def _world() -> list[LivePost]:
    """Two organizations; the first with two brands; four creators with one or two posts."""
    org = OrganizationFactory()
    campaigns = [
        CampaignFactory(brand=BrandFactory(organization=org)),
        CampaignFactory(brand=BrandFactory(organization=org), currency="EUR"),
        CampaignFactory(),
    ]
    posts = []
    for i, campaign in enumerate([*campaigns, campaigns[0]]):
        participation = ParticipationFactory(campaign=campaign)
        for slot in list(participation.slots.order_by("id"))[: 1 + i % 2]:
            posts.append(LivePostFactory(submission=SubmissionFactory(slot=slot)))
    return posts


def _events(rng: random.Random, posts: list[LivePost]) -> list[tuple[str, dict[str, Any]]]:
    """Snapshots (cumulative, sometimes without a figure), clicks, orders, refunds and bonuses,
    shuffled a little so some arrive after later ones (late pulls)."""
    events: list[tuple[str, dict[str, Any]]] = []
    for post in posts:
        gauges = dict.fromkeys(METRICS, 0)
        at = DAY0 + timedelta(hours=rng.randint(0, 30))
        for _ in range(rng.randint(3, 12)):
            at += timedelta(hours=rng.randint(1, 20))
            for m in METRICS:
                gauges[m] += rng.randint(0, 500 if m == "views" else 40)
            figures: dict[str, int | None] = dict(gauges)
            if rng.random() < 0.15:
                figures[rng.choice(METRICS)] = None
            if rng.random() < 0.1:  # a platform recount: the gauge goes down
                figures["likes"] = max(0, gauges["likes"] - 30)
            events.append(("snapshot", {"post": post, "at": at, **figures}))
        for _ in range(rng.randint(0, 6)):
            at = DAY0 + timedelta(hours=rng.randint(0, 24 * 8))
            events.append(("click", {"post": post, "at": at}))
        for _ in range(rng.randint(0, 3)):
            at = DAY0 + timedelta(hours=rng.randint(0, 24 * 8))
            events.append(("order", {"post": post, "at": at, "revenue": rng.randint(100, 9000)}))
        if rng.random() < 0.7:
            events.append(("bonus", {"post": post, "amount": rng.randint(1, 5000)}))
    rng.shuffle(events)
    orders = [e for e in events if e[0] == "order"]
    for _, order in orders[: len(orders) // 2]:
        events.append(("refund", {"order": order}))
    return events


def _apply(kind: str, e: dict[str, Any]) -> None:
    if kind == "refund":
        conversion = e["order"]["row"]
        amount = conversion.revenue_cents // 3
        ConversionRefund.objects.create(
            organization_id=conversion.organization_id,
            conversion=conversion,
            refund_id=uuid.uuid4().hex,
            amount_cents=amount,
            occurred_at=conversion.occurred_at + timedelta(days=1),
        )
        Conversion.objects.filter(pk=conversion.pk).update(refunded_cents=amount)
        return
    post: LivePost = e["post"]
    participation = post.submission.participation
    common = {"organization_id": post.organization_id}
    if kind == "snapshot":
        PostMetricSnapshot.objects.create(
            **common,
            live_post=post,
            campaign_id=post.campaign_id,
            participation=participation,
            platform=post.platform,
            retrieved_at=e["at"],
            **{m: e[m] for m in METRICS},
        )
    elif kind == "click":
        Click.objects.create(
            **common, participation=participation, created_at=e["at"], visitor_hash="v"
        )
    elif kind == "order":
        e["row"] = Conversion.objects.create(
            **common,
            source=Conversion.Source.API,
            order_id=uuid.uuid4().hex,
            occurred_at=e["at"],
            currency="USD",
            revenue_cents=e["revenue"],
            campaign_id=post.campaign_id,
            participation=participation,
            method=Conversion.Method.PROMO_CODE,
        )
    elif kind == "bonus":
        with transaction.atomic():
            bonus_accrue(
                campaign=post.campaign,
                creator=post.creator_id,
                key=f"bonus:{uuid.uuid4().hex}",
                amount_cents=e["amount"],
                kind=TransactionKind.BONUS,
            )


def _table(model: Any, key: tuple[str, ...]) -> dict[tuple[Any, ...], dict[str, Any]]:
    rows = model.objects.values()
    return {tuple(r[k] for k in key): {k: v for k, v in r.items() if k != "id"} for r in rows}


def _all_rollups() -> list[dict[tuple[Any, ...], dict[str, Any]]]:
    return [
        _table(PostDay, ("live_post_id", "day")),
        _table(CreatorDay, ("participation_id", "day")),
        _table(CampaignDay, ("campaign_id", "day")),
        _table(BrandDay, ("brand_id", "currency", "day")),
    ]


def _expected_views_by_campaign_day() -> dict[tuple[int, date], tuple[int, int]]:
    """The rule, computed from the snapshots in Python: (views, engagements) per campaign-day."""
    by_post: dict[int, dict[date, PostMetricSnapshot]] = defaultdict(dict)
    for s in PostMetricSnapshot.objects.order_by("retrieved_at", "id"):
        by_post[s.live_post_id][s.retrieved_at.astimezone(UTC).date()] = s  # the day's latest
    out: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])
    for days in by_post.values():
        last: dict[str, int] = {}
        for day in sorted(days):
            s = days[day]
            for m in METRICS:
                value = getattr(s, m)
                if value is None:
                    continue
                delta = value - last.get(m, 0)
                last[m] = value
                out[(s.campaign_id, day)][0 if m == "views" else 1] += delta
    return {k: (v[0], v[1]) for k, v in out.items()}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_runs_over_random_batches_equal_a_full_rebuild(seed: int) -> None:
    rng = random.Random(seed)
    events = _events(rng, _world())
    while events:
        size = rng.randint(1, 15)
        batch, events = events[:size], events[size:]
        for kind, e in batch:
            _apply(kind, e)
        if rng.random() < 0.7:
            assert rollups.rollup_run().ran
    rollups.rollup_run()
    incremental = _all_rollups()

    assert rollups.rollup_rebuild().ran
    assert _all_rollups() == incremental
    assert incremental[0], "the world produced post-days"

    campaign_days = {
        (r.campaign_id, r.day): (r.views, r.engagements) for r in CampaignDay.objects.all()
    }
    expected = _expected_views_by_campaign_day()
    assert {k: v for k, v in campaign_days.items() if k in expected} == expected
    clicks = sum(r.clicks for r in CampaignDay.objects.all())
    assert clicks == Click.objects.count()
    net = sum(c.revenue_cents - c.refunded_cents for c in Conversion.objects.all())
    assert sum(r.revenue_cents for r in BrandDay.objects.all()) == net
    spend = sum(r.spend_cents for r in CreatorDay.objects.all())
    bonuses = Entry.objects.filter(
        account__kind="payable", transaction__kind=TransactionKind.BONUS
    ).values_list("amount_cents", flat=True)
    assert spend == sum(bonuses) > 0


def test_a_late_snapshot_for_an_earlier_day_corrects_that_day_and_the_next() -> None:
    post = _world()[0]
    for day, views in ((1, 100), (3, 400)):
        _apply("snapshot", {"post": post, "at": DAY0 + timedelta(days=day), **_gauges(views)})
    rollups.rollup_run()
    assert _views(post) == {date(2026, 11, 2): 100, date(2026, 11, 4): 300}

    _apply("snapshot", {"post": post, "at": DAY0 + timedelta(days=2), **_gauges(250)})
    rollups.rollup_run()
    assert _views(post) == {
        date(2026, 11, 2): 100,
        date(2026, 11, 3): 150,
        date(2026, 11, 4): 150,
    }


def test_a_second_run_with_no_new_rows_recomputes_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(rollups, "OVERLAP", 0)
    post = _world()[0]
    _apply("snapshot", {"post": post, "at": DAY0, **_gauges(10)})
    first = rollups.rollup_run()
    assert (first.posts, first.creators, first.campaigns, first.brands) == (1, 1, 1, 1)
    again = rollups.rollup_run()
    assert again.ran
    assert (again.posts, again.creators, again.campaigns, again.brands) == (0, 0, 0, 0)
    state = RollupState.objects.get(name=rollups.STATE)
    assert state.snapshot_id == PostMetricSnapshot.objects.get().pk


def test_a_run_while_another_holds_the_lock_does_nothing() -> None:
    post = _world()[0]
    _apply("snapshot", {"post": post, "at": DAY0, **_gauges(10)})
    RollupState.objects.get_or_create(name=rollups.STATE)
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                RollupState.objects.select_for_update().get(name=rollups.STATE)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    worker = threading.Thread(target=hold)
    worker.start()
    try:
        assert locked.wait(10)
        assert rollups.rollup_run().ran is False
        assert not PostDay.objects.exists()
    finally:
        release.set()
        worker.join()
    assert rollups.rollup_run().ran
    assert PostDay.objects.get().views == 10


def test_a_snapshot_committed_after_a_run_below_its_watermark_is_rolled_up() -> None:
    """A transaction draws its snapshot's id, a later one commits a higher id, a run moves the
    watermark past both; the first commits afterwards and the next run still counts it."""
    first, second = _world()[:2]
    inserted, commit = threading.Event(), threading.Event()

    def slow_writer() -> None:
        try:
            with transaction.atomic():
                _apply("snapshot", {"post": first, "at": DAY0, **_gauges(70)})
                inserted.set()
                commit.wait(10)
        finally:
            connection.close()

    worker = threading.Thread(target=slow_writer)
    worker.start()
    try:
        assert inserted.wait(10)
        _apply("snapshot", {"post": second, "at": DAY0, **_gauges(30)})
        rollups.rollup_run()
        assert _views(first) == {}
        assert _views(second) == {DAY0.date(): 30}
    finally:
        commit.set()
        worker.join()
    late = PostMetricSnapshot.objects.get(live_post=first)
    assert late.pk < RollupState.objects.get(name=rollups.STATE).snapshot_id
    rollups.rollup_run()
    assert _views(first) == {DAY0.date(): 70}
    incremental = _all_rollups()
    assert rollups.rollup_rebuild().ran
    assert _all_rollups() == incremental


def _gauges(views: int) -> dict[str, int]:
    return {"views": views, "likes": views // 10, "comments": 1, "shares": 0, "saves": 0}


def _views(post: LivePost) -> dict[date, int]:
    return dict(PostDay.objects.filter(live_post=post).values_list("day", "views"))
