"""Copy the notifications that recruitment kept (``recruitment_notification``) into this app's
table, keeping their public ids (links in e-mails already sent keep working), times, read state
and kinds (the kind keys are unchanged). Rows get new integer ids: nothing refers to those.

Why a copy and not ``SeparateDatabaseAndState`` (renaming the table in place): the new table has
new columns, indexes and names, and a plain create → copy → drop reads the same on PostgreSQL and
SQLite, runs backwards, and leaves no table whose name lies about its app. One INSERT … SELECT
moves every row inside the migration's transaction, so a failure leaves the old table as it was.
The old model is dropped by recruitment's 0003, which runs after this one.
"""

from django.db import migrations

COLUMNS = "public_id, created_at, recipient_id, organization_id, kind, title, body, url, read_at"

FORWARD = f"""
INSERT INTO notifications_notification ({COLUMNS}, data, email_wanted, emailed_at)
SELECT {COLUMNS}, '{{}}', FALSE, NULL FROM recruitment_notification ORDER BY id
"""

BACKWARD = f"""
INSERT INTO recruitment_notification ({COLUMNS})
SELECT {COLUMNS} FROM notifications_notification ORDER BY id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("recruitment", "0002_periodic_tasks"),
    ]

    operations = [migrations.RunSQL(FORWARD, reverse_sql=BACKWARD)]
