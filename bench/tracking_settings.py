"""Settings of the tracking-link benchmark's gunicorn: the product's, plus one bare view."""

from config.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.tracking_urls"
