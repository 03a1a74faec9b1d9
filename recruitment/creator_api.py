"""The creator-facing REST API (``/api/v1/creator/…``): the creator's own profile, the marketplace
of open campaigns with eligibility, applications, invitations and participations.

Creators are global users, not tenant members: every viewset here subclasses
``creators.api_base.CreatorScopedViewSet`` (browser session only; organization API keys get
``403 creator_only``) and implements ``scoped_queryset(creator)``. Thin: the services decide, the
selectors read — the same ones the creator portal uses.
"""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from campaigns.api import CampaignAssetSerializer
from campaigns.models import Campaign, Deliverable
from campaigns.rendering import render_brief
from campaigns.rules import campaign_accepts_applications
from campaigns.selectors import unscoped_open_campaigns
from core.api.fields import AbsoluteLinkField
from core.api.refs import resolve_optional_ref, resolve_ref
from core.errors import ChorusError, NotFound
from creators.api_base import CreatorScopedViewSet
from creators.models import CreatorProfile, PortfolioItem, SocialAccount
from creators.selectors import creator_profile_with_details, social_account_for_creator
from recruitment import selectors, services
from recruitment.api import AccountSerializer, ParticipationSlotSerializer
from recruitment.api_filters import ApplicationFilter, CreatorInvitationFilter, ParticipationFilter
from recruitment.models import PITCH_MAX_CHARS, Application, CampaignInvitation, Participation

_ERRORS = {
    400: OpenApiResponse(description="Invalid input: `{code, message, fields}`."),
    403: OpenApiResponse(
        description="`creator_only` (an organization API key), `not_a_creator` (no creator "
        "profile), `not_authenticated` (not signed in) or a missing CSRF token."
    ),
    404: OpenApiResponse(description="No such object among yours."),
    409: OpenApiResponse(
        description="A business rule refused it (e.g. `duplicate_application`, "
        "`invitation_not_pending`, `campaign_full`)."
    ),
}
_READ_ERRORS = {403: _ERRORS[403], 404: _ERRORS[404]}
_LIST_ERRORS = {400: OpenApiResponse(description="A bad filter value."), 403: _ERRORS[403]}


def _status(choices: Any, source: str | None = None) -> serializers.CharField:
    """A status, as text. Not a schema enum on purpose: the organization API already names these
    choice sets (ApplicationStatusEnum, …), and a second component using one would make
    drf-spectacular's enum naming collide (a warning) without ENUM_NAME_OVERRIDES in settings."""
    help_text = "One of: " + ", ".join(f"`{value}`" for value in choices.values) + "."
    if source:
        return serializers.CharField(source=source, read_only=True, help_text=help_text)
    return serializers.CharField(read_only=True, help_text=help_text)


# -- serializers: shared pieces ------------------------------------------------------------------


class OwnAccountSerializer(AccountSerializer):
    """One of the creator's social accounts, with its stats and when they were checked."""

    class Meta(AccountSerializer.Meta):
        fields = (*AccountSerializer.Meta.fields, "verified_at", "last_refreshed_at")
        read_only_fields = fields


class AccountRefSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)

    class Meta:
        model = SocialAccount
        fields = ("id", "platform", "handle")
        read_only_fields = fields


class CampaignRefSerializer(serializers.ModelSerializer):
    """A campaign named on an application, invitation or participation."""

    id = serializers.CharField(source="public_id", read_only=True)
    brand = serializers.CharField(source="brand.name", read_only=True)
    status = _status(Campaign.Status)

    class Meta:
        model = Campaign
        fields = ("id", "name", "brand", "status", "currency", "pay_by_days")
        read_only_fields = fields


class CreatorDeliverableSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)

    class Meta:
        model = Deliverable
        fields = ("id", "platform", "format", "quantity", "fee_cents", "notes")
        read_only_fields = fields


# -- profile -------------------------------------------------------------------------------------


class PortfolioLinkSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)

    class Meta:
        model = PortfolioItem
        fields = ("id", "url", "title", "platform")
        read_only_fields = fields


class CreatorOwnProfileSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    niches = serializers.ListField(child=serializers.CharField(), read_only=True)
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    photo_url = serializers.SerializerMethodField()
    accounts = OwnAccountSerializer(source="social_accounts", many=True, read_only=True)
    portfolio = PortfolioLinkSerializer(many=True, read_only=True)

    class Meta:
        model = CreatorProfile
        fields = (
            "id",
            "email",
            "display_name",
            "bio",
            "country",
            "languages",
            "niches",
            "photo_url",
            "total_followers",
            "best_engagement_bp",
            "has_verified_account",
            "accounts",
            "portfolio",
        )
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_photo_url(self, profile: CreatorProfile) -> str | None:
        return profile.photo_url or None


# -- campaigns (the marketplace) -----------------------------------------------------------------


class MarketplaceCampaignSerializer(serializers.Serializer):
    """One open campaign as the requesting creator sees it in the marketplace."""

    id = serializers.CharField(source="campaign.public_id")
    name = serializers.CharField(source="campaign.name")
    brand = serializers.CharField(source="campaign.brand.name")
    objective = serializers.CharField(source="campaign.objective")
    platforms = serializers.ListField(child=serializers.CharField(), source="campaign.platforms")
    deliverables = CreatorDeliverableSerializer(
        many=True, source="campaign.deliverables.all", read_only=True
    )
    per_creator_fee_cents = serializers.IntegerField(
        source="campaign.per_creator_fee_cents",
        help_text="What one creator earns in fixed fees for all the deliverables.",
    )
    currency = serializers.CharField(source="campaign.currency")
    application_deadline = serializers.DateField(source="campaign.application_deadline")
    pay_by_days = serializers.IntegerField(
        source="campaign.pay_by_days", help_text="Paid within this many days of each approval."
    )
    eligible = serializers.BooleanField(help_text="Whether you qualify for this campaign.")
    eligibility_reasons = serializers.ListField(
        child=serializers.CharField(),
        source="eligibility.reasons",
        help_text="Why you do not qualify (empty when you do).",
    )
    eligible_account = serializers.CharField(
        source="eligibility.account.public_id",
        allow_null=True,
        default=None,
        help_text="Your best qualifying account (soc_…), the one to apply with.",
    )
    application_status = serializers.CharField(
        help_text="Your application's status, or empty when you have not applied."
    )
    invited = serializers.BooleanField(help_text="You have a pending invitation to it.")
    participating = serializers.BooleanField(help_text="You already take part in it.")


class ApplicationRefSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    status = _status(Application.Status)

    class Meta:
        model = Application
        fields = ("id", "status")
        read_only_fields = fields


class InvitationRefSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    status = _status(CampaignInvitation.Status)

    class Meta:
        model = CampaignInvitation
        fields = ("id", "status", "message")
        read_only_fields = fields


class ParticipationRefSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    status = _status(Participation.Status)
    tracking_url = AbsoluteLinkField(source="tracking_path")

    class Meta:
        model = Participation
        fields = ("id", "status", "tracking_url", "promo_code")
        read_only_fields = fields


