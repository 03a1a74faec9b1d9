"""Direct uploads: one flow (``files.direct_upload_request`` → post the form → ``confirm_upload``)
on S3 (moto's server over HTTP) and on local storage (the app's ``/files/direct-upload/``)."""

import base64
import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import FakePayload, encode_multipart

from core import files
from tests.factories.organizations import UserFactory
from tests.s3server import S3Bucket
from users.models import User

pytestmark = pytest.mark.django_db

MB = files.MB
OWNER = "org_direct0upload0test"
# A drafts-like kind with small limits so tests can go over them.
CLIP = files.UploadKind(
    "test-clip",
    {
        "video/mp4": files.MP4,
        "video/quicktime": files.QUICKTIME,
        "image/jpeg": files.JPEG,
        "image/png": files.PNG,
        "image/webp": files.WEBP,
    },
    max_bytes=200 * 1024,
    max_bytes_by_type={"image/jpeg": 4096, "image/png": 4096, "image/webp": 4096},
    label="MP4, MOV, JPEG, PNG or WebP",
)
# The real drafts' limits (issue 9): video 1 GB, images 30 MB.
DRAFTS_LIKE = files.UploadKind(
    "test-drafts",
    {"video/mp4": files.MP4, "image/jpeg": files.JPEG},
    max_bytes=1024 * MB,
    max_bytes_by_type={"image/jpeg": 30 * MB},
    label="MP4 or JPEG",
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 120
MP4 = b"\x00\x00\x00\x18ftypisom" + b"\x00" * 300
HTML_PNG_POLYGLOT = b"<!--\x89PNG\r\n\x1a\n--><html><script>alert(document.cookie)</script>"
ELF_AS_MP4 = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
SVG_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def user(db: None) -> User:
    return UserFactory()


@pytest.fixture
def temp_dir(settings: Any, tmp_path: Path) -> Path:
    """Where Django puts an upload while it streams in: must be empty after a refusal."""
    path = tmp_path / "upload-tmp"
    path.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(path)
    return path


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


class Backend:
    """Posts a direct-upload form the way a browser would, to S3 or to the app."""

    def __init__(self, name: str, user: User, bucket: S3Bucket | None) -> None:
        self.name, self.user, self.bucket = name, user, bucket
        self.client = Client()
        self.client.force_login(user)

    def request(self, content_type: str, size: int, kind: files.UploadKind = CLIP) -> Any:
        return files.direct_upload_request(
            kind=kind,
            owner=OWNER,
            content_type=content_type,
            size=size,
            name="../My clip.mp4",
            user_id=self.user.pk,
        )

    def post(self, form: files.DirectUpload, content: bytes, **overrides: str) -> int:
        fields = {**form.fields, **overrides}
        if self.name == "s3":
            answer = httpx.post(form.url, data=fields, files={"file": ("clip.bin", content)})
            return answer.status_code
        return self.client.post(
            form.url, {**fields, "file": SimpleUploadedFile("clip.bin", content)}
        ).status_code

    def stored(self) -> list[str]:
        if self.bucket is not None:
            return self.bucket.keys()
        root = Path(default_storage.location)
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture(params=["s3", "local"])
def backend(request: Any, user: User, media_root: Path, temp_dir: Path) -> Backend:
    bucket = request.getfixturevalue("s3_bucket") if request.param == "s3" else None
    return Backend(request.param, user, bucket)


# -- the same flow on both storages ---------------------------------------------------------------


def test_a_file_posted_to_the_form_is_stored_under_the_server_chosen_key_and_confirmed(
    backend: Backend,
) -> None:
    form = backend.request("video/mp4", len(MP4))
    assert re.fullmatch(rf"{OWNER}/test-clip/[\w-]{{24}}\.mp4", form.key)
    assert form.method == "POST"
    assert form.max_bytes == 200 * 1024
    assert form.name == "My clip.mp4"
    assert form.fields["Content-Type"] == "video/mp4"
    assert backend.post(form, MP4) == 204
    assert backend.stored() == [form.key]
    stored = files.confirm_upload(form.key, kind=CLIP, owner=OWNER)
    assert (stored.key, stored.content_type, stored.size) == (form.key, "video/mp4", len(MP4))
    assert default_storage.open(form.key).read() == MP4
    data = form.as_dict()
    assert set(data) == {"key", "url", "method", "fields", "expires_at", "max_bytes"}
    json.dumps(data)  # ready for the API


def test_limits_depend_on_the_type(backend: Backend) -> None:
    assert backend.request("image/png", 100).max_bytes == 4096
    assert backend.request("video/quicktime", 100).max_bytes == 200 * 1024
    with pytest.raises(files.UploadRejected) as caught:
        backend.request("image/png", 5000)  # fine for a video, too big for an image
    assert caught.value.code == "file_too_large"
    assert "4 KB" in caught.value.message
    with pytest.raises(files.UploadRejected) as caught:
        backend.request("text/html", 10)
    assert caught.value.code == "file_type_not_allowed"
    with pytest.raises(files.UploadRejected) as caught:
        backend.request("video/mp4", 0)
    assert caught.value.code == "file_empty"


def test_a_file_over_the_limit_is_refused_by_the_storage(backend: Backend) -> None:
    big_png = PNG + b"\x00" * 5000  # declared small: the client lies about the size
    form = backend.request("image/png", 100)
    assert backend.post(form, big_png) == (413 if backend.name == "local" else 400)
    assert backend.stored() == []
    with pytest.raises(files.UploadRejected) as caught:
        files.confirm_upload(form.key, kind=CLIP, owner=OWNER)
    assert caught.value.code == "upload_missing"


def test_a_form_with_another_content_type_or_key_is_refused(backend: Backend) -> None:
    form = backend.request("image/png", len(PNG))
    assert backend.post(form, HTML_PNG_POLYGLOT, **{"Content-Type": "text/html"}) == 403
    assert backend.post(form, PNG, key=f"{OWNER}/test-clip/chosen-by-me.png") == 403
    assert backend.post(form, PNG, key=f"{OWNER}/test-clip/../x.png") == 403
    assert backend.stored() == []


def test_an_expired_form_is_refused(backend: Backend) -> None:
    form = files.direct_upload_request(
        kind=CLIP,
        owner=OWNER,
        content_type="video/mp4",
        size=10,
        name="a",
        user_id=backend.user.pk,
        expires_in=-5,
    )
    assert backend.post(form, MP4) == 403
    assert backend.stored() == []


@pytest.mark.parametrize(
    ("content_type", "content"),
    [
        ("image/png", HTML_PNG_POLYGLOT),
        ("video/mp4", ELF_AS_MP4),
        ("image/png", SVG_SCRIPT),
        ("video/mp4", PNG),  # a real image, but not what the key says
    ],
    ids=["html-png-polyglot", "executable-as-mp4", "svg-with-script", "png-as-mp4"],
)
def test_confirm_refuses_bytes_that_are_not_the_type_and_deletes_them(
    backend: Backend, content_type: str, content: bytes
) -> None:
    form = backend.request(content_type, len(content))
    assert backend.post(form, content) == 204  # the storage takes any bytes…
    with pytest.raises(files.UploadRejected) as caught:
        files.confirm_upload(form.key, kind=CLIP, owner=OWNER)  # …confirm does not
    assert caught.value.code == "file_type_not_allowed"
    assert caught.value.fields == {"file": [caught.value.message]}
    assert backend.stored() == []


def test_confirming_an_upload_that_never_happened_says_so(backend: Backend) -> None:
    form = backend.request("video/mp4", 100)
    with pytest.raises(files.UploadRejected) as caught:
        files.confirm_upload(form.key, kind=CLIP, owner=OWNER)
    assert caught.value.code == "upload_missing"
    assert caught.value.message == "That upload was not found. Try again."
    for key in (f"{OWNER}/test-clip/../../etc/passwd", "", f"{OWNER}/other-kind/x.mp4"):
        with pytest.raises(files.UploadRejected):
            files.confirm_upload(key, kind=CLIP, owner=OWNER)


def test_confirm_refuses_an_image_over_its_types_limit_even_under_the_kinds(
    backend: Backend,
) -> None:
    key = files.new_key(kind=CLIP, owner=OWNER, content_type="image/png")
    default_storage.save(key, ContentFile(PNG + b"\x00" * 5000))
    with pytest.raises(files.UploadRejected) as caught:
        files.confirm_upload(key, kind=CLIP, owner=OWNER)
    assert caught.value.code == "file_too_large"
    assert backend.stored() == []


def test_a_confirmed_upload_is_served_with_its_sniffed_type(backend: Backend) -> None:
    form = backend.request("image/png", len(PNG))
    assert backend.post(form, PNG) == 204
    stored = files.confirm_upload(form.key, kind=CLIP, owner=OWNER)
    served = files.ServedFile(key=stored.key, content_type=stored.content_type, download_name="x")
    response = files.file_response(served)
    assert response["X-Content-Type-Options"] == "nosniff"
    if backend.name == "s3":
        assert response.status_code == 302
        fetched = httpx.get(response["Location"])
        assert fetched.status_code == 200
        headers, body = fetched.headers, fetched.content
    else:
        assert response.status_code == 200
        headers, body = response.headers, b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert body == PNG
    assert headers["content-type"] == "image/png"
    assert headers["content-disposition"].startswith("inline")
    assert (
        headers["content-disposition"].endswith('x.png"')
        or "x.png" in headers["content-disposition"]
    )


# -- S3: the signed policy ------------------------------------------------------------------------


def _policy(form: files.DirectUpload) -> dict[str, Any]:
    return json.loads(base64.b64decode(form.fields["policy"]))


def test_on_s3_the_signed_policy_pins_key_type_size_and_a_short_expiry(
    s3_bucket: S3Bucket, user: User
) -> None:
    def form_for(content_type: str) -> files.DirectUpload:
        return files.direct_upload_request(
            kind=DRAFTS_LIKE,
            owner=OWNER,
            content_type=content_type,
            size=10,
            name="a",
            user_id=user.pk,
        )

    video, image = form_for("video/mp4"), form_for("image/jpeg")
    assert video.url.startswith(s3_bucket.endpoint_url)
    for form, limit in ((video, 1024 * MB), (image, 30 * MB)):
        policy = _policy(form)
        conditions = policy["conditions"]
        assert ["content-length-range", 1, limit] in conditions
        assert {"Content-Type": form.content_type} in conditions
        assert {"key": form.key} in conditions
        assert {"bucket": s3_bucket.name} in conditions
        assert form.max_bytes == limit
        assert form.fields["key"] == form.key
        expires = time.mktime(time.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%SZ"))
        assert expires - time.mktime(time.gmtime()) <= 901


def test_on_s3_a_tampered_signature_or_an_unsigned_field_is_refused(
    s3_bucket: S3Bucket, user: User
) -> None:
    backend = Backend("s3", user, s3_bucket)
    form = backend.request("image/png", len(PNG))
    assert backend.post(form, PNG, **{"x-amz-signature": "0" * 64}) == 403
    assert backend.post(form, PNG, acl="public-read") == 403  # not in the signed policy
    assert s3_bucket.keys() == []
    assert backend.post(form, PNG) == 204


# -- local endpoint: who may post, and streaming limits -------------------------------------------


@pytest.fixture
def local(user: User, media_root: Path, temp_dir: Path) -> Backend:
    return Backend("local", user, None)


def test_local_form_needs_the_signed_in_user_it_was_made_for(
    local: Backend, client_for: Callable[[User], Client]
) -> None:
    form = local.request("video/mp4", len(MP4))
    body = {**form.fields, "file": SimpleUploadedFile("a.mp4", MP4)}
    anonymous = Client().post(form.url, body)
    assert anonymous.status_code == 403
    assert anonymous.json()["code"] == "not_authenticated"
    other = client_for(UserFactory()).post(form.url, body)
    assert other.status_code == 403
    assert other.json()["code"] == "upload_token_invalid"
    assert local.stored() == []
    assert local.post(form, MP4) == 204


def test_local_form_refuses_forged_and_tampered_tokens(local: Backend) -> None:
    form = local.request("video/mp4", len(MP4))
    token = form.fields["token"]
    forged = signing.dumps(
        {
            "k": "x/test-clip/evil.mp4",
            "n": "test-clip",
            "t": "video/mp4",
            "m": 10**9,
            "u": files._user_tag(local.user.pk),
            "e": int(time.time()) + 60,
        },
        salt="some other salt",
        compress=True,
    )
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert local.post(form, MP4, token=forged) == 403
    assert local.post(form, MP4, token=tampered) == 403
    assert local.post(form, MP4, token="") == 403
    assert local.stored() == []


def test_local_form_cannot_be_replayed_over_a_stored_file(local: Backend) -> None:
    form = local.request("video/mp4", len(MP4))
    assert local.post(form, MP4) == 204
    files.confirm_upload(form.key, kind=CLIP, owner=OWNER)
    assert local.post(form, MP4 + b"changed") == 409
    assert local.stored() == [form.key]
    assert default_storage.open(form.key).read() == MP4


class CountingPayload(FakePayload):
    """The request body, counting how much the server read of it."""

    def __init__(self, content: bytes) -> None:
        super().__init__(content)
        self.consumed = 0

    def read(self, size: int = -1, /) -> bytes:
        chunk = super().read(size)
        self.consumed += len(chunk)
        return chunk


def test_local_upload_over_the_limit_stops_reading_and_leaves_nothing(
    local: Backend, temp_dir: Path
) -> None:
    form = local.request("video/mp4", 1000)  # says 1 KB
    content = MP4 + b"\x00" * (2 * MB)  # sends 2 MB; the limit is 200 KB
    boundary = "BoUnDaRy"
    body = encode_multipart(boundary, {**form.fields, "file": SimpleUploadedFile("a.mp4", content)})
    payload = CountingPayload(body)
    answer = local.client.post(
        form.url,
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        **{"wsgi.input": payload},
    )
    assert answer.status_code == 413
    assert answer.json()["code"] == "file_too_large"
    assert payload.consumed < len(body) // 2  # stopped early, not after reading it all
    assert local.stored() == []
    assert list(temp_dir.iterdir()) == []  # the partial file is gone


def test_local_upload_refuses_malformed_forms(local: Backend) -> None:
    form = local.request("video/mp4", len(MP4))
    url = form.url
    assert local.client.post(url, {**form.fields}).status_code == 400  # no file
    assert (
        local.client.post(url, {**form.fields, "file": SimpleUploadedFile("a", b"")}).status_code
        == 400
    )
    assert local.client.post(url, data=b"{}", content_type="application/json").status_code == 400
    # The file before the token: S3 requires the fields first, and so do we.
    body = encode_multipart("B", {"file": SimpleUploadedFile("a.mp4", MP4), **form.fields})
    answer = local.client.post(url, data=body, content_type="multipart/form-data; boundary=B")
    assert answer.status_code == 403
    assert local.client.get(url).status_code == 405
    assert local.stored() == []
