"""The (post, time) and (participation, time) indexes of the snapshot and click series lead
with organization_id (DESIGN: Tenancy, Growing past one machine), like every tenant index.

These tables are the largest ones, so on PostgreSQL each new index is built CONCURRENTLY
(writes go on; a failed earlier build's invalid index is dropped first) before the old one is
dropped CONCURRENTLY: queries always have one of the two. Plain indexes cannot be violated by
existing rows. Other databases (SQLite) use the ordinary schema operations.
"""

from django.db import migrations, models

CHANGES = (
    (
        "click",
        models.Index(fields=("participation", "created_at"), name="click_participation_time"),
        models.Index(
            fields=("organization", "participation", "created_at"),
            name="click_org_participation_time",
        ),
    ),
    (
        "postmetricsnapshot",
        models.Index(fields=("live_post", "retrieved_at"), name="snapshot_post_time"),
        models.Index(
            fields=("organization", "live_post", "retrieved_at"), name="snapshot_org_post_time"
        ),
    ),
)


def _swap(apps, schema_editor, *, backwards: bool) -> None:
    postgres = schema_editor.connection.vendor == "postgresql"
    options = {"concurrently": True} if postgres else {}
    for model_name, old, new in CHANGES:
        model = apps.get_model("analytics", model_name)
        add, drop = (old, new) if backwards else (new, old)
        if postgres:
            schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{add.name}"')
        schema_editor.add_index(model, add, **options)
        schema_editor.remove_index(model, drop, **options)


def forwards(apps, schema_editor):
    _swap(apps, schema_editor, backwards=False)


def backwards(apps, schema_editor):
    _swap(apps, schema_editor, backwards=True)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [("analytics", "0011_rollup_state_snapshot_xmin")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                op
                for model_name, old, new in CHANGES
                for op in (
                    migrations.RemoveIndex(model_name=model_name, name=old.name),
                    migrations.AddIndex(model_name=model_name, index=new),
                )
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        )
    ]
