"""The Stripe webhook endpoint: signature, tolerance, rotation, garbage → 400 and nothing
recorded; each event stored once and processed once (replays, duplicates, crashes, order)."""

import json
import time
from typing import Any

import pytest
from django.test import Client

from core.models import OutboxTask
from payouts import events, funding
from payouts.connect import connected_account_start
from payouts.models import ConnectedAccount, Funding, StripeEvent
from payouts.stripe_standin import STANDIN_WEBHOOK_SECRET
from payouts.stripe_standin.client import StandinControl
from tests.payouts.conftest import WEBHOOK_URL, Deliver

pytestmark = pytest.mark.django_db


def _an_event(control: StandinControl, creator: Any) -> tuple[ConnectedAccount, str]:
    account, _ = connected_account_start(creator=creator)
    assert account.stripe_account_id
    event_id = control.complete_onboarding(account.stripe_account_id)
    assert event_id
    return account, event_id


def _nothing_recorded() -> None:
    assert StripeEvent.objects.count() == 0
    assert OutboxTask.objects.count() == 0


def test_signed_event_is_stored_and_processed(
    stripe_standin: StandinControl, deliver: Deliver, creator: Any
) -> None:
    account, event_id = _an_event(stripe_standin, creator)
    response = deliver(event_id)
    assert response.status_code == 200
    row = StripeEvent.objects.get(event_id=event_id)
    assert row.type == "account.updated"
    assert row.processed_at is not None
    account.refresh_from_db()
    assert account.payouts_enabled
    assert account.transfers_capability == "active"


@pytest.mark.parametrize(
    "secrets", [["whsec_someone_else"], []], ids=["wrong secret", "no v1 signature"]
)
def test_bad_signature_is_400_and_nothing_recorded(
    stripe_standin: StandinControl, deliver: Deliver, creator: Any, secrets: list[str]
) -> None:
    _, event_id = _an_event(stripe_standin, creator)
    assert deliver(event_id, secrets=secrets).status_code == 400
    _nothing_recorded()


def test_stale_timestamp_is_400_and_nothing_recorded(
    stripe_standin: StandinControl, deliver: Deliver, creator: Any
) -> None:
    _, event_id = _an_event(stripe_standin, creator)
    assert deliver(event_id, timestamp=int(time.time()) - 301).status_code == 400
    _nothing_recorded()
    # Within the tolerance the same delivery is fine.
    assert deliver(event_id, timestamp=int(time.time()) - 200).status_code == 200


def test_tampered_body_is_400(stripe_standin: StandinControl, creator: Any) -> None:
    _, event_id = _an_event(stripe_standin, creator)
    body, signature = stripe_standin.signed(event_id)
    tampered = body.replace(b'"payouts_enabled": true', b'"payouts_enabled": false')
    assert tampered != body
    response = Client().post(
        WEBHOOK_URL, data=tampered, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )
    assert response.status_code == 400
    _nothing_recorded()


def _signed_post(
    body: bytes, secret: str = STANDIN_WEBHOOK_SECRET, header: str | None = None
) -> Any:
    from stripe import WebhookSignature

    text = body.decode("utf-8", "surrogateescape")
    signature = header or WebhookSignature.generate_signature_header(text, secret)
    return Client().post(
        WEBHOOK_URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )


@pytest.mark.parametrize(
    "body",
    [
        b"not json at all",
        b"[1, 2, 3]",
        b'{"id": "evt_1", "object": "charge"}',
        b'{"id": "evt_1", "object": "event", "type": "account.updated", "created": "yesterday",'
        b' "data": {"object": {}}}',
        b'{"id": 5, "object": "event", "type": "x", "created": 1, "data": {"object": {}}}',
        b'{"id": "evt_1", "object": "event", "type": "x", "created": 1, "data": []}',
    ],
    ids=["garbage", "array", "not an event", "bad created", "bad id", "bad data"],
)
def test_garbage_signed_correctly_is_still_400(stripe_standin: StandinControl, body: bytes) -> None:
    assert _signed_post(body).status_code == 400
    _nothing_recorded()


def test_missing_header_and_non_utf8_body_are_400(stripe_standin: StandinControl) -> None:
    response = Client().post(WEBHOOK_URL, data=b"{}", content_type="application/json")
    assert response.status_code == 400
    assert _signed_post(b"\xff\xfe{}", header="t=1,v1=00").status_code == 400
    assert _signed_post(b"{}", header="garbage").status_code == 400
    assert Client().get(WEBHOOK_URL).status_code == 405
    _nothing_recorded()


