"""Raw secrets never reach the logs: tokens in URLs are replaced before any handler writes.

Invitation links (``/invitations/<token>/``), password-reset links
(``/accounts/password/reset/key/<uid>-<key>/``), e-mail confirmation links
(``/accounts/confirm-email/<key>/``) and ``token=`` / ``key=`` query parameters carry bearer
secrets: whoever reads them can use them. Request logging (django-structlog's ``request`` field),
Django's own "Not Found: /path" warnings and anything else pass through ``redact`` — as a
structlog processor and as a filter on the log handlers (settings: components/logging.py).
"""

import logging
import re
from collections.abc import MutableMapping
from typing import Any

REDACTED = "[redacted]"
_PATTERNS = [
    re.compile(r"(/invitations/)[^/\s?#'\"]+"),
    re.compile(r"(/accounts/password/reset/key/)[^/\s?#'\"]+"),
    re.compile(r"(/accounts/confirm-email/)[^/\s?#'\"]+"),
    re.compile(r"([?&](?:token|key|code|secret)=)[^&\s#'\"]+", re.IGNORECASE),
]


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(rf"\1{REDACTED}", text)
    return text


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _redact_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_redact_value(v) for v in value)
    return value


def redact_event(
    logger: Any, method_name: str, event_dict: MutableMapping[str, Any]
) -> dict[str, Any]:
    """structlog processor."""
    return {k: _redact_value(v) for k, v in event_dict.items()}


class RedactSecretsFilter(logging.Filter):
    """Handler filter: rewrites a record's message (and structlog's event dict) without secrets."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, dict):
            record.msg = _redact_value(record.msg)
            return True
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
