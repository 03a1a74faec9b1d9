"""Structured logs (structlog) with a request id bound by django-structlog's middleware."""

from typing import Any

import structlog

from config.env import env
from core.log_redaction import redact_event

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_JSON = env.bool("LOG_JSON", default=True)

_shared_processors: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.processors.TimeStamper(fmt="iso"),
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
    structlog.stdlib.PositionalArgumentsFormatter(),
    structlog.processors.StackInfoRenderer(),
    structlog.processors.format_exc_info,
    structlog.processors.UnicodeDecoder(),
]

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {
            "()": structlog.stdlib.ProcessorFormatter,
            "processor": (
                structlog.processors.JSONRenderer()
                if LOG_JSON
                else structlog.dev.ConsoleRenderer(colors=False)
            ),
            "foreign_pre_chain": _shared_processors,
        },
    },
    # Raw tokens (invitations, password reset, e-mail confirmation) never reach a log line.
    "filters": {"redact_secrets": {"()": "core.log_redaction.RedactSecretsFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "structured",
            "filters": ["redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django_structlog": {"level": LOG_LEVEL},
        "django.db.backends": {"level": "WARNING"},
        # runserver's access lines ("GET /invitations/<token>/ 200") go through our redacting
        # handler too (gunicorn's access log is off: django-structlog logs every request).
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

structlog.configure(
    processors=[
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.filter_by_level,
        *_shared_processors[1:],
        redact_event,
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    cache_logger_on_first_use=True,
)
DJANGO_STRUCTLOG_CELERY_ENABLED = False
# Behind our load balancer the request id it assigns is kept, so its logs and ours line up.
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = env.bool("LOG_TRUST_UPSTREAM_REQUEST_ID", default=True)
# Visitors' addresses are personal data and /r/ is hit by the public: request logs leave them
# out unless an operator opts in (abuse investigations use the click table's keyed hash).
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = env.bool("LOG_CLIENT_IPS", default=False)
