"""The creator's slot page and My work's per-slot list: what is due when, where the work stands,
what to do next; drafts (direct upload, the plain fallback, finishing an upload after a
refresh), revisions with their feedback, the live post's link and its checks. Another
creator's slot answers 404 everywhere."""

import datetime
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from campaigns.models import Campaign
from creators.models import CreatorProfile
from recruitment.models import Participation, ParticipationSlot
from submissions.models import (
    CAPTION_MAX_CHARS,
    DraftVersion,
    LivePost,
    ReviewState,
    Submission,
    UploadTicket,
)
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
from users.models import User

pytestmark = pytest.mark.django_db

TIKTOK_URL = "https://www.tiktok.com/@ava.bloom/video/7312345678901234567"


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def campaign(tenant_a: Tenant) -> Campaign:
    return CampaignFactory(
        organization=tenant_a.org,
        brand=tenant_a.brand,
        name="Glow Launch",
        dos="Film in daylight.",
        donts="No other brands in shot.",
        deliverables=[("tiktok", "video", 2, 15_000)],
    )


@pytest.fixture
def creator() -> CreatorProfile:
    return CreatorProfileFactory(display_name="Ava Bloom")


@pytest.fixture
def participation(campaign: Campaign, creator: CreatorProfile) -> Participation:
    return ParticipationFactory(campaign=campaign, creator=creator)


@pytest.fixture
def slot(participation: Participation) -> ParticipationSlot:
    return participation.slots.order_by("slot_number").first()


@pytest.fixture
def creator_client(creator: CreatorProfile, client_for: Callable[[User], Client]) -> Client:
    return client_for(creator.user)


def _url(slot: ParticipationSlot, action: str = "") -> str:
    base = reverse("submissions:slot", kwargs={"slot_id": slot.public_id})
    return base + action


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 120, 80)).save(out, format="PNG")
    return out.getvalue()


def _html(response: Any) -> str:
    return str(response.content.decode())


# -- the page -----------------------------------------------------------------------------------


def test_a_new_slot_says_what_is_due_when_and_shows_the_requirements(
    creator_client: Client, slot: ParticipationSlot, campaign: Campaign
) -> None:
    response = creator_client.get(_url(slot))
    assert response.status_code == 200
    html = _html(response)
    assert "TikTok video 1" in html
    assert 'data-testid="slot-state">Draft due<' in html
    assert "Upload your draft with its caption." in html
    assert campaign.draft_due.strftime("%b") in html  # the draft's due date
    assert "<code>#glowserum</code>" in html
    assert "<code>@glowskincare</code>" in html
    assert "#ad, #sponsored or the paid-partnership label" in html
    assert "Film in daylight." in html
    assert "No other brands in shot." in html
    # The direct upload (script) and its plain fallback (the form's action).
    assert f'action="{_url(slot, "draft")}"' in html
    assert f'data-upload-request="{_url(slot, "upload-request")}"' in html
    assert 'id="upload-bar"' in html
    assert 'role="status"' in html
    assert "js/upload.js" in html
    assert "Paste your live post" not in html


def test_another_creators_slot_is_404_on_every_endpoint(
    slot: ParticipationSlot, client_for: Callable[[User], Client], tenant_a: Tenant
) -> None:
    stranger = client_for(CreatorProfileFactory().user)
    member = client_for(tenant_a.owner)  # a brand member, no creator profile
    for client in (stranger, member):
        assert client.get(_url(slot)).status_code == 404
        assert client.get(_url(slot).replace(slot.public_id, "slt_missing")).status_code == 404
        for action in ("upload-request", "confirm", "draft", "post"):
            assert client.post(_url(slot, action), {"url": TIKTOK_URL}).status_code == 404
    assert not Submission.objects.exists()
    assert not UploadTicket.objects.exists()


