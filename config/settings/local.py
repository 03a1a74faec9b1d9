"""Embedded default: one machine, no services to install (SQLite, file broker, files on disk, simulator)."""

import os

os.environ.setdefault("PLATFORM_SIMULATOR_URL", "http://127.0.0.1:8765")

from config.env import env
from config.settings.base import *  # noqa: F403

# Off by default, so public links show the product's own 404/500 pages, never Django's debug
# page listing every URL pattern. DJANGO_DEBUG=1 turns it on for development.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Static files straight from the source folders (no collectstatic needed), DEBUG or not.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Demo seeding puts the approved demo posts on the simulator (analytics.pulls_demo), so their
# metrics pulls find them; tests and production leave the simulator's posts file alone.
DEMO_SIMULATOR_POSTS = True
# The demo's posts are on the local simulator, which has no rate limits: a post's first day is
# pulled at every run of the dispatcher (each minute; due 50 s after its last pull, so never
# skipped by a run that starts a few seconds early) instead of every 15 minutes, so its figures
# move while a newcomer watches. Older posts keep the usual tiers (analytics.pulls.DEFAULT_TIERS).
METRICS_PULL_TIERS = (
    (86_400, 50),
    (7 * 86_400, 3_600),
    (30 * 86_400, 86_400),
    (90 * 86_400, 7 * 86_400),
)
