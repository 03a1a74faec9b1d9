"""A campaign's budget or status changes: open Checkout sessions that no longer match are
expired at Stripe, so they cannot fund the old amount; a payment that beat the expiry is
recorded as Stripe says it was paid."""

from typing import Any

import pytest

from campaigns.models import Campaign
from campaigns.services import campaign_archive, campaign_update
from payouts.funding import funding_start
from payouts.models import Funding
from payouts.stripe_api import stripe_client
from payouts.stripe_standin.client import StandinControl
from tests.payouts.conftest import Deliver

pytestmark = pytest.mark.django_db

EXPIRE = "POST /v1/checkout/sessions/:id/expire"


def _session_status(session_id: str | None) -> str:
    return str(stripe_client().v1.checkout.sessions.retrieve(session_id or "").status)


def test_a_budget_change_expires_the_open_session_so_it_cannot_fund_the_old_amount(
    stripe_standin: StandinControl,
    tenant_a: Any,
    funding_campaign: Campaign,
    django_capture_on_commit_callbacks: Any,
) -> None:
    old = funding_start(access=tenant_a.access(), campaign=funding_campaign)
    assert old.amount_cents == 100_000

    with django_capture_on_commit_callbacks(execute=True):
        campaign_update(access=tenant_a.access(), campaign=funding_campaign, budget_cents=150_000)

    old.refresh_from_db()
    assert old.status == Funding.Status.EXPIRED
    assert stripe_standin.calls(EXPIRE) == 1
    assert _session_status(old.checkout_session_id) == "expired"
    assert stripe_standin.pay_checkout(old.checkout_session_id or "") is None  # cannot pay now
    funding_campaign.refresh_from_db()
    assert funding_campaign.funded_cents == 0

    # A new session is for the new amount, and an unrelated save leaves it open.
    new = funding_start(access=tenant_a.access(), campaign=funding_campaign)
    assert new.amount_cents == 150_000
    with django_capture_on_commit_callbacks(execute=True):
        campaign_update(access=tenant_a.access(), campaign=funding_campaign, name="Glow Launch II")
    new.refresh_from_db()
    assert new.status == Funding.Status.OPEN
    assert stripe_standin.calls(EXPIRE) == 1


def test_closing_the_campaign_expires_its_open_session(
    stripe_standin: StandinControl,
    tenant_a: Any,
    funding_campaign: Campaign,
    django_capture_on_commit_callbacks: Any,
) -> None:
    row = funding_start(access=tenant_a.access(), campaign=funding_campaign)
    with django_capture_on_commit_callbacks(execute=True):
        campaign_archive(access=tenant_a.access(), campaign=funding_campaign)
    row.refresh_from_db()
    assert row.status == Funding.Status.EXPIRED
    assert _session_status(row.checkout_session_id) == "expired"


def test_a_payment_that_beat_the_expiry_is_recorded_as_stripe_says_once(
    stripe_standin: StandinControl,
    tenant_a: Any,
    funding_campaign: Campaign,
    deliver: Deliver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    row = funding_start(access=tenant_a.access(), campaign=funding_campaign)
    stripe_standin.visit(row.checkout_url)  # paid; the webhook has not reached us yet
    [completed] = stripe_standin.events("checkout.session.completed")

    with django_capture_on_commit_callbacks(execute=True):
        campaign_update(access=tenant_a.access(), campaign=funding_campaign, budget_cents=80_000)

    row.refresh_from_db()
    assert row.status == Funding.Status.PAID  # Stripe refused the expiry: it was paid
    assert row.paid_cents == 100_000  # what Stripe says was paid, more than is left to fund
    funding_campaign.refresh_from_db()
    assert funding_campaign.funded_cents == 100_000
    assert deliver(completed["id"]).status_code == 200  # the late webhook changes nothing
    funding_campaign.refresh_from_db()
    assert funding_campaign.funded_cents == 100_000
    assert Funding.objects.get().paid_cents == 100_000
