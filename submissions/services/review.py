"""Review decisions on drafts and live posts: one at a time, in bulk, and automatic after the
campaign's N days. Each decision locks its submission, so two reviewers deciding at once get
one decision and one clear "already decided"."""

import datetime
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from core.errors import ChorusError
from core.ownership import require_owns
from ledger.services import accrual_post
from organizations.access import OrgAccess
from organizations.audit import audit_record
from organizations.roles import Scope
from recruitment.models import Participation, ParticipationSlot
from submissions.models import (
    FEEDBACK_MAX_CHARS,
    DraftVersion,
    LivePost,
    ReviewDecision,
    ReviewState,
    Submission,
)
from submissions.notifications import Kind, notify

Decision = ReviewDecision.Decision
MAX_BULK_DECISIONS = 500
AUTO_APPROVE_BATCH = 200

_STATE_AFTER = {
    Decision.APPROVE: ReviewState.APPROVED,
    Decision.REQUEST_CHANGES: ReviewState.CHANGES_REQUESTED,
    Decision.REJECT: ReviewState.REJECTED,
}
_STAGE_AFTER = {
    (ReviewDecision.Target.DRAFT, Decision.APPROVE): Submission.Stage.POST_DUE,
    (ReviewDecision.Target.DRAFT, Decision.REQUEST_CHANGES): Submission.Stage.DRAFT_CHANGES,
    (ReviewDecision.Target.DRAFT, Decision.REJECT): Submission.Stage.REJECTED,
    (ReviewDecision.Target.POST, Decision.APPROVE): Submission.Stage.DONE,
    (ReviewDecision.Target.POST, Decision.REQUEST_CHANGES): Submission.Stage.POST_CHANGES,
    (ReviewDecision.Target.POST, Decision.REJECT): Submission.Stage.REJECTED,
}


class BulkFailure(NamedTuple):
    id: str
    reason: str
    code: str


@dataclass
class BulkDecisionResult:
    succeeded: list[Submission] = field(default_factory=list)
    failed: list[BulkFailure] = field(default_factory=list)


def check_decision(decision: str, feedback: str) -> tuple[Decision, str]:
    """The decision and its cleaned feedback, or a field error: changes and rejections need
    words the creator can act on."""
    if decision not in Decision.values:
        raise ChorusError(
            "invalid",
            f"Unknown decision {decision!r}: choose approve, request_changes or reject.",
            fields={"decision": ["Choose approve, request_changes or reject."]},
        )
    feedback = (feedback or "").strip()
    if "\x00" in feedback:
        raise ChorusError("invalid", "Remove the NUL character.", fields={"feedback": ["NUL."]})
    if len(feedback) > FEEDBACK_MAX_CHARS:
        message = f"Keep it under {FEEDBACK_MAX_CHARS} characters (it has {len(feedback)})."
        raise ChorusError("invalid", message, fields={"feedback": [message]})
    if decision != Decision.APPROVE and not feedback:
        message = (
            "Say what to change, so the creator can fix it."
            if decision == Decision.REQUEST_CHANGES
            else "Give the reason for rejecting, so the creator knows why."
        )
        raise ChorusError("invalid", message, fields={"feedback": [message]})
    return Decision(decision), feedback


def _nothing_to_review(submission: Submission) -> ChorusError:
    return ChorusError(
        "already_decided",
        f"Nothing of this submission waits for review: it is “{submission.get_stage_display()}”.",
        status_code=409,
    )


def _participation_complete_if_done(participation_id: int, now: datetime.datetime) -> None:
    """A participation is completed when every slot has an approved live post."""
    participation = Participation.objects.select_for_update().get(pk=participation_id)
    if participation.status != Participation.Status.ACTIVE:
        return
    open_slots = ParticipationSlot.objects.filter(
        participation_id=participation_id, status=ParticipationSlot.Status.OPEN
    )
    if open_slots.exclude(submission__stage=Submission.Stage.DONE).exists():
        return
    participation.status = Participation.Status.COMPLETED
    participation.completed_at = now
    participation.save(update_fields=["status", "completed_at", "updated_at"])


