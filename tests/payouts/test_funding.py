"""A brand funds a campaign through Stripe Checkout (the stand-in's hosted page); the payment is
recorded once; creators see "Funded"; a campaign can require funding before it is published."""

from typing import Any
from urllib.parse import urlparse

import pytest
from django.test import Client

from campaigns.checklist import publish_checklist
from campaigns.models import Campaign
from campaigns.services.lifecycle import campaign_publish
from core.errors import ChorusError
from organizations.roles import Role
from payouts.models import Funding
from payouts.stripe_standin.client import StandinControl
from tests.conftest import Tenant
from tests.payouts.conftest import Deliver

pytestmark = pytest.mark.django_db


def _url(campaign: Campaign, suffix: str = "") -> str:
    return f"/o/{campaign.organization.slug}/campaigns/{campaign.public_id}/funding/{suffix}"


def _path(url: str) -> str:
    parsed = urlparse(url)
    return parsed.path + (f"?{parsed.query}" if parsed.query else "")


def test_brand_funds_a_campaign_end_to_end_through_checkout(
    stripe_standin: StandinControl,
    tenant_a: Tenant,
    funding_campaign: Campaign,
    client_for: Any,
    deliver: Deliver,
    creator_client: Client,
) -> None:
    owner = client_for(tenant_a.owner)
    page = owner.get(_url(funding_campaign))
    assert page.status_code == 200
    assert b"Fund this campaign (USD 1,000.00)" in page.content

    response = owner.post(_url(funding_campaign), {"action": "fund"})
    assert response.status_code == 302
    row = Funding.objects.get(campaign=funding_campaign)
    assert response["Location"] == row.checkout_url
    session = stripe_client_session(row.checkout_session_id or "")
    assert session["amount_total"] == 100_000
    assert session["currency"] == "usd"
    assert session["metadata"]["chorus_funding"] == row.public_id

    success = stripe_standin.visit(row.checkout_url)  # the brand pays on Stripe's page
    assert (
        success
        == f"http://testserver{_url(funding_campaign, 'return/')}?session_id={row.checkout_session_id}"
    )
    [event] = stripe_standin.events("checkout.session.completed")
    assert deliver(event["id"]).status_code == 200
    after = owner.get(_path(success), follow=True)
    assert b"Thank you: USD 1,000.00 received." in after.content

    row.refresh_from_db()
    funding_campaign.refresh_from_db()
    assert row.status == Funding.Status.PAID
    assert row.paid_cents == 100_000
    assert row.payment_intent_id.startswith("pi_")
    assert funding_campaign.funded_cents == 100_000
    assert funding_campaign.is_fully_funded
    assert b"Funded" in owner.get(_url(funding_campaign)).content

    funding_campaign.status = Campaign.Status.RECRUITING
    funding_campaign.save(update_fields=["status"])
    creator_page = creator_client.get(f"/creator/campaigns/{funding_campaign.public_id}/")
    assert creator_page.status_code == 200
    assert b'data-testid="funded"' in creator_page.content


def stripe_client_session(session_id: str) -> dict[str, Any]:
    from payouts.stripe_api import as_dict, stripe_client

    return as_dict(stripe_client().v1.checkout.sessions.retrieve(session_id))


def test_success_page_before_the_webhook_records_once(
    stripe_standin: StandinControl,
    tenant_a: Tenant,
    client_for: Any,
    funded_session: tuple[Funding, str],
    deliver: Deliver,
) -> None:
    row, event_id = funded_session
    owner = client_for(tenant_a.owner)
    owner.get(_url(row.campaign, f"return/?session_id={row.checkout_session_id}"))
    row.refresh_from_db()
    assert row.status == Funding.Status.PAID
    assert deliver(event_id).status_code == 200  # the webhook, later: nothing more
    owner.get(_url(row.campaign, f"return/?session_id={row.checkout_session_id}"))
    row.campaign.refresh_from_db()
    assert row.campaign.funded_cents == 100_000


def test_a_second_click_offers_the_same_open_session(
    stripe_standin: StandinControl, tenant_a: Tenant, funding_campaign: Campaign, client_for: Any
) -> None:
    owner = client_for(tenant_a.owner)
    first = owner.post(_url(funding_campaign), {"action": "fund"})["Location"]
    second = owner.post(_url(funding_campaign), {"action": "fund"})["Location"]
    assert first == second
    assert stripe_standin.calls("POST /v1/checkout/sessions") == 1


