"""The performance API: ``/api/v1/campaign-performance/`` (each campaign's totals) and
``/api/v1/campaign-performance/<campaign id>`` (totals, days, cumulative creators posting and
conversions, leaderboards, customers reached by 1/2/3/4+ creators, revenue credited per creator
under a credit model). The same selectors as the dashboard pages. Money fields are null for a key whose role cannot read money (payouts:read).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from analytics import attribution
from analytics import rollups_selectors as perf
from analytics.models import ConversionCredit
from campaigns.models import Campaign
from campaigns.selectors import campaigns_for_org
from organizations.access import OrgAccess
from organizations.api_base import OrgScopedViewSet
from organizations.roles import Scope

MONEY_FIELDS = ("revenue_cents", "spend_cents", "cpm_cents", "cpe_cents", "cpa_cents", "roas")


def _ratio(help_text: str) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=24, decimal_places=2, allow_null=True, read_only=True, help_text=help_text
    )


class TotalsSerializer(serializers.Serializer):
    """Integer sums, and ratios computed from them (null when the denominator is 0)."""

    views = serializers.IntegerField()
    engagements = serializers.IntegerField(help_text="Likes + comments + shares + saves.")
    engagement_rate = _ratio("Engagements per 100 views.")
    clicks = serializers.IntegerField()
    conversions = serializers.IntegerField()
    revenue_cents = serializers.IntegerField(allow_null=True, help_text="Net of refunds.")
    spend_cents = serializers.IntegerField(allow_null=True, help_text="Earned by creators.")
    cpm_cents = _ratio("Spend per 1,000 views, in cents.")
    cpe_cents = _ratio("Spend per engagement, in cents.")
    cpa_cents = _ratio("Spend per conversion, in cents.")
    roas = _ratio("Revenue per unit of spend.")

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not self.context.get("money"):
            data.update(dict.fromkeys(MONEY_FIELDS))
        return data


class DaySerializer(serializers.Serializer):
    day = serializers.DateField()
    totals = TotalsSerializer()


class CumulativeSerializer(serializers.Serializer):
    day = serializers.DateField()
    creators_posting = serializers.IntegerField()
    conversions = serializers.IntegerField()


class CreatorRowSerializer(serializers.Serializer):
    creator = serializers.CharField(source="creator_public_id")
    participation = serializers.CharField(source="participation_public_id")
    name = serializers.CharField()
    totals = TotalsSerializer()


class PostRowSerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id")
    url = serializers.URLField()
    platform = serializers.CharField()
    creator_name = serializers.CharField()
    views = serializers.IntegerField()
    engagements = serializers.IntegerField()
    engagement_rate = _ratio("Engagements per 100 views.")


class ReachSerializer(serializers.Serializer):
    """Orders by how many of the campaign's creators the customer had clicked through."""

    one = serializers.IntegerField(source="1")
    two = serializers.IntegerField(source="2")
    three = serializers.IntegerField(source="3")
    four_or_more = serializers.IntegerField(source="4+")


class CreditRowSerializer(serializers.Serializer):
    creator = serializers.CharField(source="creator_public_id")
    participation = serializers.CharField(source="participation_public_id")
    name = serializers.CharField(source="creator_name")
    revenue_cents = serializers.IntegerField(help_text="Net revenue credited under the model.")
    share_pct = serializers.DecimalField(
        max_digits=5, decimal_places=1, help_text="Of the campaign's credited revenue."
    )


class CreditsSerializer(serializers.Serializer):
    """Revenue credited per creator under one model: the dashboard's "Revenue credited by
    creator" table (the ten highest)."""

    model = serializers.ChoiceField(choices=ConversionCredit.Model.choices)
    total_cents = serializers.IntegerField()
    creators = serializers.IntegerField(help_text="Creators credited under any model.")
    rows = CreditRowSerializer(many=True)


class CampaignPerformanceSerializer(serializers.Serializer):
    campaign = serializers.CharField(source="campaign.public_id")
    name = serializers.CharField(source="campaign.name")
    currency = serializers.CharField(source="campaign.currency")
    totals = TotalsSerializer()


class CampaignPerformanceDetailSerializer(CampaignPerformanceSerializer):
    days = DaySerializer(many=True)
    cumulative = CumulativeSerializer(many=True)
    creators = CreatorRowSerializer(many=True, help_text="The ten creators with most views.")
    posts = PostRowSerializer(many=True, help_text="The ten posts with most views.")
    reach = ReachSerializer()
    credits = serializers.SerializerMethodField(
        help_text="Under `?model=` (last_touch, linear, time_decay; default: the campaign's "
        "attribution_model). Null for a key whose role cannot read money (payouts:read)."
    )

    @extend_schema_field(CreditsSerializer(allow_null=True))
    def get_credits(self, instance: Any) -> dict[str, Any] | None:
        credits = self.context.get("credits")
        return None if credits is None else dict(CreditsSerializer(credits).data)


class CampaignPerformanceViewSet(
    OrgScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin
):
    """``/campaign-performance/<campaign id>``: one row per campaign (brand-limited keys: their
    brand's campaigns only)."""

    serializer_class = CampaignPerformanceSerializer
    ordering = ("-created_at",)
    required_scopes = {"list": Scope.ANALYTICS_READ, "retrieve": Scope.ANALYTICS_READ}

    def scoped_queryset(self, access: OrgAccess) -> Any:
        return campaigns_for_org(access)

    def schema_model(self) -> type[Campaign]:
        return Campaign

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if getattr(self, "action", None) == "retrieve":
            return CampaignPerformanceDetailSerializer
        return CampaignPerformanceSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        access = getattr(self, "access", None)
        money = access is not None and access.has(Scope.PAYOUTS_READ)
        return {**super().get_serializer_context(), "money": money}

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        campaigns = list(page if page is not None else self.get_queryset())
        totals = perf.campaigns_totals(self.access, campaigns)
        rows = [{"campaign": c, "totals": totals[c.pk]} for c in campaigns]
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(
        responses=CampaignPerformanceDetailSerializer,
        parameters=[
            OpenApiParameter(
                "model",
                OpenApiTypes.STR,
                enum=ConversionCredit.Model.values,
                description="Credit model of `credits` (default: the campaign's own).",
            )
        ],
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        campaign = self.get_object()
        context = self.get_serializer_context()
        if context["money"]:  # credited revenue is money
            model = attribution.dashboard_credit_model(campaign, request.query_params.get("model"))
            context["credits"] = attribution.campaign_credits_under(campaign, model)
        performance = perf.campaign_performance(self.access, campaign)
        return Response(self.get_serializer(performance, context=context).data)
