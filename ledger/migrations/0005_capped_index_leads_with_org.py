"""The capped-transactions index leads with organization_id (DESIGN: Tenancy), like every
tenant index. Built CONCURRENTLY on PostgreSQL before the old one is dropped CONCURRENTLY (the
ledger is written all the time; a failed earlier build's invalid index is dropped first). A
plain partial index: existing rows cannot violate it. SQLite uses the ordinary operations."""

from django.db import migrations, models
from django.db.models import Q

OLD = models.Index(fields=("campaign",), condition=Q(capped_cents__gt=0), name="ledger_txn_capped")
NEW = models.Index(
    fields=("organization", "campaign"),
    condition=Q(capped_cents__gt=0),
    name="ledger_txn_org_capped",
)


def _swap(apps, schema_editor, add: models.Index, drop: models.Index) -> None:
    model = apps.get_model("ledger", "Transaction")
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.add_index(model, add)
        schema_editor.remove_index(model, drop)
        return
    schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{add.name}"')
    schema_editor.add_index(model, add, concurrently=True)
    schema_editor.remove_index(model, drop, concurrently=True)


def forwards(apps, schema_editor):
    _swap(apps, schema_editor, NEW, OLD)


def backwards(apps, schema_editor):
    _swap(apps, schema_editor, OLD, NEW)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [("ledger", "0004_capped_transactions_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="transaction", name=OLD.name),
                migrations.AddIndex(model_name="transaction", index=NEW),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        )
    ]
