"""The analytics API, included under ``/api/v1/`` (config/urls.py)."""

from django.urls import URLPattern, URLResolver

from analytics.api import PostMetricsViewSet
from core.api.routers import OptionalSlashRouter

router = OptionalSlashRouter()
router.register("post-metrics", PostMetricsViewSet, basename="post-metrics")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
