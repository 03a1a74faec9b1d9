"""REST API for platform metrics, organization side: each tracked live post's latest figures
and where its pulls stand (``/api/v1/post-metrics/<live post id>``). Reading needs
``analytics:read``; a brand-limited member or key sees its brand's posts only."""

from typing import Any

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from analytics.models import PostMetrics
from core.api.schema import error_response
from organizations.access import OrgAccess
from organizations.api_base import OrgScopedViewSet
from organizations.roles import Scope
from platforms.types import Platform


class PostMetricsSerializer(serializers.ModelSerializer[PostMetrics]):
    live_post = serializers.CharField(source="live_post.public_id", help_text="lpo_… id.")
    campaign = serializers.CharField(source="campaign.public_id", help_text="cmp_… id.")
    platform = serializers.ChoiceField(choices=Platform.choices)

    class Meta:
        model = PostMetrics
        fields = (
            "live_post",
            "campaign",
            "platform",
            "views",
            "likes",
            "comments",
            "shares",
            "saves",
            "retrieved_at",
            "status",
            "status_reason",
            "next_pull_at",
        )
        extra_kwargs = {
            "views": {"help_text": "Null: the platform gave no figure (never 0 by default)."},
            "retrieved_at": {"help_text": "When the platform reported these figures."},
            "status": {
                "help_text": "`unavailable`: the post was deleted or made private (permanent); "
                "`retrying`: the platform failed, figures are the last ones it gave; "
                "`reconnect`: the platform refused the creator's token even after a refresh — "
                "the creator must connect the account again (pulls resume by themselves)."
            },
        }


class PostMetricsFilter(django_filters.FilterSet):
    campaign = django_filters.CharFilter(
        field_name="campaign__public_id", help_text="Campaign id (cmp_…)."
    )
    platform = django_filters.ChoiceFilter(choices=Platform.choices)
    status = django_filters.ChoiceFilter(choices=PostMetrics.Status.choices)

    class Meta:
        model = PostMetrics
        fields = ("campaign", "platform", "status")


@extend_schema_view(
    list=extend_schema(
        summary="List tracked posts' latest metrics",
        description="One row per approved live post: its latest views, likes, comments, shares "
        "and saves as the platform reported them, and whether pulls are working.",
    ),
    retrieve=extend_schema(
        summary="Get a live post's latest metrics",
        description="By the live post's id (lpo_…).",
        responses={
            200: PostMetricsSerializer,
            404: error_response("No such tracked post in your organization (or your brand)."),
        },
    ),
)
class PostMetricsViewSet(OrgScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = PostMetricsSerializer
    filterset_class = PostMetricsFilter
    lookup_field = "live_post__public_id"
    ordering_fields = ("retrieved_at", "views")
    ordering = ("-id",)
    required_scopes = {"list": Scope.ANALYTICS_READ, "retrieve": Scope.ANALYTICS_READ}

    def scoped_queryset(self, access: OrgAccess) -> Any:
        return PostMetrics.objects.for_access(access).select_related("live_post", "campaign")
