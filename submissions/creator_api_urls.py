"""The creator API for submissions, included under ``/api/v1/creator/`` (config/urls.py).
Basenames start with ``creator-`` (as recruitment.creator_api_urls)."""

from django.urls import URLPattern, URLResolver

from core.api.routers import OptionalSlashRouter
from submissions.creator_api import CreatorSlotViewSet

router = OptionalSlashRouter()
router.register("slots", CreatorSlotViewSet, basename="creator-slot")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