def test_changes_requested_show_the_feedback_beside_the_requirements_and_every_version(
    creator_client: Client, slot: ParticipationSlot
) -> None:
    submission = SubmissionFactory(slot=slot, stage=Submission.Stage.DRAFT_CHANGES)
    DraftVersionFactory(
        submission=submission, number=1, state=ReviewState.REJECTED, feedback="Too dark."
    )
    v2 = DraftVersionFactory(
        submission=submission,
        number=2,
        state=ReviewState.CHANGES_REQUESTED,
        feedback="Show the bottle in the first 3 seconds.",
        thumbnail_key="acme/draft-thumb/abc.jpg",
        preview_status=DraftVersion.Preview.READY,
    )
    html = _html(creator_client.get(_url(slot)))
    assert "Changes requested on the draft" in html
    assert "What Acme Shoes asked you to change" in html
    beside = html.split('class="sw-beside"')[1].split("</div>")[0]
    assert "Show the bottle in the first 3 seconds." in beside  # next to …
    assert "What the post needs" in beside  # … the requirements
    assert "Version 1" in html
    assert "Version 2" in html
    assert "Too dark." in html
    assert f"/files/draft-thumb/{v2.public_id}" in html  # the thumbnail, through the file view
    assert "Upload a new version" in html
    assert "#ad Loving this #glowserum @glowskincare</textarea>" in html  # the last caption


def test_a_draft_in_review_shows_the_auto_approval_date_and_takes_no_upload(
    creator_client: Client, slot: ParticipationSlot
) -> None:
    submission = submission_in_review(slot=slot)
    submission.auto_approve_at = timezone.now() + datetime.timedelta(days=5)
    submission.save(update_fields=["auto_approve_at"])
    html = _html(creator_client.get(_url(slot)))
    assert "Draft in review" in html
    assert "Wait for Acme Shoes to review your draft." in html
    assert "approved automatically" in html
    assert submission.auto_approve_at.strftime("%b") in html
    assert 'id="draft-form"' not in html
    assert "placeholder" not in html or "No preview" not in html  # a placeholder, not an error
    assert "sw-placeholder" in html  # no thumbnail yet: a clear placeholder


def test_a_link_before_the_draft_is_approved_gets_a_clear_message(
    creator_client: Client, slot: ParticipationSlot
) -> None:
    submission_in_review(slot=slot)
    response = creator_client.post(_url(slot, "post"), {"url": TIKTOK_URL}, follow=True)
    html = _html(response)
    assert "A live post is expected once the draft is approved" in html
    assert not LivePost.objects.exists()


def test_a_draft_when_none_is_expected_gets_a_clear_message(
    creator_client: Client, slot: ParticipationSlot, creator: CreatorProfile, media: Path
) -> None:
    # Two uploads finished after the draft was approved elsewhere (another tab, another phone).
    first = _uploaded_ticket(slot, creator, "tab1")
    second = _uploaded_ticket(slot, creator, "tab2")
    SubmissionFactory(slot=slot, stage=Submission.Stage.POST_DUE)
    as_json = creator_client.post(
        _url(slot, "confirm"),
        {"key": first.key, "caption": "#ad hi"},
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )
    assert as_json.status_code == 409
    assert as_json.json()["code"] == "draft_not_expected"
    page = creator_client.post(
        _url(slot, "confirm"), {"key": second.key, "caption": "#ad hi"}, follow=True
    )
    assert "No draft is expected now: this post is “Draft approved: post it”." in _html(page)
    assert not DraftVersion.objects.exists()


def test_confirming_an_upload_that_is_gone_says_so_on_the_page(
    creator_client: Client, slot: ParticipationSlot, creator: CreatorProfile, media: Path
) -> None:
    ticket = _uploaded_ticket(slot, creator)
    default_storage.delete(ticket.key)  # expired from storage, or confirmed in another tab
    page = creator_client.post(
        _url(slot, "confirm"), {"key": ticket.key, "caption": "#ad hi"}, follow=True
    )
    assert "That upload was not found." in _html(page)
    assert not DraftVersion.objects.exists()


# -- finishing an upload after a refresh (the confirmation path) ----------------------------------


