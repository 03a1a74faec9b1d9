"""The spend page's median time from approval to transfer, computed in one pass (window
functions), agrees with the definition: each accrual is paid by the creator's first paid
payout of the campaign claimed at or after it (the per-accrual lookup below, the former query)."""

import random
from datetime import timedelta

import pytest
from django.db import connection, transaction

from campaigns.models import Campaign
from ledger.models import Transaction, TransactionKind
from ledger.services import Accrual, accruals_post_many
from payouts.models import Payout
from payouts.statements import _median_compute, _median_to_transfer
from tests.ledger.helpers import campaign, joined

pytestmark = pytest.mark.django_db

PER_ACCRUAL_LOOKUP = """
SELECT percentile_cont(0.5) WITHIN GROUP (
           ORDER BY extract(epoch FROM paid.transferred_at - t.created_at))
  FROM ledger_transaction t
  JOIN ledger_entry e ON e.transaction_id = t.id AND e.amount_cents > 0
  JOIN ledger_ledgeraccount a ON a.id = e.account_id AND a.kind = 'payable'
  CROSS JOIN LATERAL (
        SELECT p.transferred_at FROM payouts_payout p
         WHERE p.creator_id = a.creator_id
           AND p.organization_id = t.organization_id
           AND p.state IN ('in_transit', 'paid', 'reversed')
           AND p.created_at >= t.created_at
           AND p.parts @> jsonb_build_array(jsonb_build_object('campaign_id', t.campaign_id))
         ORDER BY p.created_at LIMIT 1) paid
 WHERE t.campaign_id = %s AND t.kind = 'accrue'
"""


def _definition(c: Campaign) -> timedelta | None:
    with connection.cursor() as cursor:
        cursor.execute(PER_ACCRUAL_LOOKUP, [c.pk])
        row = cursor.fetchone()
    return timedelta(seconds=float(row[0])) if row and row[0] is not None else None


def _payout(c: Campaign, creator_id: int, at, state: str, *, campaign_id: int | None = None):
    payout = Payout.objects.create(
        organization_id=c.organization_id,
        brand_id=c.brand_id,
        creator_id=creator_id,
        currency=c.currency,
        amount_cents=100,
        parts=[{"campaign_id": campaign_id or c.pk, "campaign": "x", "amount_cents": 100}],
        state=state,
        transferred_at=at + timedelta(hours=random.randint(1, 300)),
    )
    Payout.objects.filter(pk=payout.pk).update(created_at=at)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_one_pass_median_equals_the_per_accrual_definition(seed: int) -> None:
    random.seed(seed)
    c = campaign()
    other = campaign(organization=c.organization, brand=c.brand)
    people = [joined(c) for _ in range(4)]
    slot = 0
    for _round in range(3):  # accruals (one batch a round), then payouts around them
        batch = []
        for p in people:
            for fee in random.sample([1_000, 1_500, 2_000], k=random.randint(0, 2)):
                slot += 1
                batch.append(Accrual(c, p.creator, slot, fee))
        with transaction.atomic():
            accruals_post_many(batch)
        times = list(
            Transaction.objects.filter(kind=TransactionKind.ACCRUE).values_list(
                "created_at", flat=True
            )
        )
        for p in people:
            at = random.choice(times)  # exactly an accrual's instant: a tie counts as after
            at += random.choice([timedelta(0), timedelta(seconds=1), timedelta(seconds=-1)])
            _payout(
                c,
                p.creator_id,
                at,
                random.choice(["paid", "in_transit", "reversed", "failed", "pending"]),
            )
            _payout(c, p.creator_id, at - timedelta(seconds=2), "paid", campaign_id=other.pk)
    expected = _definition(c)
    assert expected is not None
    assert _median_compute(c) == expected


def test_no_paid_payout_no_median() -> None:
    c = campaign()
    p = joined(c)
    with transaction.atomic():
        accruals_post_many([Accrual(c, p.creator, 1, 1_000)])
    assert _median_compute(c) is None
    assert _median_to_transfer(c) is None
    assert _definition(c) is None


def test_the_page_reads_the_median_again_once_the_ledger_moved() -> None:
    c = campaign()
    p = joined(c)
    with transaction.atomic():
        accruals_post_many([Accrual(c, p.creator, 1, 1_000)])
    at = Transaction.objects.get(kind=TransactionKind.ACCRUE).created_at
    _payout(c, p.creator_id, at, "paid")
    first = _median_to_transfer(c)
    assert first == _median_compute(c)
    Payout.objects.update(transferred_at=at + timedelta(days=30))  # no ledger movement
    assert _median_to_transfer(c) == first  # read from the cache
    with transaction.atomic():
        accruals_post_many([Accrual(c, p.creator, 2, 1_000)])  # the ledger moved
    assert _median_to_transfer(c) == _median_compute(c) == timedelta(days=30)
    # A claim moves the ledger; the transfer Stripe then made (pending → in transit) does not.
    second = Transaction.objects.get(key="accrue:slot:2").created_at
    _payout(c, p.creator_id, second, "pending")
    with transaction.atomic():
        accruals_post_many([Accrual(c, p.creator, 3, 1_000)])  # (standing in for the claim)
    assert _median_to_transfer(c) == timedelta(days=30)
    Payout.objects.filter(state="pending").update(
        state="in_transit", transferred_at=second + timedelta(days=2)
    )
    assert _median_to_transfer(c) == _median_compute(c) == timedelta(days=16)
