"""A recorded Checkout payment is posted to the ledger once: funding → funded."""

from typing import Any

import pytest

from ledger.models import Transaction
from ledger.selectors import campaign_figures
from tests.payouts.conftest import Deliver

pytestmark = pytest.mark.django_db


def test_a_paid_checkout_is_funded_in_the_ledger_once(
    funded_session: tuple[Any, str], deliver: Deliver
) -> None:
    row, event_id = funded_session
    for _ in range(3):
        assert deliver(event_id).status_code == 200
    row.refresh_from_db()
    assert row.status == "paid"
    figures = campaign_figures(row.campaign)
    assert figures.funded == row.paid_cents == 100_000
    [txn] = Transaction.objects.filter(key=f"funding:{row.public_id}")
    assert txn.kind == "funding"
