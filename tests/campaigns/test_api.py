import pytest

from campaigns.models import Campaign
from organizations.roles import Role
from tests.campaigns.helpers import days
from tests.factories.campaigns import CampaignFactory
from tests.factories.organizations import BrandFactory

URL = "/api/v1/campaigns/"


def payload(tenant, **overrides):
    body = {
        "brand": tenant.brand.public_id,
        "name": "API Launch",
        "objective": "Reach",
        "brief": "Make it **fun**.",
        "landing_url": "https://example.com/api-launch",
        "currency": "USD",
        "budget_cents": 500_000,
        "application_deadline": days(10).isoformat(),
        "draft_due": days(15).isoformat(),
        "posting_starts": days(20).isoformat(),
        "posting_ends": days(30).isoformat(),
        "required_hashtags": ["apilaunch"],
        "niches": ["beauty"],
        "countries": ["US"],
        "max_creators": 25,
        "deliverables": [
            {"platform": "tiktok", "format": "video", "quantity": 1, "fee_cents": 15_000},
            {"platform": "youtube", "format": "short", "quantity": 2, "fee_cents": 8_000},
        ],
    }
    body.update(overrides)
    return body


def assert_error(response, status, code=None, field=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["message"]
    if code:
        assert body["code"] == code, body
    if field:
        assert field in body["fields"], body
    return body


def test_create_retrieve_and_list_a_campaign(tenant_a, api_client_for):
    client = api_client_for(tenant_a, Role.ADMIN)
    response = client.post(URL, payload(tenant_a), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id"].startswith("cmp_")
    assert body["status"] == "draft"
    assert body["brand"] == tenant_a.brand.public_id
    assert body["per_creator_fee_cents"] == 31_000
    assert body["platforms"] == ["tiktok", "youtube"]
    assert body["committed_cents"] == 0
    assert [d["id"][:4] for d in body["deliverables"]] == ["dlv_", "dlv_"]
    assert "pk" not in body

    got = client.get(f"{URL}{body['id']}/")
    assert got.status_code == 200
    assert got.json()["name"] == "API Launch"

    listed = client.get(URL).json()
    assert listed["count"] == 1
    assert listed["results"][0]["id"] == body["id"]


def test_partial_update_changes_fields_and_deliverables(tenant_a, api_client_for):
    client = api_client_for(tenant_a)
    created = client.post(URL, payload(tenant_a), format="json").json()
    keep = created["deliverables"][0]
    response = client.patch(
        f"{URL}{created['id']}/",
        {
            "name": "Renamed",
            "budget_cents": 600_000,
            "deliverables": [{**keep, "quantity": 2}],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "Renamed"
    assert body["budget_cents"] == 600_000
    assert len(body["deliverables"]) == 1
    assert body["deliverables"][0]["id"] == keep["id"]
    assert body["deliverables"][0]["quantity"] == 2


def test_lifecycle_actions(tenant_a, api_client_for):
    client = api_client_for(tenant_a)
    cid = client.post(URL, payload(tenant_a), format="json").json()["id"]
    for action, status in (
        ("publish", "recruiting"),
        ("start", "active"),
        ("complete", "completed"),
        ("archive", "archived"),
    ):
        response = client.post(f"{URL}{cid}/{action}/")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == status
    duplicate = client.post(f"{URL}{cid}/duplicate/")
    assert duplicate.status_code == 201
    assert duplicate.json()["status"] == "draft"
    assert duplicate.json()["id"] != cid
    assert len(duplicate.json()["deliverables"]) == 2


def test_invalid_transition_is_a_409_with_a_code(tenant_a, api_client_for):
    client = api_client_for(tenant_a)
    cid = client.post(URL, payload(tenant_a), format="json").json()["id"]
    assert_error(client.post(f"{URL}{cid}/complete/"), 409, "invalid_transition")


def test_publish_without_deliverables_is_refused(tenant_a, api_client_for):
    client = api_client_for(tenant_a)
    cid = client.post(URL, payload(tenant_a, deliverables=[]), format="json").json()["id"]
    assert_error(client.post(f"{URL}{cid}/publish/"), 400, "no_deliverables", "deliverables")
    assert Campaign.objects.get(public_id=cid).status == "draft"


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"currency": "XYZ"}, "invalid", "currency"),
        ({"budget_cents": 0}, "invalid", "budget_cents"),
        ({"budget_cents": -5}, "invalid", "budget_cents"),
        ({"budget_cents": "lots"}, "invalid", "budget_cents"),
        ({"posting_ends": days(12).isoformat()}, "dates_out_of_order", "posting_ends"),
        ({"application_deadline": days(-3).isoformat()}, "deadline_in_past", "application_deadline"),
        ({"application_deadline": "next tuesday"}, "invalid", "application_deadline"),
        ({"budget_cents": 10_000}, "fee_above_budget", "deliverables.0.fee_cents"),
        ({"min_followers": 9000, "max_followers": 10}, "invalid_range", "max_followers"),
        ({"brand": "brd_doesnotexist"}, "not_found", "brand"),
        ({"deliverables": [{"platform": "tiktok", "format": "video", "quantity": 1, "fee_cents": 0}]}, "invalid", "deliverables"),
        ({"deliverables": [{"platform": "youtube", "format": "story", "quantity": 1, "fee_cents": 100}]}, "format_not_on_platform", "deliverables.0.format"),
        ({"deliverables": "many"}, "invalid", "deliverables"),
        ({"niches": ["astrology"]}, "invalid", "niches"),
        ({"name": ""}, "invalid", "name"),
    ],
)  # fmt: skip
def test_bad_input_gets_a_specific_error_and_writes_nothing(
    tenant_a, api_client_for, overrides, code, field
):
    client = api_client_for(tenant_a)
    response = client.post(URL, payload(tenant_a, **overrides), format="json")
    assert_error(response, 400, code, field)
    assert not Campaign.objects.exists()