class CreatorCampaignDetailSerializer(serializers.Serializer):
    """A campaign's brief, deliverables, pay and dates, and where the creator stands with it."""

    id = serializers.CharField(source="campaign.public_id")
    name = serializers.CharField(source="campaign.name")
    brand = serializers.CharField(source="campaign.brand.name")
    status = _status(Campaign.Status, "campaign.status")
    visibility = serializers.CharField(source="campaign.visibility")
    objective = serializers.CharField(source="campaign.objective")
    brief = serializers.CharField(source="campaign.brief", help_text="Markdown, as written.")
    brief_html = serializers.SerializerMethodField(
        help_text="The brief rendered to sanitised HTML, safe to show."
    )
    reference_links = serializers.ListField(
        child=serializers.CharField(), source="campaign.reference_links"
    )
    dos = serializers.CharField(source="campaign.dos")
    donts = serializers.CharField(source="campaign.donts")
    product_name = serializers.CharField(source="campaign.product_name")
    landing_url = serializers.CharField(source="campaign.landing_url")
    required_hashtags = serializers.ListField(
        child=serializers.CharField(), source="campaign.required_hashtags"
    )
    required_mentions = serializers.ListField(
        child=serializers.CharField(), source="campaign.required_mentions"
    )
    disclosure_required = serializers.BooleanField(source="campaign.disclosure_required")
    usage_rights = serializers.CharField(source="campaign.usage_rights")
    paid_usage_months = serializers.IntegerField(source="campaign.paid_usage_months")
    platforms = serializers.ListField(child=serializers.CharField(), source="campaign.platforms")
    deliverables = CreatorDeliverableSerializer(
        many=True, source="campaign.deliverables.all", read_only=True
    )
    assets = CampaignAssetSerializer(
        many=True,
        source="campaign.assets.all",
        read_only=True,
        help_text="Files the brand attached to the brief (product shots, guidelines...).",
    )
    currency = serializers.CharField(source="campaign.currency")
    per_creator_fee_cents = serializers.IntegerField(source="campaign.per_creator_fee_cents")
    bonus_per_1k_views_cents = serializers.IntegerField(source="campaign.bonus_per_1k_views_cents")
    bonus_cap_per_post_cents = serializers.IntegerField(source="campaign.bonus_cap_per_post_cents")
    commission_per_conversion_cents = serializers.IntegerField(
        source="campaign.commission_per_conversion_cents"
    )
    pay_by_days = serializers.IntegerField(
        source="campaign.pay_by_days", help_text="Paid within this many days of each approval."
    )
    application_deadline = serializers.DateField(source="campaign.application_deadline")
    draft_due = serializers.DateField(source="campaign.draft_due")
    posting_starts = serializers.DateField(source="campaign.posting_starts")
    posting_ends = serializers.DateField(source="campaign.posting_ends")
    min_followers = serializers.IntegerField(source="campaign.min_followers")
    max_followers = serializers.IntegerField(source="campaign.max_followers")
    min_engagement_bp = serializers.IntegerField(source="campaign.min_engagement_bp")
    niches = serializers.ListField(child=serializers.CharField(), source="campaign.niches")
    countries = serializers.ListField(child=serializers.CharField(), source="campaign.countries")
    accepts_applications = serializers.SerializerMethodField(
        help_text="Recruiting and the application deadline has not passed."
    )
    eligible = serializers.BooleanField(source="eligibility.eligible")
    eligibility_reasons = serializers.ListField(
        child=serializers.CharField(), source="eligibility.reasons"
    )
    eligible_account = serializers.CharField(
        source="eligibility.account.public_id", allow_null=True, default=None
    )
    application = ApplicationRefSerializer(allow_null=True, read_only=True)
    invitation = InvitationRefSerializer(allow_null=True, read_only=True)
    participation = ParticipationRefSerializer(allow_null=True, read_only=True)

    @extend_schema_field(OpenApiTypes.STR)
    def get_brief_html(self, view: selectors.CreatorCampaignView) -> str:
        return str(render_brief(view.campaign.brief))

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_accepts_applications(self, view: selectors.CreatorCampaignView) -> bool:
        return campaign_accepts_applications(view.campaign)


# -- applications, invitations, participations ---------------------------------------------------


class CreatorApplicationSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    status = _status(Application.Status)
    campaign = CampaignRefSerializer(read_only=True)
    social_account = AccountRefSerializer(read_only=True, allow_null=True)
    participation = serializers.CharField(
        source="participation.public_id",
        read_only=True,
        allow_null=True,
        help_text="Your participation (par_…) once the brand accepted you.",
    )

    class Meta:
        model = Application
        fields = (
            "id",
            "campaign",
            "social_account",
            "pitch",
            "status",
            "decided_at",
            "participation",
            "created_at",
        )
        read_only_fields = fields


