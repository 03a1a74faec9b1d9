"""The Stripe stand-in, driven by the real stripe library over HTTP: Stripe's idempotency,
errors, failures and webhook signatures (what the payouts code relies on)."""

from typing import Any

import pytest
import stripe

from payouts.stripe_api import stripe_client
from payouts.stripe_standin import STANDIN_WEBHOOK_SECRET
from payouts.stripe_standin.client import StandinControl

pytestmark = pytest.mark.usefixtures("stripe_standin")

TRANSFERS = "POST /v1/transfers"


def _enabled_account(control: StandinControl) -> str:
    account = stripe_client().v1.accounts.create(
        params={"capabilities": {"transfers": {"requested": True}}}
    )
    control.complete_onboarding(account.id)
    return account.id


def _transfer(destination: str, key: str, amount: int = 1000, **extra: Any) -> stripe.Transfer:
    return stripe_client().v1.transfers.create(
        params={"amount": amount, "currency": "usd", "destination": destination, **extra},
        options={"idempotency_key": key},
    )


def test_same_key_and_parameters_answer_the_saved_transfer(stripe_standin: StandinControl) -> None:
    destination = _enabled_account(stripe_standin)
    stripe_standin.add_balance(5000)
    first = _transfer(destination, "payout-1", transfer_group="cmp_1", metadata={"p": "1"})
    again = _transfer(destination, "payout-1", transfer_group="cmp_1", metadata={"p": "1"})
    assert again.id == first.id
    assert again.last_response is not None
    assert again.last_response.headers.get("Idempotent-Replayed") == "true"
    assert stripe_standin.calls(TRANSFERS) == 1
    assert stripe_client().v1.balance.retrieve().available[0].amount == 4000


def test_same_key_with_other_parameters_is_an_idempotency_error(
    stripe_standin: StandinControl,
) -> None:
    destination = _enabled_account(stripe_standin)
    stripe_standin.add_balance(5000)
    _transfer(destination, "payout-2", amount=1000)
    with pytest.raises(stripe.IdempotencyError) as caught:
        _transfer(destination, "payout-2", amount=1200)
    assert caught.value.http_status == 400
    assert caught.value.error is not None
    assert caught.value.error.type == "idempotency_error"
    assert stripe_standin.calls(TRANSFERS) == 1


def test_errors_after_execution_began_are_saved_but_validation_errors_are_not(
    stripe_standin: StandinControl,
) -> None:
    destination = _enabled_account(stripe_standin)
    with pytest.raises(stripe.InvalidRequestError) as short:
        _transfer(destination, "payout-3", amount=1000)
    assert short.value.code == "balance_insufficient"
    stripe_standin.add_balance(5000)
    # The saved error comes back for the same key, even though the balance would now do.
    with pytest.raises(stripe.InvalidRequestError) as replayed:
        _transfer(destination, "payout-3", amount=1000)
    assert replayed.value.code == "balance_insufficient"
    # A request refused by validation leaves its key free for the corrected request.
    with pytest.raises(stripe.InvalidRequestError) as invalid:
        stripe_client().v1.transfers.create(
            params={"amount": 1000, "currency": "usd"}, options={"idempotency_key": "payout-4"}
        )
    assert invalid.value.code == "parameter_missing"
    assert invalid.value.param == "destination"
    assert _transfer(destination, "payout-4").amount == 1000


def test_transfer_to_an_account_without_transfers_is_refused(
    stripe_standin: StandinControl,
) -> None:
    account = stripe_client().v1.accounts.create(
        params={"capabilities": {"transfers": {"requested": True}}}
    )
    stripe_standin.add_balance(5000)
    with pytest.raises(stripe.InvalidRequestError) as caught:
        _transfer(account.id, "payout-5")
    assert caught.value.code == "insufficient_capabilities_for_transfer"
    with pytest.raises(stripe.InvalidRequestError) as missing:
        _transfer("acct_nobody", "payout-6")
    assert missing.value.code == "resource_missing"


def test_rate_limit_and_lost_response_on_demand(stripe_standin: StandinControl) -> None:
    destination = _enabled_account(stripe_standin)
    stripe_standin.add_balance(5000)
    stripe_standin.fail("rate_limit", path_prefix="/v1/transfers")
    with pytest.raises(stripe.RateLimitError) as limited:
        _transfer(destination, "payout-7")
    assert limited.value.http_status == 429
    assert stripe_standin.calls(TRANSFERS) == 0  # refused before execution: nothing saved
    stripe_standin.fail("lost_response", path_prefix="/v1/transfers")
    with pytest.raises(stripe.APIError):
        _transfer(destination, "payout-7")
    # Executed although the client never heard: the retry with the same key gets it.
    transfer = _transfer(destination, "payout-7")
    assert stripe_standin.calls(TRANSFERS) == 1
    assert stripe_client().v1.transfers.retrieve(transfer.id).amount == 1000


def test_reversal_returns_the_money_and_emits_transfer_reversed(
    stripe_standin: StandinControl,
) -> None:
    destination = _enabled_account(stripe_standin)
    stripe_standin.add_balance(1000)
    transfer = _transfer(destination, "payout-8")
    stripe_client().v1.transfers.reversals.create(transfer.id, params={"amount": 400})
    assert stripe_client().v1.transfers.retrieve(transfer.id).amount_reversed == 400
    assert stripe_client().v1.balance.retrieve().available[0].amount == 400
    reversed_events = stripe_standin.events("transfer.reversed")
    assert [e["data"]["object"]["amount_reversed"] for e in reversed_events] == [400]


def test_webhooks_are_signed_like_stripe_with_every_active_secret(
    stripe_standin: StandinControl,
) -> None:
    destination = _enabled_account(stripe_standin)
    event_id = stripe_standin.events("account.updated")[0]["id"]
    stripe_standin.configure_webhooks(secrets=["whsec_old", "whsec_new"])
    body, header = stripe_standin.signed(event_id)
    assert header.count("v1=") == 2
    for secret in ("whsec_old", "whsec_new"):
        event = stripe.Webhook.construct_event(body.decode(), header, secret)
        assert event.id == event_id
        assert event.account == destination
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body.decode(), header, STANDIN_WEBHOOK_SECRET)


def test_account_link_is_single_use(stripe_standin: StandinControl) -> None:
    account = stripe_client().v1.accounts.create(params={})
    link = stripe_client().v1.account_links.create(
        params={
            "account": account.id,
            "type": "account_onboarding",
            "return_url": "https://chorus.test/back",
            "refresh_url": "https://chorus.test/again",
        }
    )
    assert stripe_standin.visit(link.url) == "https://chorus.test/back"
    assert stripe_standin.visit(link.url) == "https://chorus.test/again"
    assert stripe_client().v1.accounts.retrieve(account.id).details_submitted is True
