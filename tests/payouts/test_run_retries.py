"""Failing payouts back off instead of being hammered every run, say why to the brand and the
creator, and a payout whose idempotency key Stripe may have forgotten is looked up at Stripe
before it is sent again."""

from datetime import timedelta
from typing import Any

import pytest
from django.db.models import F
from django.test import Client
from django.utils import timezone

from ledger.models import AccountKind
from payouts import runs
from payouts.models import ConnectedAccount, Payout, PayoutRetry
from payouts.runs import payout_run_schedule, payout_run_start
from payouts.stripe_api import as_dict, stripe_client
from payouts.stripe_standin.client import StandinControl
from tests.payouts.conftest import Deliver
from tests.payouts.scenes import balance, campaign, earn, onboarded

pytestmark = pytest.mark.django_db

TRANSFERS = "POST /v1/transfers"


def _time_passes(step: timedelta) -> None:
    """Our clock moves on: every recorded time comes that much closer."""
    PayoutRetry.objects.update(next_attempt_at=F("next_attempt_at") - step)
    Payout.objects.update(
        next_attempt_at=F("next_attempt_at") - step,
        first_attempt_at=F("first_attempt_at") - step,
        created_at=F("created_at") - step,
    )


def _run(tenant: Any, capture: Any) -> None:
    with capture(execute=True):
        payout_run_start(access=tenant.access())


