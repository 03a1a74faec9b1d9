"""Every uploaded file goes through here: checked, stored under a key we choose, served privately.

Uploading (any app)::

    BRIEF_ASSET = files.UploadKind("brief-asset", {"image/png": files.PNG, ...},
                                   max_bytes=25 * MB, label="PNG or PDF")
    stored = files.store_upload(upload, kind=BRIEF_ASSET, owner=org.public_id)
    asset.file = stored.key; asset.content_type = stored.content_type; asset.name = stored.name

- the type is sniffed from the first bytes (``sniff_content_type``) and must be one the kind
  allows; the client's name and Content-Type are never trusted;
- the storage key is ``<owner>/<kind>/<opaque id>.<extension of the sniffed type>`` (``owner`` is
  the organization's public id, or ``creators``), so no uploaded name reaches the storage;
- the original name is kept as data only (``safe_file_name``) and shown escaped;
- on S3 the object is written private (no ACL: the bucket's private default) with the sniffed
  ``ContentType``.

Large uploads (drafts) will go straight to S3: ``presigned_post(kind=..., owner=...)`` gives the
browser a form limited to that key, size and type; ``confirm_upload(key, kind=...)`` then sniffs
the stored object's head before the app records it.

Serving: nothing under the storage is public. Files are fetched through ONE view,
``/files/<kind>/<public id>`` (``core.views.file_serve``). The app owning a kind registers an
authorizer (``register_file_kind``) that returns a :class:`ServedFile` when the requester may see
it, else ``None`` (the view answers 404, the same as a missing file). Several authorizers per
kind are tried in turn (e.g. campaigns lets members see brief assets, recruitment lets creators
who can see the campaign). The view streams local files or redirects to a short-lived presigned
S3 URL; every answer carries the sniffed Content-Type, ``X-Content-Type-Options: nosniff``, a
``default-src 'none'; sandbox`` CSP, and ``Content-Disposition: attachment`` except images and
video, which are shown inline.

A signature is a tuple of ``(offset, bytes)`` checks that must all match, e.g. WebP is
``((0, b"RIFF"), (8, b"WEBP"))``; a content type may have several alternative signatures.
"""

import contextlib
import dataclasses
import os
import re
import secrets
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import IO, Any, NoReturn
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import FileResponse, HttpRequest, HttpResponseRedirect
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from core.errors import ChorusError

Signature = tuple[tuple[int, bytes], ...]
HEAD_BYTES = 32

