"""Clicks get the id they were given when the visitor clicked (the batch writer inserts each
once) and keep that moment as created_at; the unique key replaces the (organization, time)
index it starts with."""

import uuid

import django.utils.timezone
from django.db import migrations, models


def give_ids(apps, schema_editor):
    Click = apps.get_model("analytics", "Click")
    for pk in Click.objects.filter(click_id__isnull=True).values_list("pk", flat=True).iterator():
        Click.objects.filter(pk=pk).update(click_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="click", name="click_id", field=models.UUIDField(null=True, editable=False)
        ),
        migrations.RunPython(give_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="click",
            name="click_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="click",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RemoveIndex(model_name="click", name="click_org_time"),
        migrations.AddConstraint(
            model_name="click",
            constraint=models.UniqueConstraint(
                fields=("organization", "created_at", "click_id"), name="click_unique_id"
            ),
        ),
    ]