def _uploaded_ticket(
    slot: ParticipationSlot, creator: CreatorProfile, name: str = "refreshme"
) -> UploadTicket:
    """A direct upload that reached storage, never confirmed (the page was refreshed)."""
    key = f"{slot.campaign.organization.public_id}/draft/{name}.png"
    default_storage.save(key, io.BytesIO(_png()))
    return UploadTicket.objects.create(
        organization_id=slot.organization_id,
        slot=slot,
        campaign_id=slot.campaign_id,
        creator=creator,
        key=key,
        content_type="image/png",
        size_bytes=len(_png()),
        original_name="morning.png",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )


def test_an_upload_that_reached_storage_is_offered_to_finish_and_can_be_finished(
    creator_client: Client, slot: ParticipationSlot, creator: CreatorProfile, media: Path
) -> None:
    ticket = _uploaded_ticket(slot, creator)
    html = _html(creator_client.get(_url(slot)))
    assert "Finish this upload." in html
    assert "morning.png" in html
    assert f'value="{ticket.key}"' in html

    response = creator_client.post(
        _url(slot, "confirm"), {"key": ticket.key, "caption": "#ad my #glowserum morning"}
    )
    assert response.status_code == 302
    assert response["Location"] == _url(slot)
    draft = DraftVersion.objects.get()
    assert (draft.number, draft.caption, draft.content_type) == (
        1,
        "#ad my #glowserum morning",
        "image/png",
    )
    html = _html(creator_client.get(_url(slot)))
    assert "Draft version 1 sent." in html
    assert "Finish this upload." not in html
    assert "Draft in review" in html


def test_an_upload_that_never_reached_storage_is_not_offered(
    creator_client: Client, slot: ParticipationSlot, creator: CreatorProfile, media: Path
) -> None:
    ticket = _uploaded_ticket(slot, creator)
    default_storage.delete(ticket.key)
    assert "Finish this upload." not in _html(creator_client.get(_url(slot)))


def test_a_caption_too_long_is_refused_beside_the_field(
    creator_client: Client, slot: ParticipationSlot, creator: CreatorProfile, media: Path
) -> None:
    ticket = _uploaded_ticket(slot, creator)
    long = "#ad " + "x" * CAPTION_MAX_CHARS
    response = creator_client.post(_url(slot, "confirm"), {"key": ticket.key, "caption": long})
    assert response.status_code == 400
    html = _html(response)
    assert f"Keep the caption under {CAPTION_MAX_CHARS} characters" in html
    assert 'id="finish-caption_error"' in html
    as_json = creator_client.post(
        _url(slot, "confirm"),
        {"key": ticket.key, "caption": long},
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )
    assert as_json.status_code == 400
    assert "caption" in as_json.json()["fields"]
    assert not DraftVersion.objects.exists()


