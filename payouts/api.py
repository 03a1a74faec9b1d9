"""REST API for money: campaign balances, ledger transactions (read), payouts, payout runs
(trigger with ``Idempotency-Key``, status) and the creator's own earnings. Thin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from campaigns.models import Campaign
from campaigns.selectors import campaign_get_for_org, campaigns_for_org
from core.api.refs import RefField, resolve_ref
from core.api.schema import error_response
from creators.api_base import CreatorScopedViewSet
from creators.models import CreatorProfile
from ledger.models import Transaction
from ledger.selectors import campaigns_figures, creator_figures
from organizations.access import OrgAccess
from organizations.api_base import OrgScopedViewSet
from organizations.roles import Scope
from payouts import funding, runs
from payouts.idempotency import idempotent
from payouts.models import Funding, Payout, PayoutRun

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Same key and body: the saved response. Same key, other body: 422.",
)

# -- campaign balances ----------------------------------------------------------------------------


def _idempotent_response(
    request: Request,
    access: OrgAccess,
    endpoint: str,
    body: Any,
    start: Callable[[], tuple[int, Any]],
) -> Response:
    """Run ``start`` once per ``Idempotency-Key`` (same key and body → the saved answer, marked
    ``Idempotent-Replayed``; same key, other body → an error), as Stripe's API does."""
    code, data, replayed = idempotent(
        organization=access.organization,
        endpoint=endpoint,
        key=request.headers.get("Idempotency-Key"),
        body=dict(body),
        run=start,
    )
    response = Response(data, status=code)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


class CampaignBalanceSerializer(serializers.Serializer):
    """A campaign's money from the ledger, in minor units of ``currency``."""

    campaign = serializers.CharField(source="public_id")
    currency = serializers.CharField()
    budget_cents = serializers.SerializerMethodField()
    funded_cents = serializers.SerializerMethodField()
    committed_cents = serializers.SerializerMethodField()
    accrued_cents = serializers.SerializerMethodField()
    paid_cents = serializers.SerializerMethodField()
    remaining_cents = serializers.SerializerMethodField()

    def _f(self, campaign: Campaign) -> Any:
        figures = self.context.get("figures") or {}
        if campaign.pk not in figures:
            figures.update(campaigns_figures([campaign]))
        return figures[campaign.pk]

    def get_budget_cents(self, c: Campaign) -> int:
        return int(self._f(c).budget)

    def get_funded_cents(self, c: Campaign) -> int:
        return int(self._f(c).funded)

    def get_committed_cents(self, c: Campaign) -> int:
        return int(self._f(c).committed)

    def get_accrued_cents(self, c: Campaign) -> int:
        return int(self._f(c).accrued)

    def get_paid_cents(self, c: Campaign) -> int:
        return int(self._f(c).paid)

    def get_remaining_cents(self, c: Campaign) -> int:
        return int(self._f(c).remaining)


class CampaignBalanceViewSet(OrgScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """``/campaign-balances/<campaign id>``: one row per campaign."""

    serializer_class = CampaignBalanceSerializer
    ordering = ("-created_at",)
    required_scopes = {"list": Scope.PAYOUTS_READ, "retrieve": Scope.PAYOUTS_READ}

    def scoped_queryset(self, access: OrgAccess) -> Any:
        return campaigns_for_org(access)

    def schema_model(self) -> type[Campaign]:
        return Campaign  # the rows are campaigns; the serializer is a plain one

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "figures": {}}


# -- ledger transactions --------------------------------------------------------------------------


class EntrySerializer(serializers.Serializer):
    account = serializers.CharField(source="account.kind")
    creator = serializers.SerializerMethodField()
    amount_cents = serializers.IntegerField(help_text="Signed: debit +, credit -.")
    currency = serializers.CharField()

    def get_creator(self, entry: Any) -> str | None:
        creator = entry.account.creator
        return creator.public_id if creator is not None else None


class LedgerTransactionSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    campaign = serializers.CharField(source="campaign.public_id", read_only=True)
    entries = EntrySerializer(many=True, read_only=True)

    class Meta:
        model = Transaction
        fields = ("id", "campaign", "kind", "key", "capped_cents", "created_at", "entries")
        read_only_fields = fields


