"""Issue 10's "done when", tried as new users would, in a real browser: a brand funds a campaign
through Stripe Checkout, a creator onboards to Stripe Connect on a phone, two of their posts are
approved on the review desk, the brand's payout run pays the creator ONE transfer, the money
reaches the creator's bank (Stripe's payout of the connected account), and the creator sees it
as paid with the time it took; the brand's spend page and CSV agree with the ledger to the cent.

Everything at the edge is real: the stripe library talks HTTP to the Stripe stand-in, whose
webhooks are signed and POSTed to the live server as they happen; a real Celery worker thread
takes the outbox's work (the run, the events) from Redis. Every page is audited by the guard
(axe-core, no failed requests)."""

import csv
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from campaigns.models import Campaign
from core.taxonomy import format_money
from ledger.selectors import campaign_figures
from payouts.models import ConnectedAccount, Funding, Payout
from payouts.stripe_standin import STANDIN_SECRET_KEY, STANDIN_WEBHOOK_SECRET
from payouts.stripe_standin.client import StandinControl
from payouts.stripe_standin.server import running_standin
from submissions.models import Submission
from tests.conftest import Tenant
from tests.core.celery_worker import celery_worker
from tests.e2e.conftest import fits_the_phone, log_in
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import CreatorProfileFactory
from tests.factories.organizations import UserFactory
from tests.factories.recruitment import ParticipationFactory
from tests.factories.submissions import submission_in_review

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TRANSFERS = "POST /v1/transfers"
FEES = (12_345, 7_655)  # two posts: USD 123.45 + USD 76.55 = USD 200.00


@pytest.fixture(scope="module")
def standin_url() -> Iterator[str]:
    with running_standin() as url:
        yield url


@pytest.fixture
def stripe_standin(standin_url: str, settings: Any, live_server: Any) -> Iterator[StandinControl]:
    settings.STRIPE_API_BASE = standin_url
    settings.STRIPE_CONNECT_BASE = standin_url
    settings.STRIPE_SECRET_KEY = STANDIN_SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRETS = [STANDIN_WEBHOOK_SECRET]
    control = StandinControl(standin_url)
    control.reset()
    # Stripe POSTs each event to our endpoint as it happens.
    control.configure_webhooks(url=f"{live_server.url}/webhooks/stripe/", mode="auto")
    yield control
    control.reset()
    control.close()


def _wait_until(page: Page, condition: Callable[[], bool], seconds: float = 20) -> None:
    """Background work (the worker, a webhook) finishes: poll the database."""
    for _ in range(int(seconds * 5)):
        if condition():
            return
        page.wait_for_timeout(200)
    raise AssertionError("the background work did not finish")


def _csv(page: Page, url: str) -> list[dict[str, str]]:
    answer = page.request.get(url)
    assert answer.ok
    return list(csv.DictReader(io.StringIO(answer.text())))


