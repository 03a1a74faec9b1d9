"""Exactly once and never past the budget, under real concurrency: threads on their own
PostgreSQL connections, started together."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from campaigns.models import Campaign
from core.errors import ChorusError
from ledger.models import Transaction
from ledger.selectors import campaign_figures, ledger_check_campaign
from ledger.services import accrual_post, bonus_accrue
from submissions.services import submission_decide
from tests.factories.submissions import submission_in_review
from tests.ledger.helpers import TOTAL, balances, campaign, joined
from tests.submissions.conftest import access_for

pytestmark = pytest.mark.django_db(transaction=True)


def _race(jobs: list[Callable[[], object]]) -> tuple[list[object], list[str]]:
    barrier = threading.Barrier(len(jobs))
    lock = threading.Lock()
    results: list[object] = []
    failures: list[str] = []

    def run(job: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=20)
            result = job()
            with lock:
                results.append(result)
        except ChorusError as exc:
            with lock:
                failures.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, failures


def test_twenty_concurrent_approvals_of_one_post_accrue_once():
    submission = submission_in_review(target="post")
    c, creator = submission.campaign, submission.creator
    reviewers = [access_for(c.organization, "reviewer") for _ in range(20)]

    def approve(access: object) -> Callable[[], object]:
        return lambda: submission_decide(
            access=access,  # type: ignore[arg-type]
            submission=submission,
            decision="approve",
        )

    approved, failures = _race([approve(a) for a in reviewers])

    assert len(approved) == 1
    assert failures == ["already_decided"] * 19
    accruals = Transaction.objects.filter(kind="accrue")
    assert [t.key for t in accruals] == [f"accrue:slot:{submission.slot_id}"]
    mine = balances(c, creator)
    assert (mine["committed"], mine["payable"]) == (0, 15_000)


def test_twenty_concurrent_accruals_of_one_slot_post_once():
    """Below the review's own lock: the ledger key alone keeps the slot to one accrual."""
    c = campaign()
    participation = joined(c)
    slot = participation.slots.order_by("id").first()

    def accrue() -> object:
        with transaction.atomic():
            return accrual_post(
                campaign=c, creator=participation.creator, slot_id=slot.pk, amount_cents=10_000
            ).created_now

    created, failures = _race([accrue for _ in range(20)])

    assert failures == []
    assert sorted(created) == [False] * 19 + [True]  # type: ignore[type-var]
    assert Transaction.objects.filter(kind="accrue").count() == 1
    mine = balances(c, participation.creator)
    assert (mine["committed"], mine["payable"]) == (5_000, 10_000)


def test_bonuses_racing_to_the_budgets_edge_never_pass_it():
    c = campaign(budget_cents=TOTAL + 10_000)
    creator = joined(c).creator

    def bonus(n: int) -> Callable[[], object]:
        def run() -> object:
            with transaction.atomic():
                return bonus_accrue(
                    campaign=c, creator=creator, key=f"bonus:post:1:{n}", amount_cents=3_000
                )

        return run

    posted, failures = _race([bonus(n) for n in range(10)])

    assert failures == []
    assert len(posted) == 10
    figures = campaign_figures(c)
    assert figures.promised == c.budget_cents
    assert figures.payable == 10_000
    assert figures.capped == 30_000 - 10_000
    assert Campaign.objects.get(pk=c.pk).committed_cents == c.budget_cents
    assert ledger_check_campaign(c).ok


def test_concurrent_acceptances_keep_the_ledger_and_the_cached_figure_equal(tenant_a):
    from recruitment import services as recruitment
    from tests.factories.recruitment import ApplicationFactory

    c = campaign(organization=tenant_a.org, brand=tenant_a.brand, budget_cents=3 * TOTAL)
    applications = [ApplicationFactory(campaign=c) for _ in range(6)]
    access = tenant_a.access()

    def accept(application: object) -> Callable[[], object]:
        return lambda: recruitment.application_decide(
            access=access,
            application=application,  # type: ignore[arg-type]
            decision="accept",
        )

    accepted, failures = _race([accept(a) for a in applications])

    assert len(accepted) == 3
    assert failures == ["budget_exceeded"] * 3
    assert Transaction.objects.filter(kind="commit").count() == 3
    assert Campaign.objects.get(pk=c.pk).committed_cents == 3 * TOTAL == -balances(c)["budget"]
    assert ledger_check_campaign(c).ok
