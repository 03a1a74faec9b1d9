"""One exception family for every platform, mapped from each platform's own error shape.

Callers switch on the class; ``code`` keeps the platform's raw error code for logs.
"""

from __future__ import annotations


class PlatformError(Exception):
    """Base class: the platform call failed. Never retried blindly by callers."""

    def __init__(
        self,
        message: str,
        *,
        platform: str = "",
        code: str = "",
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.platform = platform
        self.code = code  # platform's own error code/reason, as a string
        self.status = status  # HTTP status, when there was a response

    def __str__(self) -> str:
        where = f"[{self.platform}] " if self.platform else ""
        code = f" ({self.code})" if self.code else ""
        return f"{where}{self.message}{code}"


class AccountNotFound(PlatformError):
    """No public (or, on Instagram, no professional) account has this handle."""


class RateLimited(PlatformError):
    """The platform throttled us. Do not call again before ``retry_after_seconds``.

    ``app_wide``: the limit is on our whole app (e.g. Graph code 4), not on one token, so
    the park covers every token; otherwise only the token the call used is parked.
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after_seconds: int,
        platform: str = "",
        code: str = "",
        status: int | None = None,
        app_wide: bool = False,
    ) -> None:
        super().__init__(message, platform=platform, code=code, status=status)
        self.retry_after_seconds = max(1, int(retry_after_seconds))
        self.app_wide = app_wide


class AuthError(PlatformError):
    """Our credentials are missing, invalid, expired or lack a permission."""


class PlatformUnavailable(PlatformError):
    """Transient failure (5xx, timeout, connection error). Safe to retry later."""


class UnexpectedResponse(PlatformError):
    """The platform answered something we cannot read (bad JSON, unknown shape)."""
