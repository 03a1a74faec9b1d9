"""Upload checks shared by every app: the type comes from the file's first bytes, never its name.

``sniff_content_type(upload, allowed, max_bytes=...)`` reads the head of an uploaded file and
returns the content type whose signature matches, or raises :class:`UploadRejected` (a
``ChorusError`` naming the form/API field) with a message that says what to fix.

A signature is a tuple of ``(offset, bytes)`` checks that must all match, e.g. WebP is
``((0, b"RIFF"), (8, b"WEBP"))``; a content type may have several alternative signatures.
"""

import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import IO, Any

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
        return f"{size / (1024 * 1024):.1f} MB"
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
