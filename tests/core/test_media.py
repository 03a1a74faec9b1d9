"""Media previews: image thumbnails with Pillow; video duration and poster with Debian's ffmpeg
(scripts/test.sh installs it: a missing ffmpeg fails these tests rather than skipping them)."""

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from PIL import Image

from core import media
from tests.s3server import S3Bucket

KEY = "org_media0test/test-clip/abc123"


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture(scope="module")
def tiny_mp4(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A real 2-second, 320x240 MP4 made by ffmpeg."""
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "ffmpeg is not installed: run scripts/test.sh (it installs Debian's ffmpeg)"
    out = tmp_path_factory.mktemp("video") / "tiny.mp4"
    subprocess.run(
        [
            *(ffmpeg, "-nostdin", "-v", "error", "-f", "lavfi", "-i"),
            *("testsrc=duration=2:size=320x240:rate=10", "-c:v", "mpeg4", "-y", str(out)),
        ],
        check=True,
        timeout=60,
    )
    return out.read_bytes()


def image_bytes(fmt: str, size: tuple[int, int], mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30, 128) if mode == "RGBA" else (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def stored_keys(storage: Storage, prefix: str = "org_media0test/test-clip") -> list[str]:
    return sorted(f"{prefix}/{name}" for name in storage.listdir(prefix)[1])


def put(key: str, data: bytes) -> None:
    default_storage.save(key, ContentFile(data))


@pytest.mark.parametrize(
    ("fmt", "ext", "content_type", "mode"),
    [
        ("PNG", "png", "image/png", "RGBA"),
        ("JPEG", "jpg", "image/jpeg", "RGB"),
        ("WEBP", "webp", "image/webp", "RGB"),
    ],
)
def test_an_image_gets_a_jpeg_thumbnail_and_its_size(
    fmt: str, ext: str, content_type: str, mode: str
) -> None:
    put(f"{KEY}.{ext}", image_bytes(fmt, (1600, 900), mode))
    preview = media.make_preview(default_storage, f"{KEY}.{ext}", content_type)
    assert preview.status == media.READY
    assert (preview.width, preview.height) == (1600, 900)
    assert preview.thumbnail_key == f"{KEY}.thumb.jpg"
    assert preview.poster_key == ""
    with Image.open(default_storage.open(preview.thumbnail_key)) as thumbnail:
        assert thumbnail.format == "JPEG"
        assert thumbnail.size == (640, 360)
        if mode == "RGBA":  # transparency became white-ish, not black
            assert thumbnail.getpixel((10, 10))[1] > 100  # type: ignore[index]


def test_a_sideways_phone_photo_reports_its_upright_size() -> None:
    image = Image.new("RGB", (400, 300), (0, 0, 0))
    exif = image.getexif()
    exif[media.EXIF_ORIENTATION] = 6  # rotate 90° when shown
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    put(f"{KEY}.jpg", out.getvalue())
    preview = media.make_preview(default_storage, f"{KEY}.jpg", "image/jpeg")
    assert (preview.width, preview.height) == (300, 400)
    with Image.open(default_storage.open(preview.thumbnail_key)) as thumbnail:
        assert thumbnail.size == (300, 400)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + b"garbage" * 40,
        image_bytes("PNG", (300, 300))[:120],  # truncated
        b"\xff\xd8\xff\xe0" + b"\x00" * 50,
    ],
    ids=["garbage-after-signature", "truncated", "jpeg-header-only"],
)
def test_a_corrupt_image_fails_cleanly_and_stores_nothing(data: bytes) -> None:
    put(f"{KEY}.png", data)
    preview = media.make_preview(default_storage, f"{KEY}.png", "image/png")
    assert preview == media.Preview(status=media.FAILED)
    assert stored_keys(default_storage) == [f"{KEY}.png"]


def test_a_decompression_bomb_is_refused_not_decoded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(media, "MAX_PIXELS", 100 * 100)
    put(f"{KEY}.png", image_bytes("PNG", (101, 100)))
    assert media.make_preview(default_storage, f"{KEY}.png", "image/png").status == media.FAILED


def test_a_video_gets_its_duration_size_and_a_poster_frame(tiny_mp4: bytes) -> None:
    put(f"{KEY}.mp4", tiny_mp4)
    preview = media.make_preview(default_storage, f"{KEY}.mp4", "video/mp4")
    assert preview.status == media.READY
    assert preview.duration_seconds == pytest.approx(2.0, abs=0.2)
    assert preview.duration_ms == pytest.approx(2000, abs=200)
    assert (preview.width, preview.height) == (320, 240)
    assert preview.poster_key == f"{KEY}.poster.jpg"
    with Image.open(default_storage.open(preview.poster_key)) as poster:
        assert poster.format == "JPEG"
        assert poster.size == (320, 240)


def test_on_s3_the_video_is_read_from_a_temporary_copy(
    s3_bucket: S3Bucket, tiny_mp4: bytes
) -> None:
    put(f"{KEY}.mov", tiny_mp4)
    preview = media.make_preview(key=f"{KEY}.mov", content_type="video/quicktime")
    assert preview.status == media.READY
    assert preview.duration_seconds == pytest.approx(2.0, abs=0.2)
    assert sorted(s3_bucket.keys()) == [f"{KEY}.mov", f"{KEY}.poster.jpg"]
    head = s3_bucket.client.head_object(Bucket=s3_bucket.name, Key=preview.poster_key)
    assert head["ContentType"] == "image/jpeg"


def test_on_s3_an_image_gets_its_thumbnail_too(s3_bucket: S3Bucket) -> None:
    put(f"{KEY}.png", image_bytes("PNG", (100, 50)))
    preview = media.make_preview(default_storage, f"{KEY}.png", "image/png")
    assert (preview.status, preview.width, preview.height) == (media.READY, 100, 50)
    assert sorted(s3_bucket.keys()) == [f"{KEY}.png", f"{KEY}.thumb.jpg"]


def test_without_ffmpeg_a_video_gets_the_placeholder_status(settings: Any, tiny_mp4: bytes) -> None:
    settings.FFMPEG_BINARY = ""
    put(f"{KEY}.mp4", tiny_mp4)
    preview = media.make_preview(default_storage, f"{KEY}.mp4", "video/mp4")
    assert preview == media.Preview(status=media.NO_PREVIEW)
    assert stored_keys(default_storage) == [f"{KEY}.mp4"]
    settings.FFMPEG_BINARY, settings.FFPROBE_BINARY = "ffmpeg", "/nonexistent/ffprobe"
    assert media.make_preview(default_storage, f"{KEY}.mp4", "video/mp4").status == (
        media.NO_PREVIEW
    )


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x00\x00\x18ftypisom" + b"\x00garbage" * 100,
        b"#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:1,\nfile:///etc/passwd\n",
    ],
    ids=["corrupt-mp4", "playlist-named-mp4"],
)
def test_a_corrupt_video_fails_cleanly_and_stores_nothing(data: bytes, tiny_mp4: bytes) -> None:
    put(f"{KEY}.mp4", data)
    preview = media.make_preview(default_storage, f"{KEY}.mp4", "video/mp4")
    assert preview == media.Preview(status=media.FAILED)
    assert stored_keys(default_storage) == [f"{KEY}.mp4"]


def test_a_truncated_video_fails_cleanly(tiny_mp4: bytes) -> None:
    assert tiny_mp4.rfind(b"moov") > len(tiny_mp4) // 2  # ffmpeg writes the index last
    put(f"{KEY}.mp4", tiny_mp4[: len(tiny_mp4) // 2])  # an upload cut off half-way
    preview = media.make_preview(default_storage, f"{KEY}.mp4", "video/mp4")
    assert preview == media.Preview(status=media.FAILED)
    assert stored_keys(default_storage) == [f"{KEY}.mp4"]


def test_ffmpeg_that_takes_too_long_fails_the_preview(settings: Any, tiny_mp4: bytes) -> None:
    settings.MEDIA_PREVIEW_TIMEOUT_SECONDS = 0.001
    put(f"{KEY}.mp4", tiny_mp4)
    assert media.make_preview(default_storage, f"{KEY}.mp4", "video/mp4").status == media.FAILED


def test_other_types_have_no_preview() -> None:
    put(f"{KEY}.pdf", b"%PDF-1.7\n")
    assert media.make_preview(default_storage, f"{KEY}.pdf", "application/pdf") == media.Preview(
        status=media.NO_PREVIEW
    )


def test_making_a_preview_again_replaces_it_under_the_same_key() -> None:
    put(f"{KEY}.png", image_bytes("PNG", (100, 50)))
    first = media.make_preview(default_storage, f"{KEY}.png", "image/png")
    second = media.make_preview(default_storage, f"{KEY}.png", "image/png")
    assert first == second
    assert stored_keys(default_storage) == [f"{KEY}.png", f"{KEY}.thumb.jpg"]