class ApplyRequestSerializer(serializers.Serializer):
    campaign = serializers.CharField(
        max_length=40,
        help_text="Campaign id (cmp_…).",
        error_messages={"required": "Name the campaign to apply to (its id, cmp_…)."},
    )
    social_account = serializers.CharField(
        max_length=40,
        help_text="The id (soc_…) of your account to post from; see GET /api/v1/creator/profile/.",
        error_messages={
            "required": "Choose the account you will post from (its id, soc_…).",
        },
    )
    pitch = serializers.CharField(
        max_length=PITCH_MAX_CHARS,
        allow_blank=True,
        help_text=f"Why you fit this campaign, up to {PITCH_MAX_CHARS:,} characters.",
        error_messages={
            "required": "Write a short pitch: tell the brand why you fit this campaign.",
            "max_length": f"Keep your pitch to {PITCH_MAX_CHARS:,} characters.",
        },
    )


class CreatorInvitationSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    status = _status(CampaignInvitation.Status)
    campaign = CampaignRefSerializer(read_only=True)
    per_creator_fee_cents = serializers.IntegerField(
        source="campaign.per_creator_fee_cents",
        read_only=True,
        help_text="What you earn in fixed fees for all the deliverables.",
    )
    application_deadline = serializers.DateField(
        source="campaign.application_deadline", read_only=True, allow_null=True
    )
    participation = serializers.CharField(
        source="participation.public_id",
        read_only=True,
        allow_null=True,
        help_text="Your participation (par_…) once you accepted.",
    )

    class Meta:
        model = CampaignInvitation
        fields = (
            "id",
            "campaign",
            "per_creator_fee_cents",
            "application_deadline",
            "message",
            "status",
            "responded_at",
            "participation",
            "created_at",
        )
        read_only_fields = fields


class RespondRequestSerializer(serializers.Serializer):
    accept = serializers.BooleanField(
        help_text="true joins the campaign; false declines.",
        error_messages={"required": "Say whether you accept: send accept as true or false."},
    )
    social_account = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text="When accepting: the account (soc_…) to post from. Default: your best "
        "qualifying account.",
    )


class CreatorAgreedFeeSerializer(serializers.Serializer):
    platform = serializers.CharField()
    format = serializers.CharField()
    quantity = serializers.IntegerField()
    fee_cents = serializers.IntegerField()


class CreatorParticipationSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    status = _status(Participation.Status)
    campaign = CampaignRefSerializer(read_only=True)
    social_account = AccountRefSerializer(read_only=True, allow_null=True)
    agreed_fees = CreatorAgreedFeeSerializer(many=True, read_only=True)
    slots = ParticipationSlotSerializer(
        many=True, read_only=True, help_text="Your promised posts: one per post, with its fee."
    )
    tracking_url = AbsoluteLinkField(
        source="tracking_path", help_text="Your tracking link: share it so sales count for you."
    )

    class Meta:
        model = Participation
        fields = (
            "id",
            "campaign",
            "social_account",
            "agreed_fees",
            "agreed_total_cents",
            "currency",
            "slots",
            "tracking_code",
            "tracking_url",
            "promo_code",
            "status",
            "created_at",
        )
        read_only_fields = fields


# -- viewsets ------------------------------------------------------------------------------------


class CreatorProfileViewSet(CreatorScopedViewSet):
    """``GET /api/v1/creator/profile/``: routed by hand (one object, no id in the URL)."""

    serializer_class = CreatorOwnProfileSerializer
    creator_actions = frozenset({"retrieve"})

    def scoped_queryset(self, creator: CreatorProfile) -> Any:
        return CreatorProfile.objects.filter(pk=creator.pk)

    @extend_schema(
        summary="Your creator profile",
        description="Your profile, niches, portfolio links and social accounts with their "
        "stats (verified accounts count towards the totals).",
        responses={200: CreatorOwnProfileSerializer, 403: _ERRORS[403]},
    )
    def retrieve(self, request: Request) -> Response:
        profile = creator_profile_with_details(self.current_creator)
        return Response(CreatorOwnProfileSerializer(profile).data)


