"""Every row of every model of our apps (and allauth's e-mail addresses and authenticators).

``take()`` reads them all, ``diff(before, after)`` says what changed, row by row. Columns that
change on any authenticated request (``User.last_login``, ``ApiKey.last_used_at``) are ignored.
"""

import functools
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, models

# Columns that a harmless request may touch: logging in, using an API key.
VOLATILE: dict[str, set[str]] = {
    "users.user": {"last_login"},
    "organizations.apikey": {"last_used_at"},
}
# Third-party models that belong to our users and must not change either.
EXTRA_MODELS = ("account.EmailAddress", "mfa.Authenticator")

Rows = dict[Any, tuple[Any, ...]]
Snapshot = dict[str, tuple[tuple[str, ...], Rows]]


def _is_ours(app_path: str) -> bool:
    base = Path(settings.BASE_DIR).resolve()
    path = Path(app_path).resolve()
    return (
        path.is_relative_to(base)
        and ".venv" not in path.parts
        and "site-packages" not in path.parts
    )


@functools.cache
def snapshot_models() -> list[type[models.Model]]:
    """Our apps' concrete models (users, organizations, campaigns, creators, …) plus EXTRA_MODELS.

    A model whose table does not exist yet (its migration is still being written) holds no rows
    to change and is left out; the missing migration is caught by ``makemigrations --check``.
    """
    tables = set(connection.introspection.table_names())
    found: list[type[models.Model]] = []
    for config in apps.get_app_configs():
        if _is_ours(config.path):
            found.extend(
                m
                for m in config.get_models()
                if not m._meta.proxy and m._meta.managed and m._meta.db_table in tables
            )
    for label in EXTRA_MODELS:
        try:
            found.append(apps.get_model(label))
        except LookupError:  # that part of allauth is not installed
            continue
    return found


def take() -> Snapshot:
    snap: Snapshot = {}
    for model in snapshot_models():
        label = model._meta.label_lower
        skip = VOLATILE.get(label, set())
        columns = tuple(f.attname for f in model._meta.concrete_fields if f.attname not in skip)
        pk = model._meta.pk.attname
        rows = model._base_manager.order_by(pk).values_list(*columns)
        pk_index = columns.index(pk)
        snap[label] = (columns, {row[pk_index]: row for row in rows})
    return snap


def write_counters() -> dict[str, tuple[int, ...]] | None:
    """PostgreSQL's count of rows inserted, updated and deleted per table in this transaction.

    One cheap query: when it is unchanged across a request, nothing was written and the full
    snapshot can be skipped. None on other databases (then always take the full snapshot).
    """
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables"
        )
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}


def changes_since(
    baseline: Snapshot, counters_before: dict[str, tuple[int, ...]] | None
) -> list[str]:
    """What changed since ``baseline``; skips the full read when PostgreSQL saw no write."""
    if counters_before is not None and write_counters() == counters_before:
        return []
    return diff(baseline, take())


def diff(before: Snapshot, after: Snapshot, limit: int = 10) -> list[str]:
    """Human-readable differences: rows added, removed or changed (column by column)."""
    changes: list[str] = []
    for label, (columns, rows_before) in before.items():
        rows_after = after.get(label, (columns, {}))[1]
        for pk in rows_after.keys() - rows_before.keys():
            changes.append(
                f"{label} pk={pk} ADDED: {dict(zip(columns, rows_after[pk], strict=True))}"
            )
        for pk in rows_before.keys() - rows_after.keys():
            changes.append(
                f"{label} pk={pk} DELETED: {dict(zip(columns, rows_before[pk], strict=True))}"
            )
        for pk in rows_before.keys() & rows_after.keys():
            old, new = rows_before[pk], rows_after[pk]
            if old != new:
                changed = {c: (o, n) for c, o, n in zip(columns, old, new, strict=True) if o != n}
                changes.append(
                    f"{label} pk={pk} CHANGED: "
                    + ", ".join(f"{c}: {o!r} -> {n!r}" for c, (o, n) in changed.items())
                )
    if len(changes) > limit:
        changes = [*changes[:limit], f"... and {len(changes) - limit} more"]
    return changes
