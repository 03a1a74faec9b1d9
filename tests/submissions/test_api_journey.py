"""The issue's "done when", through the API only: a creator uploads a draft, the brand asks for
changes, the creator uploads a revision, the brand approves it, the creator submits the live
post's address, the checks run against the platform simulator (through the real clients), the
brand approves the post, the asset is in the content library and the participation is done."""

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from organizations.roles import Role
from platforms.simulator.client import SimulatorControl
from submissions.models import LivePost
from submissions.services import live_posts_check
from tests.conftest import Tenant
from tests.factories.campaigns import CampaignFactory
from tests.factories.recruitment import ParticipationFactory

pytestmark = pytest.mark.django_db

MP4 = b"\x00\x00\x00\x18ftypisom" + b"\x00" * 300
CAPTION = "#ad my morning routine with #glowserum @glowskincare"


def _upload_draft(creator_api: APIClient, user: Any, slot_url: str, caption: str) -> dict:
    form = creator_api.post(
        f"{slot_url}upload-request/",
        {"content_type": "video/mp4", "size": len(MP4), "name": "take.mp4"},
        format="json",
    )
    assert form.status_code == 201, form.content
    browser = Client()  # the phone's browser posts the form (local storage: the app's endpoint)
    browser.force_login(user)
    body = {**form.json()["fields"], "file": SimpleUploadedFile("take.mp4", MP4)}
    assert browser.post(form.json()["url"], body).status_code == 204
    confirmed = creator_api.post(
        f"{slot_url}upload-confirm/", {"key": form.json()["key"], "caption": caption}, format="json"
    )
    assert confirmed.status_code == 201, confirmed.content
    return dict(confirmed.json())


def test_draft_revision_approval_live_post_checks_and_library(
    tenant_a: Tenant,
    api_client_for: Any,
    simulator: SimulatorControl,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    today = timezone.localdate()
    campaign = CampaignFactory(
        organization=tenant_a.org,
        brand=tenant_a.brand,
        deliverables=[("tiktok", "video", 1, 15_000)],
        posting_starts=today - datetime.timedelta(days=3),
        posting_ends=today + datetime.timedelta(days=10),
    )
    participation = ParticipationFactory(campaign=campaign, social_account__platform="tiktok")
    creator = participation.creator
    creator_api = APIClient()
    creator_api.force_login(creator.user)
    brand_api = api_client_for(tenant_a, Role.REVIEWER)

    # The creator sees what to do.
    [slot] = creator_api.get("/api/v1/creator/slots/").json()["results"]
    assert slot["next_action"]["code"] == "upload_draft"
    slot_url = f"/api/v1/creator/slots/{slot['id']}/"

    # Draft 1, and the brand asks for changes.
    first = _upload_draft(creator_api, creator.user, slot_url, "first take")
    [queued] = brand_api.get("/api/v1/submissions/", {"stage": "in_review"}).json()["results"]
    assert queued["in_review"] == {"target": "draft", "item": first["id"]}
    decision_url = f"/api/v1/submissions/{queued['id']}/decision/"
    response = brand_api.post(
        decision_url,
        {"decision": "request_changes", "feedback": "Say #ad first", "expected_item": first["id"]},
        format="json",
    )
    assert response.status_code == 200, response.content

    # The creator reads the feedback beside the requirements and uploads a revision.
    detail = creator_api.get(slot_url).json()
    assert detail["next_action"]["code"] == "upload_revision"
    assert detail["drafts"][0]["feedback"] == "Say #ad first"
    second = _upload_draft(creator_api, creator.user, slot_url, CAPTION)
    assert second["number"] == 2

    # Approving the version seen: the older id is stale now.
    stale = brand_api.post(
        decision_url, {"decision": "approve", "expected_item": first["id"]}, format="json"
    )
    assert stale.status_code == 409
    approved = brand_api.post(
        decision_url, {"decision": "approve", "expected_item": second["id"]}, format="json"
    )
    assert approved.status_code == 200, approved.content
    assert approved.json()["stage"] == "post_due"

    # The live post, checked against the platform.
    assert creator_api.get(slot_url).json()["next_action"]["code"] == "submit_post"
    handle = participation.social_account.handle
    url = simulator.create_post("tiktok", owner=handle, caption=CAPTION)["url"]
    posted = creator_api.post(f"{slot_url}live-post/", {"url": url}, format="json")
    assert posted.status_code == 201, posted.content
    assert live_posts_check(live_post_ids=[LivePost.objects.get().pk]) == 1
    [post] = creator_api.get(slot_url).json()["posts"]
    assert post["checks_status"] == "done"
    assert {r["status"] for r in post["check_results"]} == {"passed"}, post["check_results"]

    # The brand approves the post: done, in the library, the participation complete.
    detail = brand_api.get(f"/api/v1/submissions/{queued['id']}/").json()
    assert detail["in_review"] == {"target": "post", "item": post["id"]}
    assert detail["current_post"]["check_results"] == post["check_results"]
    done = brand_api.post(
        decision_url, {"decision": "approve", "expected_item": post["id"]}, format="json"
    )
    assert done.status_code == 200, done.content
    assert done.json()["stage"] == "done"
    assert done.json()["current_post"]["approved_at"]

    [asset] = brand_api.get("/api/v1/content-library/").json()["results"]
    assert asset["id"] == second["id"]
    assert asset["live_post_url"] == post["url"]
    assert asset["download_url"].endswith(f"/files/draft/{second['id']}?download=1")

    slot = creator_api.get(slot_url).json()
    assert (slot["stage"], slot["next_action"]["code"]) == ("done", "none")
    mine = creator_api.get(f"/api/v1/creator/participations/{participation.public_id}/")
    assert mine.json()["status"] == "completed"
