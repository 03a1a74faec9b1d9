"""REST API: creator search, shortlists, invitation batches. Thin: services and selectors decide.

Only public creator data leaves here (display name, country, niches, photo, social accounts and
their figures) — never an e-mail address or anything else from the creator's user account.
"""

from typing import Any

import django_filters
from django import forms
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, parsers, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from campaigns.models import Campaign
from campaigns.selectors import campaign_get_for_org
from core.api.refs import RefField, resolve_optional_ref, resolve_ref
from core.errors import ChorusError
from core.taxonomy import COUNTRIES
from creators.models import CreatorProfile, PortfolioItem, SocialAccount
from discovery import selectors, services
from discovery.forms import CreatorSearchForm, FlagField
from discovery.models import (
    BATCH_MAX_ROWS,
    NOTE_MAX_CHARS,
    SHORTLIST_NAME_MAX,
    InviteBatch,
    InviteBatchRow,
    Shortlist,
    ShortlistEntry,
)
from discovery.search import COUNT_CAP, Page, search_creators
from organizations.access import OrgAccess
from organizations.api_base import OrgScopedViewSet
from organizations.roles import Scope
from organizations.selectors import brand_get_for_org
from platforms.types import Platform

# -- creators ------------------------------------------------------------------------------------


class SocialAccountResultSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    verified = serializers.BooleanField(source="is_verified", read_only=True)

    class Meta:
        model = SocialAccount
        fields = (
            "id",
            "platform",
            "handle",
            "profile_url",
            "follower_count",
            "average_views",
            "engagement_rate_bp",
            "verified",
            "last_refreshed_at",
        )
        read_only_fields = fields


class CreatorSummarySerializer(serializers.ModelSerializer):
    """A creator as brands see them (public data only). Needs ``social_accounts`` and
    ``niche_links`` prefetched."""

    id = serializers.CharField(source="public_id", read_only=True)
    niches = serializers.ListField(child=serializers.CharField(), read_only=True)
    photo_url = serializers.SerializerMethodField()
    accounts = serializers.SerializerMethodField()

    class Meta:
        model = CreatorProfile
        fields: tuple[str, ...] = (
            "id",
            "display_name",
            "country",
            "niches",
            "photo_url",
            "total_followers",
            "best_engagement_bp",
            "has_verified_account",
            "accounts",
        )
        read_only_fields = fields

    def get_photo_url(self, creator: CreatorProfile) -> str | None:
        if not creator.photo:
            return None
        request = self.context.get("request")
        url = creator.photo_url
        return request.build_absolute_uri(url) if request is not None else url

    @extend_schema_field(SocialAccountResultSerializer(many=True))
    def get_accounts(self, creator: CreatorProfile) -> list[dict[str, Any]]:
        accounts = getattr(creator, "accounts", None)
        if accounts is None:
            accounts = list(creator.social_accounts.all())
        return SocialAccountResultSerializer(accounts, many=True).data  # type: ignore[return-value]


class CreatorResultSerializer(CreatorSummarySerializer):
    worked_with_us = serializers.BooleanField(read_only=True)
    matching_accounts = serializers.SerializerMethodField(
        help_text="Ids of the accounts the filters matched."
    )

    class Meta(CreatorSummarySerializer.Meta):
        fields = (*CreatorSummarySerializer.Meta.fields, "worked_with_us", "matching_accounts")
        read_only_fields = fields

    def get_matching_accounts(self, creator: CreatorProfile) -> list[str]:
        return [a.public_id for a in getattr(creator, "matching_accounts", [])]


class CreatorSearchPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(
        help_text=f"Matches, counted up to {COUNT_CAP:,}; see count_is_capped."
    )
    count_is_capped = serializers.BooleanField(
        help_text=f"True when there are more than {COUNT_CAP:,} matches."
    )
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = CreatorResultSerializer(many=True)


class PortfolioItemResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = PortfolioItem
        fields = ("url", "title", "platform")
        read_only_fields = fields


class PastWorkCampaignSerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id")
    name = serializers.CharField()
    brand = serializers.CharField(source="brand.public_id", help_text="The brand's id (brd_…).")


class PastParticipationSerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id", help_text="The participation's id (par_…).")
    campaign = PastWorkCampaignSerializer()
    status = serializers.CharField()
    agreed_total_cents = serializers.IntegerField()
    currency = serializers.CharField()
    created_at = serializers.DateTimeField()


class PastApplicationSerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id", help_text="The application's id (app_…).")
    campaign = PastWorkCampaignSerializer()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class PendingInvitationSerializer(serializers.Serializer):
    id = serializers.CharField(source="public_id", help_text="The invitation's id (cin_…).")
    campaign = PastWorkCampaignSerializer()
    created_at = serializers.DateTimeField()


class WorkWithUsSerializer(serializers.Serializer):
    """Counts of this creator's work with the caller's organization (within its brand limit)."""

    participations = serializers.IntegerField()
    completed_participations = serializers.IntegerField()
    applications = serializers.IntegerField(help_text="Applications not accepted (yet).")
    pending_invitations = serializers.IntegerField()
    agreed_total_cents = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="What their participations were agreed at, by currency (minor units).",
    )


class CreatorProfileSerializer(CreatorSummarySerializer):
    """A creator as a brand sees them: the public profile, their accounts' figures, and their
    past work with the caller's organization only (other organizations' never show)."""

    bio = serializers.CharField(read_only=True)
    portfolio = PortfolioItemResultSerializer(many=True, read_only=True)
    stats = WorkWithUsSerializer(read_only=True)
    participations = PastParticipationSerializer(many=True, read_only=True)
    applications = PastApplicationSerializer(many=True, read_only=True)
    invitations = PendingInvitationSerializer(many=True, read_only=True)

    class Meta(CreatorSummarySerializer.Meta):
        fields = (
            *CreatorSummarySerializer.Meta.fields,
            "bio",
            "portfolio",
            "stats",
            "participations",
            "applications",
            "invitations",
        )
        read_only_fields = fields

    def to_representation(self, profile: selectors.CreatorForBrand) -> dict[str, Any]:
        creator = profile.creator
        creator.accounts = profile.accounts  # type: ignore[attr-defined]
        data = dict(super().to_representation(creator))
        data["bio"] = creator.bio
        data["portfolio"] = PortfolioItemResultSerializer(profile.portfolio, many=True).data
        data["stats"] = WorkWithUsSerializer(profile.stats).data
        data["participations"] = PastParticipationSerializer(profile.participations, many=True).data
        data["applications"] = PastApplicationSerializer(profile.applications, many=True).data
        data["invitations"] = PendingInvitationSerializer(profile.invitations, many=True).data
        return data


def _form_parameters(form_class: type[forms.Form]) -> list[OpenApiParameter]:
    """OpenAPI query parameters from the form that validates them (one source of truth): the
    choices (blank included where the form takes it, meaning "any") and the integer bounds."""
    params = []
    for name, field in form_class.base_fields.items():
        schema: dict[str, Any]
        if isinstance(field, FlagField):
            schema = {"type": "boolean"}
        elif isinstance(field, forms.IntegerField):
            schema = {"type": "integer"}
            if field.min_value is not None:
                schema["minimum"] = field.min_value
            if field.max_value is not None:
                schema["maximum"] = field.max_value
        else:
            schema = {"type": "string"}
            choices = getattr(field, "choices", None)
            if name == "country":
                choices = [("", ""), *((code, code) for code in sorted(COUNTRIES))]
            if choices:
                values = [str(value) for value, _label in choices]
                # Django's optional ChoiceField takes a blank value as "not given".
                schema["enum"] = values if "" in values or field.required else ["", *values]
            elif max_length := getattr(field, "max_length", None):
                schema["maxLength"] = max_length
        params.append(
            OpenApiParameter(
                name,
                schema,
                OpenApiParameter.QUERY,
                required=False,
                description=str(field.help_text or field.label or name),
            )
        )
    return params


def _form_error(form: forms.Form) -> ChorusError:
    fields = {name: [str(m) for m in errors] for name, errors in form.errors.items()}
    name, messages = next(iter(fields.items()))
    # A rule across fields (min above max) has a code of its own; anything else is "invalid".
    codes = {error.code for errors in form.errors.as_data().values() for error in errors}
    code = "invalid_range" if codes == {"invalid_range"} else "invalid"
    return ChorusError(code, f"{name}: {messages[0]}", fields=fields)


