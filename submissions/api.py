"""REST API for submissions, organization side: the review queue (list, detail, filters),
decisions (one at a time and in bulk) and the content library. Thin: services decide,
selectors read — the same ones the review desk uses.

Reading needs ``submissions:read``; deciding ``submissions:review`` (reviewers and up). A
brand-limited member or key sees only its brand's submissions; anything else answers 404.
"""

from typing import Any

import django_filters
from django.db.models import F, QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.schema import error_response
from organizations.access import OrgAccess
from organizations.api_base import OrgScopedViewSet
from organizations.roles import Scope
from platforms.types import Platform
from submissions import selectors, services
from submissions.models import DraftVersion, Submission
from submissions.serializers import (
    LibraryAssetSerializer,
    SubmissionBulkDecisionResultSerializer,
    SubmissionBulkDecisionSerializer,
    SubmissionDecisionSerializer,
    SubmissionDetailSerializer,
    SubmissionSerializer,
)

IN_REVIEW = "in_review"

_ERRORS = {
    400: error_response(
        "Invalid input (`invalid`, with `fields`), or `feedback_required`: requesting changes "
        "and rejecting need feedback."
    ),
    403: error_response("Your role (or the API key's) cannot review submissions."),
    404: error_response("No such submission in your organization (or your brand)."),
    409: error_response(
        "`already_decided`: nothing of this submission waits for review (someone decided "
        "first); `stale_item`: a newer version arrived since `expected_item`."
    ),
}


# -- filters ---------------------------------------------------------------------------------------


class _Filter(django_filters.FilterSet):
    campaign = django_filters.CharFilter(
        field_name="campaign__public_id", help_text="Campaign id (cmp_…)."
    )
    brand = django_filters.CharFilter(
        field_name="campaign__brand__public_id", help_text="Brand id (brd_…)."
    )
    creator = django_filters.CharFilter(
        field_name="creator__public_id", help_text="Creator id (cre_…)."
    )


class SubmissionFilter(_Filter):
    platform = django_filters.ChoiceFilter(choices=Platform.choices)
    stage = django_filters.ChoiceFilter(
        choices=[(IN_REVIEW, "In review (draft or post)"), *Submission.Stage.choices],
        method="filter_stage",
        help_text="`in_review`: drafts and live posts waiting for a decision (the queue).",
    )

    class Meta:
        model = Submission
        fields = ("campaign", "brand", "platform", "stage", "creator")

    def filter_stage(self, queryset: QuerySet[Submission], name: str, value: str) -> Any:
        if value == IN_REVIEW:
            return queryset.filter(stage__in=Submission.IN_REVIEW)
        return queryset.filter(stage=value)


class LibraryFilter(_Filter):
    platform = django_filters.ChoiceFilter(
        field_name="submission__platform", choices=Platform.choices
    )

    class Meta:
        model = DraftVersion
        fields = ("campaign", "brand", "platform", "creator")


# -- viewsets --------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List submissions (the review queue)",
        description="Every slot's submission in your organization (your brand, if limited). By "
        "default what waits longest for review comes first (`review_since`), then the rest, "
        "most recently changed first. `stage=in_review` gives the queue itself. Filter by "
        "campaign, brand, platform, stage and creator.",
    ),
    retrieve=extend_schema(
        summary="Get a submission",
        description="With every draft version, live post (and its check results) and decision, "
        "and the slot's agreed fee and due dates.",
        responses={200: SubmissionDetailSerializer, 404: _ERRORS[404]},
    ),
)
class SubmissionViewSet(OrgScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = SubmissionSerializer
    filterset_class = SubmissionFilter
    ordering_fields = ("review_since", "created_at", "updated_at")
    ordering = (F("review_since").asc(nulls_last=True), "-updated_at", "-id")
    required_scopes = {
        "list": Scope.SUBMISSIONS_READ,
        "retrieve": Scope.SUBMISSIONS_READ,
        "decision": Scope.SUBMISSIONS_REVIEW,
        "bulk_decision": Scope.SUBMISSIONS_REVIEW,
    }

    def scoped_queryset(self, access: OrgAccess) -> Any:
        # What the rows show beyond the queue page's own columns: one join each, no N+1.
        return selectors.review_queue(access, {"stage": "all"}).select_related(
            "participation", "current_draft__decided_by"
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def _detail(self, public_id: str) -> Response:
        submission = selectors.submission_get_for_access(self.access, public_id)
        return Response(
            SubmissionDetailSerializer(submission, context=self.get_serializer_context()).data
        )

    def retrieve(self, request: Request, public_id: str) -> Response:
        return self._detail(self.get_object().public_id)

    @extend_schema(
        summary="Decide what a submission has in review",
        description="Approve, request changes (feedback required) or reject (feedback "
        "required) the draft or live post in review. Two reviewers deciding at once get one "
        "decision; the other is refused with `already_decided` (409). Send `expected_item` "
        "(`in_review.item`) so a newer version that arrived meanwhile is not decided unseen.",
        request=SubmissionDecisionSerializer,
        responses={200: SubmissionDetailSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decision(self, request: Request, public_id: str) -> Response:
        submission = self.get_object()
        serializer = SubmissionDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.submission_decide(
            access=self.access,
            submission=submission,
            decision=data["decision"],
            feedback=data["feedback"],
            expected_item=data["expected_item"].strip(),
        )
        return self._detail(submission.public_id)

    @extend_schema(
        summary="Decide many submissions at once",
        description="Each id is decided on its own, in the order given: one that fails (no "
        "such submission, already decided) does not stop the others. The answer lists the "
        "outcome per id.",
        request=SubmissionBulkDecisionSerializer,
        responses={
            200: SubmissionBulkDecisionResultSerializer,
            400: _ERRORS[400],
            403: _ERRORS[403],
        },
    )
    @action(detail=False, methods=["post"], url_path="bulk-decision", url_name="bulk-decision")
    def bulk_decision(self, request: Request) -> Response:
        serializer = SubmissionBulkDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = services.submissions_decide_bulk(
            access=self.access,
            submission_ids=data["ids"],
            decision=data["decision"],
            feedback=data["feedback"],
        )
        outcomes: dict[str, dict[str, Any]] = {
            s.public_id: {"id": s.public_id, "ok": True, "stage": s.stage} for s in result.succeeded
        }
        for failure in result.failed:
            outcomes[failure.id] = {
                "id": failure.id,
                "ok": False,
                "code": failure.code,
                "message": failure.reason,
            }
        order = list(dict.fromkeys(str(i).strip() for i in data["ids"]))
        body = {
            "decision": data["decision"],
            "succeeded": len(result.succeeded),
            "failed": len(result.failed),
            "results": [outcomes[i] for i in order if i in outcomes],
        }
        return Response(SubmissionBulkDecisionResultSerializer(body).data)


@extend_schema_view(
    list=extend_schema(
        summary="The content library",
        description="Approved drafts (the assets), newest approval first, with their usage "
        "rights and when those end (`lapsing_soon` within "
        f"{selectors.RIGHTS_WARNING_DAYS} days), and a download link through the authorizing "
        "file view. Filter by campaign, brand, platform and creator.",
    ),
)
class ContentLibraryViewSet(OrgScopedViewSet, mixins.ListModelMixin):
    serializer_class = LibraryAssetSerializer
    filterset_class = LibraryFilter
    ordering_fields = ("decided_at",)
    ordering = ("-decided_at", "-id")
    required_scopes = {"list": Scope.SUBMISSIONS_READ}

    def scoped_queryset(self, access: OrgAccess) -> Any:
        return selectors.content_library(access)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": timezone.localdate()}
