"""Previews of uploaded media: a thumbnail for images, duration and a poster frame for videos.

``make_preview(storage, key, content_type)`` (keywords work too; ``storage`` defaults to the
default storage) never raises for bad media: it answers a
:class:`Preview` whose ``status`` says what happened —

- ``ready``: ``thumbnail_key`` (images) or ``poster_key`` (videos) is stored next to ``key``;
- ``no_preview``: nothing can be made here (no ffmpeg installed, or a type without previews);
  the page shows a placeholder;
- ``failed``: the file could not be decoded (corrupt, truncated, too large a picture, or
  ffmpeg ran out of time); nothing is stored.

Call it after ``files.confirm_upload``: the bytes are then known to be the type the key says.

Videos go through ffprobe/ffmpeg (``FFPROBE_BINARY`` / ``FFMPEG_BINARY``; empty = not
installed) run without a shell, with a timeout, one thread, only the ``file`` protocol and the
MP4/QuickTime demuxer forced, so a crafted upload cannot make ffmpeg read a playlist, another
file or the network. On S3 the object is first copied to a temporary file.
"""

import contextlib
import io
import json
import logging
import os
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from PIL import Image, ImageOps

from core import files

logger = logging.getLogger(__name__)

READY = "ready"
NO_PREVIEW = "no_preview"
FAILED = "failed"

THUMBNAIL_SIZE = 640  # longest side, in pixels: sharp on a phone, small to send
POSTER_WIDTH = 640
MAX_PIXELS = 80_000_000  # a bigger picture is refused rather than decoded (decompression bombs)
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})
VIDEO_TYPES = frozenset({"video/mp4", "video/quicktime"})
EXIF_ORIENTATION = 0x0112


@dataclass(frozen=True)
class Preview:
    status: str
    thumbnail_key: str = ""
    poster_key: str = ""
    duration_seconds: float | None = None
    width: int | None = None
    height: int | None = None

    @property
    def duration_ms(self) -> int | None:
        return round(self.duration_seconds * 1000) if self.duration_seconds is not None else None


def derived_key(key: str, suffix: str) -> str:
    """``<owner>/<kind>/<id>.<ext>`` → ``<owner>/<kind>/<id>.<suffix>.jpg``, beside the file."""
    stem = key.rsplit(".", 1)[0]
    return f"{stem}.{suffix}.jpg"


def make_preview(storage: Storage | None = None, key: str = "", content_type: str = "") -> Preview:
    """The preview of the stored file ``key`` (of the sniffed ``content_type``), made and stored
    beside it in ``storage`` (default: the default storage). Never raises for bad media."""
    storage = storage or default_storage
    if not key:
        raise ValueError("make_preview needs the key of a stored file")
    if content_type in IMAGE_TYPES:
        return _image_preview(storage, key)
    if content_type in VIDEO_TYPES:
        return _video_preview(storage, key)
    return Preview(status=NO_PREVIEW)


def delete_preview(storage: Storage, preview: Preview) -> None:
    """Remove what ``make_preview`` stored (when the file itself is deleted)."""
    for key in (preview.thumbnail_key, preview.poster_key):
        files.delete_stored(key, storage=storage)


def _save_jpeg(storage: Storage, key: str, data: bytes) -> str:
    files.delete_stored(key, storage=storage)  # a re-run replaces, never renames
    content = ContentFile(data, name=os.path.basename(key))
    content.content_type = "image/jpeg"  # type: ignore[attr-defined]  # S3 stores it as such
    return storage.save(key, content)


# -- images ---------------------------------------------------------------------------------------


