"""REST API for recruitment: the applications queue and decisions (single and bulk), the
participations, and campaign invitations. Thin: services decide, selectors read."""

from typing import Any

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from campaigns.selectors import campaign_get_for_org, campaigns_for_org
from core.api.fields import AbsoluteLinkField
from core.api.refs import RefField, resolve_ref
from core.errors import NotFound
from creators.models import CreatorProfile, SocialAccount
from organizations.access import OrgAccess
from organizations.api_base import OrgScopedViewSet
from organizations.roles import Scope
from recruitment import selectors, services
from recruitment.api_filters import ApplicationFilter, CampaignInvitationFilter, ParticipationFilter
from recruitment.models import (
    MESSAGE_MAX_CHARS,
    Application,
    CampaignInvitation,
    Participation,
    ParticipationSlot,
)

_ERRORS = {
    400: OpenApiResponse(description="Invalid input: `{code, message, fields}`."),
    404: OpenApiResponse(description="No such object in your organization."),
    409: OpenApiResponse(
        description="A business rule refused it (e.g. `campaign_full`, `budget_exceeded`)."
    ),
}


# -- serializers ---------------------------------------------------------------------------------


class CreatorStatsSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    niches = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = CreatorProfile
        fields = (
            "id",
            "display_name",
            "country",
            "niches",
            "total_followers",
            "best_engagement_bp",
            "has_verified_account",
        )
        read_only_fields = fields


class AccountSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    verified = serializers.BooleanField(source="is_verified", read_only=True)

    class Meta:
        model = SocialAccount
        fields: tuple[str, ...] = (
            "id",
            "platform",
            "handle",
            "profile_url",
            "follower_count",
            "average_views",
            "engagement_rate_bp",
            "verified",
        )
        read_only_fields = fields


class ApplicationSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    campaign = serializers.CharField(source="campaign.public_id", read_only=True)
    creator = CreatorStatsSerializer(read_only=True)
    social_account = AccountSerializer(
        read_only=True, allow_null=True, help_text="The account the creator applied with."
    )
    decided_by = serializers.EmailField(source="decided_by.email", read_only=True, allow_null=True)
    participation = serializers.CharField(
        source="participation.public_id",
        read_only=True,
        allow_null=True,
        help_text="The participation made when the application was accepted.",
    )

    class Meta:
        model = Application
        fields = (
            "id",
            "campaign",
            "creator",
            "social_account",
            "pitch",
            "status",
            "decided_by",
            "decided_at",
            "participation",
            "created_at",
        )
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=list(services.DECISIONS))
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=services.DECLINE_REASON_MAX_CHARS,
        help_text="For a decline: a note the creator reads in the notice.",
    )


class BulkDecisionSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.CharField(max_length=40),
        allow_empty=False,
        min_length=1,
        max_length=services.MAX_BULK_DECISIONS,
        help_text=f"Application ids (app_…), at most {services.MAX_BULK_DECISIONS}. "
        "They are decided in this order.",
    )
    decision = serializers.ChoiceField(choices=list(services.DECISIONS))
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=services.DECLINE_REASON_MAX_CHARS,
        help_text="For a decline: a note every declined creator reads in the notice.",
    )


class BulkDecisionItemSerializer(serializers.Serializer):
    id = serializers.CharField()
    ok = serializers.BooleanField()
    status = serializers.CharField(required=False, help_text="The application's new status.")
    participation = serializers.CharField(required=False, allow_null=True)
    code = serializers.CharField(required=False, help_text="Why it failed (stable code).")
    message = serializers.CharField(required=False, help_text="Why it failed (for people).")


class BulkDecisionResultSerializer(serializers.Serializer):
    decision = serializers.CharField()
    succeeded = serializers.IntegerField()
    failed = serializers.IntegerField()
    results = BulkDecisionItemSerializer(many=True)


class AgreedFeeSerializer(serializers.Serializer):
    platform = serializers.CharField()
    format = serializers.CharField()
    quantity = serializers.IntegerField()
    fee_cents = serializers.IntegerField()


