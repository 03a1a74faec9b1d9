"""Serializers of the submissions API: the organization side (api.py) and the creator side
(creator_api.py). Read-only shapes of the models, plus the request bodies.

Statuses that other components already name as schema enums (a slot's ``status``) are text
here, as in recruitment.creator_api: a second component using the same field name with another
choice set would make drf-spectacular's enum naming collide. Each enum here has one name
(``StageEnum``, ``StateEnum``, ``ReviewDecisionEnum`` — the last set in ENUM_NAME_OVERRIDES).
"""

import datetime
from collections.abc import Mapping
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaigns.models import Campaign
from core.errors import ChorusError
from core.files import file_url
from core.links import absolute_url
from creators.models import CreatorProfile
from organizations.models import Brand
from recruitment.api import ParticipationSlotSerializer
from recruitment.models import Participation, ParticipationSlot
from submissions import selectors, services
from submissions.models import (
    CAPTION_MAX_CHARS,
    FEEDBACK_MAX_CHARS,
    POST_URL_MAX_CHARS,
    DraftVersion,
    LivePost,
    ReviewDecision,
    Submission,
)
from submissions.uploads import DRAFT, MAX_VIDEO_BYTES

# The file kinds submissions/file_access.py registers (addressed by the draft's public id).
DRAFT_FILE_KIND = DRAFT.name
DRAFT_THUMB_KIND = "draft-thumb"
DRAFT_POSTER_KIND = "draft-poster"
UPLOAD_NAME_MAX_CHARS = 255
UPLOAD_KEY_MAX_CHARS = 255


def _text_of(choices: Any) -> str:
    return "One of: " + ", ".join(f"`{value}`" for value in choices.values) + "."


def _file_link(
    context: Mapping[str, Any], kind: str, draft_id: str, key: str, query: str = ""
) -> str:
    if not key:
        return ""
    return absolute_url(file_url(kind, draft_id) + query, context.get("request"))


def _today(context: Mapping[str, Any]) -> datetime.date:
    today = context.get("today")
    return today if isinstance(today, datetime.date) else datetime.date.today()


# -- shared pieces ---------------------------------------------------------------------------------


class BrandRefSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)

    class Meta:
        model = Brand
        fields = ("id", "name")
        read_only_fields = fields


class SubmissionCampaignSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    brand = BrandRefSerializer(read_only=True)

    class Meta:
        model = Campaign
        fields = ("id", "name", "brand")
        read_only_fields = fields


class SubmissionCreatorSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)

    class Meta:
        model = CreatorProfile
        fields = ("id", "display_name")
        read_only_fields = fields


class CheckResultSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Which check: `public`, `account`, `window`, …")
    status = serializers.CharField(help_text="`passed`, `failed` or `pending` (not run yet).")
    message = serializers.CharField(help_text="What was found, for people.")


class DraftVersionSerializer(serializers.ModelSerializer):
    """One uploaded version of a draft, with its preview and the decision on it."""

    id = serializers.CharField(source="public_id", read_only=True)
    file_url = serializers.SerializerMethodField(
        help_text="The file, through the authorizing file view (your session or API key)."
    )
    thumbnail_url = serializers.SerializerMethodField(help_text="Empty until a thumbnail exists.")
    poster_url = serializers.SerializerMethodField(help_text="A video's poster frame, or empty.")

    class Meta:
        model = DraftVersion
        fields: tuple[str, ...] = (
            "id",
            "number",
            "state",
            "caption",
            "content_type",
            "size_bytes",
            "original_name",
            "preview_status",
            "file_url",
            "thumbnail_url",
            "poster_url",
            "duration_ms",
            "width",
            "height",
            "feedback",
            "decided_at",
            "created_at",
        )
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_file_url(self, draft: DraftVersion) -> str:
        return _file_link(self.context, DRAFT_FILE_KIND, draft.public_id, draft.file_key)

    @extend_schema_field(OpenApiTypes.STR)
    def get_thumbnail_url(self, draft: DraftVersion) -> str:
        return _file_link(self.context, DRAFT_THUMB_KIND, draft.public_id, draft.thumbnail_key)

    @extend_schema_field(OpenApiTypes.STR)
    def get_poster_url(self, draft: DraftVersion) -> str:
        return _file_link(self.context, DRAFT_POSTER_KIND, draft.public_id, draft.poster_key)


