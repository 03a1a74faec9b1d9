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


def _open_session(tenant: Any, campaign: Campaign) -> Funding:
    row = funding_start(access=tenant.access(), campaign=campaign)
    assert row.status == Funding.Status.OPEN
    return row


def test_a_bulk_budget_update_is_caught_by_the_sweep_not_at_the_next_funding_event(
    stripe_standin: StandinControl,
    tenant_a: Any,
    funding_campaign: Campaign,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from payouts.funding_expiry import funding_expiry_sweep
    from tests.factories.campaigns import CampaignFactory

    untouched = CampaignFactory(
        organization=tenant_a.org, brand=tenant_a.brand, budget_cents=50_000, status="draft"
    )
    stale, kept = _open_session(tenant_a, funding_campaign), _open_session(tenant_a, untouched)
    # A bulk update fires no signal and calls no service: nothing is queued by it.
    with django_capture_on_commit_callbacks(execute=True):
        Campaign.objects.filter(pk=funding_campaign.pk).update(budget_cents=150_000)
    assert stripe_standin.calls(EXPIRE) == 0

    with django_capture_on_commit_callbacks(execute=True):
        assert funding_expiry_sweep() == 1

    stale.refresh_from_db()
    kept.refresh_from_db()
    assert (stale.status, kept.status) == (Funding.Status.EXPIRED, Funding.Status.OPEN)
    assert _session_status(stale.checkout_session_id) == "expired"
    assert stripe_standin.pay_checkout(stale.checkout_session_id or "") is None
    assert stripe_standin.calls(EXPIRE) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert funding_expiry_sweep() == 0  # nothing stale is left: no more Stripe calls
    assert stripe_standin.calls(EXPIRE) == 1


def test_a_bulk_status_change_that_says_so_expires_every_campaigns_sessions_after_commit(
    stripe_standin: StandinControl,
    tenant_a: Any,
    funding_campaign: Campaign,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.db import transaction

    from campaigns.changes import campaign_terms_changed
    from tests.factories.campaigns import CampaignFactory

    other = CampaignFactory(
        organization=tenant_a.org, brand=tenant_a.brand, budget_cents=50_000, status="draft"
    )
    rows = [_open_session(tenant_a, funding_campaign), _open_session(tenant_a, other)]
    ids = [funding_campaign.pk, other.pk]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Campaign.objects.filter(pk__in=ids).update(status=Campaign.Status.ARCHIVED)
        campaign_terms_changed(campaign_ids=ids)
        assert stripe_standin.calls(EXPIRE) == 0  # not before the change is committed

    for row in rows:
        row.refresh_from_db()
        assert row.status == Funding.Status.EXPIRED
        assert _session_status(row.checkout_session_id) == "expired"
    assert stripe_standin.calls(EXPIRE) == 2


def test_a_budget_edited_in_the_admin_expires_the_open_session(
    stripe_standin: StandinControl,
    tenant_a: Any,
    funding_campaign: Campaign,
    django_capture_on_commit_callbacks: Any,
    rf: Any,
) -> None:
    from types import SimpleNamespace

    from django.contrib import admin
    from django.db import transaction

    from campaigns.admin import CampaignAdmin
    from tests.factories.organizations import UserFactory

    row = _open_session(tenant_a, funding_campaign)
    request = rf.post("/admin/campaigns/campaign/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    funding_campaign.budget_cents = 120_000
    form = SimpleNamespace(changed_data=["budget_cents"])  # what the admin's form reports
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        CampaignAdmin(Campaign, admin.site).save_model(request, funding_campaign, form, True)

    row.refresh_from_db()
    assert row.status == Funding.Status.EXPIRED
    assert _session_status(row.checkout_session_id) == "expired"
