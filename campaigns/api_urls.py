from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from campaigns.api import CampaignViewSet

router = SimpleRouter(trailing_slash="/?")  # type: ignore[arg-type]  # DRF accepts a regex
router.register("campaigns", CampaignViewSet, basename="campaign")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
