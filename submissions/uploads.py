"""What a draft upload may be: videos up to 1 GB, images up to 30 MB, checked by their bytes
(core.files). Videos are what TikTok, Reels and Shorts take; images are for photo posts."""

from core import files

MAX_VIDEO_BYTES = 1024 * files.MB
MAX_IMAGE_BYTES = 30 * files.MB

VIDEO_TYPES = {"video/mp4": files.MP4, "video/quicktime": files.QUICKTIME}
IMAGE_TYPES = {"image/jpeg": files.JPEG, "image/png": files.PNG, "image/webp": files.WEBP}

DRAFT = files.UploadKind(
    "draft",
    {**VIDEO_TYPES, **IMAGE_TYPES},
    max_bytes=MAX_VIDEO_BYTES,
    label="MP4, MOV, JPEG, PNG or WebP",
    default_name="draft",
    max_bytes_by_type=dict.fromkeys(IMAGE_TYPES, MAX_IMAGE_BYTES),
)


def max_bytes_for(content_type: str) -> int:
    """The size limit of one type of draft."""
    return DRAFT.limit_for(content_type)
