"""Per-campaign attribution settings (issue 11): click lookback window, time-decay half-life and
the dashboard's credit model, through the model, the services, the API and the browser form.
How attribution uses them: tests/analytics/test_attribution_settings.py."""

import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from campaigns import services
from campaigns.models import Campaign
from organizations.models import AuditEvent
from organizations.roles import Role
from organizations.services import api_key_create
from tests.campaigns.test_api import URL, assert_error, payload
from tests.campaigns.test_views import _error_of, form_data
from tests.factories.campaigns import CampaignFactory
from tests.factories.organizations import BrandFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _edit_url(tenant, campaign):
    return reverse("campaigns:edit", args=[tenant.org.slug, campaign.public_id])


def _settings(campaign):
    campaign.refresh_from_db()
    return (
        campaign.attribution_window_days,
        campaign.attribution_half_life_days,
        campaign.attribution_model,
    )


def test_a_campaign_keeps_the_former_global_settings_by_default(tenant_a):
    campaign = CampaignFactory(brand=tenant_a.brand)
    assert _settings(campaign) == (30, 7, "last_touch")


@pytest.mark.parametrize(
    "values",
    [
        {"attribution_window_days": 0},
        {"attribution_window_days": 91},
        {"attribution_half_life_days": 0},
        {"attribution_half_life_days": 31},
        {"attribution_window_days": 5, "attribution_half_life_days": 6},
        {"attribution_model": "first"},
    ],
)
def test_the_database_refuses_settings_out_of_range(tenant_a, values):
    campaign = CampaignFactory(brand=tenant_a.brand)
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(**values)


# -- API ------------------------------------------------------------------------------------------


def test_api_round_trip_of_the_attribution_settings(tenant_a, api_client_for):
    client = api_client_for(tenant_a)
    created = client.post(
        URL,
        payload(
            tenant_a,
            attribution_window_days=3,
            attribution_half_life_days=1,
            attribution_model="time_decay",
        ),
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (
        body["attribution_window_days"],
        body["attribution_half_life_days"],
        body["attribution_model"],
    ) == (3, 1, "time_decay")

    url = f"{URL}{body['id']}/"
    patched = client.patch(
        url, {"attribution_window_days": 60, "attribution_model": "linear"}, format="json"
    )
    assert patched.status_code == 200, patched.content
    got = client.get(url).json()
    assert (
        got["attribution_window_days"],
        got["attribution_half_life_days"],
        got["attribution_model"],
    ) == (60, 1, "linear")
    assert _settings(Campaign.objects.get(public_id=body["id"])) == (60, 1, "linear")


def test_api_create_without_settings_takes_the_defaults(tenant_a, api_client_for):
    body = api_client_for(tenant_a).post(URL, payload(tenant_a), format="json").json()
    assert (
        body["attribution_window_days"],
        body["attribution_half_life_days"],
        body["attribution_model"],
    ) == (30, 7, "last_touch")


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"attribution_window_days": 3, "attribution_half_life_days": 7}, "half_life_above_window", "attribution_half_life_days"),
        ({"attribution_window_days": 0}, "invalid", "attribution_window_days"),
        ({"attribution_window_days": 91}, "invalid", "attribution_window_days"),
        ({"attribution_half_life_days": 0}, "invalid", "attribution_half_life_days"),
        ({"attribution_half_life_days": 31}, "invalid", "attribution_half_life_days"),
        ({"attribution_window_days": "thirty"}, "invalid", "attribution_window_days"),
        ({"attribution_half_life_days": "7.5"}, "invalid", "attribution_half_life_days"),
        ({"attribution_half_life_days": 7.5}, "invalid", "attribution_half_life_days"),
        ({"attribution_window_days": None}, "invalid", "attribution_window_days"),
        ({"attribution_half_life_days": None}, "invalid", "attribution_half_life_days"),
        ({"attribution_model": None}, "invalid", "attribution_model"),
        ({"attribution_model": "first_touch"}, "invalid", "attribution_model"),
        ({"attribution_model": ["linear"]}, "invalid", "attribution_model"),
        ({"attribution_window_days": [30]}, "invalid", "attribution_window_days"),
        ({"attribution_window_days": 10**30}, "invalid", "attribution_window_days"),
    ],
)  # fmt: skip
def test_bad_attribution_settings_are_a_400_naming_the_field(
    tenant_a, api_client_for, overrides, code, field
):
    client = api_client_for(tenant_a)
    assert_error(client.post(URL, payload(tenant_a, **overrides), format="json"), 400, code, field)
    assert not Campaign.objects.exists()

    campaign = CampaignFactory(brand=tenant_a.brand, status=Campaign.Status.DRAFT)
    response = client.patch(f"{URL}{campaign.public_id}/", overrides, format="json")
    assert_error(response, 400, code, field)
    assert _settings(campaign) == (30, 7, "last_touch")