def test_confirming_a_key_that_was_never_issued_is_refused(
    creator_client: Client, slot: ParticipationSlot, media: Path
) -> None:
    response = creator_client.post(
        _url(slot, "confirm"),
        {"key": "acme/draft/forged.png", "caption": ""},
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "upload_missing"
    assert not DraftVersion.objects.exists()


# -- the live post -------------------------------------------------------------------------------


def _approved_draft(slot: ParticipationSlot) -> Submission:
    submission = SubmissionFactory(slot=slot, stage=Submission.Stage.POST_DUE)
    draft = DraftVersionFactory(
        submission=submission, number=1, state=ReviewState.APPROVED, decided_at=timezone.now()
    )
    submission.current_draft = draft
    submission.save(update_fields=["current_draft"])
    return submission


def test_once_the_draft_is_approved_the_page_asks_for_the_link_and_shows_pending_checks(
    creator_client: Client, slot: ParticipationSlot
) -> None:
    _approved_draft(slot)
    html = _html(creator_client.get(_url(slot)))
    assert "Your draft is approved: publish it, then paste the post" in html
    assert f'action="{_url(slot, "post")}"' in html

    response = creator_client.post(_url(slot, "post"), {"url": TIKTOK_URL + "?is_from_webapp=1"})
    assert response.status_code == 302
    post = LivePost.objects.get()
    assert post.post_id == "7312345678901234567"
    html = _html(creator_client.get(_url(slot)))
    assert "Link received." in html
    assert "Live post in review" in html
    assert 'data-testid="checks-pending"' in html
    assert "We are checking your post on the platform" in html


def test_a_link_to_another_platforms_post_is_refused_beside_the_field(
    creator_client: Client, slot: ParticipationSlot
) -> None:
    _approved_draft(slot)
    response = creator_client.post(
        _url(slot, "post"), {"url": "https://www.instagram.com/reel/Cabc123XYZ/"}
    )
    assert response.status_code == 400
    html = _html(response)
    assert "This is a Instagram post; this slot is for TikTok." in html or (
        "this slot is for TikTok" in html
    )
    assert 'id="post-url_error"' in html
    assert not LivePost.objects.exists()


def test_a_post_already_submitted_by_someone_else_is_refused(
    creator_client: Client, slot: ParticipationSlot
) -> None:
    _approved_draft(slot)
    LivePostFactory(post_id="7312345678901234567")  # another creator's, another campaign
    response = creator_client.post(_url(slot, "post"), {"url": TIKTOK_URL})
    assert response.status_code == 400
    html = _html(response)
    assert "This post was already submitted to Chorus." in html
    assert 'id="post-url_error"' in html
    assert LivePost.objects.count() == 1


def test_check_results_show_item_by_item_and_pending_as_pending(
    creator_client: Client, slot: ParticipationSlot
) -> None:
    submission = submission_in_review(slot=slot, target="post")
    post = submission.current_post
    post.check_results = [
        {"key": "public", "status": "passed", "message": "The post is public."},
        {"key": "hashtag:#glowserum", "status": "failed", "message": "Add #glowserum."},
        {"key": "lookup", "status": "pending", "message": "TikTok did not answer yet."},
    ]
    post.save(update_fields=["check_results"])
    html = _html(creator_client.get(_url(slot)))
    checks = html.split('data-testid="checks"')[1].split("</ul>")[0]
    assert "Passed</span><span><strong>Public:</strong> The post is public." in checks
    assert "Failed</span><span><strong>Hashtag:</strong> Add #glowserum." in checks
    assert "Pending</span><span><strong>Lookup:</strong> TikTok did not answer yet." in checks


def test_a_done_slot_says_so_and_is_approved(
    creator_client: Client, slot: ParticipationSlot
) -> None:
    submission = submission_in_review(slot=slot, target="post")
    now = timezone.now()
    LivePost.objects.filter(pk=submission.current_post_id).update(
        state=ReviewState.APPROVED, approved_at=now, decided_at=now
    )
    Submission.objects.filter(pk=submission.pk).update(stage="done", done_at=now)
    html = _html(creator_client.get(_url(slot)))
    assert 'data-testid="slot-state">Done<' in html
    assert "All done." in html
    assert "USD 150.00" in html
    assert 'id="post-link"' not in html
    assert 'id="draft-form"' not in html


# -- My work -------------------------------------------------------------------------------------


def test_my_work_lists_each_slot_with_its_state_next_action_and_link(
    creator_client: Client, participation: Participation
) -> None:
    first, second = participation.slots.order_by("slot_number")
    submission_in_review(slot=first)
    html = _html(creator_client.get(reverse("recruitment:my_work")))
    row1 = html.split(f'id="slot-{first.public_id}"')[1].split("</li>")[0]
    row2 = html.split(f'id="slot-{second.public_id}"')[1].split("</li>")[0]
    assert f'href="{_url(first)}"' in row1
    assert "Draft in review" in row1
    assert "Wait for Acme Shoes to review your draft." in row1
    assert f'href="{_url(second)}"' in row2
    assert "Draft due" in row2
    assert "Upload your draft with its caption." in row2
    assert "0 of 2 done" in html
    assert "Overdue" not in html


def test_my_work_flags_an_overdue_draft(
    creator_client: Client, participation: Participation
) -> None:
    slot = participation.slots.order_by("slot_number").first()
    ParticipationSlot.objects.filter(pk=slot.pk).update(
        draft_due=timezone.localdate() - datetime.timedelta(days=2)
    )
    html = _html(creator_client.get(reverse("recruitment:my_work")))
    row = html.split(f'id="slot-{slot.public_id}"')[1].split("</li>")[0]
    assert "Overdue" in row
    assert "Overdue" in _html(creator_client.get(_url(slot)))


def test_my_work_shows_done_slots_and_a_completed_participation(
    creator_client: Client, participation: Participation
) -> None:
    now = timezone.now()
    for slot in participation.slots.all():
        SubmissionFactory(slot=slot, stage=Submission.Stage.DONE, done_at=now)
    Participation.objects.filter(pk=participation.pk).update(
        status=Participation.Status.COMPLETED, completed_at=now
    )
    html = _html(creator_client.get(reverse("recruitment:my_work")))
    assert "2 of 2 done" in html
    assert '<span class="badge ok">Completed</span>' in html


def test_my_work_runs_a_fixed_number_of_queries(
    creator_client: Client, creator: CreatorProfile, tenant_a: Tenant
) -> None:
    def load() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert creator_client.get(reverse("recruitment:my_work")).status_code == 200
        return len(ctx.captured_queries)

    def join() -> None:
        campaign = CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand)
        participation = ParticipationFactory(campaign=campaign, creator=creator)
        submission_in_review(slot=participation.slots.first())

    join()
    few = load()
    for _ in range(4):
        join()
    assert load() == few