def test_a_brand_funds_a_creator_onboards_two_posts_are_approved_and_one_transfer_pays_them(
    new_page: Callable[..., Page],
    stripe_standin: StandinControl,
    tenant_a: Tenant,
    screenshot: Callable[..., Any],
) -> None:
    campaign = CampaignFactory(
        organization=tenant_a.org,
        brand=tenant_a.brand,
        name="Glow Launch",
        budget_cents=50_000,
        status=Campaign.Status.ACTIVE,
        deliverables=[("tiktok", "video", 1, FEES[0]), ("instagram", "reel", 1, FEES[1])],
    )
    casey = CreatorProfileFactory(
        user=UserFactory(email="casey@creators.example"), display_name="Casey Reyes"
    )
    participation = ParticipationFactory(campaign=campaign, creator=casey)
    posts = [
        submission_in_review(slot=slot, target="post")
        for slot in participation.slots.order_by("id")
    ]
    brand = new_page()
    phone = new_page(phone=True)

    with celery_worker(queues=["default"]):
        # 1. The brand funds the campaign through Stripe Checkout.
        log_in(brand, tenant_a.owner.email)
        brand.goto(f"/o/{tenant_a.org.slug}/campaigns/{campaign.public_id}/funding/")
        brand.get_by_role("button", name="Fund this campaign (USD 500.00)").click()
        expect(brand.locator(".flash-success")).to_contain_text("USD 500.00 received.")
        expect(brand.get_by_test_id("funded")).to_have_text("USD 500.00")

        # 2. The creator sets up payouts with Stripe on their phone.
        log_in(phone, "casey@creators.example")
        phone.get_by_role("navigation", name="Creator").get_by_role("link", name="Payouts").click()
        phone.get_by_role("button", name="Set up payouts").click()  # Stripe's page, and back
        expect(phone.get_by_role("heading", name="Payouts are on")).to_be_visible()
        fits_the_phone(phone)

        # 3. The brand approves both posts on the review desk.
        brand.goto(f"/o/{tenant_a.org.slug}/review/")
        for sub in posts:
            brand.locator(f"#sub-{sub.public_id} .rv-pick").check()
        brand.get_by_role("button", name="Approve selected…").click()
        brand.get_by_role("dialog").get_by_role("button", name="Approve them").click()
        expect(brand.locator(".messages")).to_contain_text("2 submissions approved.")
        assert {s.stage for s in Submission.objects.filter(pk__in=[p.pk for p in posts])} == {
            "done"
        }

        # 4. The next payout run: one transfer for both posts.
        spend_url = f"/o/{tenant_a.org.slug}/campaigns/{campaign.public_id}/spend/"
        brand.goto(spend_url)
        brand.get_by_test_id("run").click()
        expect(brand.locator(".flash-success")).to_contain_text("Payout run")
        _wait_until(brand, lambda: Payout.objects.filter(state="in_transit").exists())
        brand.reload()
        expect(brand.get_by_test_id("payout")).to_have_count(1)
        expect(brand.get_by_test_id("payout")).to_contain_text("USD 200.00")

        [payout] = Payout.objects.all()
        assert payout.amount_cents == sum(FEES)
        assert stripe_standin.calls(TRANSFERS) == 1
        phone.goto("/creator/earnings/")
        expect(phone.get_by_test_id("in-transit")).to_have_text("USD 200.00")

        # 5. Stripe pays the connected account out to the creator's bank: payout.paid.
        account = ConnectedAccount.objects.get(creator=casey).stripe_account_id or ""
        assert len(stripe_standin.pay_out(account)) == 2
        _wait_until(phone, lambda: Payout.objects.filter(state="paid").exists())

    # 6. The creator sees the money as paid, with the time it took.
    phone.goto("/creator/earnings/")
    expect(phone.get_by_test_id("paid")).to_have_text("USD 200.00")
    expect(phone.get_by_test_id("in-transit")).to_have_text("USD 0.00")
    paid_posts = phone.locator('[data-testid="post"][data-state="paid"]')
    expect(paid_posts).to_have_count(2)
    expect(paid_posts.first).to_contain_text("after approval")
    history = phone.locator('[data-testid="payout"][data-state="paid"]')
    expect(history).to_have_count(1)
    expect(history).to_contain_text("after it was sent")
    fits_the_phone(phone)
    screenshot(phone, "creator-paid", full_page=False)

    # 7. The brand's spend page and CSV agree with the ledger to the cent.
    f = campaign_figures(campaign)
    assert (f.funded, f.accrued, f.paid, f.in_transit) == (50_000, sum(FEES), sum(FEES), 0)
    brand.goto(spend_url)
    for name in ("budget", "funded", "committed", "accrued", "paid", "remaining"):
        expect(brand.get_by_test_id(name)).to_have_text(format_money(getattr(f, name), "USD"))
    expect(brand.get_by_test_id("in-transit")).to_have_text("USD 0.00")
    screenshot(brand, "spend")
    rows = _csv(brand, spend_url.replace("spend/", "spend.csv"))
    figures = {r["name"]: int(r["amount_cents"]) for r in rows if r["row"] == "figure"}
    for name in ("budget", "funded", "committed", "accrued", "in_transit", "paid", "remaining"):
        assert figures[name] == getattr(f, name), name
    assert sorted(int(r["amount_cents"]) for r in rows if r["row"] == "post") == sorted(FEES)
    assert {r["state"] for r in rows if r["row"] == "post"} == {"paid"}
    [paid_row] = [r for r in rows if r["row"] == "payout"]
    assert (paid_row["state"], int(paid_row["amount_cents"])) == ("paid", sum(FEES))
    assert Funding.objects.get(campaign=campaign).paid_cents == f.funded