# Well-known signatures, to build ``allowed`` maps from.
JPEG: Signature = ((0, b"\xff\xd8\xff"),)
PNG: Signature = ((0, b"\x89PNG\r\n\x1a\n"),)
WEBP: Signature = ((0, b"RIFF"), (8, b"WEBP"))
GIF87: Signature = ((0, b"GIF87a"),)
GIF89: Signature = ((0, b"GIF89a"),)
PDF: Signature = ((0, b"%PDF-"),)
# ISO base media (MP4 / QuickTime): "ftyp" box at offset 4, brand at 8.
MP4_BRANDS = (b"isom", b"iso2", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash", b"mmp4", b"MSNV")
MP4: tuple[Signature, ...] = tuple(((4, b"ftyp"), (8, brand)) for brand in MP4_BRANDS)
QUICKTIME: tuple[Signature, ...] = (
    ((4, b"ftyp"), (8, b"qt  ")),
    ((4, b"moov"),),
    ((4, b"mdat"),),
    ((4, b"wide"),),
    ((4, b"free"),),
)


class UploadRejected(ChorusError):
    """An upload was refused; ``fields`` names the field so forms and the API show it there."""

    def __init__(self, code: str, message: str, *, field: str = "file") -> None:
        super().__init__(code, message, fields={field: [message]})
        self.field = field


def _matches(head: bytes, signature: Signature) -> bool:
    return all(head[offset : offset + len(magic)] == magic for offset, magic in signature)


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def upload_size(upload: Any) -> int | None:
    size = getattr(upload, "size", None)
    return int(size) if size is not None else None


def read_head(upload: IO[bytes], n: int = HEAD_BYTES) -> bytes:
    """The first ``n`` bytes, leaving the file position where it was."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        return bytes(upload.read(n) or b"")
    finally:
        upload.seek(position)


def sniff_content_type(
    upload: Any,
    allowed: Mapping[str, Signature | Sequence[Signature]],
    *,
    max_bytes: int | None = None,
    field: str = "file",
    kinds: str = "",
) -> str:
    """The content type of ``upload`` among ``allowed`` (content type → signature(s)).

    Refuses, in this order: no file, an empty file, one above ``max_bytes``, one whose bytes
    match none of the allowed signatures. ``kinds`` ("JPEG, PNG or PDF") goes into messages.
    """
    kinds = kinds or ", ".join(sorted(allowed))
    if upload is None:
        raise UploadRejected("file_required", f"Choose a file to upload ({kinds}).", field=field)
    size = upload_size(upload)
    if size == 0:
        raise UploadRejected("file_empty", f"This file is empty. Pick a {kinds} file.", field=field)
    if max_bytes is not None and size is not None and size > max_bytes:
        raise UploadRejected(
            "file_too_large",
            f"This file is {_human_size(size)}; the limit is {_human_size(max_bytes)}. "
            "Pick a smaller one.",
            field=field,
        )
    head = read_head(upload)
    if not head:
        raise UploadRejected("file_empty", f"This file is empty. Pick a {kinds} file.", field=field)
    for content_type, signatures in allowed.items():
        options: Sequence[Signature] = (
            (signatures,)  # type: ignore[assignment]
            if signatures and isinstance(signatures[0][0], int)
            else signatures
        )
        if any(_matches(head, sig) for sig in options):
            return content_type
    raise UploadRejected(
        "file_type_not_allowed",
        f"This file is not a {kinds} file (checked by its content, not its name). "
        "Pick a file in one of those formats.",
        field=field,
    )


_UNSAFE = re.compile(r"[^\w.\- ()]+")


def safe_file_name(name: str, *, default: str = "file", max_length: int = 150) -> str:
    """A display-safe original file name: no directories, no control or odd characters."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = unicodedata.normalize("NFKC", base)
    base = _UNSAFE.sub("_", base).strip(" ._") or default
    if len(base) > max_length:
        stem, ext = os.path.splitext(base)
        ext = ext[:16]
        base = stem[: max_length - len(ext)] + ext
    return base


# -- upload kinds, keys and storing ------------------------------------------------------------

MB = 1024 * 1024

# The extension a stored file gets, from its SNIFFED type. A type missing here cannot be stored.
EXTENSIONS: dict[str, str] = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "application/pdf": "pdf",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
}
CONTENT_TYPES_BY_EXTENSION: dict[str, str] = {ext: ct for ct, ext in EXTENSIONS.items()}
# Shown in the browser rather than downloaded (never SVG or HTML: those can run script).
INLINE_TYPES = frozenset(
    {"image/jpeg", "image/png", "image/webp", "image/gif", "video/mp4", "video/quicktime"}
)
FILE_RESPONSE_CSP = "default-src 'none'; sandbox"
_KIND_NAME = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
_OWNER = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class UploadKind:
    """What one kind of upload accepts: its name (also the key's folder and the serving URL's
    first part), allowed types with their signatures, a size limit, and a label for messages."""

    name: str
    allowed: Mapping[str, Signature | Sequence[Signature]]
    max_bytes: int
    label: str
    field: str = "file"
    default_name: str = "file"
    # A lower limit for some types (drafts: video up to ``max_bytes``, images 30 MB).
    max_bytes_by_type: Mapping[str, int] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        if not _KIND_NAME.match(self.name):
            raise ValueError(f"Upload kind {self.name!r}: lowercase letters, digits and dashes.")
        unknown = set(self.allowed) - set(EXTENSIONS)
        if unknown:
            raise ValueError(f"Upload kind {self.name!r}: no extension for {sorted(unknown)}.")
        if set(self.max_bytes_by_type) - set(self.allowed):
            raise ValueError(f"Upload kind {self.name!r}: a size limit for a type it refuses.")
        if any(limit > self.max_bytes for limit in self.max_bytes_by_type.values()):
            raise ValueError(f"Upload kind {self.name!r}: max_bytes is the largest limit.")

    def limit_for(self, content_type: str) -> int:
        """The most bytes a file of ``content_type`` may have."""
        return self.max_bytes_by_type.get(content_type, self.max_bytes)