def _image_preview(storage: Storage, key: str) -> Preview:
    try:
        with storage.open(key, "rb") as fh, warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(fh) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise ValueError(f"{width}x{height} is too many pixels")
                if image.getexif().get(EXIF_ORIENTATION) in (5, 6, 7, 8):
                    width, height = height, width  # shown turned a quarter
                image.draft("RGB", (THUMBNAIL_SIZE, THUMBNAIL_SIZE))  # JPEG: decode smaller
                thumbnail = _flatten(ImageOps.exif_transpose(image))
                thumbnail.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
                out = io.BytesIO()
                thumbnail.save(out, "JPEG", quality=82, optimize=True)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning) as error:
        # Pillow reports corrupt or truncated files as OSError/SyntaxError/ValueError.
        logger.warning("image preview failed", extra={"key": key, "error": str(error)})
        return Preview(status=FAILED)
    thumbnail_key = _save_jpeg(storage, derived_key(key, "thumb"), out.getvalue())
    return Preview(status=READY, thumbnail_key=thumbnail_key, width=width, height=height)


def _flatten(image: Image.Image) -> Image.Image:
    """RGB for JPEG: transparent parts become white (not black)."""
    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


# -- videos ---------------------------------------------------------------------------------------


@contextlib.contextmanager
def _local_path(storage: Storage, key: str) -> Iterator[str]:
    """A path ffmpeg can read: the file itself on disk, or a temporary copy of an S3 object."""
    try:
        path = storage.path(key)
    except NotImplementedError:  # not on this machine's disk (S3)
        path = ""
    if path:
        yield path
        return
    with tempfile.NamedTemporaryFile(suffix=".media") as copy, storage.open(key, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            copy.write(chunk)
        copy.flush()
        yield copy.name


def _run(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        args,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=settings.MEDIA_PREVIEW_TIMEOUT_SECONDS,
        check=True,
    )


# Input options: only local files, only the MP4/QuickTime demuxer (no playlists), one thread.
def _input(path: str) -> list[str]:
    return ["-protocol_whitelist", "file", "-f", "mov", "-threads", "1", "-i", f"file:{path}"]


def _probe(ffprobe: str, path: str) -> dict[str, Any]:
    done = _run(
        [
            *(ffprobe, "-v", "error", "-print_format", "json", "-show_format", "-show_streams"),
            *("-protocol_whitelist", "file", "-f", "mov", f"file:{path}"),
        ]
    )
    probed: dict[str, Any] = json.loads(done.stdout or b"{}")
    return probed


def _video_preview(storage: Storage, key: str) -> Preview:
    ffmpeg, ffprobe = settings.FFMPEG_BINARY, settings.FFPROBE_BINARY
    if not ffmpeg or not ffprobe or not shutil.which(ffmpeg) or not shutil.which(ffprobe):
        return Preview(status=NO_PREVIEW)
    try:
        with _local_path(storage, key) as path, tempfile.TemporaryDirectory() as workdir:
            probed = _probe(ffprobe, path)
            video = next(
                (s for s in probed.get("streams", []) if s.get("codec_type") == "video"), None
            )
            if video is None:
                raise ValueError("no video stream")
            duration = float(probed.get("format", {}).get("duration") or 0) or None
            width, height = int(video["width"]), int(video["height"])
            poster = Path(workdir) / "poster.jpg"
            at = min(1.0, (duration or 0) / 2)
            _run(
                [
                    *(ffmpeg, "-nostdin", "-v", "error", "-ss", f"{at:.3f}", *_input(path)),
                    *("-frames:v", "1", "-vf", f"scale='min({POSTER_WIDTH},iw)':-2"),
                    *("-f", "image2", "-c:v", "mjpeg", "-q:v", "4", "-y", f"file:{poster}"),
                ]
            )
            data = poster.read_bytes()
            if not data:
                raise ValueError("no frame")
    except (
        subprocess.CalledProcessError,
        subprocess.TimeoutExpired,
        OSError,
        ValueError,
        KeyError,
        TypeError,
    ) as error:
        logger.warning("video preview failed", extra={"key": key, "error": str(error)[:500]})
        return Preview(status=FAILED)
    poster_key = _save_jpeg(storage, derived_key(key, "poster"), data)
    return Preview(
        status=READY,
        poster_key=poster_key,
        duration_seconds=round(duration, 3) if duration else None,
        width=width,
        height=height,
    )
