"""Payout runs: one Stripe Transfer per creator and currency, exactly once — across failures,
concurrent runs, a crash between Stripe's answer and our commit, and reversals."""

from datetime import timedelta
from typing import Any

import pytest
from django.db.models import F
from django.test import override_settings

from ledger.models import AccountKind, Transaction
from ledger.selectors import campaign_figures
from payouts import runs
from payouts.models import ConnectedAccount, Payout, PayoutRetry
from payouts.runs import payout_run_schedule, payout_run_start
from payouts.stripe_api import as_dict, stripe_client
from payouts.stripe_standin.client import StandinControl
from tests.factories.creators import CreatorProfileFactory
from tests.payouts.conftest import Deliver
from tests.payouts.scenes import balance, bank_arrival, campaign, earn, onboarded

pytestmark = pytest.mark.django_db

TRANSFERS = "POST /v1/transfers"


def _time_passes(**delta: int) -> None:
    """Our clock moves on: every recorded retry time comes that much closer."""
    step = timedelta(**delta)
    PayoutRetry.objects.update(next_attempt_at=F("next_attempt_at") - step)
    Payout.objects.update(
        next_attempt_at=F("next_attempt_at") - step,
        first_attempt_at=F("first_attempt_at") - step,
        created_at=F("created_at") - step,
    )


def _transfers() -> dict[str, dict[str, Any]]:
    """Every transfer the stand-in made, asked through the stripe library."""
    listed = stripe_client().v1.transfers.list(params={"limit": 100})
    return {t["id"]: as_dict(t) for t in listed.data}


def test_a_run_pays_each_creator_one_transfer_over_their_campaigns(
    stripe_standin: StandinControl,
    tenant_a: Any,
    django_capture_on_commit_callbacks: Any,
    deliver: Deliver,
) -> None:
    stripe_standin.add_balance(1_000_000)
    one, two = campaign(tenant_a), campaign(tenant_a)
    maya = onboarded(stripe_standin)
    earn(one, maya, 10_000, 5_000)
    earn(two, maya, 2_500)
    solo = onboarded(stripe_standin)
    earn(one, solo, 4_000)

    with django_capture_on_commit_callbacks(execute=True):
        run = payout_run_start(access=tenant_a.access())
    run.refresh_from_db()

    assert (run.payouts_created, run.payouts_paid, run.payouts_failed) == (2, 2, 0)
    assert run.finished_at is not None
    assert stripe_standin.calls(TRANSFERS) == 2
    both = Payout.objects.get(creator=maya)
    # On the creator's Stripe account, not in the bank yet: in transit in the ledger.
    assert both.state == Payout.State.IN_TRANSIT
    assert balance(maya, AccountKind.IN_TRANSIT) == 17_500
    assert balance(maya, AccountKind.PAID) == 0
    bank_arrival(stripe_standin, deliver, maya, solo)
    bank_arrival(stripe_standin, deliver, maya)  # nothing more to pay out: no events
    both.refresh_from_db()
    assert both.state == Payout.State.PAID
    assert both.paid_at is not None
    assert balance(maya, AccountKind.IN_TRANSIT) == 0
    assert both.amount_cents == 17_500
    assert both.stripe_transfer_id
    assert both.transferred_at
    transfers = _transfers()
    spans = transfers[both.stripe_transfer_id]
    assert spans["amount"] == 17_500
    assert spans["transfer_group"] is None  # two campaigns: no group, metadata lists them
    assert spans["metadata"]["chorus_campaigns"] == f"{one.public_id},{two.public_id}"
    single = transfers[Payout.objects.get(creator=solo).stripe_transfer_id]
    assert single["transfer_group"] == one.public_id
    assert balance(maya, AccountKind.PAYABLE) == 0
    assert balance(maya, AccountKind.PAID) == 17_500
    assert campaign_figures(one).paid == 19_000


