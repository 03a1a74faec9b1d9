"""BRIN indexes on the time columns of the append-only series (PostgreSQL only).

Rows arrive in time order, so a BRIN index answers time-range scans for a tiny fraction of a
B-tree's size and write cost. SQLite (the embedded default) has no BRIN; it does without.
"""

from django.db import migrations

INDEXES = (
    ("analytics_click", "created_at", "click_time_brin"),
    ("analytics_postmetricsnapshot", "retrieved_at", "snapshot_time_brin"),
    ("analytics_conversion", "occurred_at", "conversion_time_brin"),
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column, name in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING brin ("{column}") '
            "WITH (autosummarize = on)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, _column, name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("analytics", "0004_metrics_and_conversions")]

    operations = [migrations.RunPython(forwards, backwards)]
