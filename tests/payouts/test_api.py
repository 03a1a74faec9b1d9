"""The money API: balances, ledger transactions, payouts, payout runs (Idempotency-Key) and the
creator's earnings — all in the OpenAPI schema."""

from typing import Any

import pytest
from django.test import Client

from ledger.selectors import campaign_figures
from payouts.models import ApiIdempotencyKey, Payout, PayoutRun
from payouts.stripe_standin.client import StandinControl
from tests.payouts.scenes import bank_arrival, campaign, earn, onboarded

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def paid_scene(
    stripe_standin: StandinControl, tenant_a: Any, api_client_for: Any,
    django_capture_on_commit_callbacks: Any, deliver: Any,
) -> tuple[Any, Any, Any]:  # fmt: skip
    """(api client, campaign, creator): one run already paid the creator, and the money
    reached their bank."""
    stripe_standin.add_balance(100_000)
    c = campaign(tenant_a)
    maya = onboarded(stripe_standin)
    earn(c, maya, 10_000, 5_000)
    api = api_client_for(tenant_a)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"{API}/payout-runs/", {}, format="json").status_code == 201
    bank_arrival(stripe_standin, deliver, maya)
    return api, c, maya


def test_balances_transactions_and_payouts_read_from_the_ledger(
    paid_scene: tuple[Any, Any, Any],
) -> None:
    api, c, maya = paid_scene
    f = campaign_figures(c)
    balance = api.get(f"{API}/campaign-balances/{c.public_id}/").json()
    assert balance["paid_cents"] == f.paid == 15_000
    assert balance["remaining_cents"] == f.remaining
    txns = api.get(f"{API}/ledger-transactions/", {"campaign": c.public_id}).json()["results"]
    kinds = {t["kind"] for t in txns}
    assert {"commit", "accrue", "payout", "settle"} <= kinds
    for t in txns:
        assert sum(e["amount_cents"] for e in t["entries"]) == 0
    [payout] = api.get(f"{API}/payouts/").json()["results"]
    assert payout["creator"] == maya.public_id
    assert payout["state"] == "paid"
    assert payout["campaigns"] == [c.public_id]


def test_a_run_posted_twice_with_one_key_runs_once_and_another_body_is_refused(
    paid_scene: tuple[Any, Any, Any], django_capture_on_commit_callbacks: Any
) -> None:
    api, _c, _maya = paid_scene
    before = PayoutRun.objects.count()
    headers = {"HTTP_IDEMPOTENCY_KEY": "run-2026-11-30"}
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(f"{API}/payout-runs/", {}, format="json", **headers)
        again = api.post(f"{API}/payout-runs/", {}, format="json", **headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert PayoutRun.objects.count() == before + 1
    other = api.post(f"{API}/payout-runs/", {"note": "x"}, format="json", **headers)
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert ApiIdempotencyKey.objects.count() == 1
    status = api.get(f"{API}/payout-runs/{first.json()['id']}/").json()
    assert status["status"] == "finished"


def test_a_member_without_payouts_write_cannot_trigger_a_run(
    tenant_a: Any, api_client_for: Any
) -> None:
    api = api_client_for(tenant_a, "manager")
    assert api.post(f"{API}/payout-runs/", {}, format="json").status_code == 403
    assert not PayoutRun.objects.exists()


def test_the_creator_reads_their_own_earnings(paid_scene: tuple[Any, Any, Any]) -> None:
    _api, c, maya = paid_scene
    client = Client()
    client.force_login(maya.user)
    rows = client.get(f"{API}/creator/earnings/").json()
    assert rows == [
        {
            "campaign": c.public_id,
            "currency": "USD",
            "pending_cents": 0,
            "payable_cents": 0,
            "in_transit_cents": 0,
            "paid_cents": 15_000,
        }
    ]
    assert Payout.objects.get().creator == maya


def test_the_money_endpoints_are_in_the_schema(client: Client) -> None:
    schema = client.get(f"{API}/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/campaign-balances/",
        "/api/v1/ledger-transactions/",
        "/api/v1/payouts/",
        "/api/v1/payout-runs/",
        "/api/v1/creator/earnings/",
    ):
        assert path in paths, path
    params = {p["name"] for p in paths["/api/v1/payout-runs/"]["post"].get("parameters", [])}
    assert "Idempotency-Key" in params
