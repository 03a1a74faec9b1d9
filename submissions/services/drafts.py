"""Drafts: a creator asks to upload (we choose the key and hand out a direct-upload form), the
browser uploads straight to storage, then the creator confirms with a caption and the draft
goes into review. Every version stays."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core import files
from core.errors import ChorusError
from core.outbox import outbox_enqueue
from core.queues import Queue
from creators.models import CreatorProfile
from organizations.audit import audit_record
from recruitment.models import ParticipationSlot
from submissions.models import CAPTION_MAX_CHARS, DraftVersion, Submission, UploadTicket
from submissions.notifications import Kind, notify, reviewers_for_campaign
from submissions.services._common import require_active_slot, submission_for_slot_locked
from submissions.uploads import DRAFT, max_bytes_for

UPLOAD_TICKET_LIFETIME = datetime.timedelta(hours=2)  # a 1 GB video on a slow phone line
PREVIEW_TASK = "submissions.tasks.make_draft_preview"
DRAFT_STAGES = (Submission.Stage.DRAFT_DUE, Submission.Stage.DRAFT_CHANGES)


@dataclass(frozen=True)
class DraftUploadRequest:
    ticket: UploadTicket
    upload: files.DirectUpload


def _require_draft_expected(submission: Submission | None) -> None:
    if submission is not None and submission.stage not in DRAFT_STAGES:
        raise ChorusError(
            "draft_not_expected",
            f"No draft is expected now: this post is “{submission.get_stage_display()}”.",
            status_code=409,
        )


def _check_announced(content_type: str, size_bytes: int) -> None:
    if content_type not in DRAFT.allowed:
        raise ChorusError(
            "file_type_not_allowed",
            f"Pick a {DRAFT.label} file.",
            fields={"content_type": [f"Pick a {DRAFT.label} file."]},
        )
    limit = max_bytes_for(content_type)
    if size_bytes <= 0 or size_bytes > limit:
        message = (
            "This file is empty."
            if size_bytes <= 0
            else f"This file is too large: the limit is {limit // files.MB} MB for this type."
        )
        raise ChorusError("file_too_large", message, fields={"size": [message]})


def draft_upload_request(
    *,
    creator: CreatorProfile,
    slot: ParticipationSlot,
    content_type: str,
    size_bytes: int,
    name: str = "",
) -> DraftUploadRequest:
    """A direct-upload form for one draft of ``slot`` (the creator's own, checked by the
    caller with ``creator_slot``). Nothing is recorded as a draft until ``draft_submit``."""
    require_active_slot(slot)
    _require_draft_expected(Submission.objects.filter(slot=slot).first())
    _check_announced(content_type, size_bytes)
    upload = files.direct_upload_request(
        kind=DRAFT,
        owner=slot.campaign.organization.public_id,
        content_type=content_type,
        size=size_bytes,
        name=name,
        user_id=creator.user_id,
    )
    ticket = UploadTicket.objects.create(
        organization_id=slot.organization_id,
        slot=slot,
        campaign_id=slot.campaign_id,
        creator=creator,
        key=upload.key,
        content_type=content_type,
        size_bytes=size_bytes,
        original_name=files.safe_file_name(name, default=DRAFT.default_name),
        expires_at=timezone.now() + UPLOAD_TICKET_LIFETIME,
    )
    return DraftUploadRequest(ticket=ticket, upload=upload)


def _clean_caption(caption: str) -> str:
    caption = (caption or "").strip()
    if len(caption) > CAPTION_MAX_CHARS:
        message = f"Keep the caption under {CAPTION_MAX_CHARS} characters (it has {len(caption)})."
        raise ChorusError("invalid", message, fields={"caption": [message]})
    if "\x00" in caption:
        message = "Remove the NUL character from the caption."
        raise ChorusError("invalid", message, fields={"caption": [message]})
    return caption


def draft_submit(
    *, creator: CreatorProfile, slot: ParticipationSlot, key: str, caption: str
) -> DraftVersion:
    """Record an uploaded draft: the object must be one we issued to this creator for this
    slot, really of an allowed type (its bytes are read), within that type's size limit."""
    require_active_slot(slot)
    caption = _clean_caption(caption)
    ticket = UploadTicket.objects.filter(
        organization_id=slot.organization_id, slot=slot, creator=creator, key=key or ""
    ).first()
    if ticket is None or ticket.confirmed_at is not None:
        raise ChorusError(
            "upload_missing",
            "That upload was not found. Upload the file again.",
            fields={"key": ["No such upload."]},
        )
    owner = slot.campaign.organization.public_id
    # Refuses (and deletes) bad bytes or sizes; the draft is recorded under a key no upload
    # form can write to, so what was checked is what stays.
    stored = files.confirm_upload(key, kind=DRAFT, owner=owner, promote=True)
    try:
        draft = _draft_record(
            creator=creator, slot=slot, ticket_pk=ticket.pk, stored=stored, caption=caption
        )
    except BaseException:
        files.delete_stored(stored.key)  # nothing refers to it: leave no orphan behind
        raise
    return draft


