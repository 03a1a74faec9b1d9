"""The creator API for submissions (``/api/v1/creator/slots/…``): your promised posts with their
state and next action, direct uploads of drafts (request a form, upload straight to storage,
confirm), live post links and their check results.

Every viewset subclasses ``creators.api_base.CreatorScopedViewSet`` (browser session only;
organization API keys get ``403 creator_only``): another creator's slot answers 404 exactly
like a missing one. Thin: the services decide, the selectors read — the same ones the creator
portal uses.
"""

from typing import Any

import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.schema import error_response
from creators.api_base import CreatorScopedViewSet
from creators.models import CreatorProfile
from recruitment.models import ParticipationSlot
from submissions import selectors, services
from submissions.serializers import (
    CreatorSlotDetailSerializer,
    CreatorSlotSerializer,
    DirectUploadSerializer,
    DraftVersionSerializer,
    LivePostRequestSerializer,
    LivePostSerializer,
    UploadConfirmSerializer,
    UploadRequestSerializer,
)

_ERRORS = {
    400: error_response("Invalid input: `{code, message, fields}` names the field to fix."),
    403: error_response(
        "`creator_only` (an organization API key), `not_a_creator` (no creator profile), "
        "`not_authenticated` (not signed in) or a missing CSRF token."
    ),
    404: error_response("No such slot among yours."),
}
_READ_ERRORS = {403: _ERRORS[403], 404: _ERRORS[404]}
_LIST_ERRORS = {400: error_response("A bad filter value."), 403: _ERRORS[403]}


class CreatorSlotFilter(django_filters.FilterSet):
    campaign = django_filters.CharFilter(
        field_name="campaign__public_id", help_text="Campaign id (cmp_…)."
    )
    participation = django_filters.CharFilter(
        field_name="participation__public_id", help_text="Participation id (par_…)."
    )

    class Meta:
        model = ParticipationSlot
        fields = ("campaign", "participation")


@extend_schema_view(
    list=extend_schema(
        summary="Your posts to make",
        description="One row per promised post of your participations: what is due when, "
        "where it stands (`stage`), what to do next (`next_action`) and what is late. Soonest "
        "due first; filter by campaign and participation.",
        responses={200: CreatorSlotSerializer(many=True), **_LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One of your posts",
        description="With the brief's requirements, every draft version you uploaded, your "
        "live posts with their check results item by item, and the brand's decisions.",
        responses={200: CreatorSlotDetailSerializer, **_READ_ERRORS},
    ),
)
class CreatorSlotViewSet(CreatorScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = CreatorSlotSerializer
    filterset_class = CreatorSlotFilter
    ordering_fields = ("draft_due", "post_due")
    creator_actions = frozenset(
        {"list", "retrieve", "upload_request", "upload_confirm", "live_post"}
    )

    def scoped_queryset(self, creator: CreatorProfile) -> Any:
        return selectors.creator_slots(creator)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def _detail(self, slot: ParticipationSlot, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.creator_slot_detail(self.current_creator, slot.public_id)
        context = self.get_serializer_context()
        return Response(CreatorSlotDetailSerializer(fresh, context=context).data, status=code)

    def retrieve(self, request: Request, public_id: str) -> Response:
        return self._detail(self.get_object())

    @extend_schema(
        summary="Ask to upload a draft",
        description="Say what you will upload; the answer is a form to POST the file to, "
        "straight to storage (`fields` first, then the file as `file`, multipart/form-data), "
        "within `max_bytes` and before `expires_at`. Then confirm with the `key`. Refused with "
        "`file_type_not_allowed`, `file_too_large` (400), `draft_not_expected` or "
        "`slot_closed` (409).",
        request=UploadRequestSerializer,
        responses={201: DirectUploadSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="upload-request", url_name="upload-request")
    def upload_request(self, request: Request, public_id: str) -> Response:
        slot = self.get_object()
        serializer = UploadRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        made = services.draft_upload_request(
            creator=self.current_creator,
            slot=slot,
            content_type=data["content_type"],
            size_bytes=data["size"],
            name=data["name"],
        )
        upload = made.upload
        body = {
            "key": upload.key,
            "url": upload.url,
            "method": upload.method,
            "fields": dict(upload.fields),
            "expires_at": upload.expires_at,
            "max_bytes": upload.max_bytes,
        }
        return Response(DirectUploadSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Confirm an uploaded draft",
        description="After the upload: the file is checked by its bytes (type and size) and "
        "becomes a new version of your draft, in review. Refused with `upload_missing` (no "
        "such upload of yours), `file_type_not_allowed` or `file_too_large` (the file is "
        "removed), `draft_not_expected`, `upload_already_confirmed` or `slot_closed`.",
        request=UploadConfirmSerializer,
        responses={201: DraftVersionSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="upload-confirm", url_name="upload-confirm")
    def upload_confirm(self, request: Request, public_id: str) -> Response:
        slot = self.get_object()
        serializer = UploadConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        draft = services.draft_submit(
            creator=self.current_creator, slot=slot, key=data["key"], caption=data["caption"]
        )
        body = DraftVersionSerializer(draft, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Submit the live post",
        description="Once your draft is approved: the published post's address. It goes to "
        "review and the automatic checks run (see `check_results`, `checks_status`). Refused "
        "with `wrong_platform`, `post_already_submitted` (each post counts once), "
        "`post_not_expected` or `slot_closed`; a TikTok short link that cannot be opened "
        "right now answers 503 `platform_unavailable`.",
        request=LivePostRequestSerializer,
        responses={
            201: LivePostSerializer,
            **_ERRORS,
            503: error_response("`platform_unavailable`: try again in a minute."),
        },
    )
    @action(detail=True, methods=["post"], url_path="live-post", url_name="live-post")
    def live_post(self, request: Request, public_id: str) -> Response:
        slot = self.get_object()
        serializer = LivePostRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        post = services.live_post_submit(
            creator=self.current_creator, slot=slot, url=serializer.validated_data["url"]
        )
        body = LivePostSerializer(post, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)
