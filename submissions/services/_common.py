"""What the submission services share: finding a creator's slot, the slot's submission, the
history row of a decision."""

from django.db import transaction

from core.errors import ChorusError, NotFound
from creators.models import CreatorProfile
from recruitment.models import Participation, ParticipationSlot
from submissions.models import Submission


def creator_slot(*, creator: CreatorProfile, slot_id: str) -> ParticipationSlot:
    """The creator's own slot by public id; someone else's answers exactly as a missing one."""
    slot = (
        ParticipationSlot.objects.select_related(
            "participation", "campaign", "campaign__brand", "campaign__organization", "deliverable"
        )
        .filter(public_id=slot_id, creator=creator)
        .first()
    )
    if slot is None:
        raise NotFound("No such slot.")
    return slot


def require_active_slot(slot: ParticipationSlot) -> None:
    if (
        slot.status != ParticipationSlot.Status.OPEN
        or slot.participation.status != Participation.Status.ACTIVE
    ):
        raise ChorusError(
            "slot_closed",
            "This post is no longer part of your work (the participation ended or was cancelled).",
            status_code=409,
        )


def submission_for_slot_locked(slot: ParticipationSlot) -> Submission:
    """The slot's submission, created on first use, locked for this transaction."""
    assert transaction.get_connection().in_atomic_block, "call inside the service's transaction"
    Submission.objects.get_or_create(
        slot=slot,
        defaults={
            "organization_id": slot.organization_id,
            "campaign_id": slot.campaign_id,
            "participation_id": slot.participation_id,
            "creator_id": slot.creator_id,
            "platform": slot.platform,
        },
    )
    return Submission.objects.select_for_update().get(slot=slot)
