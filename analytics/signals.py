"""Drop cached tracking links when what they were built from changes.

Receivers of Django's own model signals, so the apps below (campaigns, organizations,
recruitment) stay unaware of analytics. Bulk ``QuerySet.update()`` sends no signal: the cache's
short TTL (``TRACKING_LINK_CACHE_SECONDS``) bounds how long such a change goes unseen.
"""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from analytics.services import tracking_links_forget, tracking_links_forget_where
from campaigns.models import Campaign
from organizations.models import Brand
from recruitment.models import Participation

# The fields a link's cached entry is built from.
CAMPAIGN_FIELDS = {"landing_url", "status", "brand", "brand_id"}
BRAND_FIELDS = {"website", "landing_domains"}
PARTICIPATION_FIELDS = {"tracking_code", "campaign", "campaign_id", "organization"}


def _touches(update_fields: Any, fields: set[str]) -> bool:
    return update_fields is None or bool(fields & set(update_fields))


@receiver(post_save, sender=Campaign, dispatch_uid="analytics.campaign_saved")
def campaign_saved(instance: Campaign, created: bool, update_fields: Any, **_: Any) -> None:
    if not created and _touches(update_fields, CAMPAIGN_FIELDS):
        tracking_links_forget_where(campaign_id=instance.pk)


@receiver(post_save, sender=Brand, dispatch_uid="analytics.brand_saved")
def brand_saved(instance: Brand, created: bool, update_fields: Any, **_: Any) -> None:
    if not created and _touches(update_fields, BRAND_FIELDS):
        tracking_links_forget_where(campaign__brand_id=instance.pk)


@receiver(post_save, sender=Participation, dispatch_uid="analytics.participation_saved")
def participation_saved(
    instance: Participation, created: bool, update_fields: Any, **_: Any
) -> None:
    # Created too: the code may have been looked up (and cached as unknown) before.
    if created or _touches(update_fields, PARTICIPATION_FIELDS):
        tracking_links_forget(codes=[instance.tracking_code])


@receiver(post_delete, sender=Participation, dispatch_uid="analytics.participation_deleted")
def participation_deleted(instance: Participation, **_: Any) -> None:
    tracking_links_forget(codes=[instance.tracking_code])
