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

    @property
    def token_rejected(self) -> bool:
        """The token itself was refused (expired, revoked): a refreshed token may cure it.

        A missing scope or permission (Graph 10/200-299, TikTok ``scope_*``) is not cured
        by a new token of the same grant, so it is not a rejection.
        """
        head = self.code.split("/", 1)[0]
        return (
            self.code in _REJECTED_TOKEN_CODES
            or head in _REJECTED_GRAPH_CODES
            or (self.status == 401 and not self.code.startswith("scope_"))
        )


# TikTok v2 / OAuth, Google, and Graph (190 expired or invalid, 102 session, 2500 no token).
_REJECTED_TOKEN_CODES = frozenset({"access_token_invalid", "authError", "invalid_token"})
_REJECTED_GRAPH_CODES = frozenset({"190", "102", "2500"})


class PlatformUnavailable(PlatformError):
    """Transient failure (5xx, timeout, connection error). Safe to retry later."""


class UnexpectedResponse(PlatformError):
    """The platform answered something we cannot read (bad JSON, unknown shape)."""