class LedgerTransactionFilter(django_filters.FilterSet):
    campaign = django_filters.CharFilter(field_name="campaign__public_id")
    kind = django_filters.CharFilter()

    class Meta:
        model = Transaction
        fields = ("campaign", "kind")


class LedgerTransactionViewSet(OrgScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = LedgerTransactionSerializer
    filterset_class = LedgerTransactionFilter
    ordering_fields = ("created_at",)
    ordering = ("-created_at",)
    required_scopes = {"list": Scope.PAYOUTS_READ, "retrieve": Scope.PAYOUTS_READ}

    def scoped_queryset(self, access: OrgAccess) -> Any:
        return (
            Transaction.objects.for_access(access)
            .select_related("campaign")
            .prefetch_related("entries__account__creator")
        )


# -- payouts and runs -----------------------------------------------------------------------------


class PayoutSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    creator = serializers.CharField(source="creator.public_id", read_only=True)
    campaigns = serializers.ListField(
        source="campaign_public_ids", child=serializers.CharField(), read_only=True
    )

    class Meta:
        model = Payout
        fields = (
            "id",
            "creator",
            "campaigns",
            "currency",
            "amount_cents",
            "state",
            "failure_code",
            "failure_reason",
            "stripe_transfer_id",
            "reversed_cents",
            "created_at",
            "transferred_at",
            "paid_at",
        )
        read_only_fields = fields
        extra_kwargs = {
            "transferred_at": {"help_text": "When Stripe made the transfer (state in_transit)."},
            "paid_at": {"help_text": "When the money reached the creator's bank (state paid)."},
        }


class PayoutFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=Payout.State.choices)
    creator = django_filters.CharFilter(field_name="creator__public_id")

    class Meta:
        model = Payout
        fields = ("state", "creator")


