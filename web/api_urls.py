"""The performance API, included under ``/api/v1/`` (config/urls.py)."""

from django.urls import URLPattern, URLResolver

from core.api.routers import OptionalSlashRouter
from web.dashboard_api import CampaignPerformanceViewSet

router = OptionalSlashRouter()
router.register("campaign-performance", CampaignPerformanceViewSet, basename="campaign-performance")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
