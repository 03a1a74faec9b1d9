"""How many of a post's views the view bonus has been computed for (payouts.bonuses)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("analytics", "0005_brin_time_indexes")]

    operations = [
        migrations.AddField(
            model_name="postmetrics",
            name="bonus_views",
            field=models.BigIntegerField(default=0),
        ),
    ]