def test_a_half_life_above_the_current_window_is_refused_on_a_partial_update(
    tenant_a, api_client_for
):
    campaign = CampaignFactory(
        brand=tenant_a.brand, attribution_window_days=5, attribution_half_life_days=2
    )
    client = api_client_for(tenant_a)
    response = client.patch(
        f"{URL}{campaign.public_id}/", {"attribution_half_life_days": 6}, format="json"
    )
    body = assert_error(response, 400, "half_life_above_window", "attribution_half_life_days")
    assert "5 days" in body["fields"]["attribution_half_life_days"][0]
    # Shrinking the window under the half-life is refused the same way.
    response = client.patch(
        f"{URL}{campaign.public_id}/", {"attribution_window_days": 1}, format="json"
    )
    assert_error(response, 400, "half_life_above_window", "attribution_half_life_days")
    assert _settings(campaign) == (5, 2, "last_touch")


def test_other_tenant_and_other_brand_cannot_change_a_campaigns_settings(
    tenant_a, tenant_b, api_client_for
):
    theirs = CampaignFactory(brand=tenant_b.brand)
    other_brand = CampaignFactory(brand=BrandFactory(organization=tenant_a.org))
    change = {"attribution_window_days": 3, "attribution_half_life_days": 1}

    stranger = api_client_for(tenant_a)
    assert_error(stranger.patch(f"{URL}{theirs.public_id}/", change, format="json"), 404)

    _, raw = api_key_create(
        access=tenant_a.access(), name="brand key", role=Role.ADMIN, brand=tenant_a.brand
    )
    stranger.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    limited = stranger.patch(f"{URL}{other_brand.public_id}/", change, format="json")
    missing = stranger.patch(f"{URL}cmp_missing/", change, format="json")
    assert_error(limited, 404)
    assert limited.json() == missing.json()

    assert _settings(theirs) == (30, 7, "last_touch")
    assert _settings(other_brand) == (30, 7, "last_touch")


# -- services -------------------------------------------------------------------------------------


def test_a_change_is_audited_with_old_and_new_values_and_a_copy_keeps_them(tenant_a):
    campaign = CampaignFactory(brand=tenant_a.brand, status=Campaign.Status.DRAFT)
    campaign = services.campaign_update(
        access=tenant_a.access(),
        campaign=campaign,
        attribution_window_days=3,
        attribution_half_life_days=1,
    )
    event = AuditEvent.objects.filter(action="campaign.update").get()
    assert event.data["attribution"] == {
        "attribution_window_days": [30, 3],
        "attribution_half_life_days": [7, 1],
    }
    copy = services.campaign_duplicate(access=tenant_a.access(), campaign=campaign)
    assert _settings(copy) == (3, 1, "last_touch")


# -- browser form ---------------------------------------------------------------------------------


def test_the_form_has_an_attribution_fieldset_with_labels_and_help(tenant_a, client_for):
    page = client_for(tenant_a.owner).get(reverse("campaigns:create", args=[tenant_a.org.slug]))
    html = page.content.decode()
    section = html.split('data-testid="section-attribution"')[1].split("</fieldset>\n  </article>")[
        0
    ]
    assert 'aria-describedby="section-attribution-note"' in html
    assert "credits already recorded are kept as they were" in section
    assert '<label for="id_attribution_window_days"' in section
    assert 'aria-describedby="id_attribution_window_days_helptext"' in section
    assert 'name="attribution_window_days" value="30"' in section
    assert 'name="attribution_half_life_days" value="7"' in section
    assert "<legend>Credit model shown on the dashboard</legend>" in section
    assert re.search(r'value="last_touch"[^>]*checked', section)


