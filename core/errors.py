"""One business-error type with a stable, machine-readable code."""

from typing import Any


class ChorusError(Exception):
    """A rule of the business was broken. Views show ``message``; the API returns ``code`` too."""

    status_code = 400

    def __init__(
        self,
        code: str,
        message: str,
        *,
        fields: dict[str, list[str]] | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields or {}
        if status_code is not None:
            self.status_code = status_code

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "fields": self.fields}


class NotFound(ChorusError):
    """Missing and someone else's look the same (no existence leak)."""

    status_code = 404

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__("not_found", message)


class Forbidden(ChorusError):
    status_code = 403

    def __init__(self, message: str, code: str = "permission_denied") -> None:
        super().__init__(code, message)