@dataclass(frozen=True)
class StoredUpload:
    key: str  # where it is in the storage (chosen by us)
    content_type: str  # sniffed
    size: int
    name: str  # the uploader's file name, sanitised: data only, never a path


def new_key(*, kind: UploadKind, owner: str, content_type: str) -> str:
    """``<owner>/<kind>/<opaque id>.<ext>``: nothing from the uploader goes into it."""
    if not _OWNER.match(owner):
        raise ValueError(f"Bad storage owner {owner!r}.")
    return f"{owner}/{kind.name}/{secrets.token_urlsafe(18)}.{EXTENSIONS[content_type]}"


def content_type_for_key(key: str) -> str:
    """The type of a file we stored, from the extension WE gave it (never an uploaded name)."""
    ext = key.rsplit(".", 1)[-1].lower() if "." in key else ""
    return CONTENT_TYPES_BY_EXTENSION.get(ext, "application/octet-stream")


class _TypedFile(File):
    """A file whose ``content_type`` is the sniffed one: S3 storage writes it as ContentType."""

    def __init__(self, file: Any, content_type: str) -> None:
        super().__init__(file, name=getattr(file, "name", None))
        self.content_type = content_type


def _too_large(size: int, limit: int, *, field: str) -> UploadRejected:
    return UploadRejected(
        "file_too_large",
        f"This file is {_human_size(size)}; the limit is {_human_size(limit)}. Pick a smaller one.",
        field=field,
    )


def check_upload(upload: Any, *, kind: UploadKind) -> str:
    """The sniffed content type of ``upload`` for ``kind``, or :class:`UploadRejected`
    (including a size above the limit for the sniffed type)."""
    content_type = sniff_content_type(
        upload, kind.allowed, max_bytes=kind.max_bytes, field=kind.field, kinds=kind.label
    )
    size = upload_size(upload)
    if size is not None and size > kind.limit_for(content_type):
        raise _too_large(size, kind.limit_for(content_type), field=kind.field)
    return content_type


def store_upload(
    upload: Any, *, kind: UploadKind, owner: str, storage: Storage | None = None
) -> StoredUpload:
    """Check ``upload`` against ``kind`` and write it under a new key. The caller records the
    key in its row (and deletes the file with ``delete_stored`` if that row cannot be written)."""
    content_type = check_upload(upload, kind=kind)
    storage = storage or default_storage
    key = new_key(kind=kind, owner=owner, content_type=content_type)
    upload.seek(0)
    saved = storage.save(key, _TypedFile(upload, content_type))
    return StoredUpload(
        key=saved,
        content_type=content_type,
        size=upload_size(upload) or 0,
        name=safe_file_name(getattr(upload, "name", "") or "", default=kind.default_name),
    )


def delete_stored(key: str, *, storage: Storage | None = None) -> None:
    """Remove a stored file; a file already gone is not an error."""
    if not key:
        return
    with contextlib.suppress(OSError):
        (storage or default_storage).delete(key)


def rekey(
    old_key: str, *, kind: UploadKind, owner: str, storage: Storage | None = None
) -> StoredUpload | None:
    """Move a file stored under an old, uploader-influenced key to a server-chosen one (data
    migrations). The type is sniffed again from the bytes; ``None`` when the file is missing or
    its bytes are not a type the kind allows (the caller then drops the reference)."""
    storage = storage or default_storage
    if not old_key or not storage.exists(old_key):
        return None
    with storage.open(old_key, "rb") as fh:
        try:
            stored = store_upload(fh, kind=kind, owner=owner, storage=storage)
        except UploadRejected:
            return None
    delete_stored(old_key, storage=storage)
    return stored


# -- presigned POST (direct browser → S3 uploads; drafts) -----------------------------------------


def _s3_client_and_bucket(storage: Storage) -> tuple[Any, str]:
    connection = getattr(storage, "connection", None)
    bucket = getattr(storage, "bucket_name", None)
    if connection is None or not bucket:
        raise ChorusError(
            "direct_upload_unavailable",
            "Direct uploads need S3 storage; upload through the app instead.",
            status_code=409,
        )
    return connection.meta.client, str(bucket)