class _OnePageSchema(AutoSchema):
    """The search answers one page object (count, next, results…), not a bare array: the
    action is called "list" but paginates by itself."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False


class CreatorSearchViewSet(OrgScopedViewSet):
    """Search every creator on Chorus (creators are global; "worked_with_us" uses your org)."""

    schema = _OnePageSchema()

    required_scopes = {"list": Scope.CREATORS_READ, "retrieve": Scope.CREATORS_READ}
    serializer_class = CreatorResultSerializer
    filter_backends: list[Any] = []
    pagination_class = None

    def scoped_queryset(self, access: OrgAccess) -> Any:
        # Not used to list: search_creators() runs its own, index-shaped queries.
        return CreatorProfile.objects.none()

    @extend_schema(
        operation_id="creators_list",
        parameters=_form_parameters(CreatorSearchForm),
        responses=CreatorSearchPageSerializer,
        description=(
            "Filters combine with AND. With `platform`, the follower range and engagement apply "
            "to that platform's account; without it, to the creator's verified totals. Sort: "
            "followers_desc (default), followers_asc, engagement_desc, newest."
        ),
    )
    def list(self, request: Request) -> Response:
        form = CreatorSearchForm(request.query_params)
        if not form.is_valid():
            raise _form_error(form)
        params = form.to_params()
        page: Page = search_creators(access=self.access, params=params)

        def link(number: int) -> str:
            query = request.query_params.copy()
            query["page"] = str(number)
            return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

        body = {
            "count": min(page.total, COUNT_CAP) if page.total_is_capped else page.total,
            "count_is_capped": page.total_is_capped,
            "page": page.number,
            "page_size": page.page_size,
            "next": link(page.number + 1) if page.has_next else None,
            "previous": link(page.number - 1) if page.has_previous else None,
            "results": CreatorResultSerializer(
                page.items, many=True, context={"request": request}
            ).data,
        }
        return Response(body)

    @extend_schema(
        operation_id="creators_retrieve",
        responses=CreatorProfileSerializer,
        description=(
            "One creator as brands see them: bio, portfolio, accounts with their figures, and "
            "their work with your organization (within your key's brand limit): counts, "
            "participations, applications not accepted, pending invitations. Creators are "
            "global, so any creator's id answers; another organization's work never shows."
        ),
    )
    def retrieve(self, request: Request, public_id: str) -> Response:
        profile = selectors.creator_profile_for_org(self.access, public_id)
        return Response(CreatorProfileSerializer(profile, context={"request": request}).data)


# -- shortlists ----------------------------------------------------------------------------------


class ShortlistSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    brand = serializers.CharField(
        source="brand.public_id", read_only=True, allow_null=True, default=None
    )
    creator_count = serializers.IntegerField(source="entry_count", read_only=True)

    class Meta:
        model = Shortlist
        fields: tuple[str, ...] = (
            "id",
            "name",
            "brand",
            "creator_count",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class ShortlistEntrySerializer(serializers.ModelSerializer):
    creator = CreatorSummarySerializer(read_only=True)
    added_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = ShortlistEntry
        fields = ("creator", "note", "added_at")
        read_only_fields = fields


class ShortlistDetailSerializer(ShortlistSerializer):
    entries = serializers.SerializerMethodField()

    class Meta(ShortlistSerializer.Meta):
        fields = (*ShortlistSerializer.Meta.fields, "entries")
        read_only_fields = fields

    @extend_schema_field(ShortlistEntrySerializer(many=True))
    def get_entries(self, shortlist: Shortlist) -> list[dict[str, Any]]:
        return ShortlistEntrySerializer(
            self.context["entries"], many=True, context=self.context
        ).data  # type: ignore[return-value]


class ShortlistCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=SHORTLIST_NAME_MAX)
    brand = RefField(
        "brand", "brd", required=False, allow_null=True, allow_blank=True,
        help_text="Brand id (brd_…), optional.",
    )  # fmt: skip


class ShortlistRenameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=SHORTLIST_NAME_MAX)


class ShortlistCreatorsSerializer(serializers.Serializer):
    creators = serializers.ListField(
        child=serializers.CharField(max_length=40),
        min_length=1,
        max_length=BATCH_MAX_ROWS,
        help_text="Creator ids (cre_…).",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=NOTE_MAX_CHARS, default=""
    )


class ShortlistChangeSerializer(serializers.Serializer):
    added = serializers.IntegerField(required=False)
    removed = serializers.IntegerField(required=False)
    shortlist = ShortlistSerializer()


@extend_schema_view(
    list=extend_schema(description="The organization's shortlists, by name."),
    retrieve=extend_schema(
        responses=ShortlistDetailSerializer,
        description="A shortlist with its creators, newest first.",
    ),
)
class ShortlistViewSet(OrgScopedViewSet, mixins.ListModelMixin):
    serializer_class = ShortlistSerializer
    filter_backends: list[Any] = []
    required_scopes = {
        "list": Scope.CREATORS_READ,
        "retrieve": Scope.CREATORS_READ,
        "create": Scope.RECRUITMENT_WRITE,
        "partial_update": Scope.RECRUITMENT_WRITE,
        "destroy": Scope.RECRUITMENT_WRITE,
        "add": Scope.RECRUITMENT_WRITE,
        "remove": Scope.RECRUITMENT_WRITE,
    }

    def scoped_queryset(self, access: OrgAccess) -> Any:
        return selectors.shortlists_for_org(access)

    def _detail(self, shortlist: Shortlist, request: Request) -> dict[str, Any]:
        entries = list(selectors.shortlist_entries(self.access, shortlist))
        return ShortlistDetailSerializer(
            shortlist, context={"request": request, "entries": entries}
        ).data

    def _fresh(self, shortlist: Shortlist) -> Shortlist:
        return selectors.shortlist_get_for_org(self.access, shortlist.public_id)

    def retrieve(self, request: Request, public_id: str) -> Response:
        return Response(self._detail(self.get_object(), request))

    @extend_schema(request=ShortlistCreateSerializer, responses={201: ShortlistSerializer})
    def create(self, request: Request) -> Response:
        serializer = ShortlistCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, access = serializer.validated_data, self.access
        brand = resolve_optional_ref(
            "brand", "brand", data.get("brand"), lambda v: brand_get_for_org(access, v)
        )
        shortlist = services.shortlist_create(access=self.access, name=data["name"], brand=brand)
        return Response(
            ShortlistSerializer(self._fresh(shortlist)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=ShortlistRenameSerializer, responses=ShortlistSerializer)
    def partial_update(self, request: Request, public_id: str) -> Response:
        shortlist = self.get_object()
        serializer = ShortlistRenameSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.shortlist_rename(
            access=self.access, shortlist=shortlist, name=serializer.validated_data["name"]
        )
        return Response(ShortlistSerializer(self._fresh(shortlist)).data)

    def destroy(self, request: Request, public_id: str) -> Response:
        services.shortlist_delete(access=self.access, shortlist=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=ShortlistCreatorsSerializer,
        responses=ShortlistChangeSerializer,
        description="Add creators by id; those already on the shortlist are skipped.",
    )
    @action(detail=True, methods=["post"])
    def add(self, request: Request, public_id: str) -> Response:
        shortlist = self.get_object()
        serializer = ShortlistCreatorsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        creators = selectors.creators_get_many(serializer.validated_data["creators"])
        added = services.shortlist_add_creators(
            access=self.access,
            shortlist=shortlist,
            creators=creators,
            note=serializer.validated_data.get("note", ""),
        )
        body = {"added": added, "shortlist": ShortlistSerializer(self._fresh(shortlist)).data}
        return Response(body)

    @extend_schema(
        request=ShortlistCreatorsSerializer,
        responses=ShortlistChangeSerializer,
        description="Take creators off the shortlist by id.",
    )
    @action(detail=True, methods=["post"])
    def remove(self, request: Request, public_id: str) -> Response:
        shortlist = self.get_object()
        serializer = ShortlistCreatorsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        creators = selectors.creators_get_many(serializer.validated_data["creators"])
        removed = services.shortlist_remove_creators(
            access=self.access, shortlist=shortlist, creators=creators
        )
        body = {"removed": removed, "shortlist": ShortlistSerializer(self._fresh(shortlist)).data}
        return Response(body)


# -- invite batches ------------------------------------------------------------------------------


class BlankAsNullChoiceField(serializers.ChoiceField):
    """A choice column that may be blank (a CSV row without a platform): shown as null, so the
    value is always one of the enum or null — never an empty string the enum does not hold."""

    def to_representation(self, value: Any) -> Any:
        return None if value in ("", None) else super().to_representation(value)


class InviteBatchRowSerializer(serializers.ModelSerializer):
    creator = serializers.CharField(
        source="creator.public_id", read_only=True, allow_null=True, default=None
    )
    platform = BlankAsNullChoiceField(
        choices=Platform.choices,
        read_only=True,
        allow_null=True,
        help_text="The row's platform; null when the row named none (and failed for it).",
    )

    class Meta:
        model = InviteBatchRow
        fields = ("line_number", "raw_input", "platform", "handle", "creator", "outcome", "reason")
        read_only_fields = fields


@extend_schema_field(
    {
        "type": "string",
        "enum": InviteBatch.Status.values,
        "description": "queued → running → done (or failed: see error).",
    },
    component_name="InviteBatchStatus",
)
class BatchStatusField(serializers.CharField):
    """Inline enum: several components have a 'status' of their own."""


class InviteBatchSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    status = BatchStatusField(read_only=True)
    campaign = serializers.CharField(source="campaign.public_id", read_only=True)
    shortlist = serializers.CharField(
        source="shortlist.public_id", read_only=True, allow_null=True, default=None
    )
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = InviteBatch
        fields: tuple[str, ...] = (
            "id",
            "campaign",
            "source",
            "shortlist",
            "file_name",
            "status",
            "error",
            "total",
            "processed",
            "invited",
            "failed_count",
            "percent",
            "created_at",
            "started_at",
            "finished_at",
        )
        read_only_fields = fields


class InviteBatchDetailSerializer(InviteBatchSerializer):
    failed_rows = serializers.SerializerMethodField(
        help_text="Every row that could not be invited, with the reason."
    )

    class Meta(InviteBatchSerializer.Meta):
        fields = (*InviteBatchSerializer.Meta.fields, "failed_rows")
        read_only_fields = fields

    @extend_schema_field(InviteBatchRowSerializer(many=True))
    def get_failed_rows(self, batch: InviteBatch) -> list[dict[str, Any]]:
        return InviteBatchRowSerializer(self.context["failed_rows"], many=True).data  # type: ignore[return-value]


class InviteBatchCreateSerializer(serializers.Serializer):
    """A batch from JSON: a shortlist, pasted handles or creator ids."""

    campaign = RefField("campaign", "cmp", help_text="Campaign id (cmp_…), recruiting.")
    shortlist = RefField(
        "shortlist",
        "shl",
        required=False,
        allow_blank=True,
        help_text="Invite everyone on this shortlist (shl_…).",
    )
    handles = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200_000,
        help_text="Handles or profile links, one per line or comma-separated (needs platform).",
    )
    creators = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        max_length=BATCH_MAX_ROWS,
        help_text="Creator ids (cre_…) to invite.",
    )
    platform = serializers.ChoiceField(
        choices=Platform.choices,
        required=False,
        allow_blank=True,
        help_text="Platform of the handles.",
    )
    message = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        given = [k for k in ("shortlist", "handles", "creators") if data.get(k)]
        if len(given) != 1:
            raise serializers.ValidationError(
                {
                    "non_field_errors": [
                        "Give exactly one of shortlist, handles or creators (a CSV file goes "
                        "to upload/)" + (f" (got {', '.join(given)})." if given else ".")
                    ]
                }
            )
        if data.get("handles") and not data.get("platform"):
            # A rule across fields (the schema cannot say it): a code of its own.
            message = "Say which platform the handles are on."
            raise ChorusError("platform_required", message, fields={"platform": [message]})
        return data


class InviteBatchUploadSerializer(serializers.Serializer):
    """A batch from a CSV file (multipart/form-data)."""

    campaign = RefField("campaign", "cmp", help_text="Campaign id (cmp_…), recruiting.")
    file = serializers.FileField(
        help_text="A CSV: 'handle' column, optional 'platform' and 'message'."
    )
    platform = serializers.ChoiceField(
        choices=Platform.choices,
        required=False,
        allow_blank=True,
        help_text="Platform of the rows without a platform.",
    )
    message = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")


class InviteBatchFilter(django_filters.FilterSet):
    campaign = django_filters.CharFilter(
        field_name="campaign__public_id", help_text="Campaign id (cmp_…)."
    )
    status = django_filters.ChoiceFilter(choices=InviteBatch.Status.choices)

    class Meta:
        model = InviteBatch
        fields = ("campaign", "status")


@extend_schema_view(
    list=extend_schema(description="Invitation batches, newest first."),
    retrieve=extend_schema(
        responses=InviteBatchDetailSerializer,
        description="Progress counters, and every row that could not be invited with its reason.",
    ),
)
class InviteBatchViewSet(OrgScopedViewSet, mixins.ListModelMixin):
    serializer_class = InviteBatchSerializer
    filterset_class = InviteBatchFilter
    ordering_fields = ("created_at",)
    required_scopes = {
        "list": Scope.CREATORS_READ,
        "retrieve": Scope.CREATORS_READ,
        "create": Scope.RECRUITMENT_WRITE,
        "upload": Scope.RECRUITMENT_WRITE,
    }

    def scoped_queryset(self, access: OrgAccess) -> Any:
        return selectors.invite_batches_for_org(access)

    def _detail(self, batch: InviteBatch) -> dict[str, Any]:
        rows = list(
            selectors.invite_batch_rows(self.access, batch, outcome=InviteBatchRow.Outcome.FAILED)
        )
        return InviteBatchDetailSerializer(batch, context={"failed_rows": rows}).data

    def retrieve(self, request: Request, public_id: str) -> Response:
        return Response(self._detail(self.get_object()))

    @extend_schema(
        request=InviteBatchCreateSerializer,
        responses={202: InviteBatchDetailSerializer},
        description=(
            "Start inviting creators to a campaign in the background: a shortlist, pasted "
            "handles (with platform) or creator ids — one of them. Up to 1,000 rows. Poll the "
            "batch for progress and the rows that failed. A CSV file: POST it to `upload/`."
        ),
    )
    def create(self, request: Request) -> Response:
        serializer = InviteBatchCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, access = serializer.validated_data, self.access
        campaign: Campaign = resolve_ref(
            "campaign", "campaign", data["campaign"], lambda v: campaign_get_for_org(access, v)
        )
        message = data.get("message", "")
        if data.get("shortlist"):
            shortlist = resolve_ref(
                "shortlist",
                "shortlist",
                data["shortlist"],
                lambda v: selectors.shortlist_get_for_org(access, v),
            )
            batch = services.invite_batch_create_from_shortlist(
                access=access, campaign=campaign, shortlist=shortlist, message=message
            )
        elif data.get("handles"):
            batch = services.invite_batch_create_from_handles(
                access=access,
                campaign=campaign,
                platform=data["platform"],
                text=data["handles"],
                message=message,
            )
        else:
            creators = selectors.creators_get_many(data["creators"])
            batch = services.invite_batch_create_for_creators(
                access=access, campaign=campaign, creators=creators, message=message
            )
        batch = selectors.invite_batch_get_for_org(access, batch.public_id)
        return Response(self._detail(batch), status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request={"multipart/form-data": InviteBatchUploadSerializer},
        responses={202: InviteBatchDetailSerializer},
        description=(
            "Start inviting the creators of a CSV file (multipart/form-data, field `file`): a "
            "'handle' column, optional 'platform' and 'message'. Up to 1,000 rows."
        ),
    )
    @action(detail=False, methods=["post"], parser_classes=[parsers.MultiPartParser])
    def upload(self, request: Request) -> Response:
        serializer = InviteBatchUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, access = serializer.validated_data, self.access
        campaign: Campaign = resolve_ref(
            "campaign", "campaign", data["campaign"], lambda v: campaign_get_for_org(access, v)
        )
        batch = services.invite_batch_create_from_csv(
            access=access,
            campaign=campaign,
            upload=data["file"],
            platform=data.get("platform") or None,
            message=data.get("message", ""),
        )
        batch = selectors.invite_batch_get_for_org(access, batch.public_id)
        return Response(self._detail(batch), status=status.HTTP_202_ACCEPTED)
