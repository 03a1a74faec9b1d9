from django.urls import re_path

from core.api.routers import OptionalSlashRouter
from organizations.api import BrandViewSet, InvitationViewSet, MemberViewSet, OrganizationViewSet

router = OptionalSlashRouter()
router.register("brands", BrandViewSet, basename="brand")
router.register("members", MemberViewSet, basename="member")
router.register("invitations", InvitationViewSet, basename="invitation")

urlpatterns = [
    re_path(
        r"^organization/?$",
        OrganizationViewSet.as_view({"get": "current", "patch": "update_current"}),
        name="organization",
    ),
    *router.urls,
]