def presigned_post(
    *,
    kind: UploadKind,
    owner: str,
    content_type: str,
    storage: Storage | None = None,
    expires_in: int = 600,
) -> dict[str, Any]:
    """A form the browser posts straight to S3: only to the key we chose, only ``content_type``
    (one the kind allows), at most ``kind.max_bytes``. Returns ``{"key", "url", "fields"}``.
    After the upload, ``confirm_upload`` checks the bytes before the app records the key."""
    if content_type not in kind.allowed:
        raise UploadRejected(
            "file_type_not_allowed", f"Pick a {kind.label} file.", field=kind.field
        )
    client, bucket = _s3_client_and_bucket(storage or default_storage)
    key = new_key(kind=kind, owner=owner, content_type=content_type)
    post = client.generate_presigned_post(
        Bucket=bucket,
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[
            {"Content-Type": content_type},
            ["content-length-range", 1, kind.limit_for(content_type)],
        ],
        ExpiresIn=expires_in,
    )
    return {"key": key, "url": post["url"], "fields": post["fields"]}


def _copy_stored(storage: Storage, source: str, target: str) -> None:
    """Copy one stored object to another key (server-side on S3, typed by the target's
    extension; a stream copy on local storage)."""
    if getattr(storage, "bucket_name", None) is None:
        with storage.open(source, "rb") as fh:
            saved = storage.save(target, _TypedFile(fh, content_type_for_key(target)))
        if saved != target:  # never: new_key is unique; refuse rather than record a wrong key
            raise RuntimeError(f"storage saved {target!r} as {saved!r}")
        return
    client, bucket = _s3_client_and_bucket(storage)
    location = getattr(storage, "location", "") or ""
    prefix = f"{location.strip('/')}/" if location else ""
    client.copy_object(
        Bucket=bucket,
        Key=prefix + target,
        CopySource={"Bucket": bucket, "Key": prefix + source},
        ContentType=content_type_for_key(target),
        MetadataDirective="REPLACE",
    )


def promote_upload(
    key: str, *, kind: UploadKind, owner: str, storage: Storage | None = None
) -> str:
    """Move a directly uploaded object to a new key nobody holds a form for, and return it.

    A presigned POST can be posted again until it expires, so the object under its key may be
    replaced after it was checked. Copying it first to a key only the server knows, then checking
    *that* copy, means what is recorded is exactly what was checked."""
    storage = storage or default_storage
    _require_upload_key(key, kind=kind, owner=owner, storage=storage)
    final = new_key(kind=kind, owner=owner, content_type=content_type_for_key(key))
    _copy_stored(storage, key, final)
    delete_stored(key, storage=storage)
    return final


def _require_upload_key(key: str, *, kind: UploadKind, owner: str, storage: Storage) -> None:
    prefix = f"{owner}/{kind.name}/"
    if not key.startswith(prefix) or "/" in key[len(prefix) :] or not storage.exists(key):
        raise UploadRejected(
            "upload_missing", "That upload was not found. Try again.", field=kind.field
        )


def confirm_upload(
    key: str,
    *,
    kind: UploadKind,
    owner: str,
    storage: Storage | None = None,
    promote: bool = False,
) -> StoredUpload:
    """Check a file a browser uploaded directly: under this owner's folder for the kind, and
    its bytes really the type its key says. A mismatch deletes the object and refuses.

    With ``promote``, the object is first moved to a server-only key (``promote_upload``) and
    the returned ``key`` is that one: use it for anything that stays (drafts)."""
    storage = storage or default_storage
    _require_upload_key(key, kind=kind, owner=owner, storage=storage)
    if promote:
        key = promote_upload(key, kind=kind, owner=owner, storage=storage)
    with storage.open(key, "rb") as fh:
        try:
            content_type = check_upload(fh, kind=kind)
            size = upload_size(fh) or storage.size(key)
            if size > kind.limit_for(content_type):  # a storage without a ``size`` on its files
                raise _too_large(size, kind.limit_for(content_type), field=kind.field)
        except UploadRejected:
            delete_stored(key, storage=storage)
            raise
    if content_type != content_type_for_key(key):
        delete_stored(key, storage=storage)
        raise UploadRejected(
            "file_type_not_allowed",
            f"This file is not a {kind.label} file (checked by its content).",
            field=kind.field,
        )
    return StoredUpload(key=key, content_type=content_type, size=size, name="")


