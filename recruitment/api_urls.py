from django.urls import URLPattern, URLResolver

from core.api.routers import OptionalSlashRouter
from recruitment.api import (
    ApplicationViewSet,
    CampaignCapacityViewSet,
    CampaignInvitationViewSet,
    ParticipationViewSet,
)

router = OptionalSlashRouter()
router.register("applications", ApplicationViewSet, basename="application")
router.register("participations", ParticipationViewSet, basename="participation")
router.register("campaign-capacity", CampaignCapacityViewSet, basename="campaign-capacity")
router.register("campaign-invitations", CampaignInvitationViewSet, basename="campaign-invitation")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