class PayoutViewSet(OrgScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = PayoutSerializer
    filterset_class = PayoutFilter
    ordering_fields = ("created_at", "amount_cents")
    ordering = ("-created_at",)
    required_scopes = {"list": Scope.PAYOUTS_READ, "retrieve": Scope.PAYOUTS_READ}

    def scoped_queryset(self, access: OrgAccess) -> Any:
        return Payout.objects.for_access(access).select_related("creator")


class PayoutRunSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = PayoutRun
        fields = (
            "id",
            "trigger",
            "status",
            "started_at",
            "finished_at",
            "payouts_created",
            "payouts_paid",
            "payouts_failed",
            "payouts_pending",
            "skipped_creators",
        )
        read_only_fields = fields

    def get_status(self, run: PayoutRun) -> str:
        return "finished" if run.finished_at else "running"


class PayoutRunCreateSerializer(serializers.Serializer):
    """No fields: a run pays everything payable in the organization (the key's brand)."""


class PayoutRunViewSet(
    OrgScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    serializer_class = PayoutRunSerializer
    ordering = ("-started_at",)
    http_method_names = ["get", "post", "head", "options"]
    required_scopes = {
        "list": Scope.PAYOUTS_READ,
        "retrieve": Scope.PAYOUTS_READ,
        "create": Scope.PAYOUTS_WRITE,
    }

    def scoped_queryset(self, access: OrgAccess) -> Any:
        return PayoutRun.objects.for_access(access)

    @extend_schema(
        request=PayoutRunCreateSerializer,
        responses={201: PayoutRunSerializer},
        parameters=[IDEMPOTENCY_KEY],
    )
    def create(self, request: Request) -> Response:
        body = request.data if isinstance(request.data, dict) else {}
        PayoutRunCreateSerializer(data=body).is_valid(raise_exception=True)
        access = self.access

        def start() -> tuple[int, Any]:
            run = runs.payout_run_start(access=access)
            run.refresh_from_db()
            return status.HTTP_201_CREATED, PayoutRunSerializer(run).data

        return _idempotent_response(request, access, "payout-runs:create", body, start)


# -- funding ----------------------------------------------------------------------------------------


class FundingSerializer(serializers.ModelSerializer):
    """A brand paying a campaign's budget in through Stripe Checkout: pay at ``checkout_url``
    while ``status`` is ``open``; ``paid_cents`` is what Stripe says was paid."""

    id = serializers.CharField(source="public_id", read_only=True)
    campaign = serializers.CharField(source="campaign.public_id", read_only=True)

    class Meta:
        model = Funding
        fields = (
            "id",
            "campaign",
            "amount_cents",
            "currency",
            "status",
            "checkout_url",
            "paid_cents",
            "paid_at",
            "failure_reason",
            "created_at",
        )
        read_only_fields = fields


class FundingCreateSerializer(serializers.Serializer):
    campaign = RefField("campaign", "cmp", help_text="Campaign id (cmp_…) to fund.")


class FundingFilter(django_filters.FilterSet):
    campaign = django_filters.CharFilter(
        field_name="campaign__public_id", help_text="Campaign id (cmp_…)."
    )
    status = django_filters.ChoiceFilter(choices=Funding.Status.choices)

    class Meta:
        model = Funding
        fields = ("campaign", "status")


class FundingViewSet(
    OrgScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """``/fundings``: Checkout sessions opened to fund campaigns, and opening one."""

    serializer_class = FundingSerializer
    filterset_class = FundingFilter
    ordering_fields = ("created_at",)
    ordering = ("-created_at",)
    http_method_names = ["get", "post", "head", "options"]
    required_scopes = {
        "list": Scope.PAYOUTS_READ,
        "retrieve": Scope.PAYOUTS_READ,
        "create": Scope.PAYOUTS_WRITE,
    }

    def scoped_queryset(self, access: OrgAccess) -> Any:
        return Funding.objects.for_access(access).select_related("campaign")

    @extend_schema(
        summary="Open a Checkout session to fund a campaign",
        description="A Stripe Checkout session for the part of the campaign's budget not "
        "funded yet; pay at `checkout_url`. An open session for the same amount is answered "
        "again rather than duplicated. 409: the campaign is funded already, or closed.",
        request=FundingCreateSerializer,
        responses={
            201: FundingSerializer,
            422: error_response("This Idempotency-Key was used with another body."),
            502: error_response("Stripe refused the request (`stripe_refused`)."),
            503: error_response(
                "Stripe could not be reached, or payments are not set up on this server "
                "(`stripe_unavailable`, `stripe_not_configured`); nothing was charged."
            ),
        },
        parameters=[IDEMPOTENCY_KEY],
    )
    def create(self, request: Request) -> Response:
        body = request.data if isinstance(request.data, dict) else {}
        serializer = FundingCreateSerializer(data=body)
        serializer.is_valid(raise_exception=True)
        access = self.access

        def start() -> tuple[int, Any]:
            campaign = resolve_ref(
                "campaign",
                "campaign",
                serializer.validated_data["campaign"],
                lambda v: campaign_get_for_org(access, v),
            )
            row = funding.funding_start(access=access, campaign=campaign, request=request._request)
            return status.HTTP_201_CREATED, FundingSerializer(row).data

        return _idempotent_response(request, access, "fundings:create", body, start)


# -- the creator's earnings -------------------------------------------------------------------------


class CreatorEarningSerializer(serializers.Serializer):
    """The creator's money in one campaign, in minor units."""

    campaign = serializers.CharField()
    currency = serializers.CharField()
    pending_cents = serializers.IntegerField()
    payable_cents = serializers.IntegerField()
    in_transit_cents = serializers.IntegerField()
    paid_cents = serializers.IntegerField()


class CreatorEarningViewSet(CreatorScopedViewSet, mixins.ListModelMixin):
    serializer_class = CreatorEarningSerializer
    creator_actions = frozenset({"list"})
    pagination_class = None

    def scoped_queryset(self, creator: CreatorProfile) -> Any:
        return Campaign.objects.none()  # rows come from the ledger: see list()

    def schema_model(self) -> type[Campaign]:
        return Campaign

    @extend_schema(responses={200: CreatorEarningSerializer(many=True)})
    def list(self, request: Request) -> Response:
        creator = self.current_creator
        figures = creator_figures(creator)
        ids = dict(
            Campaign.objects.filter(pk__in=[f.campaign_id for f in figures]).values_list(
                "pk", "public_id"
            )
        )
        rows = [
            {
                "campaign": ids[f.campaign_id],
                "currency": f.currency,
                "pending_cents": f.pending,
                "payable_cents": f.payable,
                "in_transit_cents": f.in_transit,
                "paid_cents": f.paid,
            }
            for f in figures
        ]
        return Response(CreatorEarningSerializer(rows, many=True).data)