class ParticipationSlotSerializer(serializers.ModelSerializer):
    """One promised post of a participation: what, by when, for how much."""

    id = serializers.CharField(source="public_id", read_only=True)
    deliverable = serializers.CharField(
        source="deliverable.public_id", read_only=True, help_text="The deliverable (dlv_…)."
    )
    slot_number = serializers.IntegerField(
        read_only=True, help_text="1..quantity within the deliverable."
    )
    fee_cents = serializers.IntegerField(read_only=True, help_text="Agreed fee, minor units.")

    class Meta:
        model = ParticipationSlot
        fields = (
            "id",
            "deliverable",
            "slot_number",
            "platform",
            "format",
            "fee_cents",
            "currency",
            "draft_due",
            "post_due",
            "status",
        )
        read_only_fields = fields


class ParticipationSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    campaign = serializers.CharField(source="campaign.public_id", read_only=True)
    creator = CreatorStatsSerializer(read_only=True)
    social_account = AccountSerializer(read_only=True, allow_null=True)
    application = serializers.CharField(
        source="application.public_id", read_only=True, allow_null=True
    )
    invitation = serializers.CharField(
        source="invitation.public_id", read_only=True, allow_null=True
    )
    agreed_fees = AgreedFeeSerializer(many=True, read_only=True)
    slots = ParticipationSlotSerializer(
        many=True, read_only=True, help_text="One per promised post, in deliverable order."
    )
    tracking_url = AbsoluteLinkField(source="tracking_path")

    class Meta:
        model = Participation
        fields = (
            "id",
            "campaign",
            "creator",
            "social_account",
            "application",
            "invitation",
            "agreed_fees",
            "agreed_total_cents",
            "currency",
            "slots",
            "tracking_code",
            "tracking_url",
            "promo_code",
            "status",
            "created_at",
            "cancelled_at",
        )
        read_only_fields = fields


class InvitedCreatorSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)

    class Meta:
        model = CreatorProfile
        fields = ("id", "display_name", "country", "total_followers")
        read_only_fields = fields


class CampaignInvitationSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    campaign = serializers.CharField(source="campaign.public_id", read_only=True)
    creator = InvitedCreatorSerializer(read_only=True)
    invited_by = serializers.EmailField(source="invited_by.email", read_only=True, allow_null=True)

    class Meta:
        model = CampaignInvitation
        fields = (
            "id",
            "campaign",
            "creator",
            "invited_by",
            "message",
            "status",
            "responded_at",
            "created_at",
        )
        read_only_fields = fields


class CampaignInvitationCreateSerializer(serializers.Serializer):
    campaign = RefField("campaign", "cmp")
    creator = RefField("creator", "cre")
    message = serializers.CharField(
        max_length=MESSAGE_MAX_CHARS, required=False, allow_blank=True, default=""
    )


class CapacitySerializer(serializers.Serializer):
    """``recruitment.selectors.campaign_capacity``: the same numbers every page shows."""

    campaign = serializers.CharField()
    max_creators = serializers.IntegerField()
    creators_in = serializers.IntegerField(source="capacity.filled")
    places_left = serializers.IntegerField(source="capacity.places_left")
    limited_by = serializers.ChoiceField(
        choices=["maximum", "budget"],
        source="capacity.limited_by",
        help_text="What limits places left: the maximum number of creators or the budget left.",
    )
    places_by_maximum = serializers.IntegerField(source="capacity.places_by_maximum")
    places_by_budget = serializers.IntegerField(
        source="capacity.places_by_budget",
        allow_null=True,
        help_text="null while no deliverable has a fee.",
    )
    per_creator_cents = serializers.IntegerField(source="capacity.per_creator_cents")
    budget_cents = serializers.IntegerField(source="capacity.budget_cents")
    committed_cents = serializers.IntegerField(source="capacity.committed_cents")
    remaining_cents = serializers.IntegerField(source="capacity.remaining_cents")
    currency = serializers.CharField(source="capacity.currency")


