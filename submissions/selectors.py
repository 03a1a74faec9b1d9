"""Read queries for submissions, tenant-scoped, shared by pages, the API and tasks.

The review queue and the content library are list pages over thousands of rows: each loads
what it shows with a fixed number of queries (select_related along the foreign keys; the
counts are pinned in tests)."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from core.errors import NotFound
from creators.models import CreatorProfile
from organizations.access import OrgAccess
from recruitment.models import Participation, ParticipationSlot
from submissions.models import DraftVersion, LivePost, ReviewDecision, ReviewState, Submission

# A warning shows this many days before paid usage rights lapse.
RIGHTS_WARNING_DAYS = 30

QUEUE_FILTERS = ("campaign", "brand", "platform", "stage", "creator")


def _queue_related(qs: QuerySet[Submission]) -> QuerySet[Submission]:
    return qs.select_related(
        "campaign",
        "campaign__brand",
        "creator",
        "slot",
        "slot__deliverable",
        "current_draft",
        "current_post",
    )


def review_queue(
    access: OrgAccess, filters: Mapping[str, str] | None = None
) -> QuerySet[Submission]:
    """What waits for review (drafts and live posts), oldest first. ``filters``: campaign,
    brand, creator (public ids), platform, stage (``draft_review`` / ``post_review``, or
    ``all`` for every stage). Unknown ids simply match nothing."""
    filters = filters or {}
    qs = Submission.objects.for_access(access)
    stage = filters.get("stage") or ""
    if stage == "all":
        pass
    elif stage:
        qs = qs.filter(stage=stage)
    else:
        qs = qs.filter(stage__in=Submission.IN_REVIEW)
    if filters.get("campaign"):
        qs = qs.filter(campaign__public_id=filters["campaign"])
    if filters.get("brand"):
        qs = qs.filter(campaign__brand__public_id=filters["brand"])
    if filters.get("creator"):
        qs = qs.filter(creator__public_id=filters["creator"])
    if filters.get("platform"):
        qs = qs.filter(platform=filters["platform"])
    order = (
        ("review_since", "id")
        if stage in ("", "draft_review", "post_review")
        else ("-updated_at", "-id")
    )
    return _queue_related(qs).order_by(*order)


def submission_get_for_access(access: OrgAccess, public_id: str) -> Submission:
    """One submission with its history; someone else's answers exactly as a missing one."""
    submission = (
        _queue_related(Submission.objects.for_access(access))
        .prefetch_related(
            Prefetch("drafts", queryset=DraftVersion.objects.select_related("decided_by")),
            Prefetch("posts", queryset=LivePost.objects.order_by("created_at")),
            Prefetch(
                "decisions",
                queryset=ReviewDecision.objects.select_related("decided_by", "draft", "live_post"),
            ),
        )
        .filter(public_id=public_id)
        .first()
    )
    if submission is None:
        raise NotFound("No such submission.")
    return submission


@dataclass(frozen=True)
class UsageRights:
    """What the brand may do with an approved asset, and until when."""

    label: str
    expires_on: datetime.date | None  # None: no expiry (organic use)
    lapsing_soon: bool
    lapsed: bool


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=d)
        except ValueError:
            continue
    raise ValueError(day)


def usage_rights(draft: DraftVersion, today: datetime.date | None = None) -> UsageRights:
    """Rights run from the draft's approval: organic use has no end; paid usage lasts the
    campaign's ``paid_usage_months``."""
    today = today or timezone.localdate()
    campaign = draft.campaign
    if campaign.usage_rights != campaign.UsageRights.PAID or not draft.decided_at:
        return UsageRights("Organic use on the brand's channels", None, False, False)
    expires = _add_months(draft.decided_at.date(), campaign.paid_usage_months)
    return UsageRights(
        f"Paid usage (ads) for {campaign.paid_usage_months} months",
        expires,
        lapsing_soon=today <= expires <= today + datetime.timedelta(days=RIGHTS_WARNING_DAYS),
        lapsed=expires < today,
    )


LIBRARY_FILTERS = ("campaign", "brand", "creator", "platform")


def content_library(
    access: OrgAccess, filters: Mapping[str, str] | None = None
) -> QuerySet[DraftVersion]:
    """Approved drafts (the assets), newest first, with their submission's live post."""
    filters = filters or {}
    qs = DraftVersion.objects.for_access(access).filter(state=ReviewState.APPROVED)
    if filters.get("campaign"):
        qs = qs.filter(campaign__public_id=filters["campaign"])
    if filters.get("brand"):
        qs = qs.filter(campaign__brand__public_id=filters["brand"])
    if filters.get("creator"):
        qs = qs.filter(creator__public_id=filters["creator"])
    if filters.get("platform"):
        qs = qs.filter(submission__platform=filters["platform"])
    return qs.select_related(
        "campaign", "campaign__brand", "creator", "submission", "submission__current_post"
    ).order_by("-decided_at", "-id")


# -- creator side ------------------------------------------------------------------------------


def creator_slots(
    creator: CreatorProfile, *, participation: Participation | None = None
) -> QuerySet[ParticipationSlot]:
    """The creator's slots of active or completed participations, each with its submission
    (``slot.submission`` raises when none exists yet: use ``submission_of(slot)``)."""
    qs = ParticipationSlot.objects.filter(creator=creator).exclude(
        participation__status=Participation.Status.CANCELLED
    )
    if participation is not None:
        qs = qs.filter(participation=participation)
    return qs.select_related(
        "campaign",
        "campaign__brand",
        "deliverable",
        "participation",
        "submission",
        "submission__current_draft",
        "submission__current_post",
    ).order_by("post_due", "draft_due", "participation_id", "deliverable__position", "slot_number")


def submission_of(slot: ParticipationSlot) -> Submission | None:
    try:
        return slot.submission
    except Submission.DoesNotExist:
        return None


def creator_slot_detail(creator: CreatorProfile, slot_id: str) -> ParticipationSlot:
    """The creator's own slot with every version, post and decision (404 for anyone else's)."""
    slot = creator_slots(creator).filter(public_id=slot_id).first()
    if slot is None:
        raise NotFound("No such slot.")
    return slot


def submission_history(submission: Submission) -> dict[str, Any]:
    """Every draft version, live post and decision of a submission (both sides show these)."""
    return {
        "drafts": list(submission.drafts.select_related("decided_by").order_by("number")),
        "posts": list(submission.posts.order_by("created_at")),
        "decisions": list(
            submission.decisions.select_related("decided_by", "draft", "live_post").order_by(
                "created_at", "id"
            )
        ),
    }


def overdue_filter(today: datetime.date) -> Q:
    """Slots late on their draft or post (for flags and filters on slot querysets)."""
    return (
        Q(
            draft_due__lt=today,
            submission__isnull=True,
        )
        | Q(draft_due__lt=today, submission__stage__in=["draft_due", "draft_changes"])
        | Q(
            post_due__lt=today,
            submission__stage__in=[
                "draft_due",
                "draft_review",
                "draft_changes",
                "post_due",
                "post_changes",
            ],
        )
    )
