"""Settings shared by every environment. Values that vary come from config.env."""

from typing import Any

from config.env import BASE_DIR, VAR_DIR, env

SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY", default="dev-insecure-chorus-key-change-me-0123456789abcdef"
)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("CHORUS_SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    # third party
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "config.apps.CeleryBeatConfig",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.tiktok",
    "allauth.socialaccount.providers.instagram",
    "allauth.socialaccount.providers.google",
    # ours, in dependency order (see pyproject's import-linter contract)
    "core",
    "platforms",
    "users",
    "organizations",
    "notifications",
    "campaigns",
    "creators",
    "ledger",
    "recruitment",
    "discovery",
    "submissions",
    "analytics",
    "payouts",
    "web",
]
SITE_ID = 1

MIDDLEWARE = [
    "core.middleware.ApiJsonErrorsMiddleware",  # outermost: sees every /api/ error response
    "core.middleware.NulPathMiddleware",  # a NUL in the path names nothing: 404, not a 500
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    "core.middleware.RequestIdHeaderMiddleware",
    "core.middleware.ChorusErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "users.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'chorus.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default runs web, worker threads and beat on one file. A transaction that
    # reads first and writes later cannot wait for another writer in SQLite (it fails at once
    # with "database is locked"); taking the write lock at BEGIN makes writers queue instead,
    # and WAL lets pages read while a worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="chorus"),
        }
    }
    # Sessions are written to the database and read through the cache: a Redis restart (or
    # eviction) costs a query, not everyone's login.
    SESSION_ENGINE = "core.sessions"
else:
    # Embedded default: a cache that needs no server and is shared by web and worker processes.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
# Front-end packages come from npm (package.json); only their built files are exposed.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/pico", BASE_DIR / "node_modules" / "@picocss" / "pico" / "css"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
    ("vendor/inter", BASE_DIR / "node_modules" / "@fontsource-variable" / "inter"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")

# E-mail: printed to the console by default; SMTP (or any backend) when configured.
_mail_backend = env.str("MAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
MAILERS = {
    "default": {
        "BACKEND": _mail_backend,
        "OPTIONS": (
            {
                "host": env.str("SMTP_HOST", default="localhost"),
                "port": env.int("SMTP_PORT", default=587),
                "username": env.str("SMTP_USERNAME", default=""),
                "password": env.str("SMTP_PASSWORD", default=""),
                "use_tls": env.bool("SMTP_USE_TLS", default=True),
                # Per socket operation: a relay that does not answer fails the send (the e-mail's
                # claim is released and the task retries) instead of holding a worker. A normal
                # send takes well under a second, far inside core.outbox.SEND_WINDOW (30 s).
                "timeout": 10,
            }
            if _mail_backend.endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Chorus <no-reply@chorus.local>")

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:dashboard"

from config.settings.components.allauth import *  # noqa: E402,F403
from config.settings.components.celery import *  # noqa: E402,F403
from config.settings.components.drf import *  # noqa: E402,F403
from config.settings.components.logging import *  # noqa: E402,F403
from config.settings.components.platforms import *  # noqa: E402,F403
from config.settings.components.storage import *  # noqa: E402,F403
from config.settings.components.stripe import *  # noqa: E402,F403
from config.settings.components.tracking import *  # noqa: E402,F403