# -- direct uploads: one flow for S3 and local storage ----------------------------------------------

DIRECT_UPLOAD_SALT = "core.files.direct-upload"


@dataclass(frozen=True)
class DirectUpload:
    """A form the browser (or an API client) posts the file to: ``fields`` first, then the file
    as ``file``, ``method`` to ``url``. A 2xx answer means stored; then the app calls
    ``confirm_upload(key, ...)`` before recording ``key``. Same shape on S3 and local storage."""

    key: str
    url: str
    fields: dict[str, str]
    expires_at: datetime
    max_bytes: int
    content_type: str
    name: str  # the uploader's file name, sanitised: data only
    method: str = "POST"

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "url": self.url,
            "method": self.method,
            "fields": dict(self.fields),
            "expires_at": self.expires_at.isoformat(),
            "max_bytes": self.max_bytes,
        }


def direct_upload_request(
    *,
    kind: UploadKind,
    owner: str,
    content_type: str,
    size: int,
    name: str,
    user_id: int | str,
    storage: Storage | None = None,
    expires_in: int | None = None,
) -> DirectUpload:
    """Where and how to upload one file of ``kind`` straight to storage, without the app holding
    it in a request: a presigned POST on S3, the app's ``/files/direct-upload/`` endpoint on
    local storage (a signed token names the key, type, size limit and ``user_id``, the
    requester's ``User`` pk: only they, signed in, can use it). ``size`` is what the client says;
    it is checked here for a clear early error, and the limit is enforced again on the bytes
    themselves (by S3's policy or the endpoint while streaming, then by ``confirm_upload``).

    ``url`` is absolute on S3 and a same-origin path locally: the API should hand it out through
    ``request.build_absolute_uri(url)``, which leaves an absolute URL as it is. The caller checks
    the requester may upload for ``owner`` before asking: the key is under ``owner``'s folder."""
    if content_type not in kind.allowed:
        raise UploadRejected(
            "file_type_not_allowed", f"Pick a {kind.label} file.", field=kind.field
        )
    limit = kind.limit_for(content_type)
    if size < 1:
        raise UploadRejected(
            "file_empty", f"This file is empty. Pick a {kind.label} file.", field=kind.field
        )
    if size > limit:
        raise _too_large(size, limit, field=kind.field)
    storage = storage or default_storage
    expires_in = expires_in or settings.DIRECT_UPLOAD_EXPIRY_SECONDS
    expires_at = timezone.now() + timedelta(seconds=expires_in)
    safe_name = safe_file_name(name, default=kind.default_name)
    if not _is_local(storage):
        post = presigned_post(
            kind=kind,
            owner=owner,
            content_type=content_type,
            storage=storage,
            expires_in=expires_in,
        )
        key, url, fields = post["key"], post["url"], post["fields"]
    else:
        key = new_key(kind=kind, owner=owner, content_type=content_type)
        token = signing.dumps(
            {
                "k": key,
                "n": kind.name,
                "t": content_type,
                "m": limit,
                "u": _user_tag(user_id),
                "e": int(expires_at.timestamp()),
            },
            salt=DIRECT_UPLOAD_SALT,
            compress=True,
        )
        url = reverse("files:direct-upload")
        fields = {"key": key, "Content-Type": content_type, "token": token}
    return DirectUpload(
        key=key,
        url=url,
        fields=fields,
        expires_at=expires_at,
        max_bytes=limit,
        content_type=content_type,
        name=safe_name,
    )


@dataclass(frozen=True)
class DirectUploadGrant:
    """What a verified local direct-upload token allows."""

    key: str
    kind: str
    content_type: str
    max_bytes: int


def _refused(code: str, message: str, status: int) -> ChorusError:
    return ChorusError(code, message, fields={"file": [message]}, status_code=status)


def _user_tag(user_id: int | str) -> str:
    """The user a token is for, keyed so the token (readable base64) shows no database id."""
    return salted_hmac(DIRECT_UPLOAD_SALT, str(user_id), algorithm="sha256").hexdigest()[:32]


