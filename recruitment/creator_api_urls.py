"""The creator-facing API, included under ``/api/v1/creator/`` (config/urls.py).

Router basenames start with ``creator-`` so the route names (``api-v1:creator-application-list``)
never clash with the organization API's (``api-v1:application-list``).
"""

from django.urls import URLPattern, URLResolver, path

from core.api.routers import OptionalSlashRouter
from creators.notifications_api import CreatorNotificationViewSet
from recruitment.creator_api import (
    CreatorApplicationViewSet,
    CreatorCampaignViewSet,
    CreatorInvitationViewSet,
    CreatorParticipationViewSet,
    CreatorProfileViewSet,
)

router = OptionalSlashRouter()
router.register("campaigns", CreatorCampaignViewSet, basename="creator-campaign")
router.register("applications", CreatorApplicationViewSet, basename="creator-application")
router.register("invitations", CreatorInvitationViewSet, basename="creator-invitation")
router.register("participations", CreatorParticipationViewSet, basename="creator-participation")
router.register("notifications", CreatorNotificationViewSet, basename="creator-notification")

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "profile/",
        CreatorProfileViewSet.as_view({"get": "retrieve"}),
        name="creator-profile",
    ),
    *router.urls,
]
