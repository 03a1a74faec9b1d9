"""Committed spend never exceeds the budget, whatever the concurrency (two real DB connections)."""

import threading

import pytest
from django.db import connection, transaction

from campaigns.models import Campaign
from campaigns.services import campaign_budget_reserve
from core.errors import ChorusError
from tests.factories.campaigns import CampaignFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _race(campaign_id: int, amounts: list[int]) -> tuple[list[int], list[str]]:
    """Each thread reserves on its own connection; all of them start together and, after
    reading, wait for the others, so without the row lock every one would see the same
    committed amount and all would succeed."""
    barrier = threading.Barrier(len(amounts))
    successes: list[int] = []
    failures: list[str] = []
    lock = threading.Lock()

    def worker(amount: int) -> None:
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                campaign_budget_reserve(campaign_id=campaign_id, amount_cents=amount)
                # Hold the transaction open a moment so the other thread surely overlaps.
                threading.Event().wait(0.2)
            with lock:
                successes.append(amount)
        except ChorusError as exc:
            with lock:
                failures.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(a,)) for a in amounts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return successes, failures


def test_two_concurrent_reservations_cannot_overspend_the_budget():
    campaign = CampaignFactory(budget_cents=30_000)
    successes, failures = _race(campaign.pk, [20_000, 20_000])
    campaign.refresh_from_db()
    assert len(successes) == 1
    assert failures == ["budget_exceeded"]
    assert campaign.committed_cents == 20_000


def test_many_concurrent_reservations_fill_the_budget_exactly():
    campaign = CampaignFactory(budget_cents=50_000)
    successes, failures = _race(campaign.pk, [10_000] * 7)
    campaign.refresh_from_db()
    assert len(successes) == 5
    assert failures == ["budget_exceeded"] * 2
    assert campaign.committed_cents == 50_000 == sum(successes)


def test_database_refuses_committed_above_budget_even_bypassing_services():
    from django.db import IntegrityError

    campaign = CampaignFactory(budget_cents=10_000)
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(committed_cents=10_001)
