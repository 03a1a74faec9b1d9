"""Drafts end to end through the real direct-upload flow, on S3 (a local S3 server over HTTP)
and on local storage: request a form, post the file to it, confirm with a caption."""

import io
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from core.errors import ChorusError
from core.files import DirectUpload
from core.models import OutboxTask
from submissions.models import DraftVersion, ReviewState, Submission, UploadTicket
from submissions.services import (
    creator_slot,
    draft_preview_make,
    draft_submit,
    draft_upload_request,
    submission_decide,
)
from submissions.uploads import MAX_IMAGE_BYTES
from tests.factories.recruitment import ParticipationFactory
from tests.submissions.conftest import access_for

pytestmark = pytest.mark.django_db

MP4 = b"\x00\x00\x00\x18ftypisom" + b"\x00" * 300
POLYGLOT = b"<!--\x89PNG\r\n\x1a\n--><html><script>alert(1)</script>"


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 40)).save(out, "JPEG")
    return out.getvalue()


class Storage:
    """Posts a direct-upload form as a phone's browser would, to S3 or to the app."""

    def __init__(self, name: str, bucket: Any) -> None:
        self.name, self.bucket = name, bucket

    def post(self, user: Any, form: DirectUpload, content: bytes) -> int:
        if self.name == "s3":
            return httpx.post(
                form.url, data=form.fields, files={"file": ("f", content)}
            ).status_code
        client = Client()
        client.force_login(user)
        return client.post(
            form.url, {**form.fields, "file": SimpleUploadedFile("f", content)}
        ).status_code

    def keys(self) -> list[str]:
        if self.bucket is not None:
            return list(self.bucket.keys())
        root = Path(default_storage.location)
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture(params=["s3", "local"])
def storage(request: Any, settings: Any, tmp_path: Path) -> Storage:
    settings.MEDIA_ROOT = tmp_path / "media"
    bucket = request.getfixturevalue("s3_bucket") if request.param == "s3" else None
    return Storage(request.param, bucket)


def _slot() -> Any:
    participation = ParticipationFactory()
    return creator_slot(
        creator=participation.creator, slot_id=participation.slots.first().public_id
    )


def _upload(storage: Storage, slot: Any, content: bytes, content_type: str) -> DirectUpload:
    request = draft_upload_request(
        creator=slot.creator,
        slot=slot,
        content_type=content_type,
        size_bytes=len(content),
        name="../My draft.mp4",
    )
    assert storage.post(slot.creator.user, request.upload, content) == 204
    return request.upload


def test_a_draft_goes_into_review_under_a_key_no_form_can_write(storage: Storage) -> None:
    slot = _slot()
    form = _upload(storage, slot, MP4, "video/mp4")
    draft = draft_submit(creator=slot.creator, slot=slot, key=form.key, caption=" #ad first take ")
    submission = Submission.objects.get(slot=slot)
    assert submission.stage == Submission.Stage.DRAFT_REVIEW
    assert submission.current_draft == draft
    assert (draft.number, draft.caption, draft.content_type) == (1, "#ad first take", "video/mp4")
    assert draft.original_name == "My draft.mp4"
    assert draft.file_key != form.key
    assert storage.keys() == [draft.file_key]  # the uploaded object moved, nothing left behind
    assert UploadTicket.objects.get(key=form.key).confirmed_at is not None
    assert OutboxTask.objects.filter(task="submissions.tasks.make_draft_preview").exists()
    # The same form posted again cannot change the recorded draft.
    storage.post(slot.creator.user, form, POLYGLOT)
    assert default_storage.open(draft.file_key).read() == MP4


def test_bytes_that_are_not_the_announced_type_are_refused_and_removed(storage: Storage) -> None:
    slot = _slot()
    form = _upload(storage, slot, POLYGLOT, "image/png")
    with pytest.raises(ChorusError) as caught:
        draft_submit(creator=slot.creator, slot=slot, key=form.key, caption="")
    assert caught.value.code == "file_type_not_allowed"
    assert storage.keys() == []
    assert not DraftVersion.objects.exists()
    assert not Submission.objects.filter(stage=Submission.Stage.DRAFT_REVIEW).exists()


def test_an_upload_that_never_happened_or_is_someone_elses_is_not_found(storage: Storage) -> None:
    slot, other = _slot(), _slot()
    form = draft_upload_request(
        creator=slot.creator, slot=slot, content_type="video/mp4", size_bytes=len(MP4)
    ).upload
    with pytest.raises(ChorusError) as caught:
        draft_submit(creator=slot.creator, slot=slot, key=form.key, caption="")
    assert caught.value.code == "upload_missing"
    storage.post(slot.creator.user, form, MP4)
    with pytest.raises(ChorusError) as caught:
        draft_submit(creator=other.creator, slot=other, key=form.key, caption="")
    assert caught.value.code == "upload_missing"
    assert not DraftVersion.objects.exists()


def test_announced_sizes_and_types_are_checked_before_any_form_is_given() -> None:
    slot = _slot()
    for content_type, size in [
        ("image/jpeg", MAX_IMAGE_BYTES + 1),
        ("text/html", 10),
        ("video/mp4", 0),
    ]:
        with pytest.raises(ChorusError):
            draft_upload_request(
                creator=slot.creator, slot=slot, content_type=content_type, size_bytes=size
            )
    assert not UploadTicket.objects.exists()


def test_a_revision_after_changes_is_version_two_and_both_stay(storage: Storage) -> None:
    slot = _slot()
    first = draft_submit(
        creator=slot.creator,
        slot=slot,
        key=_upload(storage, slot, MP4, "video/mp4").key,
        caption="v1",
    )
    submission = Submission.objects.get(slot=slot)
    with pytest.raises(ChorusError) as caught:  # no second draft while one is in review
        draft_upload_request(
            creator=slot.creator, slot=slot, content_type="video/mp4", size_bytes=9
        )
    assert caught.value.code == "draft_not_expected"
    submission_decide(
        access=access_for(slot.organization),
        submission=submission,
        decision="request_changes",
        feedback="Say the product name",
    )
    second = draft_submit(
        creator=slot.creator,
        slot=slot,
        key=_upload(storage, slot, MP4, "video/mp4").key,
        caption="v2",
    )
    assert second.number == 2
    first.refresh_from_db()
    assert first.state == ReviewState.CHANGES_REQUESTED
    assert [d.number for d in Submission.objects.get(slot=slot).drafts.all()] == [1, 2]


def test_an_image_draft_gets_a_thumbnail(storage: Storage) -> None:
    slot = _slot()
    image = _jpeg()
    draft = draft_submit(
        creator=slot.creator,
        slot=slot,
        key=_upload(storage, slot, image, "image/jpeg").key,
        caption="",
    )
    draft = draft_preview_make(draft_id=draft.pk)
    assert draft is not None
    assert draft.preview_status == DraftVersion.Preview.READY
    assert default_storage.exists(draft.thumbnail_key)
    assert (draft.width, draft.height) == (64, 48)


def test_a_cancelled_participation_takes_no_drafts() -> None:
    participation = ParticipationFactory(status="cancelled")
    slot = participation.slots.first()
    with pytest.raises(ChorusError) as caught:
        draft_upload_request(
            creator=slot.creator, slot=slot, content_type="video/mp4", size_bytes=9
        )
    assert caught.value.code == "slot_closed"
