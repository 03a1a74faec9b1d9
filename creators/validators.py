"""Checks on what creators upload and type, shared by services and forms."""

from __future__ import annotations

from typing import IO

from creators.models import PHOTO_MAX_BYTES

# Magic bytes of the image types we accept (no Pillow: the header tells the type).
PHOTO_TYPES: dict[str, str] = {"jpeg": "jpg", "png": "png", "webp": "webp"}


def sniff_image_type(head: bytes) -> str | None:
    """'jpeg', 'png' or 'webp' from the first bytes of a file, else None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def photo_problem(file: IO[bytes], size: int | None) -> tuple[str | None, str]:
    """(error message or None, file extension) for an uploaded photo.

    The type comes from the file's content, never from its name or the browser's
    content type, so a text file renamed ``.jpg`` is refused.
    """
    if size is not None and size > PHOTO_MAX_BYTES:
        mb = size / (1024 * 1024)
        return f"This photo is {mb:.1f} MB; the limit is 5 MB. Pick a smaller one.", ""
    if size == 0:
        return "This file is empty. Pick a JPEG, PNG or WebP photo.", ""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        head = file.read(16)
    finally:
        file.seek(position)
    kind = sniff_image_type(head)
    if kind is None:
        return (
            "This file is not a JPEG, PNG or WebP image. Pick a photo in one of those formats.",
            "",
        )
    return None, PHOTO_TYPES[kind]
