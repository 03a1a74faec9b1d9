"""Where one slot stands, in the creator's words: its state, what to do next, by when, and
whether it is late. Shared by the slot page and the per-slot list in "My work" (pure: it reads
the slot and its submission, nothing else)."""

import datetime
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.utils import timezone

from creators.models import CreatorProfile
from recruitment.models import Participation, ParticipationSlot
from submissions.models import ReviewState, Submission, UploadTicket
from submissions.services import overdue

Stage = Submission.Stage

# Badge colour per state (classes of static/css/app.css).
_TONES = {
    "draft_due": "primary",
    "draft_review": "muted",
    "draft_changes": "warn",
    "post_due": "primary",
    "post_review": "muted",
    "post_changes": "warn",
    "done": "ok",
    "rejected": "danger",
    "cancelled": "muted",
}


@dataclass(frozen=True)
class SlotWork:
    slot: ParticipationSlot
    submission: Submission | None
    stage: str
    state_label: str
    next_action: str  # one sentence: what the creator does next ("" when nothing)
    due: datetime.date | None  # the deadline of that next action
    due_label: str  # "Draft due", "Post due"
    overdue: str  # "draft", "post" or ""
    tone: str
    active: bool  # the slot still takes uploads and links

    @property
    def waiting_on_creator(self) -> bool:
        return self.active and self.stage in Submission.WAITING_ON_CREATOR

    @property
    def done(self) -> bool:
        return self.stage == Stage.DONE


def _closed(slot: ParticipationSlot) -> bool:
    return slot.status != ParticipationSlot.Status.OPEN or slot.participation.status not in (
        Participation.Status.ACTIVE,
        Participation.Status.COMPLETED,
    )


def slot_work(
    slot: ParticipationSlot, submission: Submission | None, today: datetime.date
) -> SlotWork:
    stage = submission.stage if submission else Stage.DRAFT_DUE
    brand = slot.campaign.brand.name
    if _closed(slot) and stage not in (Stage.DONE, Stage.REJECTED):
        return SlotWork(
            slot, submission, "cancelled", "Cancelled",
            "Nothing to do: this post is no longer part of the campaign.",
            None, "", "", "muted", active=False,
        )  # fmt: skip
    label = Stage(stage).label
    due: datetime.date | None = None
    due_label = ""
    if stage == Stage.DRAFT_DUE:
        action, due, due_label = "Upload your draft with its caption.", slot.draft_due, "Draft due"
    elif stage == Stage.DRAFT_CHANGES:
        action = f"{brand} asked for changes: upload a new version."
        due, due_label = slot.draft_due, "Draft due"
    elif stage == Stage.DRAFT_REVIEW:
        action = f"Wait for {brand} to review your draft."
        due, due_label = slot.post_due, "Post due"
    elif stage == Stage.POST_DUE:
        action = "Your draft is approved: publish it, then paste the post's link here."
        due, due_label = slot.post_due, "Post due"
    elif stage == Stage.POST_CHANGES:
        action = f"{brand} asked for changes to the post: fix it and paste the link again."
        due, due_label = slot.post_due, "Post due"
    elif stage == Stage.POST_REVIEW:
        post = submission.current_post if submission else None
        if post is not None and post.state == ReviewState.CHECKING:
            action = "We are checking your post on the platform; then it goes to review."
        else:
            action = f"Wait for {brand} to review your post."
    elif stage == Stage.DONE:
        action = ""
        label = "Done"
    else:  # rejected
        action = ""
    return SlotWork(
        slot=slot,
        submission=submission,
        stage=stage,
        state_label=label,
        next_action=action,
        due=due,
        due_label=due_label,
        overdue=overdue(slot, submission, today),
        tone=_TONES.get(stage, "muted"),
        active=True,
    )


def unfinished_upload(creator: CreatorProfile, slot: ParticipationSlot) -> UploadTicket | None:
    """The creator's newest upload to this slot that reached storage but was never confirmed
    (the page was closed or refreshed between the upload and the confirmation): the page
    offers to finish it. One whose file never arrived is not offered."""
    tickets = UploadTicket.objects.filter(
        organization_id=slot.organization_id,
        slot=slot,
        creator=creator,
        confirmed_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).order_by("-created_at", "-id")[:3]
    for ticket in tickets:
        if default_storage.exists(ticket.key):
            return ticket
    return None
