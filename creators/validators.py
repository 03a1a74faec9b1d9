"""Checks on what creators upload and type, shared by services and forms."""

from __future__ import annotations

from typing import Any

from core import files
from creators.models import CREATOR_PHOTO


def photo_problem(file: Any, size: int | None = None) -> tuple[str | None, str]:
    """(error message or None, sniffed content type) for an uploaded photo.

    The type comes from the file's content (core.files), never from its name or the browser's
    content type, so a text file renamed ``.jpg`` is refused.
    """
    try:
        return None, files.check_upload(file, kind=CREATOR_PHOTO)
    except files.UploadRejected as exc:
        return exc.message, ""