def test_below_the_minimum_or_without_a_stripe_account_nothing_is_sent(
    stripe_standin: StandinControl, tenant_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    stripe_standin.add_balance(1_000_000)
    c = campaign(tenant_a)
    small = onboarded(stripe_standin)
    earn(c, small, 99)
    no_account = CreatorProfileFactory()
    earn(c, no_account, 5_000)
    with (
        override_settings(PAYOUT_MINIMUM_CENTS=100),
        django_capture_on_commit_callbacks(execute=True),
    ):
        run = payout_run_start(access=tenant_a.access())
    run.refresh_from_db()
    assert run.payouts_created == 0
    assert run.skipped_creators == 1
    assert stripe_standin.calls(TRANSFERS) == 0
    assert balance(small, AccountKind.PAYABLE) == 99


@pytest.mark.parametrize(
    ("failure", "code"),
    [
        ("balance", "balance_insufficient"),
        ("rate_limit", "rate_limit"),
        ("account", "insufficient_capabilities_for_transfer"),
    ],
)
def test_a_refused_transfer_leaves_the_money_payable_and_a_later_run_pays_it(
    stripe_standin: StandinControl,
    tenant_a: Any,
    django_capture_on_commit_callbacks: Any,
    deliver: Deliver,
    failure: str,
    code: str,
) -> None:
    c = campaign(tenant_a)
    maya = onboarded(stripe_standin)
    earn(c, maya, 10_000)
    account = ConnectedAccount.objects.get(creator=maya).stripe_account_id or ""
    if failure == "balance":
        stripe_standin.add_balance(5_000)
    else:
        stripe_standin.add_balance(50_000)
    if failure == "rate_limit":
        stripe_standin.fail("rate_limit", path_prefix="/v1/transfers")
    if failure == "account":
        stripe_standin.update_account(account, transfers="inactive", payouts_enabled=False)

    with django_capture_on_commit_callbacks(execute=True):
        first = payout_run_start(access=tenant_a.access())
    first.refresh_from_db()
    failed = Payout.objects.get()
    assert failed.state == Payout.State.FAILED
    assert failed.failure_code == code
    assert failed.failure_reason
    assert first.payouts_failed == 1
    assert balance(maya, AccountKind.PAYABLE) == 10_000
    assert balance(maya, AccountKind.IN_TRANSIT) == 0

    retry = PayoutRetry.objects.get(creator=maya)
    assert (retry.attempts, retry.failure_code) == (1, code)
    if failure == "balance":
        stripe_standin.add_balance(50_000)
    if failure == "account":
        updated = stripe_standin.update_account(account, transfers="active", payouts_enabled=True)
    # The very next run leaves the creator alone: backing off, or waiting for the account.
    calls = stripe_standin.calls(TRANSFERS)
    with django_capture_on_commit_callbacks(execute=True):
        payout_run_start(access=tenant_a.access())
    assert Payout.objects.count() == 1
    assert stripe_standin.calls(TRANSFERS) == calls

    if failure == "account":
        assert retry.__class__.objects.get(pk=retry.pk).next_attempt_at is None
        assert deliver(updated or "").status_code == 200  # account.updated: it can receive
    else:
        _time_passes(minutes=31)
    with django_capture_on_commit_callbacks(execute=True):
        payout_run_start(access=tenant_a.access())
    paid = Payout.objects.exclude(pk=failed.pk).get()
    assert paid.state == Payout.State.IN_TRANSIT
    assert paid.idempotency_key != failed.idempotency_key
    assert balance(maya, AccountKind.IN_TRANSIT) == 10_000
    assert balance(maya, AccountKind.PAYABLE) == 0
    assert not PayoutRetry.objects.exists()  # a transfer ends the back-off


def test_a_lost_answer_keeps_the_payout_pending_and_the_retry_uses_the_same_key(
    stripe_standin: StandinControl, tenant_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    stripe_standin.add_balance(50_000)
    c = campaign(tenant_a)
    maya = onboarded(stripe_standin)
    earn(c, maya, 10_000)
    stripe_standin.fail("lost_response", path_prefix="/v1/transfers")

    with django_capture_on_commit_callbacks(execute=True):
        payout_run_start(access=tenant_a.access())
    payout = Payout.objects.get()
    assert payout.state == Payout.State.PENDING
    assert payout.failure_code == "network_error" or payout.failure_code
    assert balance(maya, AccountKind.IN_TRANSIT) == 10_000

    with django_capture_on_commit_callbacks(execute=True):
        payout_run_start(access=tenant_a.access())  # too soon: not asked again yet
    payout.refresh_from_db()
    assert payout.state == Payout.State.PENDING
    assert payout.attempts == 1
    assert payout.next_attempt_at is not None

    _time_passes(minutes=31)
    with django_capture_on_commit_callbacks(execute=True):
        payout_run_start(access=tenant_a.access())
    payout.refresh_from_db()
    assert payout.state == Payout.State.IN_TRANSIT
    assert payout.attempts == 2
    assert Payout.objects.count() == 1
    assert stripe_standin.calls(TRANSFERS) == 1  # the retry was answered from the saved key
    assert len(_transfers()) == 1


def test_a_crash_after_stripe_answered_then_a_rerun_makes_one_transfer_with_the_same_key(
    stripe_standin: StandinControl,
    tenant_a: Any,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stripe_standin.add_balance(50_000)
    c = campaign(tenant_a)
    maya = onboarded(stripe_standin)
    earn(c, maya, 10_000)
    keys: list[str] = []
    real_create = runs._create_transfer
    real_record = runs.payout_record_transfer

    def create(payout: Payout, destination: str) -> dict[str, Any]:
        keys.append(payout.idempotency_key)
        return real_create(payout, destination)

    crashes = iter([True])

    def record(payout: Payout, transfer: dict[str, Any]) -> None:
        real_record(payout, transfer)
        if next(crashes, False):
            raise RuntimeError("worker killed before the commit")

    monkeypatch.setattr(runs, "_create_transfer", create)
    monkeypatch.setattr(runs, "payout_record_transfer", record)

    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        payout_run_start(access=tenant_a.access())
    payout = Payout.objects.get()
    assert payout.state == Payout.State.PENDING  # our commit never happened
    assert stripe_standin.calls(TRANSFERS) == 1  # but Stripe made the transfer

    run = payout_run_schedule()
    runs.payout_run_execute_by_id(run_id=run.pk)
    payout.refresh_from_db()
    assert payout.state == Payout.State.IN_TRANSIT
    assert keys == [payout.idempotency_key, payout.idempotency_key]
    transfers = list(_transfers().values())
    assert len(transfers) == 1
    assert transfers[0]["id"] == payout.stripe_transfer_id
    assert stripe_standin.calls(TRANSFERS) == 1
    assert balance(maya, AccountKind.IN_TRANSIT) == 10_000


def test_transfer_reversed_returns_the_money_to_payable_once(
    stripe_standin: StandinControl,
    tenant_a: Any,
    deliver: Deliver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    stripe_standin.add_balance(50_000)
    c = campaign(tenant_a)
    maya = onboarded(stripe_standin)
    earn(c, maya, 10_000)
    with django_capture_on_commit_callbacks(execute=True):
        payout_run_start(access=tenant_a.access())
    payout = Payout.objects.get()
    stripe_client().v1.transfers.reversals.create(
        payout.stripe_transfer_id, params={"amount": 4_000}
    )
    [event] = stripe_standin.events("transfer.reversed")
    for _ in range(3):
        assert deliver(event["id"]).status_code == 200
    # Reversed while in transit: from in_transit back to payable.
    assert balance(maya, AccountKind.PAYABLE) == 4_000
    assert balance(maya, AccountKind.IN_TRANSIT) == 6_000
    assert Transaction.objects.filter(kind="reverse").count() == 1
    payout.refresh_from_db()
    assert payout.reversed_cents == 4_000

    bank_arrival(stripe_standin, deliver, maya)  # what was left arrives
    assert balance(maya, AccountKind.IN_TRANSIT) == 0
    assert balance(maya, AccountKind.PAID) == 6_000
    stripe_client().v1.transfers.reversals.create(
        payout.stripe_transfer_id, params={"amount": 1_000}
    )
    [_, later] = stripe_standin.events("transfer.reversed")
    assert deliver(later["id"]).status_code == 200
    assert balance(maya, AccountKind.PAID) == 5_000  # after it settled: from paid
    assert balance(maya, AccountKind.PAYABLE) == 5_000


def test_the_scheduled_run_fires_once_per_interval_through_the_outbox(
    stripe_standin: StandinControl, tenant_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from core.models import OutboxTask
    from payouts.models import PayoutRun
    from payouts.tasks import schedule_payout_run

    stripe_standin.add_balance(50_000)
    maya = onboarded(stripe_standin)
    earn(campaign(tenant_a), maya, 10_000)
    with django_capture_on_commit_callbacks(execute=True):
        schedule_payout_run()
        schedule_payout_run()  # beat restarted, or a second beat: same interval
    [run] = PayoutRun.objects.all()
    assert run.trigger == PayoutRun.Trigger.SCHEDULED
    assert run.finished_at is not None
    assert OutboxTask.objects.filter(task="payouts.tasks.execute_payout_run").count() == 1
    assert Payout.objects.get().state == Payout.State.IN_TRANSIT
