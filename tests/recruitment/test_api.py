"""REST API: applications (filters, ordering, decide, bulk-decide), participations, campaign
invitations. Errors are {code, message, fields}; other tenants' objects answer 404."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations.roles import Role
from recruitment.models import Application, CampaignInvitation, Participation
from tests.factories.campaigns import CampaignFactory
from tests.factories.recruitment import (
    ApplicationFactory,
    CampaignInvitationFactory,
    ParticipationFactory,
)

pytestmark = pytest.mark.django_db

APPS = "/api/v1/applications/"
PARTS = "/api/v1/participations/"
INVS = "/api/v1/campaign-invitations/"


@pytest.fixture
def api(tenant_a, api_client_for):
    return api_client_for(tenant_a, Role.MANAGER)


def test_list_applications_with_creator_stats_filters_and_ordering(
    api, tenant_a, tenant_b, campaign
):
    other = CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand)
    first = ApplicationFactory(
        campaign=campaign, creator__display_name="Ava", social_account__follower_count=23_000
    )
    second = ApplicationFactory(campaign=campaign, status="declined")
    ApplicationFactory(campaign=other)
    ApplicationFactory(campaign=CampaignFactory(organization=tenant_b.org, brand=tenant_b.brand))

    body = api.get(APPS).json()
    assert body["count"] == 3

    body = api.get(APPS, {"campaign": campaign.public_id, "ordering": "created_at"}).json()
    assert [r["id"] for r in body["results"]] == [first.public_id, second.public_id]
    row = body["results"][0]
    assert row["campaign"] == campaign.public_id
    assert row["creator"]["display_name"] == "Ava"
    assert row["social_account"]["follower_count"] == 23_000
    assert row["social_account"]["verified"] is True
    assert row["status"] == "pending"
    assert row["participation"] is None

    body = api.get(APPS, {"campaign": campaign.public_id, "status": "declined"}).json()
    assert [r["id"] for r in body["results"]] == [second.public_id]


def test_application_list_pages_and_runs_a_fixed_number_of_queries(api, campaign):
    def load(page_size: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = api.get(APPS, {"page_size": page_size})
            assert response.status_code == 200
        return len(ctx.captured_queries)

    api.get(APPS)  # the key's first use records last_used_at: not part of the count
    for _ in range(3):
        ApplicationFactory(campaign=campaign)
    few = load(50)
    for _ in range(12):
        ApplicationFactory(campaign=campaign)
    assert load(50) == few
    page = api.get(APPS, {"page_size": 5, "page": 2}).json()
    assert page["count"] == 15
    assert len(page["results"]) == 5
    assert page["previous"]


def test_a_bad_filter_value_is_a_clear_400(api):
    response = api.get(APPS, {"status": "maybe"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "status" in body["fields"]


def test_decide_accepts_and_returns_the_participation(api, campaign):
    application = ApplicationFactory(campaign=campaign)
    response = api.post(
        f"{APPS}{application.public_id}/decide/", {"decision": "accept"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "accepted"
    participation = Participation.objects.get(application=application)
    assert body["participation"] == participation.public_id


def test_decide_errors_are_code_message_fields(api, campaign):
    for _ in range(campaign.max_creators):
        ParticipationFactory(campaign=campaign)
    application = ApplicationFactory(campaign=campaign)
    url = f"{APPS}{application.public_id}/decide/"

    response = api.post(url, {"decision": "accept"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "campaign_full"
    assert set(response.json()) == {"code", "message", "fields"}

    response = api.post(url, {"decision": "approve"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "decision" in response.json()["fields"]

    response = api.post(url, "not json", content_type="application/json")
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == Application.Status.PENDING


def test_bulk_decide_returns_an_outcome_per_id(api, tenant_b, campaign):
    campaign.max_creators = 2
    campaign.save(update_fields=["max_creators"])
    apps = [ApplicationFactory(campaign=campaign) for _ in range(3)]
    theirs = ApplicationFactory(
        campaign=CampaignFactory(organization=tenant_b.org, brand=tenant_b.brand)
    )
    ids = [a.public_id for a in apps] + [theirs.public_id]

    response = api.post(f"{APPS}bulk-decide/", {"ids": ids, "decision": "accept"}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["succeeded"] == 2
    assert body["failed"] == 2
    assert body["decision"] == "accept"
    assert [r["id"] for r in body["results"]] == ids
    ok = body["results"][:2]
    assert all(
        r["ok"] and r["status"] == "accepted" and r["participation"].startswith("par_") for r in ok
    )
    assert body["results"][2]["ok"] is False
    assert body["results"][2]["code"] == "campaign_full"
    assert body["results"][3]["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.status == Application.Status.PENDING


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"ids": [], "decision": "accept"}, "ids"),
        ({"ids": "app_1", "decision": "accept"}, "ids"),
        ({"ids": ["app_1"], "decision": "yes"}, "decision"),
        ({"ids": [f"app_{i}" for i in range(501)], "decision": "decline"}, "ids"),
        ({"ids": [{"x": 1}], "decision": "accept"}, "ids"),
    ],
)
def test_bulk_decide_validates_its_input(api, payload, field):
    response = api.post(f"{APPS}bulk-decide/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["fields"]


def test_other_tenants_applications_answer_404(api, tenant_b):
    theirs = ApplicationFactory(
        campaign=CampaignFactory(organization=tenant_b.org, brand=tenant_b.brand)
    )
    assert api.get(f"{APPS}{theirs.public_id}/").status_code == 404
    response = api.post(f"{APPS}{theirs.public_id}/decide/", {"decision": "accept"}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.status == Application.Status.PENDING


def test_a_viewer_key_reads_but_cannot_decide(tenant_a, api_client_for, campaign):
    viewer = api_client_for(tenant_a, Role.VIEWER)
    application = ApplicationFactory(campaign=campaign)
    assert viewer.get(APPS).status_code == 200
    response = viewer.post(
        f"{APPS}{application.public_id}/decide/", {"decision": "accept"}, format="json"
    )
    assert response.status_code == 403
    assert (
        viewer.post(
            f"{APPS}bulk-decide/",
            {"ids": [application.public_id], "decision": "accept"},
            format="json",
        ).status_code
        == 403
    )


def test_participations_list_filter_retrieve_and_cancel(api, tenant_a, campaign):
    other = CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand)
    mine = ParticipationFactory(campaign=campaign)
    ParticipationFactory(campaign=other, status=Participation.Status.COMPLETED)
    body = api.get(PARTS, {"campaign": campaign.public_id}).json()
    assert [r["id"] for r in body["results"]] == [mine.public_id]
    row = body["results"][0]
    assert row["promo_code"] == mine.promo_code
    assert row["tracking_url"].endswith(f"/r/{mine.tracking_code}")
    assert row["agreed_fees"] == [
        {"platform": "tiktok", "format": "video", "quantity": 1, "fee_cents": 15000}
    ]
    assert api.get(PARTS, {"status": "completed"}).json()["count"] == 1

    campaign.committed_cents = 15_000
    campaign.save(update_fields=["committed_cents"])
    response = api.post(f"{PARTS}{mine.public_id}/cancel/")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    campaign.refresh_from_db()
    assert campaign.committed_cents == 0


def test_campaign_invitations_create_list_and_withdraw(api, campaign, creator):
    response = api.post(
        INVS,
        {"campaign": campaign.public_id, "creator": creator.public_id, "message": "Join us"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id"].startswith("cin_")
    assert body["status"] == "pending"
    assert body["creator"]["id"] == creator.public_id

    again = api.post(
        INVS, {"campaign": campaign.public_id, "creator": creator.public_id}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "already_invited"

    listed = api.get(INVS, {"campaign": campaign.public_id, "status": "pending"}).json()
    assert [r["id"] for r in listed["results"]] == [body["id"]]

    withdrawn = api.post(f"{INVS}{body['id']}/withdraw/")
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    assert CampaignInvitation.objects.get().status == "withdrawn"


@pytest.mark.parametrize(
    ("payload", "field", "status"),
    [
        ({"campaign": "cmp_nope", "creator": "CREATOR"}, "campaign", 400),
        ({"campaign": "CAMPAIGN", "creator": "cre_nope"}, "creator", 400),
        ({"campaign": "CAMPAIGN"}, "creator", 400),
        ({"campaign": "CAMPAIGN", "creator": "CREATOR", "message": "x" * 1001}, "message", 400),
    ],
)
def test_campaign_invitation_create_names_what_is_wrong(
    api, campaign, creator, payload, field, status
):
    payload = {
        k: v.replace("CAMPAIGN", campaign.public_id).replace("CREATOR", creator.public_id)
        for k, v in payload.items()
    }
    response = api.post(INVS, payload, format="json")
    assert response.status_code == status
    assert field in response.json()["fields"]
    assert not CampaignInvitation.objects.exists()


def test_inviting_to_another_tenants_campaign_answers_as_a_missing_one(api, tenant_b, creator):
    theirs = CampaignFactory(organization=tenant_b.org, brand=tenant_b.brand)
    response = api.post(
        INVS, {"campaign": theirs.public_id, "creator": creator.public_id}, format="json"
    )
    missing = api.post(INVS, {"campaign": "cmp_nope", "creator": creator.public_id}, format="json")
    assert response.status_code == missing.status_code == 400
    assert response.json() == missing.json()
    assert response.json()["fields"] == {"campaign": ["No such campaign."]}
    theirs_inv = CampaignInvitationFactory(campaign=theirs)
    assert api.get(f"{INVS}{theirs_inv.public_id}/").status_code == 404
    assert api.post(f"{INVS}{theirs_inv.public_id}/withdraw/").status_code == 404
    theirs_inv.refresh_from_db()
    assert theirs_inv.status == "pending"


def test_the_openapi_schema_describes_the_recruitment_endpoints(api):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    for path in (
        "/api/v1/applications/",
        "/api/v1/applications/{public_id}/decide/",
        "/api/v1/applications/bulk-decide/",
        "/api/v1/participations/",
        "/api/v1/participations/{public_id}/cancel/",
        "/api/v1/campaign-invitations/",
        "/api/v1/campaign-invitations/{public_id}/withdraw/",
    ):
        assert path in paths, path
    params = {p["name"] for p in paths["/api/v1/applications/"]["get"]["parameters"]}
    assert {"campaign", "status", "ordering", "page"} <= params
    assert "BulkDecisionResult" in schema["components"]["schemas"]
