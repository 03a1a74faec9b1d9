"""Demo conversions: attributed orders on Glow, customers reached by several creators, a test
order sent over real HTTP by the management command."""

import pytest
from django.core.management import call_command
from django.db import transaction

from analytics.attribution import campaign_creator_credits, campaign_exposure_distribution
from analytics.conversions_demo import DEMO_SHOP, GLOW, seed_conversions_demo
from analytics.models import Conversion, ConversionCredit
from analytics.posts_demo import EARLY_ACCESS
from campaigns.demo import seed_campaigns_demo
from campaigns.models import Campaign
from creators.demo import seed_creators_demo
from ledger.models import Transaction, TransactionKind
from payouts.commissions import commissions_sweep
from recruitment.demo import seed_recruitment_demo
from tests.analytics.conversion_scene import process_pending
from web.demo import seed_demo


def _seed() -> int:
    with transaction.atomic():  # as seed_demo's command runs it
        seed_demo()
        seed_creators_demo()
        seed_campaigns_demo()
        seed_recruitment_demo()
        return seed_conversions_demo()


@pytest.mark.django_db
def test_demo_orders_are_attributed_and_reach_customers_through_several_creators():
    assert _seed() == 10
    glow = Campaign.objects.get(name=GLOW, organization__slug="northstar")
    orders = Conversion.objects.filter(campaign=glow)
    assert orders.count() == 10
    assert not Conversion.objects.filter(participation__isnull=True).exists()
    buckets = {b.label: b.customers for b in campaign_exposure_distribution(glow)}
    assert buckets["1"] > 0
    assert buckets["2"] > 0
    assert buckets["3"] > 0
    assert buckets["4+"] > 0
    commissions_sweep()
    assert Transaction.objects.filter(kind=TransactionKind.COMMISSION).count() == 10
    assert _seed() == 0  # idempotent
    assert Conversion.objects.count() == 10


@pytest.mark.django_db(transaction=True)
def test_test_order_command_posts_a_signed_order_over_http(live_server):
    _seed()
    before = Conversion.objects.count()
    call_command("conversions_test_order", DEMO_SHOP, url=f"{live_server.url}/webhooks/shopify/")
    assert Conversion.objects.count() == before  # stored and queued: the worker records it
    assert process_pending() == ["processed"]
    assert Conversion.objects.count() == before + 1
    newest = Conversion.objects.order_by("-created_at").first()
    assert newest.participation is not None


@pytest.mark.django_db
def test_the_campaign_whose_creators_posted_has_orders_from_customers_several_creators_reached(
    settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("seed_demo", verbosity=0)
    early = Campaign.objects.get(name=EARLY_ACCESS, organization__slug="northstar")
    orders = Conversion.objects.filter(campaign=early)
    assert orders.count() == 10
    assert not orders.filter(participation__isnull=True).exists()
    assert {o.method for o in orders} == {
        Conversion.Method.PROMO_CODE,
        Conversion.Method.TRACKING_REF,
    }
    buckets = {b.label: b.customers for b in campaign_exposure_distribution(early)}
    assert buckets["2"] + buckets["3"] + buckets["4+"] >= 4
    assert buckets["4+"] >= 1
    # Multi-creator credit: the linear model pays several creators, summing to the revenue.
    credits = campaign_creator_credits(early)
    linear = [c.revenue_cents[ConversionCredit.Model.LINEAR] for c in credits]
    assert sum(1 for r in linear if r > 0) >= 4
    assert sum(linear) == sum(o.revenue_cents for o in orders)
    # Its visitors are its own: no order of one Glow campaign credits the other's creators.
    glow = Campaign.objects.get(name=GLOW, organization__slug="northstar")
    assert not ConversionCredit.objects.filter(conversion__campaign=glow, campaign=early).exists()
    assert not ConversionCredit.objects.filter(conversion__campaign=early, campaign=glow).exists()
    commissions_sweep()
    assert Transaction.objects.filter(kind=TransactionKind.COMMISSION, campaign=early).count() == 10
