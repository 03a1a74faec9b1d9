"""The conversion API for any store, and store connections. Thin: services decide.

``POST /conversions/`` records an order (201), or answers the order recorded before under the
same ``order_id`` (200, nothing changes); ``POST /conversions/refunds/`` records a refund of a
recorded order (201, 200 for a repeated ``refund_id``; 404 ``order_unknown`` when the order was
never sent). A key limited to one brand attributes orders to that brand's creators only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

import django_filters
import django_filters.fields
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from analytics.conversions import OrderIn, RefundIn, conversion_record, conversion_refund_record
from analytics.conversions_stores import (
    store_connect,
    store_disconnect,
    store_rotate_secret,
    stores_for_access,
)
from analytics.models import Conversion, ConversionCredit, ConversionRefund, StoreConnection
from core.api.refs import REF_MAX_LENGTH, resolve_ref
from core.api.schema import error_response
from core.errors import ChorusError
from core.money import CURRENCY_CHOICES, MAX_AMOUNT_CENTS
from organizations.access import OrgAccess
from organizations.api_base import OrgScopedViewSet
from organizations.roles import Scope
from organizations.selectors import brand_get_for_org

ORDER_ID_PATTERN = r"^[A-Za-z0-9._:#-]{1,64}$"
# The largest valid order or refund is ~2 kB (20 promo codes of 64 characters at most): 64 kB
# leaves room for pretty-printing and fields we ignore. A larger declared body answers 413
# ``payload_too_large`` unread (without this, Django's DATA_UPLOAD_MAX_MEMORY_SIZE answered a
# generic 400 above 2.5 MB, and anything below was read and parsed whole).
MAX_BODY = 64 * 1024


def _refuse_oversize(request: Request) -> None:
    """Before the body is parsed (``initial`` is sealed: called first by each write action)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0  # Django reads no body for a length it cannot parse
    if declared > MAX_BODY:
        raise ChorusError(
            "payload_too_large", f"The body is larger than {MAX_BODY} bytes.", status_code=413
        )


def _utc(value: datetime) -> datetime:
    """In UTC: an offset such as +18:14 is valid ISO-8601 but PostgreSQL cannot store it. At
    the very ends of the calendar (year 1, 9999), where the shift overflows, the offset is
    dropped."""
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return value.replace(tzinfo=UTC)


class UtcDateTimeField(serializers.DateTimeField):
    def to_internal_value(self, value: Any) -> datetime:
        return _utc(super().to_internal_value(value))


class UtcIsoDateTimeFormField(django_filters.fields.IsoDateTimeField):
    def to_python(self, value: Any) -> datetime | None:
        parsed = super().to_python(value)
        return None if parsed is None else _utc(parsed)


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeFormField


class CreditSerializer(serializers.ModelSerializer):
    creator = serializers.CharField(source="participation.creator.public_id", read_only=True)
    campaign = serializers.CharField(source="campaign.public_id", read_only=True)

    class Meta:
        model = ConversionCredit
        fields = ("model", "campaign", "creator", "weight_ppm", "revenue_cents")
        read_only_fields = fields


class ConversionSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    campaign = serializers.SerializerMethodField()
    creator = serializers.SerializerMethodField()
    credits = CreditSerializer(many=True, read_only=True)

    class Meta:
        model = Conversion
        fields = (
            "id",
            "source",
            "order_id",
            "occurred_at",
            "currency",
            "revenue_cents",
            "refunded_cents",
            "promo_code",
            "tracking_code",
            "method",
            "campaign",
            "creator",
            "creators_exposed",
            "credits",
            "created_at",
        )
        read_only_fields = fields

    def get_campaign(self, conversion: Conversion) -> str | None:
        return conversion.campaign.public_id if conversion.campaign else None

    def get_creator(self, conversion: Conversion) -> str | None:
        p = conversion.participation
        return p.creator.public_id if p is not None else None


