"""PayoutRetry's one-row-per-group constraint leads with organization_id (DESIGN: Tenancy).

Safe on a populated table: every existing row already is unique on (brand, creator, currency),
so it is unique on any superset of those columns — (organization, brand, creator, currency)
cannot be violated by rows that exist (and a brand has one organization, so the groups are the
same ones). On PostgreSQL the new unique index is built CONCURRENTLY (writes go on meanwhile;
a failed earlier build's invalid index is dropped first), then attached as the constraint
(``USING INDEX``, no second scan), and only then is the old constraint dropped: at no moment is
a group without a uniqueness guarantee. Other databases (SQLite, the embedded default) use the
ordinary schema operations (SQLite rebuilds the table).
"""

from django.db import migrations, models

OLD = models.UniqueConstraint(
    fields=("brand", "creator", "currency"), name="payout_retry_group_unique"
)
NEW = models.UniqueConstraint(
    fields=("organization", "brand", "creator", "currency"),
    name="payout_retry_org_group_unique",
)


class AddUniqueConstraintConcurrently(migrations.AddConstraint):
    """``AddConstraint`` that on PostgreSQL builds the unique index CONCURRENTLY (a failed earlier
    build's invalid index dropped first) and attaches it with ``USING INDEX``. Elsewhere, and
    backwards, the ordinary operation (SQLite rebuilds the table from the new state)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        q = schema_editor.quote_name
        table, name = q(model._meta.db_table), q(self.constraint.name)
        columns = ", ".join(q(model._meta.get_field(f).column) for f in self.constraint.fields)
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        schema_editor.execute(f"CREATE UNIQUE INDEX CONCURRENTLY {name} ON {table} ({columns})")
        schema_editor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} UNIQUE USING INDEX {name}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [("payouts", "0007_view_bonus_schedule")]

    operations = [
        # New first, old dropped after: a group is never without a uniqueness guarantee.
        AddUniqueConstraintConcurrently(model_name="payoutretry", constraint=NEW),
        migrations.RemoveConstraint(model_name="payoutretry", name=OLD.name),
    ]
