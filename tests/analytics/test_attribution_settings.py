"""Attribution with per-campaign settings (issue 11): each click counts only within its own
campaign's window, time decay uses each touch's campaign half-life, promo codes ignore the
window, a change applies to orders recorded afterwards, and the dashboard states what is in
effect."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from analytics.conversions import OrderIn, conversion_record
from analytics.models import Conversion, ConversionCredit
from campaigns import services as campaign_services
from campaigns.models import Campaign
from organizations.roles import Role
from tests.analytics.conversion_scene import click, scene_build
from tests.factories.campaigns import CampaignFactory
from tests.factories.recruitment import ParticipationFactory

pytestmark = pytest.mark.django_db

AT = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
IP = "198.51.100.23"


@pytest.fixture
def scene(tenant_a):
    return scene_build(tenant_a)


def _set(campaign, window, half_life, model=Campaign.CreditModel.LAST_TOUCH):
    Campaign.objects.filter(pk=campaign.pk).update(
        attribution_window_days=window,
        attribution_half_life_days=half_life,
        attribution_model=model,
    )


def _order(scene, order_id="1", **kw):
    conversion, _ = conversion_record(
        organization_id=scene.tenant.org.pk,
        brand_id=None,
        source=Conversion.Source.API,
        order=OrderIn(
            order_id=order_id, occurred_at=AT, currency="USD", revenue_cents=10_000, **kw
        ),
    )
    return conversion


def _weights(conversion, model=ConversionCredit.Model.TIME_DECAY):
    return {c.participation_id: c.weight_ppm for c in conversion.credits.filter(model=model)}


def test_the_campaign_models_credit_model_values_are_analytics_ones():
    assert Campaign.CreditModel.choices == ConversionCredit.Model.choices


@pytest.mark.parametrize(("age", "attributed"), [(timedelta(days=2), True), (timedelta(days=3), True), (timedelta(days=3, seconds=1), False), (timedelta(days=10), False)])  # fmt: skip
def test_a_click_counts_only_inside_a_three_day_window(scene, age, attributed):
    _set(scene.campaign, 3, 1)
    click(scene.bob, ip=IP, at=AT - age)
    conversion = _order(scene, browser_ip=IP)
    if attributed:
        assert conversion.participation == scene.bob
        assert conversion.method == Conversion.Method.TRACKING_REF
    else:
        assert conversion.participation is None
        assert conversion.method == Conversion.Method.NONE
        assert not conversion.credits.exists()


def test_a_click_older_than_the_former_thirty_days_counts_in_a_sixty_day_window(scene):
    _set(scene.campaign, 60, 7)
    click(scene.bob, ip=IP, at=AT - timedelta(days=45))
    assert _order(scene, browser_ip=IP).participation == scene.bob


def test_each_click_is_judged_by_its_own_campaigns_window(scene, tenant_a):
    """A flash sale (3 days) clicked 4 days ago no longer counts; a launch (30 days) clicked 10
    days ago still does, although its click is older."""
    _set(scene.campaign, 3, 1)
    launch = CampaignFactory(
        organization=tenant_a.org, brand=tenant_a.brand, status=Campaign.Status.ACTIVE
    )
    launch_creator = ParticipationFactory(campaign=launch, tracking_code="launchy")
    click(scene.bob, ip=IP, at=AT - timedelta(days=4))
    click(launch_creator, ip=IP, at=AT - timedelta(days=10))

    conversion = _order(scene, browser_ip=IP)

    assert conversion.participation == launch_creator
    assert conversion.campaign == launch
    assert conversion.creators_exposed == 1
    assert set(_weights(conversion, ConversionCredit.Model.LINEAR)) == {launch_creator.pk}


def test_the_half_life_changes_the_time_decay_shares(scene):
    click(scene.alice, ip=IP, at=AT - timedelta(days=7))
    click(scene.bob, ip=IP, at=AT)  # just before the order
    seven = _weights(_order(scene, order_id="half-life-7", browser_ip=IP))
    # Half-life 7 days: a week-old click weighs half a fresh one: 1/3 and 2/3.
    assert seven == {scene.alice.pk: 333_333, scene.bob.pk: 666_667}

    _set(scene.campaign, 30, 1)
    one = _weights(_order(scene, order_id="half-life-1", browser_ip=IP))
    # Half-life 1 day: seven halvings, 1/128 against 1: 1/129 and 128/129 of a million.
    assert one == {scene.alice.pk: 7_752, scene.bob.pk: 992_248}


def test_time_decay_uses_each_touchs_own_campaign_half_life(scene, tenant_a):
    """Two clicks of the same age: the one whose campaign halves every day has faded twice as
    much (2 halvings) as the one whose campaign halves every 2 days (1 halving)."""
    _set(scene.campaign, 30, 1)
    other = CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand)
    _set(other, 30, 2)
    slow = ParticipationFactory(campaign=other, tracking_code="slow")
    click(scene.alice, ip=IP, at=AT - timedelta(days=2))
    click(slow, ip=IP, at=AT - timedelta(days=2))

    conversion = _order(scene, browser_ip=IP)

    assert _weights(conversion) == {scene.alice.pk: 333_333, slow.pk: 666_667}


def test_a_promo_code_attributes_whatever_the_window(scene):
    """The window bounds clicks only: a one-day campaign's code still wins, and the code's
    creator is credited with no click at all; a click outside the window is no exposure."""
    _set(scene.campaign, 1, 1)
    click(scene.bob, ip=IP, at=AT - timedelta(days=5))

    conversion = _order(scene, promo_codes=["alice10"], browser_ip=IP)

    assert conversion.participation == scene.alice
    assert conversion.method == Conversion.Method.PROMO_CODE
    assert conversion.creators_exposed == 1
    assert _weights(conversion, ConversionCredit.Model.LINEAR) == {scene.alice.pk: 1_000_000}


def test_a_change_applies_to_later_orders_and_keeps_recorded_credits(scene):
    click(scene.alice, ip=IP, at=AT - timedelta(days=7))
    click(scene.bob, ip=IP, at=AT - timedelta(days=20))
    before = _order(scene, order_id="before", browser_ip=IP)
    recorded = list(before.credits.values_list("model", "participation_id", "weight_ppm"))
    assert before.creators_exposed == 2

    campaign_services.campaign_update(
        access=scene.tenant.access(),
        campaign=scene.campaign,
        attribution_window_days=10,
        attribution_half_life_days=2,
    )
    after = _order(scene, order_id="after", browser_ip=IP)

    assert list(before.credits.values_list("model", "participation_id", "weight_ppm")) == recorded
    assert after.creators_exposed == 1  # bob's 20-day-old click is outside the new window
    assert _weights(after) == {scene.alice.pk: 1_000_000}


# -- the dashboard --------------------------------------------------------------------------------


def _dashboard(client, tenant, campaign, query=""):
    url = reverse("web:campaign_dashboard", args=[tenant.org.slug, campaign.public_id])
    response = client.get(url + query)
    assert response.status_code == 200
    return response.content.decode()


def _between(html, testid):
    return html.split(f'data-testid="{testid}">')[1].split("</")[0]


def test_the_dashboard_states_the_settings_and_shows_credit_under_the_campaigns_model(
    scene, client_for
):
    _set(scene.campaign, 14, 3, Campaign.CreditModel.LINEAR)
    scene.alice.creator.display_name = "Alice Able"
    scene.alice.creator.save(update_fields=["display_name"])
    click(scene.bob, ip=IP, at=AT - timedelta(days=1))
    _order(scene, promo_codes=["ALICE10"], browser_ip=IP)
    client = client_for(scene.tenant.owner)

    html = _dashboard(client, scene.tenant, scene.campaign)

    assert _between(html, "attribution-window") == "14 days"
    assert _between(html, "attribution-half-life") == "3 days"
    assert _between(html, "attribution-model").startswith("Linear")
    assert "(campaign default)" in html.split('data-testid="attribution-model"')[1][:200]
    table = html.split('data-testid="credit-table"')[1].split("</table>")[0]
    assert "Revenue credited by creator, linear" in table
    assert "Alice Able</th><td>USD 50.00</td><td>50.0 %</td>" in table
    assert 'href="?model=linear" aria-current="true"' in html

    last = _dashboard(client, scene.tenant, scene.campaign, "?model=last_touch")
    assert _between(last, "attribution-model") == "Last touch"
    assert "Alice Able</th><td>USD 100.00</td><td>100.0 %</td>" in last

    bogus = _dashboard(client, scene.tenant, scene.campaign, "?model=bogus")
    assert _between(bogus, "attribution-model").startswith("Linear")


def test_a_viewer_sees_the_settings_but_no_credited_revenue(scene, client_for):
    _order(scene, promo_codes=["ALICE10"])
    viewer = scene.tenant.add_member(Role.VIEWER)

    html = _dashboard(client_for(viewer), scene.tenant, scene.campaign)

    assert _between(html, "attribution-window") == "30 days"
    assert 'data-testid="credit-table"' not in html
    assert "Change the settings" not in html


def test_the_performance_api_gives_the_same_credits_and_hides_them_from_a_viewer(
    scene, api_client_for
):
    _set(scene.campaign, 14, 3, Campaign.CreditModel.LINEAR)
    click(scene.bob, ip=IP, at=AT - timedelta(days=1))
    _order(scene, promo_codes=["ALICE10"], browser_ip=IP)
    url = f"/api/v1/campaign-performance/{scene.campaign.public_id}/"
    api = api_client_for(scene.tenant, Role.ADMIN)

    linear = api.get(url).json()["credits"]
    last = api.get(url + "?model=last_touch").json()["credits"]
    bogus = api.get(url + "?model=bogus").json()["credits"]

    assert linear["model"] == "linear"
    assert linear["total_cents"] == 10_000
    assert {(r["participation"], r["revenue_cents"], r["share_pct"]) for r in linear["rows"]} == {
        (scene.alice.public_id, 5_000, "50.0"),
        (scene.bob.public_id, 5_000, "50.0"),
    }
    assert linear["rows"][0]["creator"] in {
        scene.alice.creator.public_id,
        scene.bob.creator.public_id,
    }
    assert [(r["participation"], r["revenue_cents"]) for r in last["rows"]] == [
        (scene.alice.public_id, 10_000),
        (scene.bob.public_id, 0),
    ]
    assert bogus == linear  # an unknown model falls back to the campaign's own
    viewer = api_client_for(scene.tenant, Role.VIEWER).get(url).json()
    assert viewer["credits"] is None
