"""File storage: files on disk by default, any S3-compatible service when a bucket is configured."""

import shutil

from config.env import env

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="us-east-1")
AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default="") or None
AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default="") or None
# SigV4 for presigned URLs and POSTs: what every S3 region accepts (SigV2 is refused by newer
# regions and by the test server's POST policy check).
AWS_S3_SIGNATURE_VERSION = env.str("AWS_S3_SIGNATURE_VERSION", default="s3v4")
AWS_DEFAULT_ACL = None  # objects take the bucket's default: private
# Files are served only through core.files' authorizing view, which redirects to a presigned
# URL valid this long (seconds).
FILE_URL_EXPIRY_SECONDS = env.int("FILE_URL_EXPIRY_SECONDS", default=300)
AWS_QUERYSTRING_EXPIRE = FILE_URL_EXPIRY_SECONDS
AWS_QUERYSTRING_AUTH = True
# How long a direct-upload form (S3 presigned POST or the local endpoint's token) may be started.
DIRECT_UPLOAD_EXPIRY_SECONDS = env.int("DIRECT_UPLOAD_EXPIRY_SECONDS", default=900)
AWS_S3_FILE_OVERWRITE = False

_default_storage = (
    {"BACKEND": "storages.backends.s3.S3Storage"}
    if AWS_STORAGE_BUCKET_NAME
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Media previews (core.media): ffmpeg/ffprobe make video posters and durations when installed
# (Debian's ``ffmpeg``); an empty value means "not available" and videos get a placeholder.
FFMPEG_BINARY = env.str("FFMPEG_BINARY", default=shutil.which("ffmpeg") or "")
FFPROBE_BINARY = env.str("FFPROBE_BINARY", default=shutil.which("ffprobe") or "")
MEDIA_PREVIEW_TIMEOUT_SECONDS = env.int("MEDIA_PREVIEW_TIMEOUT_SECONDS", default=60)