def test_repeated_refusals_wait_longer_each_time_and_say_why(
    stripe_standin: StandinControl,
    tenant_a: Any,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    c = campaign(tenant_a, name="Glow Launch")
    maya = onboarded(stripe_standin)
    earn(c, maya, 10_000)  # the platform balance is empty: balance_insufficient every time

    delays = []
    for attempt in range(1, 5):
        before = timezone.now()
        _run(tenant_a, django_capture_on_commit_callbacks)
        retry = PayoutRetry.objects.get(creator=maya)
        assert retry.attempts == attempt
        assert retry.failure_code == "balance_insufficient"
        assert retry.next_attempt_at is not None
        delays.append(retry.next_attempt_at - before)
        # Runs in the meantime (the hourly schedule, a brand's button) do not call Stripe.
        calls = stripe_standin.calls(TRANSFERS)
        for _ in range(3):
            _run(tenant_a, django_capture_on_commit_callbacks)
        assert stripe_standin.calls(TRANSFERS) == calls
        assert Payout.objects.count() == attempt
        _time_passes(delays[-1] + timedelta(seconds=5))
    assert [round(d / timedelta(minutes=30)) for d in delays] == [1, 2, 4, 8]
    assert balance(maya, AccountKind.PAYABLE) == 10_000

    # The brand sees why, on the spend page; the creator on their earnings page.
    spend = client_for(tenant_a.owner).get(f"/o/{tenant_a.org.slug}/campaigns/{c.public_id}/spend/")
    body = spend.content.decode()
    assert "Stripe refused the payout 4 times in a row" in body
    assert "insufficient available funds" in body
    assert "Next try" in body
    creator = Client()
    creator.force_login(maya.user)
    earnings = creator.get("/creator/earnings/").content.decode()
    assert 'data-testid="payout-retry"' in earnings
    assert "4 times in a row" in earnings

    stripe_standin.add_balance(10_000)
    _run(tenant_a, django_capture_on_commit_callbacks)
    assert Payout.objects.filter(state=Payout.State.IN_TRANSIT).count() == 1
    assert not PayoutRetry.objects.exists()
    assert 'data-testid="payout-retry"' not in creator.get("/creator/earnings/").content.decode()


def test_an_account_that_cannot_receive_transfers_waits_for_account_updated(
    stripe_standin: StandinControl,
    tenant_a: Any,
    deliver: Deliver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    stripe_standin.add_balance(50_000)
    maya = onboarded(stripe_standin)
    earn(campaign(tenant_a), maya, 10_000)
    account = ConnectedAccount.objects.get(creator=maya).stripe_account_id or ""
    stripe_standin.update_account(account, transfers="inactive", payouts_enabled=False)

    _run(tenant_a, django_capture_on_commit_callbacks)
    retry = PayoutRetry.objects.get(creator=maya)
    assert retry.waits_for_account
    # Hours of runs later, still no call: nothing has told us the account changed.
    _time_passes(timedelta(hours=6))
    calls = stripe_standin.calls(TRANSFERS)
    _run(tenant_a, django_capture_on_commit_callbacks)
    assert stripe_standin.calls(TRANSFERS) == calls

    event = stripe_standin.update_account(account, transfers="active", payouts_enabled=True)
    assert deliver(event or "").status_code == 200
    _run(tenant_a, django_capture_on_commit_callbacks)
    assert stripe_standin.calls(TRANSFERS) == calls + 1
    assert Payout.objects.filter(state=Payout.State.IN_TRANSIT).count() == 1


def test_a_lost_answer_is_asked_again_with_growing_delay(
    stripe_standin: StandinControl, tenant_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    stripe_standin.add_balance(50_000)
    maya = onboarded(stripe_standin)
    earn(campaign(tenant_a), maya, 10_000)
    stripe_standin.fail("api_error", path_prefix="/v1/transfers")  # executed, then a 500

    waits = []
    _run(tenant_a, django_capture_on_commit_callbacks)
    payout = Payout.objects.get()
    for _ in range(2):
        assert payout.state == Payout.State.PENDING
        assert payout.next_attempt_at is not None
        waits.append(payout.next_attempt_at - payout.updated_at)
        _time_passes(waits[-1] + timedelta(seconds=5))
        _run(tenant_a, django_capture_on_commit_callbacks)
        payout.refresh_from_db()
    assert [round(w / timedelta(minutes=30)) for w in waits] == [1, 2]
    # api_error was saved under the key: Stripe answers the same 500 until the key is new.
    assert payout.state == Payout.State.PENDING
    assert payout.attempts == 3
    assert stripe_standin.calls(TRANSFERS) == 1
    assert Payout.objects.count() == 1


def test_a_crash_then_a_retry_after_stripe_forgot_the_key_finds_the_transfer(
    stripe_standin: StandinControl,
    tenant_a: Any,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stripe_standin.add_balance(50_000)
    maya = onboarded(stripe_standin)
    earn(campaign(tenant_a), maya, 10_000)
    real_record = runs.payout_record_transfer
    crashes = iter([True])

    def record(payout: Payout, transfer: dict[str, Any]) -> None:
        real_record(payout, transfer)
        if next(crashes, False):
            raise RuntimeError("worker killed before the commit")

    monkeypatch.setattr(runs, "payout_record_transfer", record)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        payout_run_start(access=tenant_a.access())
    payout = Payout.objects.get()
    assert payout.state == Payout.State.PENDING  # our commit never happened…
    assert stripe_standin.calls(TRANSFERS) == 1  # …but Stripe made the transfer
    assert payout.first_attempt_at is None  # the crash lost our note of the call too

    # More than a day later: Stripe has pruned the idempotency key, so sending again under it
    # would make a second transfer. Both clocks move on 25 hours.
    stripe_standin.advance_clock(25 * 3600)
    _time_passes(timedelta(hours=25))
    runs.payout_run_execute_by_id(run_id=payout_run_schedule().pk)

    payout.refresh_from_db()
    listed = [as_dict(t) for t in stripe_client().v1.transfers.list(params={"limit": 100}).data]
    assert len(listed) == 1
    assert stripe_standin.calls(TRANSFERS) == 1
    assert payout.state == Payout.State.IN_TRANSIT
    assert payout.stripe_transfer_id == listed[0]["id"]
    assert stripe_standin.calls("GET /v1/transfers") >= 1  # it asked first
    assert balance(maya, AccountKind.IN_TRANSIT) == 10_000


def test_a_forgotten_key_with_no_transfer_at_stripe_is_sent_once(
    stripe_standin: StandinControl, tenant_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    stripe_standin.add_balance(50_000)
    maya = onboarded(stripe_standin)
    earn(campaign(tenant_a), maya, 10_000)
    run = payout_run_schedule()
    # A payout left pending a day ago with no transfer behind it (the call never reached
    # Stripe, and our note of the attempt survived).
    [group], _ = runs._payable_groups(None, None)
    payout = runs.payout_claim(group=group, run=run)
    assert payout is not None
    Payout.objects.filter(pk=payout.pk).update(
        attempts=1, first_attempt_at=timezone.now() - timedelta(hours=25)
    )

    assert runs.payout_send(payout_id=payout.pk) == Payout.State.IN_TRANSIT
    assert stripe_standin.calls("GET /v1/transfers") == 1  # asked: no transfer
    assert stripe_standin.calls(TRANSFERS) == 1  # then sent, once
    payout.refresh_from_db()
    assert payout.first_attempt_at is not None
    assert payout.first_attempt_at > timezone.now() - timedelta(minutes=1)  # a new key life
