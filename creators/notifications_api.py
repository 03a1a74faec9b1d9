"""The creator's notifications in the creator API (``/api/v1/creator/notifications/``): every
notification of the signed-in creator, from every organization. The organization side and the
shared serializer and actions are in ``notifications.api``."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins

from creators.api_base import CreatorScopedViewSet
from creators.models import CreatorProfile
from notifications import selectors
from notifications.api import NotificationActions, NotificationFilter, NotificationSerializer
from organizations.models import Organization
from users.models import User


@extend_schema_view(
    list=extend_schema(
        summary="List your notifications",
        description="Every notification you have, from every organization, newest first. "
        "Filter with `unread=true`.",
    ),
    retrieve=extend_schema(
        summary="Get one of your notifications",
        responses={
            200: NotificationSerializer,
            403: OpenApiResponse(description="`creator_only`, `not_a_creator` or not signed in."),
            404: OpenApiResponse(description="No such notification among yours."),
        },
    ),
)
class CreatorNotificationViewSet(
    NotificationActions, CreatorScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin
):
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    ordering_fields = ("created_at",)
    ordering = ("-created_at",)
    creator_actions = frozenset({"list", "retrieve", "read", "read_all"})

    def scoped_queryset(self, creator: CreatorProfile) -> QuerySet[Any]:
        return selectors.notifications_for_user(creator.user)

    def _owner(self) -> User:
        return self.current_creator.user

    def _read_all_organization(self) -> Organization | None:
        return None
