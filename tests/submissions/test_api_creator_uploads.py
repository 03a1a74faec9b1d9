"""The creator API's upload flow end to end, on S3 (a local S3 server over HTTP) and on local
storage: POST upload-request → the form → POST the file to it as a phone's browser would →
POST upload-confirm → a draft version in review. Bad bytes are refused and removed; names are
data only; a key that was not issued to you, or was confirmed already, is not found."""

from pathlib import Path
from typing import Any

import httpx
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from submissions.models import DraftVersion, Submission, UploadTicket
from tests.factories.recruitment import ParticipationFactory

pytestmark = pytest.mark.django_db

SLOTS = "/api/v1/creator/slots/"
MP4 = b"\x00\x00\x00\x18ftypisom" + b"\x00" * 300
POLYGLOT = b"<!--\x89PNG\r\n\x1a\n--><html><script>alert(1)</script>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


class Storage:
    """Posts a direct-upload form as a phone's browser would, to S3 or to the app."""

    def __init__(self, name: str, bucket: Any) -> None:
        self.name, self.bucket = name, bucket

    def post(self, user: Any, form: dict[str, Any], content: bytes) -> int:
        if self.name == "s3":
            return httpx.post(
                form["url"], data=form["fields"], files={"file": ("f", content)}
            ).status_code
        client = Client()
        client.force_login(user)
        body = {**form["fields"], "file": SimpleUploadedFile("f", content)}
        return client.post(form["url"], body).status_code

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


@pytest.fixture
def slot() -> Any:
    return ParticipationFactory().slots.order_by("id").first()


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def _request(api: APIClient, slot: Any, content_type: str, size: int, name: str = "") -> Any:
    body = {"content_type": content_type, "size": size, "name": name}
    return api.post(f"{SLOTS}{slot.public_id}/upload-request/", body, format="json")


def _confirm(api: APIClient, slot: Any, key: str, caption: str = "") -> Any:
    body = {"key": key, "caption": caption}
    return api.post(f"{SLOTS}{slot.public_id}/upload-confirm/", body, format="json")


def test_a_draft_uploaded_through_the_api_goes_into_review(storage: Storage, slot: Any) -> None:
    api = _api(slot.creator.user)
    response = _request(api, slot, "video/mp4", len(MP4), name="../../etc/My draft\u202e.mp4")
    assert response.status_code == 201, response.content
    form = response.json()
    assert set(form) == {"key", "url", "method", "fields", "expires_at", "max_bytes"}
    assert form["method"] == "POST"
    assert "etc" not in form["key"]
    assert "My draft" not in form["key"]  # the server chose the key
    assert storage.post(slot.creator.user, form, MP4) == 204

    confirmed = _confirm(api, slot, form["key"], caption=" #ad first take ")
    assert confirmed.status_code == 201, confirmed.content
    draft = confirmed.json()
    assert (draft["number"], draft["state"], draft["caption"]) == (1, "in_review", "#ad first take")
    assert draft["content_type"] == "video/mp4"
    assert "/" not in draft["original_name"]
    assert "\u202e" not in draft["original_name"]

    detail = api.get(f"{SLOTS}{slot.public_id}/").json()
    assert detail["stage"] == "draft_review"
    assert detail["next_action"]["code"] == "wait"
    assert [d["id"] for d in detail["drafts"]] == [draft["id"]]

    again = _confirm(api, slot, form["key"])  # a double submit records nothing more
    assert again.status_code in (400, 409), again.content
    assert DraftVersion.objects.count() == 1


@pytest.mark.parametrize(("content", "announced"), [(POLYGLOT, "image/png"), (EXE, "video/mp4")])
def test_bytes_that_are_not_the_announced_type_are_refused_and_removed(
    storage: Storage, slot: Any, content: bytes, announced: str
) -> None:
    api = _api(slot.creator.user)
    form = _request(api, slot, announced, len(content)).json()
    storage.post(slot.creator.user, form, content)
    response = _confirm(api, slot, form["key"])
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "file_type_not_allowed"
    assert storage.keys() == []
    assert not DraftVersion.objects.exists()
    assert not Submission.objects.filter(stage=Submission.Stage.DRAFT_REVIEW).exists()


def test_someone_elses_upload_key_cannot_be_confirmed(storage: Storage, slot: Any) -> None:
    other = ParticipationFactory().slots.order_by("id").first()
    form = _request(_api(slot.creator.user), slot, "video/mp4", len(MP4)).json()
    storage.post(slot.creator.user, form, MP4)
    response = _confirm(_api(other.creator.user), other, form["key"])
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "upload_missing"
    assert response.json()["fields"] == {"key": ["No such upload."]}
    assert not DraftVersion.objects.exists()
    assert UploadTicket.objects.get(key=form["key"]).confirmed_at is None


def test_confirming_before_the_upload_happened_is_not_found(storage: Storage, slot: Any) -> None:
    api = _api(slot.creator.user)
    form = _request(api, slot, "video/mp4", len(MP4)).json()
    response = _confirm(api, slot, form["key"])
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "upload_missing"
    assert not DraftVersion.objects.exists()
