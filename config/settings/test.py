"""Tests: real PostgreSQL and Redis on localhost unless DATABASE_URL / REDIS_URL say otherwise."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/chorus")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("PLATFORM_SIMULATOR_URL", "http://127.0.0.1:1")  # tests start their own
os.environ.setdefault("STRIPE_STANDIN_URL", "http://127.0.0.1:1")  # tests start their own (payouts)

from config.settings.base import *  # noqa: F403

DEBUG = False
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Parallel runs (several developers, or xdist) each get their own test database.
DATABASES["default"]["TEST"] = {  # noqa: F405
    "NAME": "test_chorus"
    + (f"_{os.environ['CHORUS_TEST_DB_SUFFIX']}" if os.environ.get("CHORUS_TEST_DB_SUFFIX") else "")
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CACHES["default"]["KEY_PREFIX"] = f"chorus-test-{os.getpid()}"  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Each test process parks rate-limited tokens under its own keys (platforms.ratelimit).
PLATFORM_RATE_LIMIT_KEY_PREFIX = f"chorus-test-{os.getpid()}:platforms:park"