def test_rotation_accepts_either_secret_of_the_endpoint(
    stripe_standin: StandinControl, deliver: Deliver, creator: Any, settings: Any
) -> None:
    settings.STRIPE_WEBHOOK_SECRETS = ["whsec_new", "whsec_old"]
    account, first = _an_event(stripe_standin, creator)
    second = stripe_standin.update_account(account.stripe_account_id or "", currently_due=["x"])
    third = stripe_standin.update_account(account.stripe_account_id or "", currently_due=[])
    assert deliver(first, secrets=["whsec_old"]).status_code == 200
    assert deliver(second, secrets=["whsec_new"]).status_code == 200
    assert deliver(third, secrets=["whsec_old", "whsec_new"]).status_code == 200
    assert deliver(third, secrets=[STANDIN_WEBHOOK_SECRET]).status_code == 400
    assert StripeEvent.objects.count() == 3


def test_a_replayed_event_three_times_has_one_effect(
    stripe_standin: StandinControl, deliver: Deliver, funded_session: Any
) -> None:
    row, event_id = funded_session
    responses = [deliver(event_id) for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert [json.loads(r.content)["duplicate"] for r in responses] == [False, True, True]
    assert StripeEvent.objects.filter(event_id=event_id).count() == 1
    assert OutboxTask.objects.count() == 1
    row.refresh_from_db()
    row.campaign.refresh_from_db()
    assert row.status == Funding.Status.PAID
    assert row.campaign.funded_cents == row.amount_cents  # once, not three times


def test_processing_twice_applies_once(
    stripe_standin: StandinControl, deliver: Deliver, funded_session: Any
) -> None:
    row, event_id = funded_session
    deliver(event_id)
    stored = StripeEvent.objects.get(event_id=event_id)
    assert events.stripe_event_process(event_row_id=stored.pk) is False
    row.campaign.refresh_from_db()
    assert row.campaign.funded_cents == row.amount_cents


def test_a_crash_mid_processing_rolls_back_and_the_retry_applies_once(
    stripe_standin: StandinControl, deliver: Deliver, funded_session: Any
) -> None:
    row, event_id = funded_session
    crashes = [RuntimeError("worker killed")]

    def flaky_posting(paid: Funding) -> None:
        if crashes:
            raise crashes.pop()

    funding.on_funding_recorded(flaky_posting)
    try:
        with pytest.raises(RuntimeError):
            deliver(event_id)
        stored = StripeEvent.objects.get(event_id=event_id)
        assert stored.processed_at is None
        assert stored.attempts == 1
        row.refresh_from_db()
        row.campaign.refresh_from_db()
        assert row.status == Funding.Status.OPEN
        assert row.campaign.funded_cents == 0
        # The outbox publishes the task again: this time it goes through, once.
        assert events.stripe_event_process(event_row_id=stored.pk) is True
        assert deliver(event_id).status_code == 200  # and Stripe's own retry is a no-op
    finally:
        funding._POSTINGS.remove(flaky_posting)
    row.refresh_from_db()
    row.campaign.refresh_from_db()
    assert row.status == Funding.Status.PAID
    assert row.campaign.funded_cents == row.amount_cents


def test_account_events_out_of_order_end_in_the_state_the_api_reports(
    stripe_standin: StandinControl, deliver: Deliver, creator: Any
) -> None:
    account, _ = connected_account_start(creator=creator)
    stripe_id = account.stripe_account_id or ""
    pending = stripe_standin.complete_onboarding(stripe_id, outcome="pending")
    verified = stripe_standin.update_account(
        stripe_id,
        payouts_enabled=True,
        charges_enabled=True,
        transfers="active",
        pending_verification=[],
    )
    # The newer event arrives first, the older one after it.
    assert deliver(verified).status_code == 200
    assert deliver(pending).status_code == 200
    account.refresh_from_db()
    api = stripe_standin.account(stripe_id)
    assert api["payouts_enabled"] is True
    assert account.payouts_enabled is True
    assert account.transfers_capability == "active"
    assert account.requirements_pending == []
    assert account.details_submitted is True


def test_an_old_event_after_stripe_changed_again_still_ends_in_the_api_state(
    stripe_standin: StandinControl, deliver: Deliver, creator: Any
) -> None:
    account, enabled = _an_event(stripe_standin, creator)
    stripe_standin.update_account(
        account.stripe_account_id or "",
        payouts_enabled=False,
        transfers="inactive",
        past_due=["external_account"],
        disabled_reason="requirements.past_due",
    )
    assert deliver(enabled).status_code == 200  # says "enabled", but that is no longer true
    account.refresh_from_db()
    assert account.payouts_enabled is False
    assert account.requirements_due == ["external_account"]
    assert account.disabled_reason == "requirements.past_due"


def test_event_of_an_unknown_type_or_account_is_stored_and_ignored(
    stripe_standin: StandinControl, deliver: Deliver
) -> None:
    from payouts.stripe_api import stripe_client

    stranger = stripe_client().v1.accounts.create(params={})
    event_id = stripe_standin.complete_onboarding(stranger.id)
    assert deliver(event_id).status_code == 200
    assert StripeEvent.objects.get(event_id=event_id).processed_at is not None
    assert ConnectedAccount.objects.count() == 0