_ELIGIBLE_PARAM = OpenApiParameter(
    "eligible",
    OpenApiTypes.BOOL,
    description="true: only campaigns you qualify for; false: only those you do not.",
)


@extend_schema_view(
    list=extend_schema(
        summary="The marketplace: open campaigns",
        description="Open, recruiting campaigns whose application deadline has not passed "
        "(the 200 closing soonest), those you qualify for first, each soonest deadline first, "
        "with your eligibility and the reasons when you do not qualify.",
        parameters=[_ELIGIBLE_PARAM],
        responses={200: MarketplaceCampaignSerializer(many=True), **_LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="A campaign's brief, deliverables and pay",
        description="Open campaigns to every creator; invite-only ones only to creators "
        "invited to (or taking part in) them — to anyone else they do not exist (404).",
        responses={200: CreatorCampaignDetailSerializer, **_READ_ERRORS},
    ),
)
class CreatorCampaignViewSet(CreatorScopedViewSet):
    serializer_class = MarketplaceCampaignSerializer
    filter_backends: list[Any] = []  # the marketplace selector does the choosing
    creator_actions = frozenset({"list", "retrieve"})

    def schema_model(self) -> type[Campaign]:
        return Campaign

    def scoped_queryset(self, creator: CreatorProfile) -> Any:
        # The marketplace is the same for every creator (open, recruiting campaigns). The actions
        # below read through recruitment's creator selectors: ``list`` adds the creator's
        # eligibility, ``retrieve`` also admits the invite-only campaigns they were invited to.
        return unscoped_open_campaigns()

    def list(self, request: Request) -> Response:
        market = selectors.marketplace_for_creator(self.current_creator)
        wanted = request.query_params.get("eligible", "").strip().lower()
        if wanted in ("true", "1"):
            entries = market.qualified
        elif wanted in ("false", "0"):
            entries = market.not_qualified
        elif wanted:
            raise ChorusError(
                "invalid",
                "eligible: use true or false.",
                fields={"eligible": ["Use true or false."]},
            )
        else:
            entries = market.qualified + market.not_qualified
        page = self.paginate_queryset(entries)
        data = MarketplaceCampaignSerializer(page, many=True).data
        return self.get_paginated_response(data)

    def retrieve(self, request: Request, public_id: str) -> Response:
        view = selectors.campaign_for_creator(self.current_creator, public_id)
        return Response(CreatorCampaignDetailSerializer(view).data)


@extend_schema_view(
    list=extend_schema(
        summary="Your applications",
        description="Newest first; filter by campaign and status.",
        responses={200: CreatorApplicationSerializer(many=True), **_LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One of your applications",
        responses={200: CreatorApplicationSerializer, **_READ_ERRORS},
    ),
    create=extend_schema(
        summary="Apply to a campaign",
        description="Apply with one of your accounts and a short pitch. Refused with "
        "`duplicate_application`, `already_participating`, `already_invited` (accept the "
        "invitation instead), `deadline_passed`, `campaign_not_recruiting` or `not_eligible` "
        "(the reasons in the message and in `fields.eligibility`).",
        request=ApplyRequestSerializer,
        responses={201: CreatorApplicationSerializer, **_ERRORS},
    ),
)
class CreatorApplicationViewSet(
    CreatorScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin
):
    serializer_class = CreatorApplicationSerializer
    filterset_class = ApplicationFilter
    ordering_fields = ("created_at", "decided_at", "status")
    ordering = ("-created_at",)
    creator_actions = frozenset({"list", "retrieve", "create", "withdraw"})

    def scoped_queryset(self, creator: CreatorProfile) -> Any:
        return selectors.applications_for_creator(creator).select_related("participation")

    def _fresh(self, application: Application) -> Application:
        fresh = self.scoped_queryset(self.current_creator).filter(pk=application.pk).first()
        if fresh is None:
            raise NotFound("No such application.")
        return fresh

    def create(self, request: Request) -> Response:
        creator = self.current_creator
        serializer = ApplyRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        view = resolve_ref(
            "campaign",
            "campaign",
            data["campaign"],
            lambda v: selectors.campaign_for_creator(creator, v),
        )
        account = resolve_ref(
            "social_account",
            "account among yours",
            data["social_account"],
            lambda v: social_account_for_creator(creator, v),
        )
        application = services.application_submit(
            creator=creator, campaign=view.campaign, social_account=account, pitch=data["pitch"]
        )
        body = CreatorApplicationSerializer(self._fresh(application)).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Withdraw an application",
        description="Only a pending or wait-listed application; refused with `cannot_withdraw`.",
        request=None,
        responses={200: CreatorApplicationSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, public_id: str) -> Response:
        application = services.application_withdraw(
            creator=self.current_creator, application=self.get_object()
        )
        return Response(CreatorApplicationSerializer(self._fresh(application)).data)


@extend_schema_view(
    list=extend_schema(
        summary="Your invitations",
        description="Invitations brands sent you (withdrawn ones left out), newest first; "
        "filter by campaign and status (e.g. `status=pending`).",
        responses={200: CreatorInvitationSerializer(many=True), **_LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One of your invitations",
        responses={200: CreatorInvitationSerializer, **_READ_ERRORS},
    ),
)
class CreatorInvitationViewSet(
    CreatorScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin
):
    serializer_class = CreatorInvitationSerializer
    filterset_class = CreatorInvitationFilter
    ordering_fields = ("created_at", "responded_at", "status")
    ordering = ("-created_at",)
    creator_actions = frozenset({"list", "retrieve", "respond"})

    def scoped_queryset(self, creator: CreatorProfile) -> Any:
        return selectors.invitations_for_creator(creator).select_related("participation")

    @extend_schema(
        summary="Accept or decline an invitation",
        description="Accepting joins the campaign at once (the participation, with your "
        "tracking link and promo code, is in `participation`). Refused with "
        "`invitation_not_pending`, `deadline_passed`, `campaign_full`, `budget_exceeded` or "
        "`not_eligible`.",
        request=RespondRequestSerializer,
        responses={200: CreatorInvitationSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def respond(self, request: Request, public_id: str) -> Response:
        creator = self.current_creator
        invitation = self.get_object()
        serializer = RespondRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        account = resolve_optional_ref(
            "social_account",
            "account among yours",
            data["social_account"],
            lambda v: social_account_for_creator(creator, v),
        )
        invitation = services.invitation_respond(
            creator=creator, invitation=invitation, accept=data["accept"], social_account=account
        )
        fresh = self.scoped_queryset(creator).filter(pk=invitation.pk).first()
        if fresh is None:
            raise NotFound("No such invitation.")
        return Response(CreatorInvitationSerializer(fresh).data)


@extend_schema_view(
    list=extend_schema(
        summary="Your participations",
        description="Campaigns you take part in, with the agreed fees, your tracking link and "
        "your promo code; filter by campaign and status.",
        responses={200: CreatorParticipationSerializer(many=True), **_LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One of your participations",
        responses={200: CreatorParticipationSerializer, **_READ_ERRORS},
    ),
)
class CreatorParticipationViewSet(
    CreatorScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin
):
    serializer_class = CreatorParticipationSerializer
    filterset_class = ParticipationFilter
    ordering_fields = ("created_at", "agreed_total_cents", "status")
    ordering = ("-created_at",)
    creator_actions = frozenset({"list", "retrieve"})

    def scoped_queryset(self, creator: CreatorProfile) -> Any:
        return selectors.participations_for_creator(creator)
