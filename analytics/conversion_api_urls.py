"""The conversion API, included under ``/api/v1/`` (config/urls.py)."""

from django.urls import URLPattern, URLResolver

from analytics.conversion_api import ConversionViewSet, StoreConnectionViewSet
from core.api.routers import OptionalSlashRouter

router = OptionalSlashRouter()
router.register("conversions", ConversionViewSet, basename="conversion")
router.register("stores", StoreConnectionViewSet, basename="store")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
