"""Reminders before a slot's deadlines, once per slot, kind and due date (beat, daily): a
draft still missing two days before the draft is due, a live post still missing two days before
the posting window closes."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from recruitment.models import Participation, ParticipationSlot
from submissions.models import SlotReminder, Submission
from submissions.notifications import Kind, notify

REMIND_DAYS_BEFORE = 2
DRAFT_PENDING = ("draft_due", "draft_changes")
POST_PENDING = ("draft_due", "draft_review", "draft_changes", "post_due", "post_changes")


def _due_slots(kind: str, day: datetime.date) -> list[ParticipationSlot]:
    field = "draft_due" if kind == SlotReminder.Kind.DRAFT else "post_due"
    pending = DRAFT_PENDING if kind == SlotReminder.Kind.DRAFT else POST_PENDING
    today = timezone.localdate()
    return list(
        ParticipationSlot.objects.filter(
            status=ParticipationSlot.Status.OPEN,
            participation__status=Participation.Status.ACTIVE,
            **{f"{field}__gte": today, f"{field}__lte": day},
        )
        .filter(Q(submission__isnull=True) | Q(submission__stage__in=pending))
        .select_related(
            "campaign", "campaign__brand", "campaign__organization", "creator__user", "deliverable"
        )
    )


def slot_reminders_send(*, today: datetime.date | None = None) -> int:
    """Send what is due; a reminder already sent for that slot, kind and date is skipped (the
    unique row is the claim, so two runs at once send one)."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=REMIND_DAYS_BEFORE)
    sent = 0
    for kind in (SlotReminder.Kind.DRAFT, SlotReminder.Kind.POST):
        for slot in _due_slots(kind, horizon):
            due = slot.draft_due if kind == SlotReminder.Kind.DRAFT else slot.post_due
            assert due is not None
            try:
                with transaction.atomic(durable=True):
                    SlotReminder.objects.create(
                        organization_id=slot.organization_id, slot=slot, kind=kind, due=due
                    )
                    notify(
                        Kind.SUBMISSION_DUE_REMINDER,
                        recipients=[slot.creator.user],
                        campaign=slot.campaign,
                        slot_id=slot.public_id,
                        what=str(kind),
                        due=due.isoformat(),
                        deliverable=f"{slot.get_platform_display()} {slot.get_format_display()}",
                    )
                    sent += 1
            except IntegrityError:
                continue
    return sent


def overdue(slot: ParticipationSlot, submission: Submission | None, today: datetime.date) -> str:
    """ "draft", "post" or "" — what of this slot is late (shown as a flag on both sides)."""
    stage = submission.stage if submission else Submission.Stage.DRAFT_DUE
    if slot.draft_due and slot.draft_due < today and stage in DRAFT_PENDING:
        return "draft"
    if slot.post_due and slot.post_due < today and stage in POST_PENDING:
        return "post"
    return ""
