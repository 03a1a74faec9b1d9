"""REST API for notifications, organization side (``/api/v1/notifications/``).

Notifications belong to people: a member using the API with their session (naming the
organization in ``X-Chorus-Organization``) sees their own notifications from that organization.
An API key is no person, so it has none (an empty list; any id answers 404). The creator side is
``creators.notifications_api`` (``/api/v1/creator/notifications/``); both share the serializer,
filter and actions here.
"""

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from notifications import selectors, services
from notifications.models import Notification
from organizations.access import OrgAccess
from organizations.api_base import OrgScopedViewSet
from organizations.models import Organization
from organizations.roles import Scope
from users.models import User


class NotificationSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    organization = serializers.CharField(
        source="organization.name",
        read_only=True,
        allow_null=True,
        help_text="The organization it comes from; null for a personal notice.",
    )
    link = serializers.SerializerMethodField(help_text="Absolute URL the notice points to.")
    unread = serializers.BooleanField(source="is_unread", read_only=True)

    class Meta:
        model = Notification
        fields = (
            "id",
            "kind",
            "title",
            "body",
            "link",
            "organization",
            "unread",
            "read_at",
            "created_at",
        )
        read_only_fields = fields

    def get_link(self, obj: Notification) -> str:
        return services.absolute_url(obj.url)


class MarkedReadSerializer(serializers.Serializer):
    marked_read = serializers.IntegerField(help_text="How many notifications were unread.")


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        field_name="read_at", lookup_expr="isnull", help_text="Only unread (true) or read (false)."
    )
    kind = django_filters.CharFilter(help_text="A notification kind, e.g. `application_received`.")

    class Meta:
        model = Notification
        fields = ("unread", "kind")


_NOT_FOUND = OpenApiResponse(description="No such notification among yours.")


class NotificationActions:
    """``read`` (one) and ``read-all`` for a viewset whose queryset is one person's."""

    def _owner(self) -> User:
        raise NotImplementedError

    def _read_all_organization(self) -> Organization | None:
        raise NotImplementedError

    @extend_schema(
        summary="Mark a notification read",
        request=None,
        responses={200: NotificationSerializer, 404: _NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def read(self, request: Request, public_id: str) -> Response:
        notification = self.get_object()  # type: ignore[attr-defined]
        services.notification_mark_read(user=self._owner(), notification=notification)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        summary="Mark all notifications read",
        request=None,
        responses={200: MarkedReadSerializer},
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        owner = self._owner()
        count = (
            services.notifications_mark_all_read(
                user=owner, organization=self._read_all_organization()
            )
            if owner.pk
            else 0
        )
        return Response({"marked_read": count})


@extend_schema_view(
    list=extend_schema(
        summary="List your notifications",
        description="Your notifications from this organization, newest first. Needs a member's "
        "session: an API key has none. Filter with `unread=true`.",
    ),
    retrieve=extend_schema(
        summary="Get a notification",
        responses={200: NotificationSerializer, 404: _NOT_FOUND},
    ),
)
class NotificationViewSet(
    NotificationActions, OrgScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin
):
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    ordering_fields = ("created_at",)
    ordering = ("-created_at",)
    required_scopes = {
        "list": Scope.ORG_READ,
        "retrieve": Scope.ORG_READ,
        "read": Scope.ORG_READ,  # marking your own notice read changes nothing of the organization's
        "read_all": Scope.ORG_READ,
    }

    def scoped_queryset(self, access: OrgAccess) -> QuerySet[Any]:
        if access.user is None:  # an API key: no person, no notifications
            return Notification.objects.none()
        return selectors.notifications_for_user(access.user, organization=access.organization)

    def _owner(self) -> User:
        return self.access.user or User()  # an unsaved user owns nothing

    def _read_all_organization(self) -> Organization | None:
        return self.access.organization