def direct_upload_grant(token: str, *, user_id: int | str) -> DirectUploadGrant:
    """The upload a token allows this requester, or a ChorusError (403 for a forged, expired
    or someone else's token, as S3 answers a bad policy)."""
    try:
        data = signing.loads(token, salt=DIRECT_UPLOAD_SALT)
        grant = DirectUploadGrant(
            key=str(data["k"]),
            kind=str(data["n"]),
            content_type=str(data["t"]),
            max_bytes=int(data["m"]),
        )
        expires, user = int(data["e"]), str(data["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise _refused(
            "upload_token_invalid", "This upload form is not valid. Try again.", 403
        ) from None
    if not constant_time_compare(user, _user_tag(user_id)):
        raise _refused("upload_token_invalid", "This upload form is not valid. Try again.", 403)
    if expires < time.time():
        raise _refused("upload_token_expired", "This upload form has expired. Try again.", 403)
    return grant


class _DirectUploadHandler(FileUploadHandler):
    """Streams the ``file`` part of a local direct upload into a temporary file, counting bytes:
    past the token's limit it stops reading (whatever Content-Length said) and the partial file
    is deleted. The token is verified when the file part starts, from the fields before it."""

    chunk_size = 64 * 1024

    def __init__(self, request: HttpRequest, grant_for: Callable[[], DirectUploadGrant]) -> None:
        super().__init__(request)
        self.grant_for = grant_for
        self.grant: DirectUploadGrant | None = None
        self.error: ChorusError | None = None
        self.received = 0
        # Not ``self.file``: the parser closes a handler's ``file`` attribute, None or not.
        self.temp: TemporaryUploadedFile | None = None

    def _stop(self, error: ChorusError) -> NoReturn:
        self.error = error
        raise StopUpload(connection_reset=True)  # don't read the rest of the body

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        if field_name != "file" or self.grant is not None:
            self._stop(_refused("upload_malformed", "Send one file, as the field `file`.", 400))
        try:
            self.grant = self.grant_for()
        except ChorusError as error:
            self._stop(error)
        self.temp = TemporaryUploadedFile(file_name, self.grant.content_type, 0, None)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self.temp is None or self.grant is None:  # not our file: new_file stopped the upload
            return
        self.received += len(raw_data)
        if self.received > self.grant.max_bytes:
            self.temp.close()  # deletes the partial temporary file
            error = _too_large(self.received, self.grant.max_bytes, field="file")
            error.status_code = 413  # the size S3 answers 400 EntityTooLarge to
            self._stop(error)
        self.temp.write(raw_data)

    def file_complete(self, file_size: int) -> TemporaryUploadedFile | None:
        if self.temp is None:
            return None
        self.temp.seek(0)
        self.temp.size = file_size
        return self.temp

    def upload_interrupted(self) -> None:
        if self.temp is not None:
            self.temp.close()


def direct_upload_receive(request: HttpRequest, *, storage: Storage | None = None) -> None:
    """Store the file of a local direct-upload form (the same multipart form as an S3 POST:
    fields, then ``file``) under exactly the key its token names. Raises ChorusError on any
    refusal; nothing stays stored then. The caller has checked the user is signed in."""
    user_id = request.user.pk or ""  # the view refused the anonymous already
    if not request.content_type or request.content_type != "multipart/form-data":
        raise _refused("upload_malformed", "Send the form as multipart/form-data.", 400)
    parser: MultiPartParser | None = None

    def grant_for() -> DirectUploadGrant:
        # The fields parsed so far (the token comes before the file, as S3 requires). Django's
        # parser keeps them in ``_post``; if that ever changes every upload is refused, loudly
        # (tests/core/test_direct_uploads.py), never accepted unchecked.
        fields = getattr(parser, "_post", None)
        token = fields.get("token") if fields is not None else None
        if not token:
            raise _refused("upload_token_invalid", "Send the form's fields before the file.", 403)
        return direct_upload_grant(str(token), user_id=user_id)

    handler = _DirectUploadHandler(request, grant_for)
    try:
        parser = MultiPartParser(request.META, request, [handler], request.encoding)
        post, uploaded = parser.parse()
    except MultiPartParserError:
        handler.upload_interrupted()
        raise _refused(
            "upload_malformed", "The upload was not a valid form. Try again.", 400
        ) from None
    if handler.error is not None:
        handler.upload_interrupted()
        raise handler.error
    upload = uploaded.get("file")
    if upload is None or handler.grant is None:
        raise _refused("file_required", "Choose a file to upload.", 400)
    grant = handler.grant
    try:
        # The same policy an S3 POST checks: the form's own fields may not differ from the token.
        if (
            post.get("Content-Type") != grant.content_type
            or post.get("key", grant.key) != grant.key
        ):
            raise _refused("upload_policy_failed", "This upload form was altered. Try again.", 403)
        if upload.size < 1:
            raise _refused("file_empty", "This file is empty.", 400)
        storage = storage or default_storage
        if storage.exists(grant.key):
            raise _refused("upload_exists", "This file was already uploaded.", 409)
        saved = storage.save(grant.key, _TypedFile(upload, grant.content_type))
        if saved != grant.key:  # another request wrote the key meanwhile: keep theirs only
            delete_stored(saved, storage=storage)
            raise _refused("upload_exists", "This file was already uploaded.", 409)
    finally:
        upload.close()


# -- serving: one authorizing view ----------------------------------------------------------------


@dataclass(frozen=True)
class ServedFile:
    """What the authorizing view needs to answer: where the file is and how to label it."""

    key: str
    content_type: str
    download_name: str = ""
    storage: Storage = field(default_factory=lambda: default_storage)
    attachment: bool = False  # download even an inline type (e.g. the content library's button)


# An authorizer: (request, public id) → the file when this requester may see it, else None.
FileAuthorizer = Callable[[HttpRequest, str], ServedFile | None]
_AUTHORIZERS: dict[str, list[tuple[str, FileAuthorizer]]] = {}


def register_file_kind(kind: UploadKind | str, authorizer: FileAuthorizer, *, key: str) -> None:
    """Let ``authorizer`` grant access to files of ``kind`` (idempotent per ``key``)."""
    name = kind.name if isinstance(kind, UploadKind) else kind
    entries = [e for e in _AUTHORIZERS.setdefault(name, []) if e[0] != key]
    entries.append((key, authorizer))
    _AUTHORIZERS[name] = entries


def file_url(kind: UploadKind | str, public_id: str, *, version: str = "") -> str:
    """The one URL a file is fetched from (``version`` busts browser caches on replacement)."""
    name = kind.name if isinstance(kind, UploadKind) else kind
    url = reverse("files:serve", args=[name, public_id])
    return f"{url}?v={quote(version)}" if version else url


def authorize_file(request: HttpRequest, kind: str, public_id: str) -> ServedFile | None:
    for _, authorizer in _AUTHORIZERS.get(kind, []):
        served = authorizer(request, public_id)
        if served is not None:
            return served
    return None


def _disposition(served: ServedFile) -> tuple[bool, str]:
    inline = served.content_type in INLINE_TYPES and not served.attachment
    ext = EXTENSIONS.get(served.content_type, "bin")
    stem = os.path.splitext(safe_file_name(served.download_name or "file"))[0] or "file"
    filename = f"{stem}.{ext}"  # the extension always matches the real type
    return inline, filename


def _protect[R: HttpResponseBase](response: R) -> R:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_RESPONSE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, max-age=300"
    return response


def _is_local(storage: Storage) -> bool:
    try:
        storage.path("probe")
    except NotImplementedError:
        return False
    return True


def file_response(served: ServedFile) -> HttpResponseBase:
    """Stream a local file, or redirect to a short-lived presigned URL on S3 that makes S3 answer
    with the same Content-Type and Content-Disposition."""
    inline, filename = _disposition(served)
    if _is_local(served.storage):
        response: HttpResponseBase = FileResponse(
            served.storage.open(served.key, "rb"),
            content_type=served.content_type,
            as_attachment=not inline,
            filename=filename,
        )
        return _protect(response)
    disposition = f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{quote(filename)}"
    url = served.storage.url(  # type: ignore[call-arg]
        served.key,
        parameters={
            "ResponseContentType": served.content_type,
            "ResponseContentDisposition": disposition,
        },
        expire=settings.FILE_URL_EXPIRY_SECONDS,
    )
    redirect = _protect(HttpResponseRedirect(url))
    redirect["Cache-Control"] = "private, no-store"  # the signed URL expires soon
    return redirect
