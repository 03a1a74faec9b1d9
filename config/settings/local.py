"""Embedded default: one machine, no services to install (SQLite, file broker, files on disk, simulator)."""

import os

os.environ.setdefault("PLATFORM_SIMULATOR_URL", "http://127.0.0.1:8765")

from config.settings.base import *  # noqa: F403

DEBUG = True
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
