from django.urls import path
from rest_framework.routers import SimpleRouter

from organizations.api import BrandViewSet, InvitationViewSet, MemberViewSet, OrganizationViewSet

router = SimpleRouter(trailing_slash="/?")  # type: ignore[arg-type]  # DRF accepts a regex
router.register("brands", BrandViewSet, basename="brand")
router.register("members", MemberViewSet, basename="member")
router.register("invitations", InvitationViewSet, basename="invitation")

urlpatterns = [
    path(
        "organization/",
        OrganizationViewSet.as_view({"get": "current", "patch": "update_current"}),
        name="organization",
    ),
    *router.urls,
]