def test_malformed_json_is_a_400_not_a_500(tenant_a, api_client_for):
    client = api_client_for(tenant_a)
    response = client.post(URL, "{not json", content_type="application/json")
    assert_error(response, 400)
    response = client.post(URL, [1, 2, 3], format="json")
    assert_error(response, 400)


def test_lowering_budget_below_committed_is_refused(tenant_a, api_client_for):
    campaign = CampaignFactory(brand=tenant_a.brand, budget_cents=100_000, committed_cents=40_000)
    client = api_client_for(tenant_a)
    response = client.patch(f"{URL}{campaign.public_id}/", {"budget_cents": 30_000}, format="json")
    assert_error(response, 400, "budget_below_committed", "budget_cents")
    campaign.refresh_from_db()
    assert campaign.budget_cents == 100_000


def test_viewer_can_read_but_gets_403_on_every_write(tenant_a, api_client_for):
    campaign = CampaignFactory(brand=tenant_a.brand, status=Campaign.Status.DRAFT)
    client = api_client_for(tenant_a, Role.VIEWER)
    assert client.get(URL).status_code == 200
    assert client.get(f"{URL}{campaign.public_id}/").status_code == 200
    assert_error(client.post(URL, payload(tenant_a), format="json"), 403)
    assert_error(client.patch(f"{URL}{campaign.public_id}/", {"name": "x"}, format="json"), 403)
    for action in ("publish", "start", "complete", "archive", "duplicate"):
        assert_error(client.post(f"{URL}{campaign.public_id}/{action}/"), 403)
    assert Campaign.objects.count() == 1
    campaign.refresh_from_db()
    assert campaign.status == "draft"
    assert campaign.name != "x"


def test_other_tenants_campaign_is_404(tenant_a, tenant_b, api_client_for):
    theirs = CampaignFactory(brand=tenant_b.brand)
    client = api_client_for(tenant_a)
    assert_error(client.get(f"{URL}{theirs.public_id}/"), 404)
    assert_error(client.patch(f"{URL}{theirs.public_id}/", {"name": "x"}, format="json"), 404)
    assert_error(client.post(f"{URL}{theirs.public_id}/complete/"), 404)
    assert client.get(URL).json()["count"] == 0
    # Nor can one create a campaign for the other tenant's brand: it answers as a missing one.
    response = client.post(URL, payload(tenant_a, brand=tenant_b.brand.public_id), format="json")
    assert_error(response, 400, "not_found", "brand")
    missing = client.post(URL, payload(tenant_a, brand="brd_missing"), format="json")
    assert response.json() == missing.json()
    theirs.refresh_from_db()
    assert theirs.status == "recruiting"
    assert theirs.name != "x"


def test_filters_ordering_and_pagination(tenant_a, api_client_for, django_assert_max_num_queries):
    other_brand = BrandFactory(organization=tenant_a.org)
    for _ in range(3):
        CampaignFactory(brand=tenant_a.brand, status=Campaign.Status.DRAFT)
    for _ in range(2):
        CampaignFactory(brand=other_brand, visibility=Campaign.Visibility.INVITE_ONLY)
    client = api_client_for(tenant_a)
    assert client.get(URL, {"status": "draft"}).json()["count"] == 3
    assert client.get(URL, {"brand": other_brand.public_id}).json()["count"] == 2
    assert client.get(URL, {"visibility": "invite_only"}).json()["count"] == 2
    assert_error(client.get(URL, {"status": "bogus"}), 400)
    # What the schema forbids is refused, not ignored: a blank choice, a size that is no number.
    assert_error(client.get(URL, {"visibility": ""}), 400, "invalid", "visibility")
    assert_error(client.get(URL, {"page_size": "abc"}), 400, "invalid", "page_size")
    assert_error(client.get(URL, {"page_size": "0"}), 400, "invalid", "page_size")
    assert_error(client.get(URL, {"page": "0"}), 400, "invalid", "page")
    assert_error(client.get(URL, {"page": "999"}), 404, "not_found")
    names = [c["name"] for c in client.get(URL, {"ordering": "name"}).json()["results"]]
    assert names == sorted(names)
    page = client.get(URL, {"page_size": 2}).json()
    assert page["count"] == 5
    assert len(page["results"]) == 2
    assert page["next"]
    with django_assert_max_num_queries(10):
        client.get(URL, {"page_size": 50})


def test_list_endpoint_query_count_does_not_grow(
    tenant_a, api_client_for, django_assert_num_queries
):
    client = api_client_for(tenant_a)
    CampaignFactory.create_batch(2, brand=tenant_a.brand)
    client.get(URL)  # warm up (API key last-used write etc.)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    CampaignFactory.create_batch(10, brand=tenant_a.brand)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(URL).json()["count"] == 12


def test_brand_limited_member_sees_only_their_brand_through_the_session_api(tenant_a, client_for):
    from rest_framework.test import APIClient

    other_brand = BrandFactory(organization=tenant_a.org)
    mine = CampaignFactory(brand=tenant_a.brand)
    CampaignFactory(brand=other_brand)
    user = tenant_a.add_member(Role.MANAGER)
    membership = user.memberships.get()
    membership.brand = tenant_a.brand
    membership.save(update_fields=["brand"])
    client = APIClient()
    client.force_login(user)
    body = client.get(URL, HTTP_X_CHORUS_ORGANIZATION=tenant_a.org.slug).json()
    assert [c["id"] for c in body["results"]] == [mine.public_id]
