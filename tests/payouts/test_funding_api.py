"""The funding API: open a Checkout session for a campaign (``Idempotency-Key`` honoured) and
list fundings — through the real stripe library and the stand-in."""

from typing import Any

import pytest

from payouts.models import Funding
from payouts.stripe_standin.client import StandinControl
from tests.payouts.conftest import Deliver

pytestmark = pytest.mark.django_db

API = "/api/v1"
SESSIONS = "POST /v1/checkout/sessions"


def test_a_brand_opens_a_checkout_for_a_campaign_once_per_key_and_lists_it(
    stripe_standin: StandinControl,
    tenant_a: Any,
    funding_campaign: Any,
    api_client_for: Any,
    deliver: Deliver,
) -> None:
    api = api_client_for(tenant_a)
    body = {"campaign": funding_campaign.public_id}
    headers = {"HTTP_IDEMPOTENCY_KEY": "fund-glow-1"}
    first = api.post(f"{API}/fundings/", body, format="json", **headers)
    again = api.post(f"{API}/fundings/", body, format="json", **headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    data = first.json()
    assert data["campaign"] == funding_campaign.public_id
    assert (data["amount_cents"], data["currency"], data["status"]) == (100_000, "USD", "open")
    assert data["checkout_url"].startswith(stripe_standin.base_url)
    assert stripe_standin.calls(SESSIONS) == 1
    assert Funding.objects.count() == 1

    other = api.post(f"{API}/fundings/", {"campaign": "cmp_other"}, format="json", **headers)
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"

    stripe_standin.visit(data["checkout_url"])  # the brand pays on Stripe's page
    [event] = stripe_standin.events("checkout.session.completed")
    assert deliver(event["id"]).status_code == 200
    listed = api.get(f"{API}/fundings/", {"campaign": funding_campaign.public_id}).json()
    [row] = listed["results"]
    assert (row["id"], row["status"], row["paid_cents"]) == (data["id"], "paid", 100_000)
    assert api.get(f"{API}/fundings/{data['id']}/").json()["status"] == "paid"

    funded = api.post(f"{API}/fundings/", body, format="json")
    assert funded.status_code == 409
    assert funded.json()["code"] == "already_funded"


def test_another_organizations_campaign_is_not_found_and_nothing_is_created(
    stripe_standin: StandinControl, tenant_b: Any, funding_campaign: Any, api_client_for: Any
) -> None:
    api = api_client_for(tenant_b)
    answer = api.post(f"{API}/fundings/", {"campaign": funding_campaign.public_id}, format="json")
    assert answer.status_code == 400
    assert answer.json()["code"] == "not_found"
    assert answer.json()["fields"] == {"campaign": ["No such campaign."]}
    assert not Funding.objects.exists()
    assert stripe_standin.calls(SESSIONS) == 0


def test_the_funding_endpoints_are_in_the_schema(client: Any) -> None:
    schema = client.get(f"{API}/schema/", HTTP_ACCEPT="application/json").json()
    create = schema["paths"]["/api/v1/fundings/"]["post"]
    assert "Idempotency-Key" in {p["name"] for p in create["parameters"]}
    assert {"201", "409", "422", "503"} <= set(create["responses"])
    assert "get" in schema["paths"]["/api/v1/fundings/{public_id}/"]
