"""Move profile photos to server-chosen keys: ``creators/creator-photo/<opaque>.<ext>``.

The bytes are sniffed again; a photo that is missing or not JPEG/PNG/WebP is dropped.
"""

from django.db import migrations


def rekey_photos(apps, schema_editor):
    from core import files
    from creators.models import CREATOR_PHOTO

    CreatorProfile = apps.get_model("creators", "CreatorProfile")
    for profile in CreatorProfile.objects.exclude(photo="").iterator():
        key = profile.photo.name
        if key.startswith(f"creators/{CREATOR_PHOTO.name}/"):
            continue
        stored = files.rekey(key, kind=CREATOR_PHOTO, owner="creators")
        CreatorProfile.objects.filter(pk=profile.pk).update(photo=stored.key if stored else "")


class Migration(migrations.Migration):
    dependencies = [("creators", "0004_refresh_sweep_schedule")]

    operations = [migrations.RunPython(rekey_photos, migrations.RunPython.noop, elidable=True)]
