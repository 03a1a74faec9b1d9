from django.urls import URLPattern, URLResolver

from core.api.routers import OptionalSlashRouter
from notifications.api import NotificationViewSet

router = OptionalSlashRouter()
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