def test_the_form_saves_the_settings_and_the_edit_page_shows_them(tenant_a, client_for):
    client = client_for(tenant_a.owner)
    data = form_data(
        tenant_a,
        attribution_window_days="3",
        attribution_half_life_days="2",
        attribution_model="time_decay",
    )
    response = client.post(reverse("campaigns:create", args=[tenant_a.org.slug]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    campaign = Campaign.objects.get()
    assert _settings(campaign) == (3, 2, "time_decay")

    edit = client.get(_edit_url(tenant_a, campaign)).content.decode()
    assert 'name="attribution_window_days" value="3"' in edit
    data["attribution_window_days"] = "60"
    data["attribution_half_life_days"] = "14"
    data["attribution_model"] = "linear"
    data["deliverables-TOTAL_FORMS"] = "0"
    for dlv in campaign.deliverables.all():
        dlv.delete()
    response = client.post(_edit_url(tenant_a, campaign), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert _settings(campaign) == (60, 14, "linear")


@pytest.mark.parametrize(
    ("fields", "field_id", "message"),
    [
        ({"attribution_window_days": "3", "attribution_half_life_days": "7"}, "id_attribution_half_life_days", "cannot be longer than the attribution window (3 days)"),
        ({"attribution_window_days": "0"}, "id_attribution_window_days", "greater than or equal to 1"),
        ({"attribution_window_days": "120"}, "id_attribution_window_days", "less than or equal to 90"),
        ({"attribution_half_life_days": "45"}, "id_attribution_half_life_days", "less than or equal to 30"),
        ({"attribution_window_days": "a week"}, "id_attribution_window_days", "Enter a whole number"),
        ({"attribution_half_life_days": ""}, "id_attribution_half_life_days", "This field is required"),
        ({"attribution_model": "first_touch"}, "id_attribution_model", "Select a valid choice"),
    ],
)  # fmt: skip
def test_bad_settings_come_back_as_errors_next_to_their_field(
    tenant_a, client_for, fields, field_id, message
):
    response = client_for(tenant_a.owner).post(
        reverse("campaigns:create", args=[tenant_a.org.slug]), form_data(tenant_a, **fields)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in _error_of(html, field_id)
    assert "Please fix the highlighted fields" in html
    assert not Campaign.objects.exists()


def test_a_half_life_error_marks_the_field_invalid_for_screen_readers(tenant_a, client_for):
    response = client_for(tenant_a.owner).post(
        reverse("campaigns:create", args=[tenant_a.org.slug]),
        form_data(tenant_a, attribution_window_days="3", attribution_half_life_days="7"),
    )
    html = response.content.decode()
    field = html.split('id="id_attribution_half_life_days"')[0].rsplit("<input", 1)[1]
    assert 'aria-invalid="true"' in field
    assert "id_attribution_half_life_days_error" in field


def test_a_brand_limited_member_cannot_open_or_post_another_brands_campaign_form(
    tenant_a, client_for
):
    other = CampaignFactory(brand=BrandFactory(organization=tenant_a.org))
    user = UserFactory()
    MembershipFactory(organization=tenant_a.org, user=user, role=Role.ADMIN, brand=tenant_a.brand)
    client = client_for(user)
    assert client.get(_edit_url(tenant_a, other)).status_code == 404
    data = form_data(tenant_a, attribution_window_days="3", attribution_half_life_days="1")
    assert client.post(_edit_url(tenant_a, other), data).status_code == 404
    assert _settings(other) == (30, 7, "last_touch")


def test_the_campaign_page_states_the_settings(tenant_a, client_for):
    campaign = CampaignFactory(
        brand=tenant_a.brand,
        attribution_window_days=3,
        attribution_half_life_days=1,
        attribution_model="linear",
    )
    html = client_for(tenant_a.owner).get(
        reverse("campaigns:detail", args=[tenant_a.org.slug, campaign.public_id])
    )
    text = html.content.decode().split('data-testid="attribution-settings">')[1].split("</dd>")[0]
    assert text == "Clicks count for 3 days; time-decay half-life 1 day; dashboard model: linear"
