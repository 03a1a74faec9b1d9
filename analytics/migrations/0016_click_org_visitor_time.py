"""An index on (organization, visitor hash, time) of the clicks: attribution reads the buyer's
clicks by keyed visitor hash within the campaigns' window (``analytics.attribution``), and
without it that read scanned the organization's clicks in the window on every order.

Clicks are the largest table, so on PostgreSQL the index is built CONCURRENTLY (clicks are
written on while it builds; a failed earlier build's invalid index is dropped first), as in
0012. Other databases (SQLite) use the ordinary schema operation.
"""

from django.db import migrations, models

INDEX = models.Index(
    fields=("organization", "visitor_hash", "created_at"), name="click_org_visitor_time"
)


def forwards(apps, schema_editor):
    model = apps.get_model("analytics", "click")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{INDEX.name}"')
        schema_editor.add_index(model, INDEX, concurrently=True)
    else:
        schema_editor.add_index(model, INDEX)


def backwards(apps, schema_editor):
    model = apps.get_model("analytics", "click")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(model, INDEX, concurrently=True)
    else:
        schema_editor.remove_index(model, INDEX)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [("analytics", "0015_post_metrics_reconnect")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="click", index=INDEX)],
            database_operations=[migrations.RunPython(forwards, backwards)],
        )
    ]
