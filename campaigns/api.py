"""REST API for campaigns: CRUD with nested deliverables, and the lifecycle actions. Thin."""

from typing import Any

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from campaigns import selectors, services
from campaigns.models import (
    ATTRIBUTION_WINDOW_MAX_DAYS,
    ATTRIBUTION_WINDOW_MIN_DAYS,
    HALF_LIFE_MAX_DAYS,
    HALF_LIFE_MIN_DAYS,
    Campaign,
    CampaignAsset,
    Deliverable,
)
from core.api.refs import RefField, resolve_ref
from core.money import CURRENCY_CHOICES
from core.taxonomy import COUNTRIES, Niche
from organizations.access import OrgAccess
from organizations.api_base import OrgScopedViewSet
from organizations.roles import Scope
from organizations.selectors import brand_get_for_org
from platforms.types import Platform

MAX_CENTS = services.MAX_AMOUNT_CENTS


class DeliverableSerializer(serializers.ModelSerializer):
    id = serializers.CharField(
        source="public_id",
        required=False,
        allow_null=True,
        max_length=32,
        help_text="Send it back on update to keep the row; leave it out for a new deliverable.",
    )
    platform = serializers.ChoiceField(choices=Platform.choices)
    format = serializers.ChoiceField(choices=Deliverable.Format.choices)
    quantity = serializers.IntegerField(min_value=1, max_value=services.MAX_QUANTITY)
    fee_cents = serializers.IntegerField(
        min_value=1, max_value=MAX_CENTS, help_text="Fixed fee per approved post, in minor units."
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")

    class Meta:
        model = Deliverable
        fields = ("id", "platform", "format", "quantity", "fee_cents", "notes")


class CampaignAssetSerializer(serializers.ModelSerializer):
    """A file attached to the brief. ``url`` downloads it through the authorizing file view
    (send the same API key; on S3 it redirects to a short-lived signed URL)."""

    id = serializers.CharField(source="public_id", read_only=True)
    url = serializers.SerializerMethodField(help_text="Where to download the file.")

    class Meta:
        model = CampaignAsset
        fields = ("id", "name", "content_type", "size_bytes", "url")
        read_only_fields = fields

    def get_url(self, asset: CampaignAsset) -> str:
        return asset.url


class CampaignAssetUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="JPEG, PNG, WebP, GIF, PDF, MP4 or MOV (checked by content), at most 25 MB."
    )


def _cents(
    help_text: str, *, min_value: int = 0, required: bool = False
) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=min_value, max_value=MAX_CENTS, required=required, help_text=help_text
    )


class CampaignSerializer(serializers.ModelSerializer):
    """A campaign as the API shows and takes it. Money: integer minor units + ``currency``."""

    id = serializers.CharField(source="public_id", read_only=True)
    brand = RefField("brand", "brd", source="brand.public_id")
    deliverables = DeliverableSerializer(many=True, required=False)
    assets = CampaignAssetSerializer(
        many=True,
        read_only=True,
        help_text="Files attached to the brief; add and remove them with the assets endpoints.",
    )
    currency = serializers.ChoiceField(choices=CURRENCY_CHOICES, required=False)
    budget_cents = _cents("Total budget in minor units.", min_value=1, required=True)
    committed_cents = serializers.IntegerField(
        read_only=True, help_text="Promised to accepted creators; never above the budget."
    )
    bonus_per_1k_views_cents = _cents("Bonus per 1,000 views (0 = none).")
    bonus_cap_per_post_cents = _cents("Cap on the view bonus per post.")
    commission_per_conversion_cents = _cents("Commission per conversion (0 = none).")
    per_creator_fee_cents = serializers.IntegerField(
        read_only=True, help_text="Sum of quantity x fee over the deliverables."
    )
    platforms = serializers.ListField(child=serializers.CharField(), read_only=True)
    reference_links = serializers.ListField(
        child=serializers.URLField(max_length=500), required=False, max_length=30
    )
    required_hashtags = serializers.ListField(
        child=serializers.CharField(max_length=101), required=False, max_length=30,
        help_text="Without '#'.",
    )  # fmt: skip
    required_mentions = serializers.ListField(
        child=serializers.CharField(max_length=101), required=False, max_length=30,
        help_text="Without '@'.",
    )  # fmt: skip
    niches = serializers.ListField(
        child=serializers.ChoiceField(choices=Niche.choices), required=False, max_length=30
    )
    countries = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(COUNTRIES)), required=False, max_length=60
    )
    paid_usage_months = serializers.IntegerField(min_value=0, max_value=60, required=False)
    pay_by_days = serializers.IntegerField(min_value=1, max_value=120, required=False)
    min_followers = serializers.IntegerField(min_value=0, max_value=10**9, required=False)
    max_followers = serializers.IntegerField(min_value=1, max_value=10**9, required=False)
    min_engagement_bp = serializers.IntegerField(
        min_value=0, max_value=10_000, required=False, help_text="Basis points: 250 = 2.5 %."
    )
    max_creators = serializers.IntegerField(min_value=1, max_value=10_000, required=False)
    attribution_window_days = serializers.IntegerField(
        min_value=ATTRIBUTION_WINDOW_MIN_DAYS,
        max_value=ATTRIBUTION_WINDOW_MAX_DAYS,
        required=False,
        help_text="Click lookback: a creator's link click earns an order placed up to this many "
        "days later (default 30). Promo codes and tracking references count whatever their age. "
        "A change applies to orders recorded afterwards; recorded credits are kept.",
    )
    attribution_half_life_days = serializers.IntegerField(
        min_value=HALF_LIFE_MIN_DAYS,
        max_value=HALF_LIFE_MAX_DAYS,
        required=False,
        help_text="Time-decay credit halves every this many days of a click's age (default 7); "
        "at most `attribution_window_days` (400 `half_life_above_window` otherwise).",
    )
    attribution_model = serializers.ChoiceField(
        choices=Campaign.CreditModel.choices,
        required=False,
        help_text="The credit model the campaign's dashboard shows first (default last_touch). "
        "Credits under every model are recorded either way.",
    )

    class Meta:
        model = Campaign
        fields = (
            "id",
            "brand",
            "name",
            "objective",
            "status",
            "visibility",
            "brief",
            "reference_links",
            "dos",
            "donts",
            "product_name",
            "landing_url",
            "required_hashtags",
            "required_mentions",
            "disclosure_required",
            "usage_rights",
            "paid_usage_months",
            "currency",
            "budget_cents",
            "committed_cents",
            "per_creator_fee_cents",
            "bonus_per_1k_views_cents",
            "bonus_cap_per_post_cents",
            "commission_per_conversion_cents",
            "application_deadline",
            "draft_due",
            "posting_starts",
            "posting_ends",
            "pay_by_days",
            "min_followers",
            "max_followers",
            "niches",
            "countries",
            "min_engagement_bp",
            "max_creators",
            "attribution_window_days",
            "attribution_half_life_days",
            "attribution_model",
            "platforms",
            "deliverables",
            "assets",
            "published_at",
            "completed_at",
            "created_at",
            "updated_at",
        )
        read_only_fields = ("status", "published_at", "completed_at", "created_at", "updated_at")


