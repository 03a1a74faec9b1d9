"""One ownership check: "this object is yours, or it does not exist".

An owner is whoever acts — an organization's ``OrgAccess`` (organization and brand limit) or a
creator's ``CreatorProfile`` (their own rows) — and answers ``owns(obj)``. Someone else's object
raises the same ``NotFound`` as a missing one, so nothing leaks that it exists.
"""

from typing import Protocol

from core.api.refs import RefNotFound
from core.errors import NotFound


class Owner(Protocol):
    def owns(self, obj: object) -> bool: ...


def require_owns[T](owner: Owner, obj: T | None, *, what: str, field: str | None = None) -> T:
    """``obj`` when ``owner`` owns it; otherwise ``NotFound("No such <what>.")`` (naming
    ``field`` in ``fields`` when the object came from an input field)."""
    if obj is None or not owner.owns(obj):
        message = f"No such {what}."
        if field is None:
            raise NotFound(message)
        # An id from a request body: the field's 400, the same for missing and someone else's.
        raise RefNotFound(field, what)
    return obj
