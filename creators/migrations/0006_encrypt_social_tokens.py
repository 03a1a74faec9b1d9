"""Encrypt the OAuth tokens allauth stored in plain text (creators.tokens); reversible."""

from django.db import migrations


def encrypt_existing(apps, schema_editor):
    from creators.tokens import encrypt_secret

    SocialToken = apps.get_model("socialaccount", "SocialToken")
    for pk, token, secret in SocialToken.objects.values_list("pk", "token", "token_secret"):
        new = (encrypt_secret(token), encrypt_secret(secret))
        if new != (token, secret):
            SocialToken.objects.filter(pk=pk).update(token=new[0], token_secret=new[1])


def decrypt_existing(apps, schema_editor):
    from creators.tokens import decrypt_secret

    SocialToken = apps.get_model("socialaccount", "SocialToken")
    for pk, token, secret in SocialToken.objects.values_list("pk", "token", "token_secret"):
        SocialToken.objects.filter(pk=pk).update(
            token=decrypt_secret(token), token_secret=decrypt_secret(secret)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("creators", "0005_photos_server_chosen_keys"),
        ("socialaccount", "0006_alter_socialaccount_extra_data"),
    ]

    operations = [migrations.RunPython(encrypt_existing, decrypt_existing, elidable=False)]