def _creator_by_id(public_id: str) -> CreatorProfile:
    """Creators are global: any creator may be invited by id (eligibility is the service's)."""
    creator = selectors.creator_by_public_id(public_id)
    if creator is None:
        raise NotFound("No such creator.")
    return creator


# -- viewsets ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List applications",
        description="Applications to the organization's campaigns, newest first, with each "
        "creator's stats. Filter by campaign and status; order by created_at or decided_at.",
    ),
    retrieve=extend_schema(
        summary="Get an application", responses={200: ApplicationSerializer, **_ERRORS}
    ),
)
class ApplicationViewSet(OrgScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilter
    ordering_fields = ("created_at", "decided_at", "status")
    ordering = ("-created_at",)
    required_scopes = {
        "list": Scope.CAMPAIGNS_READ,
        "retrieve": Scope.CAMPAIGNS_READ,
        "decide": Scope.RECRUITMENT_WRITE,
        "bulk_decide": Scope.RECRUITMENT_WRITE,
    }

    def scoped_queryset(self, access: OrgAccess) -> Any:
        return selectors.applications_for_org(access)

    @extend_schema(
        summary="Accept, decline or wait-list an application",
        description="Accepting creates the participation (agreed fees, tracking code, promo "
        "code) and reserves the fees from the budget; refused with `campaign_full` or "
        "`budget_exceeded` when it would not fit.",
        request=DecisionSerializer,
        responses={200: ApplicationSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, public_id: str) -> Response:
        application = self.get_object()
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.application_decide(
            access=self.access,
            application=application,
            decision=serializer.validated_data["decision"],
            reason=serializer.validated_data["reason"],
        )
        fresh = selectors.application_get_for_org(self.access, application.public_id)
        return Response(ApplicationSerializer(fresh).data)

    @extend_schema(
        summary="Decide many applications at once",
        description="Each id is decided on its own, in the order given: one that fails (not "
        "found, campaign full, budget exceeded, already decided) does not stop the others. "
        "The answer lists the outcome per id.",
        request=BulkDecisionSerializer,
        responses={200: BulkDecisionResultSerializer, 400: _ERRORS[400]},
    )
    @action(detail=False, methods=["post"], url_path="bulk-decide", url_name="bulk-decide")
    def bulk_decide(self, request: Request) -> Response:
        serializer = BulkDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision = serializer.validated_data["decision"]
        result = services.applications_decide_bulk(
            access=self.access,
            application_ids=serializer.validated_data["ids"],
            decision=decision,
            reason=serializer.validated_data["reason"],
        )
        outcomes: dict[str, dict[str, Any]] = {}
        for application in result.succeeded:
            participation = getattr(application, "participation", None)
            outcomes[application.public_id] = {
                "id": application.public_id,
                "ok": True,
                "status": application.status,
                "participation": participation.public_id if participation else None,
            }
        for failure in result.failed:
            outcomes[failure.id] = {
                "id": failure.id,
                "ok": False,
                "code": failure.code,
                "message": failure.reason,
            }
        order = list(dict.fromkeys(str(i).strip() for i in serializer.validated_data["ids"]))
        body = {
            "decision": decision,
            "succeeded": len(result.succeeded),
            "failed": len(result.failed),
            "results": [outcomes[i] for i in order if i in outcomes],
        }
        return Response(BulkDecisionResultSerializer(body).data)


@extend_schema_view(
    list=extend_schema(
        summary="List participations",
        description="Creators taking part in the organization's campaigns, with the agreed "
        "fees, tracking code and promo code. Filter by campaign and status.",
    ),
    retrieve=extend_schema(
        summary="Get a participation", responses={200: ParticipationSerializer, **_ERRORS}
    ),
)
class ParticipationViewSet(OrgScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = ParticipationSerializer
    filterset_class = ParticipationFilter
    ordering_fields = ("created_at", "agreed_total_cents", "status")
    ordering = ("-created_at",)
    required_scopes = {
        "list": Scope.CAMPAIGNS_READ,
        "retrieve": Scope.CAMPAIGNS_READ,
        "cancel": Scope.RECRUITMENT_WRITE,
    }

    def scoped_queryset(self, access: OrgAccess) -> Any:
        return selectors.participations_for_org(access)

    @extend_schema(
        summary="Cancel a participation",
        description="Takes the creator off the campaign; the slot and the agreed fees return "
        "to the campaign.",
        request=None,
        responses={200: ParticipationSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, public_id: str) -> Response:
        participation = services.participation_cancel(
            access=self.access, participation=self.get_object()
        )
        fresh = selectors.participation_get_for_org(self.access, participation.public_id)
        return Response(ParticipationSerializer(fresh).data)


@extend_schema_view(
    list=extend_schema(
        summary="List campaign invitations",
        description="Invitations sent to creators; filter by campaign, creator and status.",
    ),
    retrieve=extend_schema(
        summary="Get a campaign invitation",
        responses={200: CampaignInvitationSerializer, **_ERRORS},
    ),
)
class CampaignInvitationViewSet(OrgScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = CampaignInvitationSerializer
    filterset_class = CampaignInvitationFilter
    ordering_fields = ("created_at", "responded_at", "status")
    ordering = ("-created_at",)
    required_scopes = {
        "list": Scope.CAMPAIGNS_READ,
        "retrieve": Scope.CAMPAIGNS_READ,
        "create": Scope.RECRUITMENT_WRITE,
        "withdraw": Scope.RECRUITMENT_WRITE,
    }

    def scoped_queryset(self, access: OrgAccess) -> Any:
        return selectors.campaign_invitations_for_org(access)

    @extend_schema(
        summary="Invite a creator to a campaign",
        description="Refused with `campaign_not_recruiting`, `already_invited`, "
        "`already_participating`, `already_applied`, `campaign_full` or `not_eligible` (the "
        "reasons in `fields.eligibility`).",
        request=CampaignInvitationCreateSerializer,
        responses={201: CampaignInvitationSerializer, **_ERRORS},
    )
    def create(self, request: Request) -> Response:
        serializer = CampaignInvitationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, access = serializer.validated_data, self.access
        campaign = resolve_ref(
            "campaign", "campaign", data["campaign"], lambda v: campaign_get_for_org(access, v)
        )
        creator = resolve_ref("creator", "creator", data["creator"], _creator_by_id)
        invitation = services.invitation_send(
            access=self.access, campaign=campaign, creator=creator, message=data["message"]
        )
        fresh = selectors.campaign_invitation_get_for_org(self.access, invitation.public_id)
        return Response(CampaignInvitationSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Withdraw a pending invitation",
        request=None,
        responses={200: CampaignInvitationSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, public_id: str) -> Response:
        invitation = services.invitation_withdraw(access=self.access, invitation=self.get_object())
        fresh = selectors.campaign_invitation_get_for_org(self.access, invitation.public_id)
        return Response(CampaignInvitationSerializer(fresh).data)


@extend_schema_view(
    retrieve=extend_schema(
        summary="How many more creators a campaign can take",
        description="Places left is the smaller of (maximum creators minus creators in) and "
        "(budget left divided by fees per creator); `limited_by` says which. The overview, the campaign "
        "page and the applications tab show the same numbers.",
        parameters=[
            OpenApiParameter(
                "public_id", str, OpenApiParameter.PATH, description="Campaign id (cmp_…)."
            )
        ],
        responses={200: CapacitySerializer, 404: _ERRORS[404]},
    ),
)
class CampaignCapacityViewSet(OrgScopedViewSet, mixins.RetrieveModelMixin):
    serializer_class = CapacitySerializer
    required_scopes = {"retrieve": Scope.CAMPAIGNS_READ}

    def scoped_queryset(self, access: OrgAccess) -> Any:
        return campaigns_for_org(access)

    def retrieve(self, request: Request, public_id: str) -> Response:
        campaign = self.get_object()
        capacity = selectors.campaign_capacity(campaign)
        row = {
            "campaign": campaign.public_id,
            "max_creators": campaign.max_creators,
            "capacity": capacity,
        }
        return Response(CapacitySerializer(row).data)
