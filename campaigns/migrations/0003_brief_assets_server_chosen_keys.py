"""Move brief assets stored under the uploader's name to server-chosen keys.

Old keys were ``campaigns/assets/<yyyy>/<mm>/<uploaded name>``; new ones are
``<org public id>/brief-asset/<opaque>.<sniffed ext>`` (core.files). Each file's bytes are sniffed
again; a file that is missing or not an allowed type is dropped with its row (it could only have
been served as something it is not).
"""

from django.db import migrations


def rekey_assets(apps, schema_editor):
    from campaigns.models import BRIEF_ASSET
    from core import files

    CampaignAsset = apps.get_model("campaigns", "CampaignAsset")
    for asset in CampaignAsset.objects.select_related("organization").iterator():
        key = asset.file.name if asset.file else ""
        if key.startswith(f"{asset.organization.public_id}/{BRIEF_ASSET.name}/"):
            continue
        stored = files.rekey(key, kind=BRIEF_ASSET, owner=asset.organization.public_id)
        if stored is None:
            asset.delete()
            continue
        CampaignAsset.objects.filter(pk=asset.pk).update(
            file=stored.key, content_type=stored.content_type
        )


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0002_campaignasset")]

    operations = [migrations.RunPython(rekey_assets, migrations.RunPython.noop, elidable=True)]
