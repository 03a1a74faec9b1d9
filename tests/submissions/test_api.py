"""Submissions API, organization side (/api/v1/submissions/, /api/v1/content-library/): the
queue's filters and order, the detail with its history, decisions one by one and in bulk,
roles and brand limits, other tenants' ids, and malformed bodies (400, never 500)."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.models import Campaign
from organizations.roles import Role
from organizations.services import api_key_create
from submissions.models import ReviewDecision, ReviewState, Submission
from submissions.services import submission_decide
from tests.conftest import Tenant
from tests.factories.campaigns import CampaignFactory
from tests.factories.organizations import BrandFactory, MembershipFactory, UserFactory
from tests.factories.recruitment import ParticipationFactory
from tests.factories.submissions import (
    DraftVersionFactory,
    LivePostFactory,
    SubmissionFactory,
    submission_in_review,
)

pytestmark = pytest.mark.django_db

SUBS = "/api/v1/submissions/"
BULK = f"{SUBS}bulk-decision/"
LIBRARY = "/api/v1/content-library/"


def _slot(campaign: Campaign, **participation: Any) -> Any:
    return ParticipationFactory(campaign=campaign, **participation).slots.order_by("id").first()


def in_review(campaign: Campaign, target: str = "draft", **kwargs: Any) -> Submission:
    return submission_in_review(target=target, slot=_slot(campaign), **kwargs)


def assert_error(response: Any, status: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}, body
    assert body["code"] == code, body
    assert body["message"]
    if field:
        assert field in body["fields"], body
    return dict(body)


def decide(api: APIClient, submission: Submission, **body: Any) -> Any:
    return api.post(f"{SUBS}{submission.public_id}/decision/", body, format="json")


@pytest.fixture
def campaign(tenant_a: Tenant) -> Campaign:
    return CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand, name="Glow Launch")


@pytest.fixture
def api(tenant_a: Tenant, api_client_for: Any) -> APIClient:
    return api_client_for(tenant_a, Role.REVIEWER)


@pytest.fixture
def foreign(tenant_b: Tenant) -> Submission:
    campaign = CampaignFactory(organization=tenant_b.org, brand=tenant_b.brand, name="Bolt Fizz")
    return in_review(campaign)


# -- the queue -------------------------------------------------------------------------------------


def test_list_puts_the_oldest_in_review_first_then_the_rest(api, campaign, foreign):
    now = timezone.now()
    newer = in_review(campaign)
    older = in_review(campaign, target="post")
    waiting = SubmissionFactory(slot=_slot(campaign))
    Submission.objects.filter(pk=newer.pk).update(review_since=now - datetime.timedelta(hours=1))
    Submission.objects.filter(pk=older.pk).update(review_since=now - datetime.timedelta(days=2))

    body = api.get(SUBS).json()
    assert [r["id"] for r in body["results"]] == [
        older.public_id,
        newer.public_id,
        waiting.public_id,
    ]
    row = body["results"][0]
    assert row["stage"] == "post_review"
    assert row["in_review"] == {"target": "post", "item": older.current_post.public_id}
    assert row["campaign"]["id"] == campaign.public_id
    assert row["campaign"]["brand"]["id"] == campaign.brand.public_id
    assert row["slot"]["fee_cents"] == older.slot.fee_cents
    assert row["current_post"]["check_results"] == []
    assert body["results"][2]["in_review"] is None

    queue = api.get(SUBS, {"stage": "in_review"}).json()
    assert [r["id"] for r in queue["results"]] == [older.public_id, newer.public_id]


def test_list_filters_by_campaign_brand_platform_stage_and_creator(api, tenant_a, campaign):
    other_brand = BrandFactory(organization=tenant_a.org, name="Acme Socks")
    other = CampaignFactory(
        organization=tenant_a.org,
        brand=other_brand,
        deliverables=[("instagram", "reel", 1, 20_000)],
    )
    mine = in_review(campaign)
    theirs = in_review(other)

    def ids(**params: str) -> list[str]:
        response = api.get(SUBS, params)
        assert response.status_code == 200, response.content
        return [r["id"] for r in response.json()["results"]]

    assert ids(campaign=campaign.public_id) == [mine.public_id]
    assert ids(brand=other_brand.public_id) == [theirs.public_id]
    assert ids(platform="instagram") == [theirs.public_id]
    assert ids(creator=mine.creator.public_id) == [mine.public_id]
    assert ids(stage="post_review") == []
    assert ids(campaign="cmp_nothing") == []


def test_a_bad_filter_value_is_a_clear_400(api):
    assert_error(api.get(SUBS, {"stage": "maybe"}), 400, "invalid", "stage")
    assert_error(api.get(SUBS, {"platform": ""}), 400, "invalid", "platform")
    assert_error(api.get(SUBS, {"page": "0"}), 400, "invalid", "page")


def test_the_queue_runs_a_fixed_number_of_queries(api, campaign):
    def load() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(SUBS).status_code == 200
        return len(ctx.captured_queries)

    api.get(SUBS)  # the key's first use records last_used_at
    for _ in range(2):
        in_review(campaign)
    few = load()
    for _ in range(6):
        in_review(campaign, target="post")
    assert load() == few


def test_detail_has_every_version_post_and_decision(api, tenant_a, campaign):
    submission = in_review(campaign)
    assert (
        decide(api, submission, decision="request_changes", feedback="Show the label").status_code
        == 200
    )
    second = DraftVersionFactory(submission=submission, number=2)
    Submission.objects.filter(pk=submission.pk).update(
        stage=Submission.Stage.DRAFT_REVIEW, current_draft=second, review_since=timezone.now()
    )

    body = api.get(f"{SUBS}{submission.public_id}/").json()
    assert [d["number"] for d in body["drafts"]] == [1, 2]
    assert body["drafts"][0]["state"] == "changes_requested"
    assert body["drafts"][0]["feedback"] == "Show the label"
    assert body["drafts"][0]["file_url"].endswith(f"/files/draft/{body['drafts'][0]['id']}")
    assert body["in_review"] == {"target": "draft", "item": second.public_id}
    [decision] = body["decisions"]
    assert decision["decision"] == "request_changes"
    assert decision["item"] == body["drafts"][0]["id"]
    assert decision["decided_by"].startswith("API key ")
    assert body["slot"]["draft_due"] == submission.slot.draft_due.isoformat()
    assert body["slot"]["fee_cents"] == submission.slot.fee_cents
    assert body["posts"] == []


# -- decisions -------------------------------------------------------------------------------------


def test_approving_a_draft_moves_the_submission_to_post_due(api, campaign):
    submission = in_review(campaign)
    response = decide(
        api, submission, decision="approve", expected_item=submission.current_draft.public_id
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["stage"] == "post_due"
    assert body["drafts"][0]["state"] == "approved"
    assert body["decisions"][0]["decision"] == "approve"


def test_a_decision_on_an_already_decided_item_is_409_and_changes_nothing(api, campaign):
    submission = in_review(campaign)
    assert decide(api, submission, decision="approve").status_code == 200
    response = decide(api, submission, decision="reject", feedback="Too late")
    assert_error(response, 409, "already_decided")
    submission.refresh_from_db()
    assert submission.stage == Submission.Stage.POST_DUE
    assert ReviewDecision.objects.filter(submission=submission).count() == 1


def test_a_decision_on_a_newer_version_than_the_one_seen_is_409_stale(api, campaign):
    submission = in_review(campaign)
    response = decide(api, submission, decision="approve", expected_item="drv_older")
    assert_error(response, 409, "stale_item")
    submission.refresh_from_db()
    assert submission.stage == Submission.Stage.DRAFT_REVIEW


def test_changes_and_rejections_need_feedback(api, campaign):
    submission = in_review(campaign)
    response = decide(api, submission, decision="request_changes")
    assert_error(response, 400, "feedback_required", "feedback")
    response = decide(api, submission, decision="reject", feedback="   ")
    assert_error(response, 400, "feedback_required", "feedback")
    response = api.post(BULK, {"ids": [submission.public_id], "decision": "reject"}, format="json")
    assert_error(response, 400, "feedback_required", "feedback")
    submission.refresh_from_db()
    assert submission.stage == Submission.Stage.DRAFT_REVIEW


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "approve",
        {"decision": "accept"},
        {"decision": ["approve"]},
        {"decision": "approve", "feedback": {"a": 1}},
        {"decision": "approve", "feedback": "x" * 2001},
        {"decision": "approve", "expected_item": "x" * 41},
        {"decision": "reject", "feedback": "bad\x00byte"},
    ],
)
def test_malformed_decision_bodies_are_400_never_500(api, campaign, body):
    submission = in_review(campaign)
    response = api.post(f"{SUBS}{submission.public_id}/decision/", body, format="json")
    assert_error(response, 400, "invalid")
    submission.refresh_from_db()
    assert submission.stage == Submission.Stage.DRAFT_REVIEW


def test_a_body_that_is_not_json_is_refused(api, campaign):
    submission = in_review(campaign)
    url = f"{SUBS}{submission.public_id}/decision/"
    assert api.post(url, "{not json", content_type="application/json").status_code == 400
    response = api.post(url, {"decision": "approve"})  # multipart form: JSON only here
    assert_error(response, 415, "unsupported_media_type")
    submission.refresh_from_db()
    assert submission.stage == Submission.Stage.DRAFT_REVIEW


def test_bulk_decides_each_and_reports_a_foreign_id_as_failed(api, campaign, foreign):
    first, second = in_review(campaign), in_review(campaign, target="post")
    decided = in_review(campaign)
    assert decide(api, decided, decision="approve").status_code == 200
    ids = [first.public_id, foreign.public_id, second.public_id, decided.public_id, "sub_nope"]

    response = api.post(BULK, {"ids": ids, "decision": "approve"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["decision"], body["succeeded"], body["failed"]) == ("approve", 2, 3)
    by_id = {r["id"]: r for r in body["results"]}
    assert [r["id"] for r in body["results"]] == ids
    assert by_id[first.public_id] == {"id": first.public_id, "ok": True, "stage": "post_due"}
    assert by_id[second.public_id]["stage"] == "done"
    assert by_id[foreign.public_id]["code"] == "not_found"
    assert by_id["sub_nope"]["code"] == "not_found"
    assert {k: v for k, v in by_id[foreign.public_id].items() if k != "id"} == {
        k: v for k, v in by_id["sub_nope"].items() if k != "id"
    }
    assert by_id[decided.public_id]["code"] == "already_decided"
    foreign.refresh_from_db()
    assert foreign.stage == Submission.Stage.DRAFT_REVIEW


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"ids": [], "decision": "approve"},
        {"ids": "sub_x", "decision": "approve"},
        {"ids": [["sub_x"]], "decision": "approve"},
        {"ids": ["sub_x"] * 501, "decision": "approve"},
        {"ids": ["x" * 41], "decision": "approve"},
        {"ids": ["sub_x"], "decision": "maybe"},
        [1, 2],
    ],
)
def test_malformed_bulk_bodies_are_400_never_500(api, campaign, body):
    submission = in_review(campaign)
    response = api.post(BULK, body, format="json")
    assert_error(response, 400, "invalid")
    submission.refresh_from_db()
    assert submission.stage == Submission.Stage.DRAFT_REVIEW


# -- who may -----------------------------------------------------------------------------------------


def test_a_viewer_reads_but_cannot_decide(tenant_a, campaign, api_client_for, client_for):
    submission = in_review(campaign)
    for client in (
        api_client_for(tenant_a, Role.VIEWER),
        _session(client_for, tenant_a.add_member(Role.VIEWER)),
    ):
        assert client.get(f"{SUBS}{submission.public_id}/").status_code == 200
        assert_error(decide(client, submission, decision="approve"), 403, "permission_denied")
        response = client.post(
            BULK, {"ids": [submission.public_id], "decision": "approve"}, format="json"
        )
        assert_error(response, 403, "permission_denied")
    submission.refresh_from_db()
    assert submission.stage == Submission.Stage.DRAFT_REVIEW
    assert not ReviewDecision.objects.exists()


def test_a_reviewer_session_decides(tenant_a, campaign, client_for):
    submission = in_review(campaign)
    client = _session(client_for, tenant_a.add_member(Role.REVIEWER, email="rev@example.com"))
    response = decide(client, submission, decision="approve")
    assert response.status_code == 200, response.content
    assert response.json()["decisions"][0]["decided_by"] == "rev@example.com"


def _session(client_for: Any, user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_a_brand_limited_member_sees_and_decides_only_their_brand(tenant_a, campaign):
    zero = BrandFactory(organization=tenant_a.org, name="Acme Zero")
    other = in_review(CampaignFactory(organization=tenant_a.org, brand=zero, name="Zero Launch"))
    own = in_review(campaign)
    user = UserFactory()
    MembershipFactory(organization=tenant_a.org, user=user, role=Role.ADMIN, brand=tenant_a.brand)
    client = APIClient()
    client.force_login(user)

    assert [r["id"] for r in client.get(SUBS).json()["results"]] == [own.public_id]
    assert client.get(SUBS, {"brand": zero.public_id}).json()["results"] == []
    assert_error(client.get(f"{SUBS}{other.public_id}/"), 404, "not_found")
    assert_error(decide(client, other, decision="approve"), 404, "not_found")
    body = client.post(
        BULK, {"ids": [other.public_id], "decision": "approve"}, format="json"
    ).json()
    assert body["results"] == [
        {"id": other.public_id, "ok": False, "code": "not_found", "message": "No such submission."}
    ]
    other.refresh_from_db()
    assert other.stage == Submission.Stage.DRAFT_REVIEW


def test_a_brand_limited_key_sees_only_its_brands_assets(tenant_a, campaign):
    zero = BrandFactory(organization=tenant_a.org, name="Acme Zero")
    owner_access = tenant_a.access()
    for brand_campaign in (
        campaign,
        CampaignFactory(organization=tenant_a.org, brand=zero, name="Zero Launch"),
    ):
        done = in_review(brand_campaign)
        submission_decide(access=owner_access, submission=done, decision="approve")
    _key, raw = api_key_create(
        access=owner_access, name="limited", role=Role.VIEWER, brand=tenant_a.brand
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assets = client.get(LIBRARY).json()["results"]
    assert [a["campaign"]["id"] for a in assets] == [campaign.public_id]
    assert client.get(LIBRARY, {"brand": zero.public_id}).json()["results"] == []
    assert [r["campaign"]["id"] for r in client.get(SUBS).json()["results"]] == [campaign.public_id]


def test_another_tenants_submission_answers_404_like_a_missing_one(api, foreign):
    missing = api.get(f"{SUBS}sub_missing/")
    found = api.get(f"{SUBS}{foreign.public_id}/")
    assert_error(found, 404, "not_found")
    assert found.json() == missing.json()
    assert_error(decide(api, foreign, decision="approve"), 404, "not_found")
    assert foreign.public_id not in api.get(SUBS).content.decode()
    foreign.refresh_from_db()
    assert foreign.stage == Submission.Stage.DRAFT_REVIEW


def test_no_key_no_session_is_401(campaign):
    submission = in_review(campaign)
    response = APIClient().post(
        f"{SUBS}{submission.public_id}/decision/", {"decision": "approve"}, format="json"
    )
    assert_error(response, 401, "not_authenticated")


# -- the content library -----------------------------------------------------------------------------


def test_the_library_lists_approved_drafts_with_rights_and_a_download_link(
    api, tenant_a, campaign, foreign
):
    campaign.usage_rights = Campaign.UsageRights.PAID
    campaign.paid_usage_months = 3
    campaign.save(update_fields=["usage_rights", "paid_usage_months"])
    done = in_review(campaign, target="post")
    assert decide(api, done, decision="approve").status_code == 200
    in_review(campaign)  # a draft still in review: not an asset
    approved = done.current_draft
    approved_at = timezone.now() - datetime.timedelta(days=80)
    type(approved).objects.filter(pk=approved.pk).update(decided_at=approved_at)

    response = api.get(LIBRARY)
    assert response.status_code == 200, response.content
    [asset] = response.json()["results"]
    assert asset["id"] == approved.public_id
    assert asset["submission"] == done.public_id
    assert asset["live_post_url"] == done.current_post.url
    assert asset["download_url"].endswith(f"/files/draft/{approved.public_id}?download=1")
    assert asset["download_url"].startswith("http")
    rights = asset["usage_rights"]
    assert rights["expires_on"] is not None
    assert rights["lapsing_soon"] is True
    assert rights["lapsed"] is False
    assert foreign.public_id not in response.content.decode()

    assert api.get(LIBRARY, {"platform": "instagram"}).json()["results"] == []
    assert api.get(LIBRARY, {"campaign": campaign.public_id}).json()["count"] == 1


def test_the_library_runs_a_fixed_number_of_queries(api, campaign):
    def load() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(LIBRARY).status_code == 200
        return len(ctx.captured_queries)

    def asset() -> None:
        submission = SubmissionFactory(slot=_slot(campaign), stage=Submission.Stage.DONE)
        post = LivePostFactory(
            submission=submission, state=ReviewState.APPROVED, approved_at=timezone.now()
        )
        draft = DraftVersionFactory(
            submission=submission, state=ReviewState.APPROVED, decided_at=timezone.now()
        )
        Submission.objects.filter(pk=submission.pk).update(current_draft=draft, current_post=post)

    api.get(LIBRARY)
    asset()
    few = load()
    for _ in range(5):
        asset()
    assert load() == few