class ReviewedDraftSerializer(DraftVersionSerializer):
    """A draft version as the organization sees it: also who decided."""

    decided_by = serializers.EmailField(source="decided_by.email", read_only=True, allow_null=True)

    class Meta(DraftVersionSerializer.Meta):
        fields = (*DraftVersionSerializer.Meta.fields, "decided_by")
        read_only_fields = fields


class LivePostSerializer(serializers.ModelSerializer):
    """A live post's address, what the platform said of it (the checks) and the decision."""

    id = serializers.CharField(source="public_id", read_only=True)
    post_id = serializers.CharField(read_only=True, help_text="The platform's id of the post.")
    check_results = CheckResultSerializer(
        many=True, read_only=True, help_text="Item by item, in order; they inform, people decide."
    )
    fee_cents = serializers.IntegerField(read_only=True, help_text="The slot's agreed fee.")
    permalink = serializers.CharField(
        read_only=True, help_text="The platform's own link to the post; empty until checked."
    )

    class Meta:
        model = LivePost
        fields = (
            "id",
            "url",
            "platform",
            "post_id",
            "state",
            "checks_status",
            "check_results",
            "checked_at",
            "next_check_at",
            "published_at",
            "permalink",
            "fee_cents",
            "currency",
            "feedback",
            "decided_at",
            "approved_at",
            "created_at",
        )
        read_only_fields = fields


class DecisionRecordSerializer(serializers.ModelSerializer):
    """One decision in a submission's history: what was decided on which item, when."""

    id = serializers.CharField(source="public_id", read_only=True)
    target = serializers.CharField(read_only=True, help_text=_text_of(ReviewDecision.Target))
    item = serializers.SerializerMethodField(
        help_text="The draft version (drv_) or live post (lpo_) decided."
    )
    decision = serializers.CharField(read_only=True, help_text=_text_of(ReviewDecision.Decision))
    automatic = serializers.BooleanField(
        read_only=True, help_text="Approved automatically after the campaign's waiting days."
    )

    class Meta:
        model = ReviewDecision
        fields: tuple[str, ...] = (
            "id",
            "target",
            "item",
            "decision",
            "feedback",
            "automatic",
            "created_at",
        )
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_item(self, record: ReviewDecision) -> str:
        item = record.draft if record.draft_id else record.live_post
        return item.public_id if item is not None else ""


class ReviewerDecisionRecordSerializer(DecisionRecordSerializer):
    decided_by = serializers.SerializerMethodField(
        help_text="Who decided: a member's e-mail, an API key's prefix, or `automatic`."
    )

    class Meta(DecisionRecordSerializer.Meta):
        fields = (*DecisionRecordSerializer.Meta.fields, "decided_by")
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_decided_by(self, record: ReviewDecision) -> str:
        if record.automatic:
            return "automatic"
        if record.decided_by is not None:
            return str(record.decided_by.email)
        if record.decided_by_api_key is not None:
            return f"API key {record.decided_by_api_key.prefix}…"
        return ""


class InReviewSerializer(serializers.Serializer):
    target = serializers.CharField(help_text="`draft` or `post`.")
    item = serializers.CharField(
        help_text="The draft version or live post id: send it as `expected_item` when deciding."
    )


def _in_review(submission: Submission) -> dict[str, str] | None:
    if submission.stage == Submission.Stage.DRAFT_REVIEW and submission.current_draft:
        return {"target": "draft", "item": submission.current_draft.public_id}
    if submission.stage == Submission.Stage.POST_REVIEW and submission.current_post:
        return {"target": "post", "item": submission.current_post.public_id}
    return None


# -- organization side -----------------------------------------------------------------------------


