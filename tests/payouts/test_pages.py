"""The creator's earnings page and a campaign's spend page, with their CSV exports: the same
figures as the ledger, to the cent."""

import csv
import io
from typing import Any

import pytest
from django.test import Client

from ledger.selectors import campaign_figures
from payouts.models import Payout
from payouts.runs import payout_run_start
from payouts.stripe_standin.client import StandinControl
from tests.factories.creators import CreatorProfileFactory
from tests.payouts.conftest import Deliver
from tests.payouts.scenes import bank_arrival, campaign, earn, onboarded

pytestmark = pytest.mark.django_db


def _rows(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_creator_sees_paid_posts_with_the_time_it_took_and_the_payout(
    stripe_standin: StandinControl,
    tenant_a: Any,
    django_capture_on_commit_callbacks: Any,
    deliver: Deliver,
) -> None:
    stripe_standin.add_balance(100_000)
    c = campaign(tenant_a, name="Glow Launch")
    maya = onboarded(stripe_standin)
    earn(c, maya, 10_000, 5_000)
    with django_capture_on_commit_callbacks(execute=True):
        payout_run_start(access=tenant_a.access())
    later = campaign(tenant_a, name="Summer Drop")
    earn(later, maya, 2_000)  # earned after the run: payable
    client = Client()
    client.force_login(maya.user)

    # Transferred to the creator's Stripe account, not in their bank yet: in transit.
    sent = client.get("/creator/earnings/").content.decode()
    assert sent.count('data-state="in_transit"') == 3  # two posts and the payout
    assert 'data-testid="in-transit">USD 150.00' in sent
    assert 'data-state="paid"' not in sent

    bank_arrival(stripe_standin, deliver, maya)
    page = client.get("/creator/earnings/")
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count('data-state="paid"') == 3  # two posts and the payout
    assert body.count('data-state="payable"') == 1
    assert "after approval" in body
    assert "pay by" in body
    assert "USD 150.00" in body
    assert "USD 20.00" in body

    rows = _rows(client.get("/creator/earnings.csv"))
    camps = {r["id"]: r for r in rows if r["row"] == "campaign"}
    assert (camps[c.public_id]["payable_cents"], camps[c.public_id]["paid_cents"]) == ("0", "15000")
    assert camps[later.public_id]["payable_cents"] == "2000"
    assert sorted(r["state"] for r in rows if r["row"] == "post") == ["paid", "paid", "payable"]


def test_the_spend_page_and_csv_agree_with_the_ledger_and_flag_pay_by_at_risk(
    stripe_standin: StandinControl,
    tenant_a: Any,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
    deliver: Deliver,
) -> None:
    stripe_standin.add_balance(100_000)
    c = campaign(tenant_a, budget_cents=50_000)
    maya = onboarded(stripe_standin)
    earn(c, maya, 10_000)
    waiting = CreatorProfileFactory(display_name="Noor Haddad")  # no Stripe account
    earn(c, waiting, 7_000)
    client = client_for(tenant_a.owner)
    url = f"/o/{tenant_a.org.slug}/campaigns/{c.public_id}/spend/"

    with django_capture_on_commit_callbacks(execute=True):
        ran = client.post(url, {"action": "run"})
    assert ran.status_code == 302
    assert Payout.objects.get().state == Payout.State.IN_TRANSIT
    bank_arrival(stripe_standin, deliver, maya)
    assert Payout.objects.get().state == Payout.State.PAID

    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    f = campaign_figures(c)
    assert (f.paid, f.accrued) == (10_000, 17_000)
    assert 'data-testid="at-risk"' in body
    assert "Noor Haddad" in body
    assert 'data-testid="median"' in body

    rows = _rows(client.get(url.replace("spend/", "spend.csv")))
    figures = {r["name"]: int(r["amount_cents"]) for r in rows if r["row"] == "figure"}
    assert figures == {
        "budget": f.budget,
        "funded": f.funded,
        "committed": f.committed,
        "accrued": f.accrued,
        "in_transit": f.in_transit,
        "paid": f.paid,
        "remaining": f.remaining,
    }
    assert [r["state"] for r in rows if r["row"] == "payout"] == ["paid"]


def test_a_member_who_cannot_move_money_cannot_start_a_run(
    stripe_standin: StandinControl, tenant_a: Any, member_a_owner_b: Any, client_for: Any
) -> None:
    c = campaign(tenant_a)
    maya = onboarded(stripe_standin)
    earn(c, maya, 10_000)
    client = client_for(member_a_owner_b)  # a manager: payouts:read, not payouts:write
    url = f"/o/{tenant_a.org.slug}/campaigns/{c.public_id}/spend/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "run"}).status_code in (302, 403)
    assert not Payout.objects.exists()


def test_the_spend_page_names_the_most_urgent_creators_at_risk_and_counts_the_rest(
    tenant_a: Any, client_for: Any, settings: Any
) -> None:
    from payouts import statements

    shown = statements.AT_RISK_SHOWN
    c = campaign(tenant_a, budget_cents=10_000_000)
    creators = [CreatorProfileFactory(display_name=f"Waiting {n:03d}") for n in range(shown + 3)]
    for creator in creators:  # none has a Stripe account: all are at risk, oldest first
        earn(c, creator, 1_000)

    body = (
        client_for(tenant_a.owner)
        .get(f"/o/{tenant_a.org.slug}/campaigns/{c.public_id}/spend/")
        .content.decode()
    )

    assert body.count("Waiting ") == shown
    assert "Waiting 000" in body  # the oldest pay-by dates first
    assert f"Waiting {shown + 2:03d}" not in body
    assert f"most urgent of {shown + 3} creators" in body
