"""Aggregate attribution: exposure, credit models, integer shares, the campaign selectors."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from analytics.attribution import (
    campaign_creator_credits,
    campaign_exposure_distribution,
    largest_remainder,
)
from analytics.conversions import OrderIn, RefundIn, conversion_record, conversion_refund_record
from analytics.models import Conversion, ConversionCredit
from tests.analytics.conversion_scene import click, scene_build
from tests.factories.recruitment import ParticipationFactory

AT = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
IP = "198.51.100.23"


@pytest.fixture
def scene(tenant_a):
    return scene_build(tenant_a)


def _order(scene, order_id="1", revenue=10_000, **kw):
    conversion, _ = conversion_record(
        organization_id=scene.tenant.org.pk,
        brand_id=None,
        source=Conversion.Source.API,
        order=OrderIn(
            order_id=order_id, occurred_at=AT, currency="USD", revenue_cents=revenue, **kw
        ),
    )
    return conversion


def _credits(conversion, model):
    return {
        c.participation_id: (c.weight_ppm, c.revenue_cents)
        for c in conversion.credits.filter(model=model)
    }


def test_largest_remainder_sums_exactly_and_breaks_ties_in_order():
    assert largest_remainder([Decimal(1)] * 3, 1_000_000) == [333_334, 333_333, 333_333]
    assert largest_remainder([Decimal(1)] * 3, 100) == [34, 33, 33]
    assert sum(largest_remainder([Decimal("0.7"), Decimal("0.2"), Decimal("0.1")], 999)) == 999
    assert largest_remainder([Decimal(0), Decimal(0)], 10) == [0, 0]


def test_three_creators_clicked_share_credit_by_model(scene):
    carol = ParticipationFactory(campaign=scene.campaign, tracking_code="carol")
    click(scene.alice, ip=IP, at=AT - timedelta(days=14))
    click(scene.bob, ip=IP, at=AT - timedelta(days=7))
    click(carol, ip=IP, at=AT - timedelta(hours=1))
    conversion = _order(scene, revenue=10_001, browser_ip=IP)

    assert conversion.participation == carol  # the last click
    assert conversion.creators_exposed == 3
    last = _credits(conversion, ConversionCredit.Model.LAST_TOUCH)
    assert last == {carol.pk: (1_000_000, 10_001)}
    linear = _credits(conversion, ConversionCredit.Model.LINEAR)
    assert sorted(w for w, _ in linear.values()) == [333_333, 333_333, 333_334]
    assert sum(r for _, r in linear.values()) == 10_001
    decay = _credits(conversion, ConversionCredit.Model.TIME_DECAY)
    assert sum(w for w, _ in decay.values()) == 1_000_000
    assert sum(r for _, r in decay.values()) == 10_001
    # Half-life 7 days: 14 days old weighs half of 7 days old, which weighs ~half of fresh.
    assert decay[carol.pk][0] > decay[scene.bob.pk][0] > decay[scene.alice.pk][0]
    assert abs(decay[scene.bob.pk][0] - 2 * decay[scene.alice.pk][0]) <= 2


def test_promo_code_creator_is_credited_with_the_clicked_ones(scene):
    click(scene.bob, ip=IP, at=AT - timedelta(days=2))
    conversion = _order(scene, promo_codes=["alice10"], browser_ip=IP)
    assert conversion.participation == scene.alice
    assert conversion.creators_exposed == 2
    assert _credits(conversion, ConversionCredit.Model.LAST_TOUCH) == {
        scene.alice.pk: (1_000_000, 10_000)
    }
    assert _credits(conversion, ConversionCredit.Model.LINEAR) == {
        scene.alice.pk: (500_000, 5_000),
        scene.bob.pk: (500_000, 5_000),
    }


def test_clicks_from_an_earlier_address_of_the_same_customer_count(scene):
    click(scene.bob, ip="203.0.113.9", at=AT - timedelta(days=3))
    _order(scene, order_id="early", revenue=100, customer_ref="id:77", browser_ip="203.0.113.9")
    later = _order(scene, order_id="late", customer_ref="id:77", browser_ip=IP)
    assert later.participation == scene.bob


def test_unattributed_order_has_no_credits(scene):
    conversion = _order(scene)
    assert conversion.method == Conversion.Method.NONE
    assert not conversion.credits.exists()


def test_refund_rescales_credits_to_net_revenue(scene):
    click(scene.bob, ip=IP, at=AT - timedelta(days=2))
    conversion = _order(scene, promo_codes=["ALICE10"], browser_ip=IP, revenue=1_001)
    conversion_refund_record(
        organization_id=scene.tenant.org.pk,
        brand_id=None,
        source=Conversion.Source.API,
        refund=RefundIn(order_id="1", refund_id="r1", amount_cents=500, occurred_at=AT),
    )
    linear = _credits(conversion, ConversionCredit.Model.LINEAR)
    assert sorted(r for _, r in linear.values()) == [250, 251]


def test_campaign_distribution_and_credits_per_creator(scene):
    carol = ParticipationFactory(campaign=scene.campaign, tracking_code="carol")
    # Customer 1 reached by one creator, customer 2 by three (two orders), customer 3 by two.
    _order(scene, order_id="a", promo_codes=["ALICE10"], customer_ref="c1")
    for p in (scene.alice, scene.bob, carol):
        click(p, ip="203.0.113.2", at=AT - timedelta(days=1))
    _order(scene, order_id="b", customer_ref="c2", browser_ip="203.0.113.2")
    _order(scene, order_id="b2", customer_ref="c2", browser_ip="203.0.113.2", revenue=500)
    click(scene.bob, ip="203.0.113.3", at=AT - timedelta(days=1))
    _order(
        scene, order_id="c", promo_codes=["ALICE10"], customer_ref="c3", browser_ip="203.0.113.3"
    )

    buckets = {
        b.label: (b.customers, b.revenue_cents)
        for b in campaign_exposure_distribution(scene.campaign)
    }
    assert buckets == {"1": (1, 10_000), "2": (1, 10_000), "3": (1, 10_500), "4+": (0, 0)}

    credits = {c.participation_id: c for c in campaign_creator_credits(scene.campaign)}
    total = {
        m: sum(c.revenue_cents[m] for c in credits.values()) for m in ConversionCredit.Model.values
    }
    assert total == dict.fromkeys(ConversionCredit.Model.values, 30_500)
    assert credits[scene.alice.pk].conversions_last_touch == 2
