"""In transit → paid when the connected account's payout.paid never reached us: the hourly
check asks Stripe (as the connected account) and converges on what it says."""

from datetime import timedelta
from typing import Any

import pytest
from django.db.models import F

from ledger.models import AccountKind
from payouts.models import Payout
from payouts.runs import payout_run_start
from payouts.settlement import payout_in_transit_reconcile
from payouts.stripe_standin.client import StandinControl
from tests.payouts.scenes import balance, campaign, earn, onboarded

pytestmark = pytest.mark.django_db

LIST = "GET /v1/payouts"


def test_a_lost_payout_paid_event_is_caught_up_by_asking_stripe(
    stripe_standin: StandinControl, tenant_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    stripe_standin.add_balance(100_000)
    c = campaign(tenant_a)
    maya, noor = onboarded(stripe_standin), onboarded(stripe_standin)
    earn(c, maya, 10_000)
    earn(c, noor, 4_000)
    with django_capture_on_commit_callbacks(execute=True):
        payout_run_start(access=tenant_a.access())
    maya_account = Payout.objects.get(creator=maya).destination

    # Too fresh to check: nothing is asked.
    assert payout_in_transit_reconcile() == 0
    assert stripe_standin.calls(LIST) == 0

    # Maya's bank got the money (Stripe's payout.paid was never delivered); Noor's did not.
    assert len(stripe_standin.pay_out(maya_account)) == 2
    Payout.objects.update(transfer_created_at=F("transfer_created_at") - timedelta(hours=2))
    assert payout_in_transit_reconcile() == 1
    assert stripe_standin.calls(LIST) == 2  # one question per connected account
    assert Payout.objects.get(creator=maya).state == Payout.State.PAID
    assert Payout.objects.get(creator=noor).state == Payout.State.IN_TRANSIT
    assert (balance(maya, AccountKind.PAID), balance(maya, AccountKind.IN_TRANSIT)) == (10_000, 0)
    assert balance(noor, AccountKind.IN_TRANSIT) == 4_000

    assert payout_in_transit_reconcile() == 0  # again: nothing more, nothing twice
    assert balance(maya, AccountKind.PAID) == 10_000
