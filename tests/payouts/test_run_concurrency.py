"""Two payout runs at once: one Payout and one Stripe Transfer per creator."""

import threading
from typing import Any

import pytest
from django.db import connection

from ledger.models import AccountKind
from payouts.models import Payout, PayoutRun
from payouts.runs import payout_run_execute
from payouts.stripe_standin.client import StandinControl
from tests.payouts.scenes import balance, campaign, earn, onboarded

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_runs_at_once_send_one_transfer_per_payout(
    stripe_standin: StandinControl, tenant_a: Any
) -> None:
    stripe_standin.add_balance(1_000_000)
    c = campaign(tenant_a)
    creators = [onboarded(stripe_standin) for _ in range(4)]
    for creator in creators:
        earn(c, creator, 3_000, 2_000)
    runs_ = [PayoutRun.objects.create(trigger=PayoutRun.Trigger.SCHEDULED) for _ in range(2)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def go(run: PayoutRun) -> None:
        try:
            barrier.wait()
            payout_run_execute(run=run)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=go, args=(run,)) for run in runs_]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert Payout.objects.count() == 4
    assert set(Payout.objects.values_list("state", flat=True)) == {Payout.State.IN_TRANSIT}
    assert stripe_standin.calls("POST /v1/transfers") == 4
    for creator in creators:
        assert balance(creator, AccountKind.IN_TRANSIT) == 5_000
        assert balance(creator, AccountKind.PAYABLE) == 0