class SubmissionSerializer(serializers.ModelSerializer):
    """A slot's submission in the review queue: where it stands and what waits for review."""

    id = serializers.CharField(source="public_id", read_only=True)
    campaign = SubmissionCampaignSerializer(read_only=True)
    creator = SubmissionCreatorSerializer(read_only=True)
    participation = serializers.CharField(source="participation.public_id", read_only=True)
    slot = ParticipationSlotSerializer(
        read_only=True, help_text="The promised post: agreed fee, draft and post due dates."
    )
    in_review = serializers.SerializerMethodField(
        help_text="What waits for your decision, or null when nothing does."
    )
    review_since = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When the item in review arrived."
    )
    auto_approve_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="When it is approved automatically if nobody decides (the campaign's setting).",
    )
    overdue = serializers.SerializerMethodField(
        help_text="What is late: `draft`, `post`, or empty when nothing is."
    )
    current_draft = ReviewedDraftSerializer(read_only=True, allow_null=True)
    current_post = LivePostSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Submission
        fields: tuple[str, ...] = (
            "id",
            "campaign",
            "creator",
            "participation",
            "slot",
            "platform",
            "stage",
            "in_review",
            "review_since",
            "auto_approve_at",
            "overdue",
            "current_draft",
            "current_post",
            "done_at",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    @extend_schema_field(InReviewSerializer(allow_null=True))
    def get_in_review(self, submission: Submission) -> dict[str, str] | None:
        return _in_review(submission)

    @extend_schema_field(OpenApiTypes.STR)
    def get_overdue(self, submission: Submission) -> str:
        return services.overdue(submission.slot, submission, _today(self.context))


class SubmissionDetailSerializer(SubmissionSerializer):
    """A submission with every draft version, live post and decision."""

    drafts = ReviewedDraftSerializer(many=True, read_only=True, help_text="Oldest first.")
    posts = LivePostSerializer(many=True, read_only=True, help_text="Oldest first.")
    decisions = ReviewerDecisionRecordSerializer(
        many=True, read_only=True, help_text="The history, oldest first."
    )

    class Meta(SubmissionSerializer.Meta):
        fields = (*SubmissionSerializer.Meta.fields, "drafts", "posts", "decisions")
        read_only_fields = fields


class _FeedbackRule(serializers.Serializer):
    """Changes and rejections need feedback: a rule across two fields, so it has a code of its
    own (``feedback_required``, 400, on ``feedback``) as other cross-field rules do."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            services.check_decision(attrs["decision"], attrs.get("feedback", ""))
        except ChorusError as exc:
            if "feedback" in exc.fields and not attrs.get("feedback", "").strip():
                raise ChorusError("feedback_required", exc.message, fields=exc.fields) from None
            raise
        return attrs


class SubmissionDecisionSerializer(_FeedbackRule):
    decision = serializers.ChoiceField(choices=ReviewDecision.Decision.choices)
    feedback = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=FEEDBACK_MAX_CHARS,
        help_text="Required to request changes (what to change) or to reject (why); the "
        "creator reads it.",
    )
    expected_item = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=40,
        help_text="The draft version or live post you looked at (`in_review.item`): if a newer "
        "one arrived meanwhile the decision is refused with `stale_item`.",
    )


class SubmissionBulkDecisionSerializer(_FeedbackRule):
    ids = serializers.ListField(
        child=serializers.CharField(max_length=40),
        allow_empty=False,
        min_length=1,
        max_length=services.review.MAX_BULK_DECISIONS,
        help_text=f"Submission ids (sub_…), at most {services.review.MAX_BULK_DECISIONS}. "
        "Each is decided on its own, in this order.",
    )
    decision = serializers.ChoiceField(choices=ReviewDecision.Decision.choices)
    feedback = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=FEEDBACK_MAX_CHARS,
        help_text="Required to request changes or to reject; every creator decided reads it.",
    )


class BulkDecisionOutcomeSerializer(serializers.Serializer):
    id = serializers.CharField()
    ok = serializers.BooleanField()
    stage = serializers.CharField(required=False, help_text="The submission's new stage.")
    code = serializers.CharField(
        required=False, help_text="Why it failed: `not_found`, `already_decided`, …"
    )
    message = serializers.CharField(required=False, help_text="Why it failed (for people).")


class SubmissionBulkDecisionResultSerializer(serializers.Serializer):
    decision = serializers.CharField()
    succeeded = serializers.IntegerField()
    failed = serializers.IntegerField()
    results = BulkDecisionOutcomeSerializer(many=True, help_text="One per id, in the order sent.")


class UsageRightsSerializer(serializers.Serializer):
    label = serializers.CharField(  # type: ignore[assignment]  # a field, not Field.label
        help_text="What the brand may do with the asset."
    )
    expires_on = serializers.DateField(allow_null=True, help_text="null: no expiry.")
    lapsing_soon = serializers.BooleanField(
        help_text=f"The rights end within {selectors.RIGHTS_WARNING_DAYS} days."
    )
    lapsed = serializers.BooleanField()


class LibraryAssetSerializer(serializers.ModelSerializer):
    """An approved draft: the asset, its usage rights and where to download it."""

    id = serializers.CharField(source="public_id", read_only=True)
    submission = serializers.CharField(source="submission.public_id", read_only=True)
    campaign = SubmissionCampaignSerializer(read_only=True)
    creator = SubmissionCreatorSerializer(read_only=True)
    platform = serializers.CharField(source="submission.platform", read_only=True)
    approved_at = serializers.DateTimeField(source="decided_at", read_only=True, allow_null=True)
    live_post_url = serializers.SerializerMethodField(
        help_text="The approved live post's address, once there is one."
    )
    usage_rights = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField(
        help_text="The file as an attachment, through the authorizing file view (send your API "
        "key or session)."
    )
    thumbnail_url = serializers.SerializerMethodField(help_text="Empty until a thumbnail exists.")
    poster_url = serializers.SerializerMethodField(help_text="A video's poster frame, or empty.")

    class Meta:
        model = DraftVersion
        fields = (
            "id",
            "submission",
            "campaign",
            "creator",
            "platform",
            "number",
            "caption",
            "content_type",
            "size_bytes",
            "original_name",
            "duration_ms",
            "width",
            "height",
            "approved_at",
            "live_post_url",
            "usage_rights",
            "download_url",
            "thumbnail_url",
            "poster_url",
        )
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_live_post_url(self, draft: DraftVersion) -> str:
        post = draft.submission.current_post
        return post.url if post is not None and post.approved_at else ""

    @extend_schema_field(UsageRightsSerializer)
    def get_usage_rights(self, draft: DraftVersion) -> dict[str, Any]:
        rights = selectors.usage_rights(draft, _today(self.context))
        return dict(UsageRightsSerializer(rights).data)

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, draft: DraftVersion) -> str:
        return _file_link(
            self.context, DRAFT_FILE_KIND, draft.public_id, draft.file_key, "?download=1"
        )

    @extend_schema_field(OpenApiTypes.STR)
    def get_thumbnail_url(self, draft: DraftVersion) -> str:
        return _file_link(self.context, DRAFT_THUMB_KIND, draft.public_id, draft.thumbnail_key)

    @extend_schema_field(OpenApiTypes.STR)
    def get_poster_url(self, draft: DraftVersion) -> str:
        return _file_link(self.context, DRAFT_POSTER_KIND, draft.public_id, draft.poster_key)


# -- creator side ----------------------------------------------------------------------------------

# What the creator does next, by stage: (code, words). Waiting on the brand is an action too.
NEXT_ACTIONS: dict[str, tuple[str, str]] = {
    Submission.Stage.DRAFT_DUE: ("upload_draft", "Upload your draft."),
    Submission.Stage.DRAFT_REVIEW: ("wait", "The brand is reviewing your draft."),
    Submission.Stage.DRAFT_CHANGES: (
        "upload_revision",
        "Upload a new version that answers the feedback.",
    ),
    Submission.Stage.POST_DUE: ("submit_post", "Publish the post and send its link."),
    Submission.Stage.POST_REVIEW: ("wait", "The brand is reviewing your live post."),
    Submission.Stage.POST_CHANGES: ("submit_post", "Fix the post and send its link again."),
    Submission.Stage.DONE: ("none", "Done: nothing more to do."),
    Submission.Stage.REJECTED: ("none", "The brand rejected this post."),
    Submission.Stage.CANCELLED: ("none", "This post was cancelled."),
}
NOTHING_TO_DO = ("none", "This post is no longer part of your work.")


class NextActionSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="`upload_draft`, `upload_revision`, `submit_post`, `wait` or `none`."
    )
    label = serializers.CharField(  # type: ignore[assignment]  # a field, not Field.label
        help_text="What to do next, for people."
    )


class SlotCampaignSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    brand = serializers.CharField(source="brand.name", read_only=True)

    class Meta:
        model = Campaign
        fields = ("id", "name", "brand")
        read_only_fields = fields


class CreatorSlotSerializer(serializers.ModelSerializer):
    """One of your promised posts: what is due when, where it stands, what to do next."""

    id = serializers.CharField(source="public_id", read_only=True)
    campaign = SlotCampaignSerializer(read_only=True)
    participation = serializers.CharField(source="participation.public_id", read_only=True)
    deliverable = serializers.CharField(source="deliverable.public_id", read_only=True)
    status = serializers.CharField(read_only=True, help_text=_text_of(ParticipationSlot.Status))
    fee_cents = serializers.IntegerField(read_only=True, help_text="Agreed fee, minor units.")
    submission = serializers.SerializerMethodField(
        help_text="The submission's id (sub_), null before your first upload."
    )
    stage = serializers.SerializerMethodField()
    next_action = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField(
        help_text="What is late: `draft`, `post`, or empty when nothing is."
    )
    auto_approve_at = serializers.SerializerMethodField(
        help_text="When what you sent is approved automatically if the brand does not decide."
    )
    current_draft = serializers.SerializerMethodField()
    current_post = serializers.SerializerMethodField()

    class Meta:
        model = ParticipationSlot
        fields: tuple[str, ...] = (
            "id",
            "campaign",
            "participation",
            "deliverable",
            "slot_number",
            "platform",
            "format",
            "fee_cents",
            "currency",
            "draft_due",
            "post_due",
            "status",
            "submission",
            "stage",
            "next_action",
            "overdue",
            "auto_approve_at",
            "current_draft",
            "current_post",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_submission(self, slot: ParticipationSlot) -> str | None:
        submission = selectors.submission_of(slot)
        return submission.public_id if submission else None

    @extend_schema_field(serializers.ChoiceField(choices=Submission.Stage.choices))
    def get_stage(self, slot: ParticipationSlot) -> str:
        submission = selectors.submission_of(slot)
        return submission.stage if submission else Submission.Stage.DRAFT_DUE

    @extend_schema_field(NextActionSerializer)
    def get_next_action(self, slot: ParticipationSlot) -> dict[str, str]:
        active = (
            slot.status == ParticipationSlot.Status.OPEN
            and slot.participation.status == Participation.Status.ACTIVE
        )
        code, label = NEXT_ACTIONS[self.get_stage(slot)] if active else NOTHING_TO_DO
        return {"code": code, "label": label}

    @extend_schema_field(OpenApiTypes.STR)
    def get_overdue(self, slot: ParticipationSlot) -> str:
        return services.overdue(slot, selectors.submission_of(slot), _today(self.context))

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_auto_approve_at(self, slot: ParticipationSlot) -> datetime.datetime | None:
        submission = selectors.submission_of(slot)
        return submission.auto_approve_at if submission else None

    @extend_schema_field(DraftVersionSerializer(allow_null=True))
    def get_current_draft(self, slot: ParticipationSlot) -> dict[str, Any] | None:
        submission = selectors.submission_of(slot)
        if submission is None or submission.current_draft is None:
            return None
        return dict(DraftVersionSerializer(submission.current_draft, context=self.context).data)

    @extend_schema_field(LivePostSerializer(allow_null=True))
    def get_current_post(self, slot: ParticipationSlot) -> dict[str, Any] | None:
        submission = selectors.submission_of(slot)
        if submission is None or submission.current_post is None:
            return None
        return dict(LivePostSerializer(submission.current_post, context=self.context).data)


class RequirementsSerializer(serializers.Serializer):
    """What the brief asks of the post (the checks hold the live post to these)."""

    required_hashtags = serializers.ListField(child=serializers.CharField())
    required_mentions = serializers.ListField(child=serializers.CharField())
    disclosure_required = serializers.BooleanField()
    posting_starts = serializers.DateField(allow_null=True)
    posting_ends = serializers.DateField(allow_null=True)
    dos = serializers.CharField()
    donts = serializers.CharField()


class CreatorSlotDetailSerializer(CreatorSlotSerializer):
    """One of your posts with the brief's requirements and every version, post and decision."""

    requirements = RequirementsSerializer(source="campaign", read_only=True)
    drafts = serializers.SerializerMethodField(
        help_text="Every version you uploaded, oldest first."
    )
    posts = serializers.SerializerMethodField(help_text="Your live posts and their check results.")
    decisions = serializers.SerializerMethodField(help_text="The brand's decisions, oldest first.")

    class Meta(CreatorSlotSerializer.Meta):
        fields = (
            *CreatorSlotSerializer.Meta.fields,
            "requirements",
            "drafts",
            "posts",
            "decisions",
        )
        read_only_fields = fields

    def _history(self, slot: ParticipationSlot) -> dict[str, Any]:
        history: dict[str, Any] | None = getattr(slot, "_api_history", None)
        if history is None:
            submission = selectors.submission_of(slot)
            history = (
                selectors.submission_history(submission)
                if submission is not None
                else {"drafts": [], "posts": [], "decisions": []}
            )
            slot._api_history = history  # type: ignore[attr-defined]
        return history

    @extend_schema_field(DraftVersionSerializer(many=True))
    def get_drafts(self, slot: ParticipationSlot) -> list[Any]:
        drafts = self._history(slot)["drafts"]
        return list(DraftVersionSerializer(drafts, many=True, context=self.context).data)

    @extend_schema_field(LivePostSerializer(many=True))
    def get_posts(self, slot: ParticipationSlot) -> list[Any]:
        posts = self._history(slot)["posts"]
        return list(LivePostSerializer(posts, many=True, context=self.context).data)

    @extend_schema_field(DecisionRecordSerializer(many=True))
    def get_decisions(self, slot: ParticipationSlot) -> list[Any]:
        decisions = self._history(slot)["decisions"]
        return list(DecisionRecordSerializer(decisions, many=True, context=self.context).data)


class UploadRequestSerializer(serializers.Serializer):
    content_type = serializers.ChoiceField(
        choices=sorted(DRAFT.allowed),
        help_text="The file's type; its bytes are checked against it after the upload.",
    )
    size = serializers.IntegerField(
        min_value=1,
        max_value=MAX_VIDEO_BYTES,
        help_text="The file's size in bytes: videos up to 1 GB, images up to 30 MB (the "
        "storage enforces the limit on the bytes themselves).",
    )
    name = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=UPLOAD_NAME_MAX_CHARS,
        help_text="The file's name on your device: kept as data only.",
    )


class DirectUploadSerializer(serializers.Serializer):
    """Where to send the file: POST ``fields`` then the file (as ``file``) to ``url`` as
    multipart/form-data; then confirm with ``key``."""

    key = serializers.CharField(help_text="Send it to the upload confirmation.")
    url = serializers.CharField(help_text="Where to POST the form.")
    method = serializers.CharField(help_text="Always `POST`.")
    fields = serializers.DictField(  # type: ignore[assignment]  # a field, not .fields
        child=serializers.CharField(), help_text="Form fields to send before the file."
    )
    expires_at = serializers.DateTimeField(help_text="The form stops working then.")
    max_bytes = serializers.IntegerField(help_text="The largest file this form takes.")


class UploadConfirmSerializer(serializers.Serializer):
    key = serializers.CharField(
        max_length=UPLOAD_KEY_MAX_CHARS, help_text="The `key` the upload request gave you."
    )
    caption = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=CAPTION_MAX_CHARS,
        help_text="The caption you will post with it (hashtags, mentions, disclosure).",
    )


class LivePostRequestSerializer(serializers.Serializer):
    url = serializers.CharField(
        max_length=POST_URL_MAX_CHARS,
        help_text="The published post's address (TikTok, Instagram post or reel, YouTube).",
    )
