"""The performance API: the dashboard's figures as JSON; money hidden from keys that cannot
read money; another brand's campaign answers 404 to a brand-limited key (the cross-tenant
harness tries every route as well)."""

from __future__ import annotations

import pytest

from organizations.roles import Role
from tests.conftest import Tenant
from tests.factories.campaigns import CampaignFactory
from tests.web.test_dashboard_pages import _campaign_day, _creator

pytestmark = pytest.mark.django_db

API = "/api/v1/campaign-performance"


def test_a_campaign_s_performance_in_json(tenant_a: Tenant, api_client_for) -> None:
    campaign = CampaignFactory(brand=tenant_a.brand)
    _creator(campaign, views=14_000, conversions=2, name="First Fay")
    _creator(campaign, views=6_000, conversions=1, name="Second Sam")
    _campaign_day(campaign)
    api = api_client_for(tenant_a, Role.ADMIN)

    body = api.get(f"{API}/{campaign.public_id}/").json()

    assert body["campaign"] == campaign.public_id
    assert body["totals"]["views"] == 20_000
    assert body["totals"]["engagement_rate"] == "10.00"
    assert body["totals"]["cpm_cents"] == "250.00"
    assert body["totals"]["roas"] == "2.40"
    assert [c["name"] for c in body["creators"]] == ["First Fay", "Second Sam"]
    assert body["days"] == [
        {"day": "2026-11-20", "totals": body["totals"]},
    ]
    assert body["reach"] == {"one": 0, "two": 0, "three": 0, "four_or_more": 0}
    listed = api.get(f"{API}/").json()
    assert [r["totals"]["views"] for r in listed["results"]] == [20_000]


def test_a_viewer_key_gets_no_money(tenant_a: Tenant, api_client_for) -> None:
    campaign = CampaignFactory(brand=tenant_a.brand)
    _creator(campaign, views=1_000, conversions=1)
    _campaign_day(campaign)

    totals = (
        api_client_for(tenant_a, Role.VIEWER).get(f"{API}/{campaign.public_id}/").json()["totals"]
    )

    assert totals["views"] == 1_000
    assert totals["spend_cents"] is None
    assert totals["roas"] is None


def test_an_unknown_campaign_is_a_json_404(tenant_a: Tenant, api_client_for) -> None:
    response = api_client_for(tenant_a).get(f"{API}/cmp_nope/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
