"""Defensive readers for decoded JSON: a wrong shape becomes UnexpectedResponse, never KeyError."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from platforms.errors import UnexpectedResponse

JSONObject = dict[str, Any]
# Counts are stored in PostgreSQL bigint columns: a figure past it is no real count, and
# storing it would fail the whole batch's write.
MAX_COUNT = 2**63 - 1


class Reader:
    """Reads fields of one platform's payloads, naming the platform in errors."""

    def __init__(self, platform: str) -> None:
        self.platform = platform

    def fail(self, what: str) -> UnexpectedResponse:
        return UnexpectedResponse(f"unexpected response: {what}", platform=self.platform)

    def obj(self, value: object, what: str) -> JSONObject:
        if not isinstance(value, dict):
            raise self.fail(f"{what} is not an object")
        return value

    def opt_obj(self, parent: JSONObject, key: str) -> JSONObject:
        """A nested object that may be absent (absent reads as empty)."""
        value = parent.get(key)
        return {} if value is None else self.obj(value, key)

    def items(self, parent: JSONObject, key: str) -> list[JSONObject]:
        """A list of objects that may be absent (absent reads as empty)."""
        value = parent.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(f"{key} is not a list")
        return [self.obj(v, f"an item of {key}") for v in value]

    def by_id(
        self, parent: JSONObject, key: str, id_key: str = "id"
    ) -> tuple[dict[str, JSONObject], int]:
        """A list of objects keyed by their id, and how many items could not be read (not an
        object, or no id). Such an item is some post we cannot name, so a post left out of
        the answer is then no verdict on it."""
        value = parent.get(key)
        if value is None:
            return {}, 0
        if not isinstance(value, list):
            raise self.fail(f"{key} is not a list")
        found: dict[str, JSONObject] = {}
        unreadable = 0
        for item in value:
            ident = item.get(id_key) if isinstance(item, dict) else None
            if isinstance(ident, str | int) and not isinstance(ident, bool) and str(ident):
                found.setdefault(str(ident), item)
            else:
                unreadable += 1
        return found, unreadable

    def string(self, parent: JSONObject, key: str, *, required: bool = False) -> str:
        value = parent.get(key)
        if value is None:
            if required:
                raise self.fail(f"{key} is missing")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise self.fail(f"{key} is not a string")
        return str(value)

    def count(self, parent: JSONObject, key: str, *, required: bool = False) -> int:
        """A non-negative count; YouTube sends uint64 as strings, others as numbers."""
        value = parent.get(key)
        if value is None:
            if required:
                raise self.fail(f"{key} is missing")
            return 0
        if isinstance(value, bool):
            raise self.fail(f"{key} is not a count")
        if isinstance(value, int):
            number = value
        elif isinstance(value, str) and value.isascii() and value.isdigit():
            number = int(value)
        else:
            raise self.fail(f"{key} is not a count")
        if number < 0:
            raise self.fail(f"{key} is negative")
        if number > MAX_COUNT:
            raise self.fail(f"{key} is out of range")
        return number

    def opt_count(self, parent: JSONObject, key: str) -> int | None:
        """A count that may be absent: None (not 0) when the platform gave no figure."""
        if parent.get(key) is None:
            return None
        return self.count(parent, key)

    def timestamp(self, parent: JSONObject, key: str) -> datetime:
        """An ISO-8601 time (``…Z`` or Graph's ``…+0000``) as an aware UTC datetime."""
        value = self.string(parent, key, required=True)
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError as exc:
            raise self.fail(f"{key} is not a time") from exc
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
