from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from recruitment.api import ApplicationViewSet, CampaignInvitationViewSet, ParticipationViewSet

router = SimpleRouter(trailing_slash="/?")
router.register("applications", ApplicationViewSet, basename="application")
router.register("participations", ParticipationViewSet, basename="participation")
router.register("campaign-invitations", CampaignInvitationViewSet, basename="campaign-invitation")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