def decide_locked(
    *,
    submission_pk: int,
    decision: Decision,
    feedback: str,
    access: OrgAccess | None,
    expected_item: str = "",
    automatic: bool = False,
) -> Submission:
    """Decide what is in review; runs inside the caller's transaction. ``expected_item`` (the
    draft or post id the reviewer looked at) refuses a decision on something newer."""
    submission = Submission.objects.select_for_update().get(pk=submission_pk)
    now = timezone.now()
    item: DraftVersion | LivePost
    if submission.stage == Submission.Stage.DRAFT_REVIEW and submission.current_draft_id:
        target = ReviewDecision.Target.DRAFT
        item = DraftVersion.objects.get(pk=submission.current_draft_id)
    elif submission.stage == Submission.Stage.POST_REVIEW and submission.current_post_id:
        target = ReviewDecision.Target.POST
        item = LivePost.objects.get(pk=submission.current_post_id)
    else:
        raise _nothing_to_review(submission)
    if expected_item and expected_item != item.public_id:
        raise ChorusError(
            "stale_item",
            "A newer version arrived since you opened this; look at it before deciding.",
            status_code=409,
        )
    user = access.user if access else None
    item.state = _STATE_AFTER[decision]
    item.feedback = feedback
    item.decided_by = user
    item.decided_at = now
    update = ["state", "feedback", "decided_by", "decided_at"]
    if isinstance(item, LivePost):
        update.append("updated_at")
        if decision == Decision.APPROVE:
            item.approved_at = now
            update.append("approved_at")
    item.save(update_fields=update)
    submission.stage = _STAGE_AFTER[(target, decision)]
    submission.review_since = None
    submission.auto_approve_at = None
    update = ["stage", "review_since", "auto_approve_at", "updated_at"]
    if submission.stage == Submission.Stage.DONE:
        submission.done_at = now
        update.append("done_at")
    submission.save(update_fields=update)
    ReviewDecision.objects.create(
        organization_id=submission.organization_id,
        submission=submission,
        campaign_id=submission.campaign_id,
        target=target,
        draft=item if isinstance(item, DraftVersion) else None,
        live_post=item if isinstance(item, LivePost) else None,
        decision=decision,
        feedback=feedback,
        decided_by=user,
        decided_by_api_key=access.api_key if access else None,
        automatic=automatic,
    )
    campaign = submission.campaign
    audit_record(
        organization=campaign.organization,
        access=access,
        action=f"submission.{target}_{decision}",
        target=submission,
        data={
            "item": item.public_id,
            "automatic": automatic,
            **({"feedback": feedback} if feedback else {}),
        },
    )
    if submission.stage == Submission.Stage.DONE:
        _participation_complete_if_done(submission.participation_id, now)
        # [ledger, issue 10] The approved live post earns its slot's fee in this same
        # transaction, once per slot (the ledger key's unique constraint): committed → payable.
        if isinstance(item, LivePost) and item.fee_cents > 0:
            accrual_post(
                campaign=submission.campaign,
                creator=submission.creator_id,
                slot_id=submission.slot_id,
                amount_cents=item.fee_cents,
                data={"live_post": item.public_id},
            )
    creator_user = submission.creator.user
    notify(
        Kind.SUBMISSION_DECIDED,
        recipients=[creator_user],
        campaign=campaign,
        submission_id=submission.public_id,
        slot_id=submission.slot.public_id,
        target=str(target),
        decision=str(decision),
        feedback=feedback,
        automatic=automatic,
    )
    return submission


def submission_decide(
    *,
    access: OrgAccess,
    submission: Submission,
    decision: str,
    feedback: str = "",
    expected_item: str = "",
) -> Submission:
    """Approve, ask for changes on, or reject what a submission has in review (its newest
    draft or its live post)."""
    access.require(Scope.SUBMISSIONS_REVIEW)
    verdict, feedback = check_decision(decision, feedback)
    require_owns(access, submission, what="submission")
    with transaction.atomic(durable=True):
        return decide_locked(
            submission_pk=submission.pk,
            decision=verdict,
            feedback=feedback,
            access=access,
            expected_item=expected_item,
        )


def submissions_decide_bulk(
    *, access: OrgAccess, submission_ids: list[str], decision: str, feedback: str = ""
) -> BulkDecisionResult:
    """Decide many submissions, each on its own: one that was decided meanwhile (or names
    nothing this reviewer may see) fails alone, the rest are decided."""
    access.require(Scope.SUBMISSIONS_REVIEW)
    verdict, feedback = check_decision(decision, feedback)
    ids = list(dict.fromkeys(str(i).strip() for i in submission_ids if str(i).strip()))
    if not ids:
        raise ChorusError(
            "invalid", "Choose at least one submission.", fields={"ids": ["Choose at least one."]}
        )
    if len(ids) > MAX_BULK_DECISIONS:
        raise ChorusError(
            "invalid",
            f"Decide at most {MAX_BULK_DECISIONS} at once (you sent {len(ids)}).",
            fields={"ids": [f"At most {MAX_BULK_DECISIONS}."]},
        )
    by_id = dict(
        Submission.objects.for_access(access)
        .filter(public_id__in=ids)
        .values_list("public_id", "pk")
    )
    result = BulkDecisionResult()
    for public_id in ids:
        pk = by_id.get(public_id)
        if pk is None:
            result.failed.append(BulkFailure(public_id, "No such submission.", "not_found"))
            continue
        try:
            with transaction.atomic(durable=True):
                result.succeeded.append(
                    decide_locked(
                        submission_pk=pk, decision=verdict, feedback=feedback, access=access
                    )
                )
        except ChorusError as exc:
            result.failed.append(BulkFailure(public_id, exc.message, exc.code))
    return result


def submissions_auto_approve(*, now: datetime.datetime | None = None) -> int:
    """Approve what waited past its campaign's auto-approval time (beat). Each on its own, so
    one that a reviewer decided meanwhile is simply skipped."""
    now = now or timezone.now()
    due = list(
        Submission.objects.filter(
            auto_approve_at__lte=now, stage__in=Submission.IN_REVIEW
        ).values_list("pk", flat=True)[:AUTO_APPROVE_BATCH]
    )
    approved = 0
    for pk in due:
        try:
            with transaction.atomic(durable=True):
                locked = Submission.objects.select_for_update().get(pk=pk)
                if locked.auto_approve_at is None or locked.auto_approve_at > now:
                    continue
                decide_locked(
                    submission_pk=pk,
                    decision=Decision.APPROVE,
                    feedback="",
                    access=None,
                    automatic=True,
                )
                approved += 1
        except ChorusError:
            continue
    return approved
