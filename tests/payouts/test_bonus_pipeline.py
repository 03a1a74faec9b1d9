"""View bonuses fed by the metric pulls: per 1,000 views, capped per post, exactly once per
snapshot, never past the budget — pulls over HTTP from the platform simulator, the ledger on
PostgreSQL, sweeps racing on their own connections."""

import datetime
import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.utils import timezone

from analytics.models import PostMetrics, PostMetricSnapshot
from campaigns.models import Campaign
from ledger.models import Transaction, TransactionKind
from ledger.selectors import campaign_figures, ledger_check_campaign
from ledger.services import bonus_key
from payouts.bonuses import bonus_for_views, bonuses_sweep, post_bonus_accrue
from tests.analytics.test_pulls import pull_all, simulator, simulator_url, tracked
from tests.ledger.helpers import TOTAL, campaign, joined

__all__ = ["simulator", "simulator_url"]  # fixtures


def _race(jobs: list[Callable[[], object]]) -> list[object]:
    barrier = threading.Barrier(len(jobs))
    results: list[object] = []
    lock = threading.Lock()

    def run(job: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=20)
            result = job()
            with lock:
                results.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


@pytest.mark.parametrize(
    ("views", "per_1k", "cap", "cents"),
    [(0, 100, 500, 0), (1_999, 100, 500, 199), (10_000, 100, 500, 500), (5_000, 0, 500, 0)],
)
def test_bonus_is_per_thousand_views_rounded_down_and_capped(views, per_1k, cap, cents):
    assert bonus_for_views(views, per_1k_cents=per_1k, cap_cents=cap) == cents


@pytest.mark.django_db
def test_views_earn_a_bonus_once_per_snapshot_up_to_the_cap(simulator):
    c = campaign(
        budget_cents=TOTAL + 100_000, bonus_per_1k_views_cents=200, bonus_cap_per_post_cents=1_000
    )
    (post,) = tracked(simulator, "youtube", 1, participation=joined(c), final_views=20_000)
    pull_all()

    first = bonuses_sweep()

    views = PostMetrics.objects.get(live_post=post).views
    assert 0 < first == views * 200 // 1_000 < 1_000
    snapshot = PostMetricSnapshot.objects.get(live_post=post)
    txn = Transaction.objects.get(campaign=c, kind=TransactionKind.BONUS)
    assert txn.key == bonus_key(post.pk, snapshot.pk)
    assert bonuses_sweep() == 0  # nothing new: nothing posted

    simulator.advance_clock(9 * 86_400)  # about 90 % of the final views
    pull_all(now=timezone.now() + datetime.timedelta(minutes=16))
    second = bonuses_sweep()

    assert first + second == 1_000
    simulator.advance_clock(30 * 86_400)
    pull_all(now=timezone.now() + datetime.timedelta(hours=2))
    assert bonuses_sweep() == 0
    assert Transaction.objects.filter(campaign=c, kind=TransactionKind.BONUS).count() == 2
    assert campaign_figures(c).payable == 1_000
    assert ledger_check_campaign(c).ok


@pytest.mark.django_db
def test_no_bonus_without_a_rate_or_figures(simulator):
    c = campaign(budget_cents=TOTAL + 100_000)  # no bonus per view
    tracked(simulator, "youtube", 1, participation=joined(c))
    pull_all()

    assert bonuses_sweep() == 0
    assert not Transaction.objects.filter(kind=TransactionKind.BONUS).exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_accrue_one_snapshot_once(simulator):
    c = campaign(
        budget_cents=TOTAL + 100_000, bonus_per_1k_views_cents=100, bonus_cap_per_post_cents=5_000
    )
    (post,) = tracked(simulator, "youtube", 1, participation=joined(c), final_views=50_000)
    pull_all()
    metrics_id = PostMetrics.objects.get(live_post=post).pk

    granted = _race([lambda: post_bonus_accrue(metrics_id) for _ in range(6)])

    views = PostMetrics.objects.get(pk=metrics_id).views
    assert sorted(granted) == [0] * 5 + [views * 100 // 1_000]
    assert Transaction.objects.filter(campaign=c, kind=TransactionKind.BONUS).count() == 1


@pytest.mark.django_db(transaction=True)
def test_racing_bonus_sweeps_never_pass_the_budget(simulator):
    # 2,000 left after the fees; six posts each earn the 1,000 cap.
    c = campaign(
        budget_cents=TOTAL + 2_000, bonus_per_1k_views_cents=1_000, bonus_cap_per_post_cents=1_000
    )
    participation = joined(c)
    tracked(simulator, "youtube", 6, participation=participation, final_views=100_000)
    pull_all()

    _race([bonuses_sweep for _ in range(4)])

    figures = campaign_figures(c)
    assert figures.payable == 2_000
    assert figures.capped == 4_000
    assert figures.promised == c.budget_cents
    assert Campaign.objects.get(pk=c.pk).committed_cents == c.budget_cents
    assert Transaction.objects.filter(campaign=c, kind=TransactionKind.BONUS).count() == 6
    assert ledger_check_campaign(c).ok
    assert bonuses_sweep() == 0
