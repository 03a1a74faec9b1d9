"""Batched ledger moves: many posts in a handful of statements, with the same rules as one."""

from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from campaigns.models import Campaign
from core.errors import ChorusError
from ledger.models import AccountKind, LedgerAccount, Transaction, TransactionKind
from ledger.selectors import ledger_check_campaign
from ledger.services import (
    Accrual,
    Part,
    accounts_for,
    accruals_post_many,
    ledger_move,
)
from submissions.models import Submission
from submissions.services import submissions_decide_bulk
from tests.factories.campaigns import CampaignFactory
from tests.factories.recruitment import ParticipationFactory
from tests.factories.submissions import submission_in_review
from tests.ledger.helpers import balances, campaign, joined
from tests.submissions.conftest import access_for

pytestmark = pytest.mark.django_db


def _posts_in_review(campaigns: list[Campaign], n: int) -> list[Submission]:
    return [
        submission_in_review(
            target="post",
            slot=ParticipationFactory(campaign=campaigns[i % len(campaigns)]).slots.first(),
        )
        for i in range(n)
    ]


def _approve_all(submissions: list[Submission]) -> tuple[int, Any]:
    access = access_for(submissions[0].organization, "reviewer")
    with CaptureQueriesContext(connection) as queries:
        result = submissions_decide_bulk(
            access=access, submission_ids=[s.public_id for s in submissions], decision="approve"
        )
    assert not result.failed
    assert len(result.succeeded) == len(submissions)
    return len(queries.captured_queries), result


def test_bulk_approval_costs_the_same_queries_for_3_or_24_posts() -> None:
    first = CampaignFactory()
    org = first.organization
    campaigns = [first, CampaignFactory(organization=org, brand=first.brand)]
    few, _ = _approve_all(_posts_in_review(campaigns, 3))
    many, _ = _approve_all(_posts_in_review(campaigns, 24))
    assert many == few
    assert Transaction.objects.filter(kind=TransactionKind.ACCRUE).count() == 27
    for c in campaigns:  # (the factories' commitments leave Campaign.committed_cents alone)
        check = ledger_check_campaign(c)
        assert not check.unbalanced_transactions
        assert not check.drifted_accounts


def test_one_refused_accrual_fails_alone_in_a_batch() -> None:
    c = campaign()
    ok, cancelled = joined(c), joined(c)
    with transaction.atomic():
        results = accruals_post_many(
            [
                Accrual(c, ok.creator, ok.slots.first().pk, 10_000),
                Accrual(c, cancelled.creator, 999_999, 20_000),  # more than was committed
                Accrual(c, ok.creator, ok.slots.last().pk, 5_000),
            ]
        )
    assert [type(r).__name__ for r in results] == ["Transaction", "ChorusError", "Transaction"]
    assert isinstance(results[1], ChorusError)
    assert results[1].code == "fee_not_committed"
    assert balances(c, ok.creator)["payable"] == 15_000
    assert balances(c, cancelled.creator)["payable"] == 0
    assert ledger_check_campaign(c).ok


def test_within_one_batch_the_balance_runs_move_by_move() -> None:
    """Two slots of one creator whose fees together pass what is committed: the second fails."""
    c = campaign()
    p = joined(c)  # 15,000 committed
    with transaction.atomic():
        results = accruals_post_many(
            [Accrual(c, p.creator, 1, 10_000), Accrual(c, p.creator, 2, 10_000)]
        )
    assert isinstance(results[0], Transaction)
    assert results[0].created_now
    assert isinstance(results[1], ChorusError)
    assert results[1].code == "fee_not_committed"
    assert balances(c, p.creator)["committed"] == 5_000


def test_a_replayed_batch_posts_nothing_new_and_a_changed_one_conflicts() -> None:
    c = campaign()
    p = joined(c)
    batch = [Accrual(c, p.creator, 1, 10_000), Accrual(c, p.creator, 1, 10_000)]
    with transaction.atomic():
        first = accruals_post_many(batch)
    assert isinstance(first[0], Transaction)
    assert first[0].created_now
    assert isinstance(first[1], Transaction)
    assert not first[1].created_now
    assert first[1].pk == first[0].pk
    with transaction.atomic():
        again = accruals_post_many([batch[0], Accrual(c, p.creator, 1, 5_000)])
    assert isinstance(again[0], Transaction)
    assert not again[0].created_now
    assert isinstance(again[1], ChorusError)
    assert again[1].code == "ledger_key_conflict"
    assert Transaction.objects.filter(kind=TransactionKind.ACCRUE).count() == 1
    assert balances(c, p.creator)["payable"] == 10_000


def test_a_payout_over_campaigns_moves_all_parts_or_none() -> None:
    first = campaign()
    second = campaign(organization=first.organization, brand=first.brand)
    p1 = joined(first)
    p2 = joined(second, creator=p1.creator)
    creator = p1.creator
    with transaction.atomic():
        accruals_post_many([Accrual(first, creator, 1, 10_000), Accrual(second, creator, 2, 5_000)])
    too_much = [Part(first, 10_000, "payout:x:1"), Part(second, 6_000, "payout:x:2")]
    with pytest.raises(ChorusError) as info, transaction.atomic():
        ledger_move(TransactionKind.PAYOUT, too_much, creator=creator)
    assert info.value.code == "insufficient_balance"
    assert balances(first, creator)["payable"] == 10_000  # nothing moved
    parts = [Part(first, 10_000, "payout:y:1"), Part(second, 5_000, "payout:y:2")]
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        txns = ledger_move(TransactionKind.PAYOUT, parts, creator=creator)
    assert [t.created_now for t in txns] == [True, True]
    # accounts (read, insert the in-transit ones, read them), lock, keys, savepoint,
    # transactions, release, entries, balances: ten statements for any number of parts
    assert len(queries.captured_queries) == 10
    with transaction.atomic():
        settled = ledger_move(
            TransactionKind.SETTLE,
            [Part(first, 10_000, "settle:y:1"), Part(second, 5_000, "settle:y:2")],
            creator=creator,
        )
        back = ledger_move(
            TransactionKind.REVERSE,
            [Part(second, 5_000, "reverse:t:2")],
            creator=creator,
            source=AccountKind.PAID,
        )
    assert len(settled) == 2
    assert len(back) == 1
    assert balances(first, creator)["paid"] == 10_000
    assert (balances(second, creator)["paid"], balances(second, creator)["payable"]) == (0, 5_000)
    assert ledger_check_campaign(first).ok
    assert ledger_check_campaign(second).ok
    assert p2.creator_id == creator.pk


def test_a_move_refuses_a_source_its_kind_does_not_have() -> None:
    c = campaign()
    p = joined(c)
    with pytest.raises(ValueError), transaction.atomic():
        ledger_move(
            TransactionKind.PAYOUT,
            [Part(c, 1, "payout:z")],
            creator=p.creator,
            source=AccountKind.PAID,
        )


def test_accounts_are_made_once_for_many_at_a_time() -> None:
    c = campaign()
    a, b = joined(c), joined(c)
    wanted = [
        (c, AccountKind.PAID, a.creator),
        (c, AccountKind.PAID, b.creator),
        (c, AccountKind.FUNDED, None),
    ]
    made = accounts_for(wanted)
    again = accounts_for(wanted)
    assert {k: v.pk for k, v in made.items()} == {k: v.pk for k, v in again.items()}
    assert LedgerAccount.objects.filter(campaign=c, kind=AccountKind.PAID).count() == 2
    with pytest.raises(ValueError):
        accounts_for([(c, AccountKind.PAID, None)])
