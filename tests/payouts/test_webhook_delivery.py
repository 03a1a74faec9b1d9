"""The stand-in POSTs its signed webhooks over HTTP to our running endpoint (a live server):
duplicates and replays are stored once, and the outbox runs the processing after commit."""

from typing import Any

import pytest

from payouts.connect import connected_account_start
from payouts.models import ConnectedAccount, StripeEvent
from payouts.stripe_standin.client import StandinControl


@pytest.mark.django_db(transaction=True)
def test_events_posted_by_the_standin_are_processed_once(
    stripe_standin: StandinControl, live_server: Any, creator: Any
) -> None:
    stripe_standin.configure_webhooks(url=f"{live_server.url}/webhooks/stripe/", mode="hold")
    account, _ = connected_account_start(creator=creator)
    first = stripe_standin.complete_onboarding(account.stripe_account_id or "", outcome="pending")
    second = stripe_standin.update_account(
        account.stripe_account_id or "",
        payouts_enabled=True,
        transfers="active",
        pending_verification=[],
    )
    assert first
    assert second
    # Newest first, each three times, then a delivery signed with a secret we do not know.
    assert stripe_standin.deliver([second, first], times=3) == [200] * 6
    assert stripe_standin.deliver([first], secrets=["whsec_unknown"]) == [400]
    assert StripeEvent.objects.count() == 2
    assert StripeEvent.objects.filter(processed_at__isnull=True).count() == 0
    account = ConnectedAccount.objects.get(pk=account.pk)
    assert account.payouts_enabled is True
    assert account.transfers_capability == "active"


@pytest.mark.django_db(transaction=True)
def test_simultaneous_deliveries_of_one_event_store_it_once() -> None:
    import threading

    from django.db import connection

    from core.models import OutboxTask
    from payouts.events import stripe_event_record

    event = {
        "id": "evt_1Simultaneous",
        "object": "event",
        "type": "balance.available",
        "created": 1_796_000_000,
        "livemode": False,
        "data": {"object": {"object": "balance"}},
    }
    barrier = threading.Barrier(6)
    created: list[bool] = []

    def deliver() -> None:
        try:
            barrier.wait()
            created.append(stripe_event_record(event=event)[1])
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(created) == [False] * 5 + [True]
    assert StripeEvent.objects.filter(event_id=event["id"]).count() == 1
    assert OutboxTask.objects.filter(dedupe_key=f"stripe-event:{event['id']}").count() == 1
    assert StripeEvent.objects.get().processed_at is not None
