from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from discovery.api import CreatorSearchViewSet, InviteBatchViewSet, ShortlistViewSet

router = SimpleRouter(trailing_slash="/?")  # type: ignore[arg-type]  # DRF accepts a regex
router.register("creators", CreatorSearchViewSet, basename="creator-search")
router.register("shortlists", ShortlistViewSet, basename="shortlist")
router.register("invite-batches", InviteBatchViewSet, basename="invite-batch")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
