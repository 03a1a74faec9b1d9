from django.urls import URLPattern, URLResolver

from core.api.routers import OptionalSlashRouter
from submissions.api import ContentLibraryViewSet, SubmissionViewSet

router = OptionalSlashRouter()
router.register("submissions", SubmissionViewSet, basename="submission")
router.register("content-library", ContentLibraryViewSet, basename="content-library")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
