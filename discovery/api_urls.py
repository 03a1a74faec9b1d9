from django.urls import URLPattern, URLResolver

from core.api.routers import OptionalSlashRouter
from discovery.api import CreatorSearchViewSet, InviteBatchViewSet, ShortlistViewSet

router = OptionalSlashRouter()
router.register("creators", CreatorSearchViewSet, basename="creator-search")
router.register("shortlists", ShortlistViewSet, basename="shortlist")
router.register("invite-batches", InviteBatchViewSet, basename="invite-batch")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