class ConversionInSerializer(serializers.Serializer):
    order_id = serializers.RegexField(ORDER_ID_PATTERN, max_length=64)
    occurred_at = UtcDateTimeField()
    currency = serializers.ChoiceField(choices=CURRENCY_CHOICES)
    revenue_cents = serializers.IntegerField(min_value=0, max_value=MAX_AMOUNT_CENTS)
    promo_codes = serializers.ListField(
        child=serializers.CharField(max_length=64), max_length=20, required=False, default=list
    )
    tracking_code = serializers.CharField(
        max_length=16, required=False, default="", allow_blank=True
    )
    customer_ref = serializers.CharField(
        max_length=254,
        required=False,
        default="",
        allow_blank=True,
        help_text="Your customer id or e-mail: hashed with a keyed hash, never stored.",
    )
    browser_ip = serializers.CharField(
        max_length=64,
        required=False,
        default="",
        allow_blank=True,
        help_text="The buyer's IP address as your store saw it: hashed as tracking-link clicks "
        "are, to match them; never stored.",
    )


class RefundInSerializer(serializers.Serializer):
    order_id = serializers.RegexField(ORDER_ID_PATTERN, max_length=64)
    refund_id = serializers.RegexField(ORDER_ID_PATTERN, max_length=64)
    amount_cents = serializers.IntegerField(min_value=0, max_value=MAX_AMOUNT_CENTS)
    occurred_at = UtcDateTimeField()


class RefundSerializer(serializers.ModelSerializer):
    conversion = serializers.CharField(source="conversion.public_id", read_only=True)

    class Meta:
        model = ConversionRefund
        fields = ("conversion", "refund_id", "amount_cents", "occurred_at", "created_at")
        read_only_fields = fields


class ConversionFilter(django_filters.FilterSet):
    campaign = django_filters.CharFilter(
        field_name="campaign__public_id",
        max_length=REF_MAX_LENGTH,
        help_text="Campaign id (cmp_…).",
    )
    source = django_filters.ChoiceFilter(choices=Conversion.Source.choices)
    method = django_filters.ChoiceFilter(choices=Conversion.Method.choices)
    order_id = django_filters.CharFilter(max_length=64)
    occurred_after = UtcIsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    occurred_before = UtcIsoDateTimeFilter(field_name="occurred_at", lookup_expr="lt")

    class Meta:
        model = Conversion
        fields = ("campaign", "source", "method", "order_id")


