"""Commissions accrue once per attributed order and reverse on a full refund (payouts pulls)."""

from datetime import UTC, datetime

import pytest

from analytics.conversions import OrderIn, RefundIn, conversion_record, conversion_refund_record
from analytics.models import Conversion
from core.models import OutboxTask
from ledger.models import AccountKind, Transaction, TransactionKind
from ledger.selectors import balance
from ledger.services import account_for, commission_key, refund_key
from payouts.commissions import commissions_due, commissions_sweep, refunds_due
from tests.analytics.conversion_scene import scene_build

AT = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


@pytest.fixture
def scene(tenant_a):
    return scene_build(tenant_a, commission_cents=700)


def _order(scene, order_id="o1", codes=("ALICE10",), revenue=5_000):
    conversion, _ = conversion_record(
        organization_id=scene.tenant.org.pk,
        brand_id=None,
        source=Conversion.Source.API,
        order=OrderIn(
            order_id=order_id,
            occurred_at=AT,
            currency="USD",
            revenue_cents=revenue,
            promo_codes=list(codes),
        ),
    )
    return conversion


def _refund(scene, amount, refund_id="r1", order_id="o1"):
    conversion_refund_record(
        organization_id=scene.tenant.org.pk,
        brand_id=None,
        source=Conversion.Source.API,
        refund=RefundIn(
            order_id=order_id, refund_id=refund_id, amount_cents=amount, occurred_at=AT
        ),
    )


def _payable(scene):
    return balance(
        account_for(
            campaign=scene.campaign, kind=AccountKind.PAYABLE, creator=scene.alice.creator_id
        )
    )


def test_attributed_order_accrues_the_commission_once(scene):
    conversion = _order(scene)
    assert commissions_due() == [conversion.pk]
    assert commissions_sweep() == (1, 0)
    assert commissions_sweep() == (0, 0)
    txn = Transaction.objects.get(key=commission_key(conversion.pk))
    assert txn.kind == TransactionKind.COMMISSION
    assert _payable(scene) == 700
    assert commissions_due() == []


def test_order_asks_payouts_for_a_sweep_after_commit(scene):
    _order(scene)
    assert OutboxTask.objects.filter(task="payouts.tasks.sweep_commissions").count() == 1


def test_unattributed_order_and_campaign_without_commission_accrue_nothing(scene, tenant_a):
    _order(scene, order_id="none", codes=())
    scene.campaign.commission_per_conversion_cents = 0
    scene.campaign.save(update_fields=["commission_per_conversion_cents"])
    _order(scene, order_id="zero")
    assert commissions_sweep() == (0, 0)
    assert not Transaction.objects.filter(kind=TransactionKind.COMMISSION).exists()


def test_full_refund_reverses_the_commission_once(scene):
    conversion = _order(scene)
    commissions_sweep()
    _refund(scene, 2_000, "r1")
    assert refunds_due() == []  # partial: the flat commission stays
    assert commissions_sweep() == (0, 0)
    assert _payable(scene) == 700
    _refund(scene, 3_000, "r2")
    assert refunds_due() == [conversion.pk]
    assert commissions_sweep() == (0, 1)
    assert commissions_sweep() == (0, 0)
    assert Transaction.objects.filter(key=refund_key(commission_key(conversion.pk))).count() == 1
    assert _payable(scene) == 0


def test_order_refunded_in_full_before_accrual_never_accrues(scene):
    _order(scene)
    _refund(scene, 5_000)
    assert commissions_sweep() == (0, 0)
    assert not Transaction.objects.filter(kind=TransactionKind.COMMISSION).exists()
