from django.urls import URLPattern, URLResolver

from campaigns.api import CampaignViewSet
from core.api.routers import OptionalSlashRouter

router = OptionalSlashRouter()
router.register("campaigns", CampaignViewSet, basename="campaign")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