@extend_schema_view(
    list=extend_schema(summary="List conversions", description="Newest orders first; filter."),
    retrieve=extend_schema(summary="Get a conversion"),
    create=extend_schema(
        summary="Record an order",
        description="Idempotent by `order_id`: the same order id again answers 200 with the "
        "order recorded the first time and nothing changes — even when the amount, currency "
        "or codes differ (a lower amount later is a refund: `POST /conversions/refunds/`). "
        "Attributed by promo code first, then by tracking code, then by the buyer's clicks, "
        "each within its campaign's `attribution_window_days`.",
        request=ConversionInSerializer,
        responses={
            201: ConversionSerializer,
            200: ConversionSerializer,
            400: error_response("Invalid input."),
            403: error_response("Your key lacks campaigns:write."),
            413: error_response("`payload_too_large`: the body is over 64 kB."),
            409: error_response(
                "`order_recorded_elsewhere`: the order id is recorded for a brand this key "
                "is not limited to."
            ),
        },
    ),
    refunds=extend_schema(
        summary="Record a refund",
        description="Idempotent by `refund_id`. Raises the order's refunded amount (never past "
        "its revenue); a refund of the whole order reverses the creator's commission.",
        request=RefundInSerializer,
        responses={
            201: RefundSerializer,
            200: RefundSerializer,
            400: error_response("Invalid input."),
            404: error_response("`order_unknown`: no order with this id was recorded."),
            413: error_response("`payload_too_large`: the body is over 64 kB."),
        },
    ),
)
class ConversionViewSet(OrgScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = ConversionSerializer
    filterset_class = ConversionFilter
    ordering_fields = ("occurred_at", "revenue_cents")
    ordering = ("-occurred_at",)
    required_scopes = {
        "list": Scope.ANALYTICS_READ,
        "retrieve": Scope.ANALYTICS_READ,
        "create": Scope.CAMPAIGNS_WRITE,
        "refunds": Scope.CAMPAIGNS_WRITE,
    }

    def scoped_queryset(self, access: OrgAccess) -> Any:
        return (
            Conversion.objects.for_access(access)
            .select_related("campaign", "participation__creator")
            .prefetch_related("credits__campaign", "credits__participation__creator")
        )

    def create(self, request: Request) -> Response:
        _refuse_oversize(request)
        serializer = ConversionInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        conversion, created = conversion_record(
            organization_id=self.access.organization.pk,
            brand_id=self.access.brand_id,
            source=Conversion.Source.API,
            order=OrderIn(
                order_id=data["order_id"],
                occurred_at=data["occurred_at"],
                currency=data["currency"],
                revenue_cents=data["revenue_cents"],
                customer_ref=data["customer_ref"],
                browser_ip=data["browser_ip"] or "",
                promo_codes=list(data["promo_codes"]),
                tracking_code=data["tracking_code"],
            ),
        )
        visible = self.scoped_queryset(self.access).filter(pk=conversion.pk).first()
        if visible is None and not created:
            # The order id was recorded for a brand this key may not see: say so, show nothing.
            raise ChorusError(
                "order_recorded_elsewhere",
                "This order id is already recorded for another brand of your organization.",
                status_code=409,
            )
        body = ConversionSerializer(visible or conversion).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @action(detail=False, methods=["post"])
    def refunds(self, request: Request) -> Response:
        _refuse_oversize(request)
        serializer = RefundInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        refund, created = conversion_refund_record(
            organization_id=self.access.organization.pk,
            brand_id=self.access.brand_id,
            source=Conversion.Source.API,
            refund=RefundIn(
                order_id=data["order_id"],
                refund_id=data["refund_id"],
                amount_cents=data["amount_cents"],
                occurred_at=data["occurred_at"],
            ),
        )
        return Response(
            RefundSerializer(refund).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


# -- stores ----------------------------------------------------------------------------------------


class StoreSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    brand = serializers.CharField(
        source="brand.public_id", max_length=REF_MAX_LENGTH, help_text="Brand id (brd_…)."
    )
    secret = serializers.CharField(
        write_only=True,
        min_length=16,
        max_length=200,
        help_text="The Shopify app's client secret that signs webhooks. Never shown again.",
    )
    secret_hint = serializers.CharField(read_only=True, help_text="Its last four characters.")

    class Meta:
        model = StoreConnection
        fields = ("id", "brand", "platform", "shop_domain", "secret", "secret_hint", "created_at")
        read_only_fields = ("id", "platform", "secret_hint", "created_at")
        # Uniqueness is the service's (409 shop_taken), checked by the database.
        extra_kwargs: ClassVar[dict[str, Any]] = {"shop_domain": {"validators": []}}


class SecretSerializer(serializers.Serializer):
    secret = serializers.CharField(min_length=16, max_length=200, write_only=True)


@extend_schema_view(
    list=extend_schema(summary="List connected stores"),
    retrieve=extend_schema(summary="Get a store connection"),
    create=extend_schema(
        summary="Connect a Shopify store",
        responses={
            201: StoreSerializer,
            400: error_response("Invalid input."),
            409: error_response("`shop_taken`: this store is already connected."),
        },
    ),
    destroy=extend_schema(summary="Disconnect a store", responses={204: None}),
    rotate_secret=extend_schema(
        summary="Replace the signing secret",
        description="The previous secret stays valid for an hour (Shopify takes up to an hour "
        "to sign with a rotated client secret).",
        request=SecretSerializer,
        responses={200: StoreSerializer, 400: error_response("Invalid secret.")},
    ),
)
class StoreConnectionViewSet(OrgScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = StoreSerializer
    ordering = ("-created_at",)
    http_method_names = ["get", "post", "delete", "head", "options"]
    required_scopes = {
        "list": Scope.BRANDS_READ,
        "retrieve": Scope.BRANDS_READ,
        "create": Scope.BRANDS_WRITE,
        "destroy": Scope.BRANDS_WRITE,
        "rotate_secret": Scope.BRANDS_WRITE,
    }

    def scoped_queryset(self, access: OrgAccess) -> Any:
        return stores_for_access(access)

    def create(self, request: Request) -> Response:
        serializer = StoreSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, access = serializer.validated_data, self.access
        brand = resolve_ref(
            "brand", "brand", data["brand"]["public_id"], lambda v: brand_get_for_org(access, v)
        )
        store = store_connect(
            access=access, brand=brand, shop_domain=data["shop_domain"], secret=data["secret"]
        )
        return Response(StoreSerializer(store).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, public_id: str) -> Response:
        store = self.get_object()
        serializer = SecretSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        store = store_rotate_secret(
            access=self.access, store=store, secret=serializer.validated_data["secret"]
        )
        return Response(StoreSerializer(store).data)

    def destroy(self, request: Request, public_id: str) -> Response:
        store_disconnect(access=self.access, store=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
