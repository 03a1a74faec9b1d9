"""One ownership check: "this object is yours, or it does not exist".

An owner is whoever acts — an organization's ``OrgAccess`` (organization and brand limit) or a
creator's ``CreatorProfile`` (their own rows) — and answers ``owns(obj)``. Someone else's object
raises the same ``NotFound`` as a missing one, so nothing leaks that it exists.
"""

from typing import Protocol

from core.errors import ChorusError, NotFound


class Owner(Protocol):
    def owns(self, obj: object) -> bool: ...


def require_owns[T](owner: Owner, obj: T | None, *, what: str, field: str | None = None) -> T:
    """``obj`` when ``owner`` owns it; otherwise ``NotFound("No such <what>.")`` (naming
    ``field`` in ``fields`` when the object came from an input field)."""
    if obj is None or not owner.owns(obj):
        message = f"No such {what}."
        if field is None:
            raise NotFound(message)
        raise ChorusError("not_found", message, fields={field: [message]}, status_code=404)
    return obj
