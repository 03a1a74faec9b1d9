"""Notifications moved to the ``notifications`` app: its 0002 copied the rows; drop the old table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("recruitment", "0002_periodic_tasks"),
        ("notifications", "0002_copy_from_recruitment"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="notification", name="notification_recipient"),
        migrations.RemoveIndex(model_name="notification", name="notification_unread"),
        migrations.DeleteModel(name="Notification"),
    ]
