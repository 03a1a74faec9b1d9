"""PayoutRetry's one-row-per-group constraint leads with organization_id (DESIGN: Tenancy).

Safe on a populated table: every existing row already is unique on (brand, creator, currency),
so it is unique on any superset of those columns — (organization, brand, creator, currency)
cannot be violated by rows that exist (and a brand has one organization, so the groups are the
same ones). On PostgreSQL the new unique index is built CONCURRENTLY (writes go on meanwhile;
a failed earlier build's invalid index is dropped first), then attached as the constraint
(``USING INDEX``, no second scan), and only then is the old constraint dropped: at no moment is
a group without a uniqueness guarantee. Other databases (SQLite, the embedded default) use the
ordinary schema operations.
"""

from django.db import migrations, models

OLD = models.UniqueConstraint(
    fields=("brand", "creator", "currency"), name="payout_retry_group_unique"
)
NEW = models.UniqueConstraint(
    fields=("organization", "brand", "creator", "currency"),
    name="payout_retry_org_group_unique",
)
TABLE = "payouts_payoutretry"
COLUMNS = '"organization_id", "brand_id", "creator_id", "currency"'


def forwards(apps, schema_editor):
    model = apps.get_model("payouts", "PayoutRetry")
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.add_constraint(model, NEW)
        schema_editor.remove_constraint(model, OLD)
        return
    schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{NEW.name}"')
    schema_editor.execute(f'CREATE UNIQUE INDEX CONCURRENTLY "{NEW.name}" ON "{TABLE}" ({COLUMNS})')
    schema_editor.execute(
        f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{NEW.name}" UNIQUE USING INDEX "{NEW.name}"'
    )
    schema_editor.execute(f'ALTER TABLE "{TABLE}" DROP CONSTRAINT IF EXISTS "{OLD.name}"')


def backwards(apps, schema_editor):
    # Rows unique per (organization, group) are unique per group: a brand has one organization.
    model = apps.get_model("payouts", "PayoutRetry")
    schema_editor.add_constraint(model, OLD)
    schema_editor.remove_constraint(model, NEW)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [("payouts", "0007_view_bonus_schedule")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(model_name="payoutretry", name=OLD.name),
                migrations.AddConstraint(model_name="payoutretry", constraint=NEW),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        )
    ]