def _draft_record(
    *,
    creator: CreatorProfile,
    slot: ParticipationSlot,
    ticket_pk: int,
    stored: files.StoredUpload,
    caption: str,
) -> DraftVersion:
    with transaction.atomic(durable=True):
        submission = submission_for_slot_locked(slot)
        _require_draft_expected(submission)
        ticket = UploadTicket.objects.select_for_update().get(pk=ticket_pk)
        if ticket.confirmed_at is not None:  # a double click confirmed it meanwhile
            raise ChorusError(
                "upload_already_confirmed", "This upload is already submitted.", status_code=409
            )
        now = timezone.now()
        number = (submission.drafts.aggregate(n=Max("number"))["n"] or 0) + 1
        draft = DraftVersion.objects.create(
            organization_id=submission.organization_id,
            submission=submission,
            campaign_id=submission.campaign_id,
            creator=creator,
            number=number,
            file_key=stored.key,
            content_type=stored.content_type,
            size_bytes=stored.size,
            original_name=ticket.original_name,
            caption=caption,
        )
        ticket.confirmed_at = now
        ticket.save(update_fields=["confirmed_at"])
        _enter_review(submission, stage=Submission.Stage.DRAFT_REVIEW, now=now)
        submission.current_draft = draft
        submission.save(
            update_fields=[
                "stage",
                "review_since",
                "auto_approve_at",
                "current_draft",
                "updated_at",
            ]
        )
        campaign = slot.campaign
        audit_record(
            organization=campaign.organization,
            actor=creator.user,
            action="submission.draft_submitted",
            target=submission,
            data={"draft": draft.public_id, "version": number},
        )
        notify(
            Kind.SUBMISSION_RECEIVED,
            recipients=reviewers_for_campaign(campaign),
            campaign=campaign,
            email=False,
            **_context(submission, creator, target="draft", version=number),
        )
        outbox_enqueue(PREVIEW_TASK, kwargs={"draft_id": draft.pk}, queue=Queue.DEFAULT)
    return draft


def _enter_review(submission: Submission, *, stage: str, now: datetime.datetime) -> None:
    submission.stage = stage
    submission.review_since = now
    days = submission.campaign.auto_approve_days
    submission.auto_approve_at = now + datetime.timedelta(days=days) if days else None


def _context(submission: Submission, creator: CreatorProfile, **extra: Any) -> dict[str, Any]:
    return {
        "submission_id": submission.public_id,
        "slot_id": submission.slot.public_id,
        "creator": creator.display_name,
        **extra,
    }


def draft_preview_make(*, draft_id: int) -> DraftVersion | None:
    """Make the draft's thumbnail (images) or poster frame and duration (videos, with ffmpeg).
    Idempotent: a draft whose preview is settled is left alone."""
    from core.media import make_preview

    draft = DraftVersion.objects.filter(pk=draft_id).first()
    if draft is None or draft.preview_status != DraftVersion.Preview.PENDING:
        return draft
    preview = make_preview(key=draft.file_key, content_type=draft.content_type)
    draft.preview_status = preview.status
    draft.thumbnail_key = preview.thumbnail_key or ""
    draft.poster_key = preview.poster_key or ""
    draft.duration_ms = preview.duration_ms
    draft.width = preview.width
    draft.height = preview.height
    draft.save(
        update_fields=[
            "preview_status",
            "thumbnail_key",
            "poster_key",
            "duration_ms",
            "width",
            "height",
        ]
    )
    return draft
