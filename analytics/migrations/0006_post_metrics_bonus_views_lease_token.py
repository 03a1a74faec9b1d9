"""How many of a post's views the view bonus has been computed for (payouts.bonuses), and the
token of the claim that holds a post's pull lease (analytics.pulls)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("analytics", "0005_brin_time_indexes")]

    operations = [
        migrations.AddField(
            model_name="postmetrics",
            name="bonus_views",
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="postmetrics",
            name="lease_token",
            field=models.UUIDField(blank=True, null=True),
        ),
    ]