def test_a_funded_campaign_cannot_be_funded_again(
    stripe_standin: StandinControl,
    tenant_a: Tenant,
    client_for: Any,
    funded_session: tuple[Funding, str],
    deliver: Deliver,
) -> None:
    row, event_id = funded_session
    deliver(event_id)
    response = client_for(tenant_a.owner).post(_url(row.campaign), {"action": "fund"})
    assert response.status_code == 409
    assert b"funded already" in response.content
    assert Funding.objects.count() == 1


@pytest.mark.parametrize("role", [Role.MANAGER, Role.REVIEWER])
def test_only_admins_and_owners_fund(
    stripe_standin: StandinControl,
    tenant_a: Tenant,
    funding_campaign: Campaign,
    client_for: Any,
    role: str,
) -> None:
    member = client_for(tenant_a.add_member(role))
    expected_page = 200 if role == Role.MANAGER else 403  # payouts:read is a manager's
    assert member.get(_url(funding_campaign)).status_code == expected_page
    response = member.post(_url(funding_campaign), {"action": "fund"})
    assert response.status_code == 403
    assert Funding.objects.count() == 0
    assert stripe_standin.calls("POST /v1/checkout/sessions") == 0


def test_another_organizations_campaign_is_not_found(
    stripe_standin: StandinControl, tenant_b: Tenant, funding_campaign: Campaign, client_for: Any
) -> None:
    stranger = client_for(tenant_b.owner)
    foreign = f"/o/{tenant_b.org.slug}/campaigns/{funding_campaign.public_id}/funding/"
    assert stranger.get(foreign).status_code == 404
    assert stranger.post(foreign, {"action": "fund"}).status_code == 404
    assert Funding.objects.count() == 0


def test_stripe_failure_leaves_a_failed_row_and_a_message(
    stripe_standin: StandinControl, tenant_a: Tenant, funding_campaign: Campaign, client_for: Any
) -> None:
    stripe_standin.fail("api_error", path_prefix="/v1/checkout/sessions")
    response = client_for(tenant_a.owner).post(_url(funding_campaign), {"action": "fund"})
    assert response.status_code == 503
    assert b"Stripe could not be reached" in response.content
    assert Funding.objects.get().status == Funding.Status.FAILED


def test_required_funding_blocks_publishing_until_funded(
    stripe_standin: StandinControl,
    tenant_a: Tenant,
    client_for: Any,
    funded_session: tuple[Funding, str],
    deliver: Deliver,
) -> None:
    row, event_id = funded_session
    campaign = row.campaign
    owner = client_for(tenant_a.owner)
    owner.post(_url(campaign), {"action": "require"})
    campaign.refresh_from_db()
    assert campaign.requires_funding
    items = {i.code: i for i in publish_checklist(campaign)}
    assert items["funding"].blocking
    assert not items["funding"].ok
    with pytest.raises(ChorusError) as refused:
        campaign_publish(access=tenant_a.access(), campaign=campaign)
    assert refused.value.fields.get("budget_cents")

    deliver(event_id)
    campaign.refresh_from_db()
    assert {i.code: i for i in publish_checklist(campaign)}["funding"].ok
    published = campaign_publish(access=tenant_a.access(), campaign=campaign)
    assert published.status == Campaign.Status.RECRUITING


def test_without_the_setting_an_unfunded_campaign_publishes(
    tenant_a: Tenant, funding_campaign: Campaign
) -> None:
    assert "funding" not in {i.code for i in publish_checklist(funding_campaign)}
    assert campaign_publish(access=tenant_a.access(), campaign=funding_campaign).status == (
        Campaign.Status.RECRUITING
    )


def test_funding_reads_as_sentences_in_recent_activity(
    stripe_standin: StandinControl,
    tenant_a: Tenant,
    funded_session: tuple[Funding, str],
    deliver: Deliver,
) -> None:
    from organizations.audit import audit_sentences
    from organizations.models import AuditEvent

    deliver(funded_session[1])
    events = list(AuditEvent.objects.filter(action__startswith="funding.").order_by("id"))
    lines = [str(line.sentence) for line in audit_sentences(events, tenant_a.access())]
    assert "started funding" in lines[0]
    assert "Glow Launch" in lines[0]
    assert "Stripe received USD 1,000.00 for" in lines[1]
