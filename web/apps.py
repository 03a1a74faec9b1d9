from typing import Any
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def sync_site(**kwargs: Any) -> None:
    """The Site allauth names in e-mails ("[Chorus]", links, 'the team at …') is Chorus at
    SITE_URL, not Django's example.com. Run after every migrate, so a new port is picked up."""
    from django.conf import settings
    from django.contrib.sites.models import Site

    domain = urlsplit(str(settings.SITE_URL)).netloc or "127.0.0.1:8000"
    Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"name": "Chorus", "domain": domain[:100]}
    )
    Site.objects.clear_cache()


class WebConfig(AppConfig):
    name = "web"
    verbose_name = "Web"

    def ready(self) -> None:
        from django.apps import apps

        # web has no models, so it gets no post_migrate of its own; ride on the sites app's
        # (connected after sites' own handler that creates example.com).
        post_migrate.connect(
            sync_site, sender=apps.get_app_config("sites"), dispatch_uid="web.sync_site"
        )
        from creators.portal import register_home_section
        from web.dashboard import creator_home_stats

        register_home_section("web.stats", creator_home_stats, order=60)