# -- uploading (core.files direct uploads: S3 presigned POST, or the app's own endpoint) ---------


def test_the_page_hands_out_a_direct_upload_form_then_records_the_draft(
    creator_client: Client, slot: ParticipationSlot, media: Path
) -> None:
    png = _png()
    grant = creator_client.post(
        _url(slot, "upload-request"),
        {"content_type": "image/png", "size": len(png), "name": "../../morning.png"},
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )
    assert grant.status_code == 200, grant.content
    form = grant.json()
    assert form["key"].startswith(f"{slot.campaign.organization.public_id}/draft/")
    ticket = UploadTicket.objects.get(key=form["key"])
    assert ticket.original_name == "morning.png"  # the name is data only, never a path
    # The browser posts the fields, then the file, to where it was told.
    upload = creator_client.post(
        form["url"], {**form["fields"], "file": io.BytesIO(png)}, format="multipart"
    )
    assert upload.status_code in (200, 201, 204), upload.content
    assert not DraftVersion.objects.exists()  # nothing recorded before the confirmation

    done = creator_client.post(
        _url(slot, "confirm"),
        {"key": form["key"], "caption": "#ad morning #glowserum"},
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["redirect"] == _url(slot)
    draft = DraftVersion.objects.get()
    assert (draft.content_type, draft.size_bytes) == ("image/png", len(png))
    # Recorded under a key of its own (no upload form can overwrite what was checked).
    assert draft.file_key != form["key"]
    assert draft.file_key.startswith(f"{slot.campaign.organization.public_id}/draft")
    assert default_storage.exists(draft.file_key)
    assert Submission.objects.get().stage == Submission.Stage.DRAFT_REVIEW


def test_an_upload_request_for_a_wrong_type_or_size_is_refused_with_the_field(
    creator_client: Client, slot: ParticipationSlot, media: Path
) -> None:
    def ask(**body: Any) -> Any:
        return creator_client.post(
            _url(slot, "upload-request"),
            {"name": "x", **body},
            content_type="application/json",
            HTTP_ACCEPT="application/json",
        )

    wrong = ask(content_type="application/x-msdownload", size=100)
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "file_type_not_allowed"
    big = ask(content_type="image/png", size=31 * 1024 * 1024)
    assert big.status_code == 400
    assert "too large" in big.json()["message"]
    garbled = creator_client.post(
        _url(slot, "upload-request"),
        "{not json",
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )
    assert garbled.status_code == 400
    assert not UploadTicket.objects.exists()


def test_without_javascript_the_form_uploads_the_file_through_the_app(
    creator_client: Client, slot: ParticipationSlot, media: Path
) -> None:
    file = io.BytesIO(_png())
    file.name = "morning.png"
    response = creator_client.post(
        _url(slot, "draft"), {"file": file, "caption": "#ad my #glowserum morning"}
    )
    assert response.status_code == 302
    draft = DraftVersion.objects.get()
    assert (draft.number, draft.content_type, draft.original_name) == (
        1,
        "image/png",
        "morning.png",
    )
    assert default_storage.exists(draft.file_key)
    assert UploadTicket.objects.get().confirmed_at is not None


def test_the_plain_form_refuses_a_file_that_is_not_what_it_claims(
    creator_client: Client, slot: ParticipationSlot, media: Path
) -> None:
    fake = io.BytesIO(b"MZ\x90\x00" + b"\x00" * 200)  # an executable named .mp4
    fake.name = "video.mp4"
    response = creator_client.post(_url(slot, "draft"), {"file": fake, "caption": "#ad"})
    assert response.status_code == 400
    html = _html(response)
    assert 'id="draft-file_error"' in html
    assert not DraftVersion.objects.exists()
    assert not UploadTicket.objects.exists()


def test_the_plain_form_refuses_a_caption_too_long_before_storing_anything(
    creator_client: Client, slot: ParticipationSlot, media: Path
) -> None:
    file = io.BytesIO(_png())
    file.name = "morning.png"
    response = creator_client.post(
        _url(slot, "draft"), {"file": file, "caption": "x" * (CAPTION_MAX_CHARS + 1)}
    )
    assert response.status_code == 400
    assert 'id="draft-caption_error"' in _html(response)
    assert not UploadTicket.objects.exists()


def test_on_s3_the_page_hands_out_a_presigned_post_and_the_plain_form_works_too(
    creator_client: Client, slot: ParticipationSlot, s3_bucket: Any
) -> None:
    png = _png()
    form = creator_client.post(
        _url(slot, "upload-request"),
        {"content_type": "image/png", "size": len(png), "name": "morning.png"},
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    ).json()
    assert form["url"].startswith("http")  # straight to the bucket, not through the app
    assert "policy" in {name.lower() for name in form["fields"]}
    sent = httpx.post(form["url"], data=form["fields"], files={"file": ("morning.png", png)})
    assert sent.status_code == 204
    html = _html(creator_client.get(_url(slot)))
    assert "Finish this upload." in html  # it is in the bucket, not yet confirmed
    done = creator_client.post(
        _url(slot, "confirm"),
        {"key": form["key"], "caption": "#ad on S3"},
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )
    assert done.status_code == 200, done.content
    draft = DraftVersion.objects.get()
    assert draft.file_key in list(s3_bucket.keys())

    # A revision through the plain form (no JavaScript): the app writes it to the bucket.
    Submission.objects.filter(slot=slot).update(stage=Submission.Stage.DRAFT_CHANGES)
    file = io.BytesIO(png)
    file.name = "v2.png"
    assert (
        creator_client.post(_url(slot, "draft"), {"file": file, "caption": "#ad v2"}).status_code
        == 302
    )
    second = DraftVersion.objects.get(number=2)
    assert second.file_key in list(s3_bucket.keys())


def test_a_rejected_draft_shows_the_reason_and_takes_nothing_more(
    creator_client: Client, slot: ParticipationSlot
) -> None:
    submission = SubmissionFactory(slot=slot, stage=Submission.Stage.REJECTED)
    DraftVersionFactory(
        submission=submission,
        number=1,
        state=ReviewState.REJECTED,
        feedback="The product is not in the video.",
    )
    html = _html(creator_client.get(_url(slot)))
    assert 'data-testid="slot-state">Rejected<' in html
    assert "Why Acme Shoes rejected it" in html
    assert "The product is not in the video." in html
    assert 'id="draft-form"' not in html
    assert 'id="post-link"' not in html
