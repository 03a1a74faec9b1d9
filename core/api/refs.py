"""The one way an id in a request body becomes an object: ``resolve_ref``.

An id that names nothing — missing, or another organization's (another creator's), or outside
the caller's brand limit — answers exactly the same: ``400 {code: "not_found", fields: {<field>:
["No such <noun>."]}}``. A 400, because the request is what is wrong (the URL names a real
resource); the same body and status for "missing" and "someone else's", so nothing leaks. The
lookup itself is the app's scoped selector (``campaign_get_for_org`` …), which raises
``core.errors.NotFound`` for both; this module only turns that into the field error.

Ids in query strings filter a list inside the caller's scope: another tenant's id matches
nothing, exactly like a missing one (an empty page, not an error).
"""

from collections.abc import Callable
from typing import Any

from rest_framework import serializers

from core.errors import ChorusError, NotFound

REF_MAX_LENGTH = 40


class RefNotFound(ChorusError):
    """An id in the request body that names nothing the caller may use."""

    status_code = 400

    def __init__(self, field: str, noun: str) -> None:
        message = f"No such {noun}."
        super().__init__("not_found", f"{field}: {message}", fields={field: [message]})


def resolve_ref[T](field: str, noun: str, value: str, lookup: Callable[[str], T]) -> T:
    """``lookup(value)`` (a scoped selector), or the field's ``not_found`` error."""
    try:
        return lookup(value)
    except NotFound as exc:
        raise RefNotFound(field, noun) from exc


def resolve_optional_ref[T](
    field: str, noun: str, value: str | None, lookup: Callable[[str], T]
) -> T | None:
    """As ``resolve_ref``; a blank or absent id is ``None``."""
    if not value:
        return None
    return resolve_ref(field, noun, value, lookup)


def RefField(noun: str, prefix: str, **kwargs: Any) -> serializers.CharField:
    """A body field holding the public id of one object (``cmp_…``): text, documented as such."""
    kwargs.setdefault("help_text", f"{noun.capitalize()} id ({prefix}_…).")
    return serializers.CharField(max_length=REF_MAX_LENGTH, **kwargs)
