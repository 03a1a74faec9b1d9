"""REST API: creator search, shortlists, invitation batches."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from campaigns.models import Campaign
from discovery.models import InviteBatch, InviteBatchRow, Shortlist, ShortlistEntry
from discovery.services import invite_batch_process
from organizations.roles import Role
from recruitment.models import CampaignInvitation
from tests.conftest import Tenant
from tests.discovery.conftest import Cast, recruiting_campaign, verified_tiktok
from tests.factories.discovery import (
    InviteBatchFactory,
    ShortlistEntryFactory,
    ShortlistFactory,
)

ApiFor = Callable[..., APIClient]


@pytest.fixture
def api(tenant_a: Tenant, api_client_for: ApiFor) -> APIClient:
    return api_client_for(tenant_a, Role.MANAGER)


@pytest.fixture
def campaign(tenant_a: Tenant) -> Campaign:
    return recruiting_campaign(tenant_a)


def assert_error(response: Any, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    assert body["message"]
    if field is not None:
        assert field in body["fields"], body
    return body


# -- search ---------------------------------------------------------------------------------------


def test_search_filters_sorts_and_pages(api: APIClient, cast: Cast) -> None:
    response = api.get(
        "/api/v1/creators/",
        {"platform": "tiktok", "min_followers": 1000, "sort": "followers_asc", "page_size": 2},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [r["display_name"] for r in body["results"]] == ["Ben", "Eve"]
    assert body["count"] == 4
    assert body["count_is_capped"] is False
    assert body["previous"] is None
    assert "page=2" in body["next"]
    ben = body["results"][0]
    assert ben["id"] == cast.ben.public_id
    assert ben["niches"] == ["fitness"]
    assert ben["accounts"][0]["handle"] == "ben.tt"
    assert ben["matching_accounts"] == [ben["accounts"][0]["id"]]
    assert ben["worked_with_us"] is False

    page2 = api.get(body["next"]).json()
    assert [r["display_name"] for r in page2["results"]] == ["Ana", "Dan"]
    assert page2["next"] is None


def test_search_shows_public_creator_data_only(api: APIClient, cast: Cast) -> None:
    body = api.get("/api/v1/creators/").content.decode()
    assert "@example.com" not in body  # the creators' users' e-mail addresses
    assert cast.ana.user.public_id not in body
    assert "email" not in body


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ({"min_followers": 10, "max_followers": 5}, "invalid_range", "max_followers"),
        ({"sort": "random"}, "invalid", "sort"),
        ({"page_size": 1000}, "invalid", "page_size"),
        ({"page": 0}, "invalid", "page"),
        ({"country": "Narnia"}, "invalid", "country"),
        ({"verified_only": "perhaps"}, "invalid", "verified_only"),
    ],
)
def test_search_errors_name_the_field(
    api: APIClient, query: dict[str, Any], code: str, field: str
) -> None:
    assert_error(api.get("/api/v1/creators/", query), 400, code, field)


def test_search_needs_an_authenticated_caller() -> None:
    response = APIClient().get("/api/v1/creators/")
    assert response.status_code in (401, 403)


# -- shortlists -----------------------------------------------------------------------------------


def test_shortlist_crud_and_add_remove(api: APIClient, tenant_a: Tenant, cast: Cast) -> None:
    created = api.post("/api/v1/shortlists/", {"name": "Beauty picks"}, format="json")
    assert created.status_code == 201, created.content
    shortlist_id = created.json()["id"]
    assert created.json()["creator_count"] == 0

    added = api.post(
        f"/api/v1/shortlists/{shortlist_id}/add/",
        {"creators": [cast.ana.public_id, cast.cara.public_id], "note": "beauty"},
        format="json",
    )
    assert added.status_code == 200, added.content
    assert added.json()["added"] == 2
    assert added.json()["shortlist"]["creator_count"] == 2

    detail = api.get(f"/api/v1/shortlists/{shortlist_id}/").json()
    assert {e["creator"]["display_name"] for e in detail["entries"]} == {"Ana", "Cara"}
    assert detail["entries"][0]["note"] == "beauty"
    assert "@example.com" not in str(detail)

    removed = api.post(
        f"/api/v1/shortlists/{shortlist_id}/remove/",
        {"creators": [cast.ana.public_id]},
        format="json",
    )
    assert removed.json()["removed"] == 1

    renamed = api.patch(f"/api/v1/shortlists/{shortlist_id}/", {"name": "Cara only"}, format="json")
    assert renamed.json()["name"] == "Cara only"
    listed = api.get("/api/v1/shortlists/").json()
    assert [(s["name"], s["creator_count"]) for s in listed["results"]] == [("Cara only", 1)]

    assert api.delete(f"/api/v1/shortlists/{shortlist_id}/").status_code == 204
    assert not Shortlist.objects.exists()


def test_shortlist_errors(api: APIClient, tenant_a: Tenant, cast: Cast) -> None:
    ShortlistFactory(organization=tenant_a.org, name="Taken")
    assert_error(
        api.post("/api/v1/shortlists/", {"name": "taken"}, format="json"),
        409,
        "duplicate_name",
        "name",
    )
    assert_error(api.post("/api/v1/shortlists/", {}, format="json"), 400, "invalid", "name")
    assert_error(
        api.post("/api/v1/shortlists/", {"name": "X", "brand": "brd_nope"}, format="json"),
        400,
        "not_found",
        "brand",
    )
    shortlist = ShortlistFactory(organization=tenant_a.org, name="Mine")
    assert_error(
        api.post(
            f"/api/v1/shortlists/{shortlist.public_id}/add/",
            {"creators": ["cre_nobody"]},
            format="json",
        ),
        400,
        "unknown_creators",
        "creators",
    )
    assert_error(
        api.post(f"/api/v1/shortlists/{shortlist.public_id}/add/", {"creators": []}, format="json"),
        400,
        "invalid",
        "creators",
    )


def test_other_tenants_shortlist_is_404_and_untouched(
    api: APIClient, tenant_b: Tenant, cast: Cast
) -> None:
    theirs = ShortlistFactory(organization=tenant_b.org, name="Theirs")
    ShortlistEntryFactory(shortlist=theirs, creator=cast.ben)
    url = f"/api/v1/shortlists/{theirs.public_id}/"
    assert_error(api.get(url), 404, "not_found")
    assert_error(api.patch(url, {"name": "mine now"}, format="json"), 404, "not_found")
    assert_error(api.delete(url), 404, "not_found")
    assert_error(
        api.post(f"{url}add/", {"creators": [cast.ana.public_id]}, format="json"), 404, "not_found"
    )
    assert api.get("/api/v1/shortlists/").json()["results"] == []
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"
    assert ShortlistEntry.objects.filter(shortlist=theirs).count() == 1


def test_viewer_key_reads_but_cannot_write(
    tenant_a: Tenant, api_client_for: ApiFor, cast: Cast
) -> None:
    viewer = api_client_for(tenant_a, Role.VIEWER)
    assert viewer.get("/api/v1/creators/").status_code == 200
    assert viewer.get("/api/v1/shortlists/").status_code == 200
    response = viewer.post("/api/v1/shortlists/", {"name": "Nope"}, format="json")
    assert_error(response, 403, "permission_denied")


# -- invite batches -------------------------------------------------------------------------------


def test_batch_from_handles_then_progress_and_failed_rows(
    api: APIClient, campaign: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    verified_tiktok("Maya", "maya.makes")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api.post(
            "/api/v1/invite-batches/",
            {
                "campaign": campaign.public_id,
                "platform": "tiktok",
                "handles": "@maya.makes\nnobody.here",
            },
            format="json",
        )
    assert response.status_code == 202, response.content
    assert len(callbacks) == 1
    body = response.json()
    assert (body["status"], body["source"], body["total"], body["processed"]) == (
        "queued",
        "handles",
        2,
        0,
    )
    batch = InviteBatch.objects.get(public_id=body["id"])
    invite_batch_process(batch_id=batch.pk)  # what the task does

    status = api.get(f"/api/v1/invite-batches/{body['id']}/").json()
    assert (status["status"], status["processed"], status["invited"], status["failed_count"]) == (
        "done",
        2,
        1,
        1,
    )
    assert status["percent"] == 100
    assert status["failed_rows"] == [
        {
            "line_number": 2,
            "raw_input": "nobody.here",
            "platform": "tiktok",
            "handle": "nobody.here",
            "creator": None,
            "outcome": "failed",
            "reason": "No creator on Chorus has verified @nobody.here on TikTok.",
        }
    ]
    listed = api.get("/api/v1/invite-batches/", {"campaign": campaign.public_id}).json()
    assert [b["id"] for b in listed["results"]] == [body["id"]]


def test_batch_from_csv_upload(api: APIClient, campaign: Campaign) -> None:
    verified_tiktok("Maya", "maya.makes")
    upload = SimpleUploadedFile(
        "list.csv", b"handle,message\n@maya.makes,Hi Maya\n", content_type="text/csv"
    )
    response = api.post(
        "/api/v1/invite-batches/upload/",
        {"campaign": campaign.public_id, "file": upload, "platform": "tiktok"},
        format="multipart",
    )
    assert response.status_code == 202, response.content
    assert (response.json()["source"], response.json()["file_name"]) == ("csv", "list.csv")
    invite_batch_process(batch_id=InviteBatch.objects.get().pk)
    assert CampaignInvitation.objects.get(campaign=campaign).message == "Hi Maya"
    # Bodies are JSON except where a file is uploaded: the batch endpoint takes no multipart.
    again = api.post(
        "/api/v1/invite-batches/",
        {"campaign": campaign.public_id, "handles": "maya.makes", "platform": "tiktok"},
        format="multipart",
    )
    assert_error(again, 415, "unsupported_media_type")


def test_bad_csv_upload_is_a_400_on_file_and_writes_nothing(
    api: APIClient, campaign: Campaign
) -> None:
    upload = SimpleUploadedFile("list.csv", b"name,email\nx,y\n", content_type="text/csv")
    body = assert_error(
        api.post(
            "/api/v1/invite-batches/upload/",
            {"campaign": campaign.public_id, "file": upload},
            format="multipart",
        ),
        400,
        "invalid_csv",
        "file",
    )
    assert body["message"] == "The CSV needs a 'handle' column; found: name, email."
    assert not InviteBatch.objects.exists()
    assert not InviteBatchRow.objects.exists()


def test_batch_from_shortlist_and_from_creator_ids(
    api: APIClient, tenant_a: Tenant, campaign: Campaign
) -> None:
    kim, lou = verified_tiktok("Kim", "kim.tt"), verified_tiktok("Lou", "lou.tt")
    shortlist = ShortlistFactory(organization=tenant_a.org)
    ShortlistEntryFactory(shortlist=shortlist, creator=kim)
    from_shortlist = api.post(
        "/api/v1/invite-batches/",
        {"campaign": campaign.public_id, "shortlist": shortlist.public_id},
        format="json",
    )
    assert from_shortlist.status_code == 202, from_shortlist.content
    assert from_shortlist.json()["shortlist"] == shortlist.public_id
    from_ids = api.post(
        "/api/v1/invite-batches/",
        {"campaign": campaign.public_id, "creators": [lou.public_id], "message": "Hi!"},
        format="json",
    )
    assert from_ids.status_code == 202, from_ids.content
    assert from_ids.json()["source"] == "single"
    for batch in InviteBatch.objects.all():
        invite_batch_process(batch_id=batch.pk)
    assert CampaignInvitation.objects.filter(campaign=campaign).count() == 2


@pytest.mark.parametrize(
    ("payload", "status", "code", "field"),
    [
        ({"platform": "tiktok", "handles": "maya"}, 400, "invalid", "campaign"),
        ({"campaign": "CAMPAIGN"}, 400, "invalid", "non_field_errors"),
        ({"campaign": "CAMPAIGN", "handles": "maya"}, 400, "platform_required", "platform"),
        (
            {"campaign": "CAMPAIGN", "handles": "maya", "platform": "tiktok", "shortlist": "shl_x"},
            400,
            "invalid",
            "non_field_errors",
        ),
        (
            {"campaign": "cmp_nope", "handles": "maya", "platform": "tiktok"},
            400,
            "not_found",
            "campaign",
        ),
        ({"campaign": "CAMPAIGN", "shortlist": "shl_nope"}, 400, "not_found", "shortlist"),
        ({"campaign": "CAMPAIGN", "creators": ["cre_nope"]}, 400, "unknown_creators", "creators"),
        (
            {"campaign": "CAMPAIGN", "handles": "maya", "platform": "vine"},
            400,
            "invalid",
            "platform",
        ),
    ],
)
def test_batch_create_errors(
    api: APIClient,
    campaign: Campaign,
    payload: dict[str, Any],
    status: int,
    code: str,
    field: str,
) -> None:
    payload = {k: (campaign.public_id if v == "CAMPAIGN" else v) for k, v in payload.items()}
    assert_error(api.post("/api/v1/invite-batches/", payload, format="json"), status, code, field)
    assert not InviteBatch.objects.exists()


def test_batch_for_a_campaign_not_recruiting_is_refused(api: APIClient, tenant_a: Tenant) -> None:
    done = recruiting_campaign(tenant_a, status=Campaign.Status.COMPLETED)
    assert_error(
        api.post(
            "/api/v1/invite-batches/",
            {"campaign": done.public_id, "platform": "tiktok", "handles": "maya"},
            format="json",
        ),
        409,
        "campaign_not_recruiting",
    )


def test_other_tenants_batch_and_campaign_are_not_found(api: APIClient, tenant_b: Tenant) -> None:
    their_campaign = recruiting_campaign(tenant_b)
    theirs = InviteBatchFactory(campaign=their_campaign)
    assert_error(api.get(f"/api/v1/invite-batches/{theirs.public_id}/"), 404, "not_found")
    assert api.get("/api/v1/invite-batches/").json()["results"] == []
    assert_error(
        api.post(
            "/api/v1/invite-batches/",
            {"campaign": their_campaign.public_id, "platform": "tiktok", "handles": "maya"},
            format="json",
        ),
        400,
        "not_found",
        "campaign",
    )
    assert InviteBatch.objects.count() == 1


def test_reviewer_key_cannot_start_batches(
    tenant_a: Tenant, api_client_for: ApiFor, campaign: Campaign
) -> None:
    reviewer = api_client_for(tenant_a, Role.REVIEWER)
    response = reviewer.post(
        "/api/v1/invite-batches/",
        {"campaign": campaign.public_id, "platform": "tiktok", "handles": "maya"},
        format="json",
    )
    assert_error(response, 403, "permission_denied")
    assert reviewer.get("/api/v1/invite-batches/").status_code == 200


def test_openapi_schema_describes_the_discovery_endpoints(api: APIClient) -> None:
    response = api.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/creators/",
        "/api/v1/shortlists/",
        "/api/v1/shortlists/{public_id}/add/",
        "/api/v1/invite-batches/",
        "/api/v1/invite-batches/{public_id}/",
    ):
        assert path in paths, path
    params = {p["name"] for p in paths["/api/v1/creators/"]["get"]["parameters"]}
    assert {"platform", "min_followers", "niche", "country", "sort", "worked_with_us"} <= params


# -- one creator, as brands see them --------------------------------------------------------------


def test_creator_profile_has_public_data_stats_and_only_our_past_work(
    api: APIClient, tenant_a: Tenant, tenant_b: Tenant, cast: Cast
) -> None:
    from creators.models import PortfolioItem
    from tests.factories.campaigns import CampaignFactory
    from tests.factories.recruitment import (
        ApplicationFactory,
        CampaignInvitationFactory,
        ParticipationFactory,
    )

    ours = recruiting_campaign(tenant_a)
    other = CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand, name="Second")
    theirs = CampaignFactory(organization=tenant_b.org, brand=tenant_b.brand, name="Bolt Secret")
    mine = ParticipationFactory(campaign=ours, creator=cast.ana)
    ApplicationFactory(campaign=other, creator=cast.ana)
    ParticipationFactory(campaign=theirs, creator=cast.ana)
    CampaignInvitationFactory(campaign=theirs, creator=cast.ana)
    PortfolioItem.objects.create(creator=cast.ana, url="https://example.com/v/1", title="Best")

    response = api.get(f"/api/v1/creators/{cast.ana.public_id}/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == cast.ana.public_id
    assert body["bio"] == cast.ana.bio
    assert body["portfolio"] == [
        {"url": "https://example.com/v/1", "title": "Best", "platform": ""}
    ]
    assert {"ana.tt", "ana.ig"} <= {a["handle"] for a in body["accounts"]}
    assert body["stats"] == {
        "participations": 1,
        "completed_participations": 0,
        "applications": 1,
        "pending_invitations": 0,
        "agreed_total_cents": {mine.currency: mine.agreed_total_cents},
    }
    assert [p["campaign"]["id"] for p in body["participations"]] == [ours.public_id]
    assert [a["campaign"]["name"] for a in body["applications"]] == ["Second"]
    assert body["invitations"] == []
    assert "Bolt Secret" not in response.content.decode()
    assert theirs.public_id not in response.content.decode()
    assert "email" not in response.content.decode()


def test_creator_profile_of_nobody_is_404(api: APIClient) -> None:
    assert_error(api.get("/api/v1/creators/cre_nope/"), 404, "not_found")
    assert api.post("/api/v1/creators/cre_nope/", {}, format="json").status_code == 405


def test_creator_profile_is_in_the_schema(api: APIClient) -> None:
    paths = api.get("/api/v1/schema/", {"format": "json"}).json()["paths"]
    operation = paths["/api/v1/creators/{public_id}/"]["get"]
    assert operation["operationId"] == "creators_retrieve"
    assert {"200", "404"} <= set(operation["responses"])
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert schema.endswith("/CreatorProfile")