def _service_kwargs(validated: dict[str, Any]) -> dict[str, Any]:
    data = dict(validated)
    data.pop("brand", None)
    if "deliverables" in data:
        data["deliverables"] = [
            services.DeliverableSpec(
                platform=d["platform"],
                format=d["format"],
                quantity=d["quantity"],
                fee_cents=d["fee_cents"],
                notes=d.get("notes") or "",
                id=d.get("public_id") or None,
            )
            for d in data["deliverables"]
        ]
    return data


class CampaignFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Campaign.Status.choices)
    visibility = django_filters.ChoiceFilter(choices=Campaign.Visibility.choices)
    brand = django_filters.CharFilter(field_name="brand__public_id", help_text="Brand id (brd_…).")

    class Meta:
        model = Campaign
        fields = ("status", "visibility", "brand")


_ACTION_DOC = {
    "publish": "Draft → recruiting. Refused (400) without deliverables, fees, the four dates in "
    "order, a deadline ahead, or a budget that covers one creator.",
    "start": "Recruiting → active.",
    "complete": "Recruiting/active → completed: no new applications or submissions.",
    "archive": "Draft, completed, or recruiting with nobody committed → archived.",
    "duplicate": "Copy as a new draft (deliverables included, nothing committed). Returns 201.",
}
_ERRORS = {
    400: OpenApiResponse(description="`{code, message, fields}`: what to fix."),
    403: OpenApiResponse(description="Your role lacks campaigns:write."),
    404: OpenApiResponse(description="No such campaign in your organization."),
    409: OpenApiResponse(description="Not allowed in the campaign's current status."),
}


