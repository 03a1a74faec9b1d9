"""Submissions API, creator side (/api/v1/creator/slots/…): your posts with their stage and next
action, the detail with every version, post, check result and decision, upload requests and
confirmations refused clearly, live posts; another creator's slot answers 404, an organization
API key 403 creator_only, malformed bodies 400 (never 500), nothing half-written.

The upload flow end to end (request → upload to storage → confirm) needs core.files's direct
uploads: tests/submissions/test_api_creator_uploads.py."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.models import Campaign
from creators.models import CreatorProfile
from organizations.roles import Role
from recruitment.models import Participation, ParticipationSlot
from submissions.models import LivePost, ReviewState, Submission, UploadTicket
from submissions.services import submission_decide
from tests.conftest import Tenant
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import CreatorProfileFactory
from tests.factories.recruitment import ParticipationFactory
from tests.factories.submissions import (
    DraftVersionFactory,
    LivePostFactory,
    SubmissionFactory,
    submission_in_review,
)

pytestmark = pytest.mark.django_db

SLOTS = "/api/v1/creator/slots/"
MB = 1024 * 1024


def assert_error(response: Any, status: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}, body
    assert body["code"] == code, body
    assert body["message"]
    if field:
        assert field in body["fields"], body
    return dict(body)


def session(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def campaign(tenant_a: Tenant) -> Campaign:
    return CampaignFactory(
        organization=tenant_a.org,
        brand=tenant_a.brand,
        name="Glow Launch",
        required_hashtags=["glowserum"],
        required_mentions=["glowskincare"],
    )


@pytest.fixture
def creator(db: None) -> CreatorProfile:
    return CreatorProfileFactory(display_name="ava.makes")


@pytest.fixture
def slot(campaign: Campaign, creator: CreatorProfile) -> ParticipationSlot:
    participation = ParticipationFactory(campaign=campaign, creator=creator)
    return participation.slots.order_by("id").first()


@pytest.fixture
def api(creator: CreatorProfile) -> APIClient:
    return session(creator.user)


def url(slot: ParticipationSlot, action: str = "") -> str:
    return f"{SLOTS}{slot.public_id}/{action + '/' if action else ''}"


def other_creators_slot(campaign: Campaign) -> ParticipationSlot:
    return ParticipationFactory(campaign=campaign).slots.order_by("id").first()


# -- list and detail -------------------------------------------------------------------------------


def test_list_shows_each_slot_with_its_stage_and_next_action(api, campaign, slot, creator):
    other_creators_slot(campaign)
    response = api.get(SLOTS)
    assert response.status_code == 200, response.content
    [row] = response.json()["results"]
    assert row["id"] == slot.public_id
    assert row["campaign"] == {
        "id": campaign.public_id,
        "name": "Glow Launch",
        "brand": campaign.brand.name,
    }
    assert row["submission"] is None
    assert row["stage"] == "draft_due"
    assert row["next_action"]["code"] == "upload_draft"
    assert row["fee_cents"] == slot.fee_cents
    assert row["draft_due"] == slot.draft_due.isoformat()
    assert row["current_draft"] is None

    submission = submission_in_review(target="draft", slot=slot)
    row = api.get(SLOTS).json()["results"][0]
    assert (row["submission"], row["stage"]) == (submission.public_id, "draft_review")
    assert row["next_action"]["code"] == "wait"
    assert row["current_draft"]["id"] == submission.current_draft.public_id


def test_next_action_follows_the_review(api, tenant_a, slot):
    submission = submission_in_review(target="draft", slot=slot)
    submission_decide(
        access=tenant_a.access(Role.REVIEWER),
        submission=submission,
        decision="request_changes",
        feedback="Show the label",
    )
    row = api.get(SLOTS).json()["results"][0]
    assert (row["stage"], row["next_action"]["code"]) == ("draft_changes", "upload_revision")
    Submission.objects.filter(pk=submission.pk).update(stage=Submission.Stage.POST_DUE)
    assert api.get(SLOTS).json()["results"][0]["next_action"]["code"] == "submit_post"
    Participation.objects.filter(pk=slot.participation_id).update(
        status=Participation.Status.COMPLETED
    )
    assert api.get(SLOTS).json()["results"][0]["next_action"]["code"] == "none"


def test_the_list_runs_a_fixed_number_of_queries(api, campaign, creator):
    def load() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(SLOTS).status_code == 200
        return len(ctx.captured_queries)

    def one() -> None:
        slot = ParticipationFactory(campaign=CampaignFactory(), creator=creator).slots.first()
        submission_in_review(target="post", slot=slot)

    one()
    few = load()
    for _ in range(4):
        one()
    assert load() == few


def test_detail_shows_versions_checks_decisions_and_the_requirements(api, tenant_a, slot):
    submission = submission_in_review(target="draft", slot=slot)
    first = submission.current_draft
    submission_decide(
        access=tenant_a.access(Role.REVIEWER),
        submission=submission,
        decision="approve",
    )
    post = LivePostFactory(
        submission=submission,
        check_results=[
            {"key": "public", "status": "passed", "message": "The post is public."},
            {"key": "hashtags", "status": "failed", "message": "#glowserum is missing."},
        ],
    )
    Submission.objects.filter(pk=submission.pk).update(
        stage=Submission.Stage.POST_REVIEW, current_post=post, review_since=timezone.now()
    )

    response = api.get(url(slot))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["requirements"]["required_hashtags"] == ["glowserum"]
    assert body["requirements"]["required_mentions"] == ["glowskincare"]
    assert [d["id"] for d in body["drafts"]] == [first.public_id]
    assert body["drafts"][0]["state"] == "approved"
    assert body["drafts"][0]["file_url"].endswith(f"/files/draft/{first.public_id}")
    [live] = body["posts"]
    assert live["check_results"][1] == {
        "key": "hashtags",
        "status": "failed",
        "message": "#glowserum is missing.",
    }
    [decision] = body["decisions"]
    assert decision["decision"] == "approve"
    assert "decided_by" not in decision  # reviewers' addresses stay with the brand
    assert body["next_action"]["code"] == "wait"


# -- who may -----------------------------------------------------------------------------------------


def test_another_creators_slot_answers_404_like_a_missing_one(api, campaign):
    theirs = other_creators_slot(campaign)
    submission_in_review(target="draft", slot=theirs)
    missing = api.get(f"{SLOTS}slt_missing/")
    assert_error(missing, 404, "not_found")
    assert api.get(url(theirs)).json() == missing.json()
    for action, body in (
        ("upload-request", {"content_type": "video/mp4", "size": 1000}),
        ("upload-confirm", {"key": "x", "caption": "hi"}),
        ("live-post", {"url": "https://www.tiktok.com/@x/video/7300000000000000001"}),
    ):
        assert_error(api.post(url(theirs, action), body, format="json"), 404, "not_found")
    assert not UploadTicket.objects.exists()
    assert not LivePost.objects.filter(slot=theirs).exists()


def test_an_organization_api_key_is_refused(tenant_a, api_client_for, slot):
    key = api_client_for(tenant_a, Role.ADMIN)
    assert_error(key.get(SLOTS), 403, "creator_only")
    response = key.post(url(slot, "upload-request"), {"content_type": "video/mp4", "size": 9})
    assert_error(response, 403, "creator_only")


def test_nobody_signed_in_is_refused(slot):
    assert_error(APIClient().get(SLOTS), 403, "not_authenticated")


# -- upload request and confirmation: refusals -------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"content_type": "application/x-msdownload", "size": 1000}, "invalid", "content_type"),
        ({"content_type": "image/svg+xml", "size": 1000}, "invalid", "content_type"),
        ({"content_type": "video/mp4", "size": 0}, "invalid", "size"),
        ({"content_type": "video/mp4", "size": 1024 * MB + 1}, "invalid", "size"),
        ({"content_type": "image/png", "size": 31 * MB}, "file_too_large", "size"),
        ({"content_type": "video/mp4", "size": "big"}, "invalid", "size"),
        ({"content_type": "video/mp4", "size": 10, "name": "x" * 256}, "invalid", "name"),
        ({"content_type": "video/mp4"}, "invalid", "size"),
        ({"size": 10}, "invalid", "content_type"),
        ({"content_type": ["video/mp4"], "size": 10}, "invalid", "content_type"),
    ],
)
def test_an_upload_request_that_cannot_be_met_is_a_clear_400(api, slot, body, code, field):
    response = api.post(url(slot, "upload-request"), body, format="json")
    assert_error(response, 400, code, field)
    assert not UploadTicket.objects.exists()
    assert not Submission.objects.exists()


@pytest.mark.parametrize("body", [None, [], "video", {"content_type": None, "size": None}])
def test_malformed_upload_request_bodies_are_400(api, slot, body):
    response = api.post(url(slot, "upload-request"), body, format="json")
    assert_error(response, 400, "invalid")
    assert not UploadTicket.objects.exists()


def test_no_upload_while_the_draft_is_in_review(api, slot):
    submission_in_review(target="draft", slot=slot)
    response = api.post(
        url(slot, "upload-request"), {"content_type": "video/mp4", "size": 1000}, format="json"
    )
    assert_error(response, 409, "draft_not_expected")
    assert not UploadTicket.objects.exists()


def test_confirming_an_upload_that_never_happened_is_refused(api, slot):
    response = api.post(
        url(slot, "upload-confirm"),
        {"key": "org_x/draft/../../etc/passwd", "caption": "#ad"},
        format="json",
    )
    assert_error(response, 400, "upload_missing", "key")
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"key": ""},
        {"key": "k" * 256},
        {"key": "k", "caption": "x" * 2201},
        {"key": "k", "caption": "bad\x00caption"},
        {"key": ["k"]},
    ],
)
def test_malformed_upload_confirmations_are_400(api, slot, body):
    response = api.post(url(slot, "upload-confirm"), body, format="json")
    assert_error(response, 400, "invalid")
    assert not Submission.objects.exists()


# -- live posts ---------------------------------------------------------------------------------------


@pytest.fixture
def post_due(slot: ParticipationSlot) -> Submission:
    submission = SubmissionFactory(slot=slot, stage=Submission.Stage.POST_DUE)
    draft = DraftVersionFactory(
        submission=submission, number=1, state=ReviewState.APPROVED, decided_at=timezone.now()
    )
    Submission.objects.filter(pk=submission.pk).update(current_draft=draft)
    return submission


def test_submitting_the_live_post_puts_it_in_review(api, slot, post_due):
    link = "https://www.tiktok.com/@ava.makes/video/7311111111111111111?is_from_webapp=1"
    response = api.post(url(slot, "live-post"), {"url": link}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["post_id"] == "7311111111111111111"
    assert body["state"] == "checking"
    assert body["checks_status"] == "pending"
    assert body["fee_cents"] == slot.fee_cents
    row = api.get(SLOTS).json()["results"][0]
    assert (row["stage"], row["next_action"]["code"]) == ("post_review", "wait")
    assert row["current_post"]["id"] == body["id"]


def test_a_live_post_before_the_draft_is_approved_is_409(api, slot):
    submission_in_review(target="draft", slot=slot)
    link = "https://www.tiktok.com/@ava.makes/video/7311111111111111111"
    response = api.post(url(slot, "live-post"), {"url": link}, format="json")
    assert_error(response, 409, "post_not_expected")
    assert not LivePost.objects.exists()


@pytest.mark.parametrize(
    ("link", "status", "code"),
    [
        ("https://www.instagram.com/reel/Cabcdefghij/", 400, "wrong_platform"),
        ("https://example.com/video/1", 400, "unsupported_site"),
        ("not a link", 400, "not_a_url"),
        ("", 400, "invalid"),
        ("https://www.tiktok.com/@ava.makes/video/" + "1" * 600, 400, "invalid"),
    ],
)
def test_a_bad_live_post_link_is_a_clear_error(api, slot, post_due, link, status, code):
    response = api.post(url(slot, "live-post"), {"url": link}, format="json")
    assert_error(response, status, code, "url")
    post_due.refresh_from_db()
    assert post_due.stage == Submission.Stage.POST_DUE
    assert not LivePost.objects.exists()


def test_someone_elses_post_cannot_be_submitted_again(api, campaign, slot, post_due):
    theirs = LivePostFactory(
        submission=submission_in_review(target="draft", slot=other_creators_slot(campaign)),
        post_id="7322222222222222222",
    )
    link = f"https://www.tiktok.com/@someone/video/{theirs.post_id}"
    response = api.post(url(slot, "live-post"), {"url": link}, format="json")
    assert_error(response, 409, "post_already_submitted", "url")
    post_due.refresh_from_db()
    assert post_due.stage == Submission.Stage.POST_DUE


@pytest.mark.parametrize("body", [None, {}, {"url": ["x"]}, {"url": {"a": 1}}, {"url": "a\x00b"}])
def test_malformed_live_post_bodies_are_400(api, slot, post_due, body):
    response = api.post(url(slot, "live-post"), body, format="json")
    assert_error(response, 400, "invalid")
    assert not LivePost.objects.exists()