@extend_schema_view(
    list=extend_schema(summary="List campaigns", description="Newest first; filter and order."),
    retrieve=extend_schema(summary="Get a campaign"),
    create=extend_schema(
        summary="Create a draft campaign",
        description="Deliverables are written with it, all or nothing.",
        responses={201: CampaignSerializer, 400: _ERRORS[400], 403: _ERRORS[403]},
    ),
    partial_update=extend_schema(
        summary="Update a campaign",
        description="`deliverables`, when sent, is the complete new list (rows with an `id` are "
        "kept). The budget never drops below `committed_cents`.",
        responses={200: CampaignSerializer, **_ERRORS},
    ),
)
class CampaignViewSet(OrgScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter
    ordering_fields = ("created_at", "application_deadline", "name", "budget_cents", "status")
    ordering = ("-created_at",)
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    required_scopes = {
        "list": Scope.CAMPAIGNS_READ,
        "retrieve": Scope.CAMPAIGNS_READ,
        "create": Scope.CAMPAIGNS_WRITE,
        "partial_update": Scope.CAMPAIGNS_WRITE,
        "publish": Scope.CAMPAIGNS_WRITE,
        "start": Scope.CAMPAIGNS_WRITE,
        "complete": Scope.CAMPAIGNS_WRITE,
        "archive": Scope.CAMPAIGNS_WRITE,
        "duplicate": Scope.CAMPAIGNS_WRITE,
        "asset_add": Scope.CAMPAIGNS_WRITE,
        "asset_remove": Scope.CAMPAIGNS_WRITE,
    }

    def scoped_queryset(self, access: OrgAccess) -> Any:
        return selectors.with_assets(selectors.campaigns_for_org(access))

    def _reload(self, campaign: Campaign) -> Campaign:
        return selectors.campaign_get_for_org(self.access, campaign.public_id)

    def create(self, request: Request) -> Response:
        serializer = CampaignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, access = serializer.validated_data, self.access
        brand = resolve_ref(
            "brand", "brand", data["brand"]["public_id"], lambda v: brand_get_for_org(access, v)
        )
        campaign = services.campaign_create(
            access=self.access, brand=brand, **_service_kwargs(data)
        )
        body = CampaignSerializer(self._reload(campaign)).data
        return Response(body, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, public_id: str) -> Response:
        campaign = self.get_object()
        serializer = CampaignSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data, access = serializer.validated_data, self.access
        brand = (
            resolve_ref(
                "brand", "brand", data["brand"]["public_id"], lambda v: brand_get_for_org(access, v)
            )
            if "brand" in data
            else None
        )
        campaign = services.campaign_update(
            access=self.access, campaign=campaign, brand=brand, **_service_kwargs(data)
        )
        return Response(CampaignSerializer(self._reload(campaign)).data)

    def _lifecycle(self, service: Any, code: int = status.HTTP_200_OK) -> Response:
        campaign = service(access=self.access, campaign=self.get_object())
        return Response(CampaignSerializer(self._reload(campaign)).data, status=code)

    @extend_schema(
        request=None,
        summary="Publish",
        description=_ACTION_DOC["publish"],
        responses={200: CampaignSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, public_id: str) -> Response:
        return self._lifecycle(services.campaign_publish)

    @extend_schema(
        request=None,
        summary="Start",
        description=_ACTION_DOC["start"],
        responses={200: CampaignSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def start(self, request: Request, public_id: str) -> Response:
        return self._lifecycle(services.campaign_start)

    @extend_schema(
        request=None,
        summary="Complete",
        description=_ACTION_DOC["complete"],
        responses={200: CampaignSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, public_id: str) -> Response:
        return self._lifecycle(services.campaign_complete)

    @extend_schema(
        request=None,
        summary="Archive",
        description=_ACTION_DOC["archive"],
        responses={200: CampaignSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, public_id: str) -> Response:
        return self._lifecycle(services.campaign_archive)

    @extend_schema(
        request=None,
        summary="Duplicate",
        description=_ACTION_DOC["duplicate"],
        responses={201: CampaignSerializer, 403: _ERRORS[403], 404: _ERRORS[404]},
    )
    @action(detail=True, methods=["post"])
    def duplicate(self, request: Request, public_id: str) -> Response:
        return self._lifecycle(services.campaign_duplicate, status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": CampaignAssetUploadSerializer},
        summary="Add a file to the brief",
        description="Multipart upload, field `file`. The type is read from the file's bytes "
        "(JPEG, PNG, WebP, GIF, PDF, MP4, MOV), never its name; at most 25 MB, 20 files a "
        "campaign. Refused with `file_required`, `file_empty`, `file_too_large`, "
        "`file_type_not_allowed`, `too_many_assets` (400) or `campaign_closed` (409).",
        responses={201: CampaignAssetSerializer, **_ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="assets",
        url_name="asset-add",
        parser_classes=[MultiPartParser],
    )
    def asset_add(self, request: Request, public_id: str) -> Response:
        asset = services.campaign_asset_add(
            access=self.access, campaign=self.get_object(), upload=request.FILES.get("file")
        )
        return Response(CampaignAssetSerializer(asset).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        summary="Remove a file from the brief",
        parameters=[
            OpenApiParameter(
                "asset_id", OpenApiTypes.STR, OpenApiParameter.PATH, description="Asset id (cas_…)."
            )
        ],
        responses={
            204: OpenApiResponse(description="Removed."),
            403: _ERRORS[403],
            404: OpenApiResponse(description="No such campaign or file in your organization."),
        },
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"assets/(?P<asset_id>[^/.]+)",
        url_name="asset-remove",
    )
    def asset_remove(self, request: Request, public_id: str, asset_id: str) -> Response:
        campaign = self.get_object()
        asset = selectors.campaign_asset_get_for_org(self.access, campaign, asset_id)
        services.campaign_asset_remove(access=self.access, campaign=campaign, asset=asset)
        return Response(status=status.HTTP_204_NO_CONTENT)
