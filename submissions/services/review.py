"""Review decisions on drafts and live posts: one at a time, in bulk, and automatic after the
campaign's N days. Each decision locks its submission, so two reviewers deciding at once get
one decision and one clear "already decided"."""

import datetime
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import transaction
from django.utils import timezone

from core.errors import ChorusError
from core.ids import new_public_id
from core.ownership import require_owns
from ledger.services import Accrual, accruals_post_many
from notifications.services import notification_send_many
from organizations.access import OrgAccess
from organizations.audit import audit_record_many
from organizations.roles import Scope
from recruitment.models import Participation, ParticipationSlot
from recruitment.notifications import campaign_context
from submissions.models import (
    FEEDBACK_MAX_CHARS,
    DraftVersion,
    LivePost,
    ReviewDecision,
    ReviewState,
    Submission,
)
from submissions.notifications import Kind

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


def _participations_complete_if_done(participation_ids: list[int], now: datetime.datetime) -> None:
    """A participation is completed when every slot has an approved live post (three
    statements for any number of participations: lock, open slots not done, update)."""
    active = list(
        Participation.objects.select_for_update()
        .filter(pk__in=participation_ids, status=Participation.Status.ACTIVE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not active:
        return
    waiting = set(
        ParticipationSlot.objects.filter(
            participation_id__in=active, status=ParticipationSlot.Status.OPEN
        )
        .exclude(submission__stage=Submission.Stage.DONE)
        .values_list("participation_id", flat=True)
    )
    complete = [pk for pk in active if pk not in waiting]
    if complete:
        Participation.objects.filter(pk__in=complete).update(
            status=Participation.Status.COMPLETED, completed_at=now, updated_at=now
        )


@dataclass
class _Planned:
    """One decision worked out in memory, to be written with the others of its batch."""

    submission: Submission
    item: DraftVersion | LivePost
    target: str


def _lock(pks: list[int]) -> list[Submission]:
    """Lock these submissions, in id order (so two bulk decisions cannot deadlock), with what
    the audit rows and the creators' notices read. Only the submission rows are locked."""
    return list(
        Submission.objects.select_for_update(of=("self",))
        .select_related("campaign__organization", "campaign__brand", "creator__user", "slot")
        .filter(pk__in=pks)
        .order_by("pk")
    )


def _items(submissions: list[Submission]) -> dict[tuple[str, int], DraftVersion | LivePost]:
    """The draft or post each submission has in review (two queries for any number)."""
    drafts = DraftVersion.objects.in_bulk(
        [s.current_draft_id for s in submissions if s.current_draft_id]
    )
    posts = LivePost.objects.in_bulk([s.current_post_id for s in submissions if s.current_post_id])
    found: dict[tuple[str, int], DraftVersion | LivePost] = {}
    found.update({("draft", pk): d for pk, d in drafts.items()})
    found.update({("post", pk): p for pk, p in posts.items()})
    return found


def _plan(
    submission: Submission,
    items: dict[tuple[str, int], DraftVersion | LivePost],
    *,
    decision: Decision,
    feedback: str,
    user: Any,
    now: datetime.datetime,
    expected_item: str = "",
) -> _Planned:
    """Apply the decision to the in-memory rows, or refuse it (ChorusError) changing nothing."""
    item: DraftVersion | LivePost | None = None
    if submission.stage == Submission.Stage.DRAFT_REVIEW and submission.current_draft_id:
        target = ReviewDecision.Target.DRAFT
        item = items.get(("draft", submission.current_draft_id))
    elif submission.stage == Submission.Stage.POST_REVIEW and submission.current_post_id:
        target = ReviewDecision.Target.POST
        item = items.get(("post", submission.current_post_id))
    if item is None:
        raise _nothing_to_review(submission)
    if expected_item and expected_item != item.public_id:
        raise ChorusError(
            "stale_item",
            "A newer version arrived since you opened this; look at it before deciding.",
            status_code=409,
        )
    item.state = _STATE_AFTER[decision]
    item.feedback = feedback
    item.decided_by = user
    item.decided_at = now
    if isinstance(item, LivePost):
        item.updated_at = now
        if decision == Decision.APPROVE:
            item.approved_at = now
    submission.stage = _STAGE_AFTER[(target, decision)]
    submission.review_since = None
    submission.auto_approve_at = None
    submission.updated_at = now
    if submission.stage == Submission.Stage.DONE:
        submission.done_at = now
    return _Planned(submission, item, target)


_DRAFT_FIELDS = ["state", "feedback", "decided_by", "decided_at"]
_POST_FIELDS = [*_DRAFT_FIELDS, "approved_at", "updated_at"]
_SUBMISSION_FIELDS = ["stage", "review_since", "auto_approve_at", "done_at", "updated_at"]


def _accrue(planned: list[_Planned], decision: Decision) -> list[tuple[_Planned, ChorusError]]:
    """[ledger, issue 10] Each approved live post earns its slot's fee in the decision's own
    transaction, once per slot (the ledger key's unique constraint): committed → payable.

    Runs before anything is written, all in one batched ledger post (a handful of statements
    for the whole batch); a post whose fee is no longer committed (its participation was
    cancelled) is refused alone and writes nothing. Participations are locked first, in id
    order, then the ledger accounts (inside the ledger): the order cancellation takes them in,
    so the two cannot deadlock. Returns the refused ones."""
    approvals = [
        p
        for p in planned
        if decision == Decision.APPROVE and isinstance(p.item, LivePost) and p.item.fee_cents > 0
    ]
    if not approvals:
        return []
    participation_ids = sorted({p.submission.participation_id for p in approvals})
    list(Participation.objects.select_for_update().filter(pk__in=participation_ids).order_by("pk"))
    approvals.sort(key=lambda p: (p.submission.campaign_id, p.submission.pk))
    results = accruals_post_many(
        [
            Accrual(
                campaign=p.submission.campaign,
                creator=p.submission.creator_id,
                slot_id=p.submission.slot_id,
                amount_cents=p.item.fee_cents,
                data={"live_post": p.item.public_id},
            )
            for p in approvals
            if isinstance(p.item, LivePost)
        ]
    )
    return [
        (p, result)
        for p, result in zip(approvals, results, strict=True)
        if isinstance(result, ChorusError)
    ]


def _write(
    planned: list[_Planned],
    *,
    access: OrgAccess | None,
    decision: Decision,
    feedback: str,
    automatic: bool,
    now: datetime.datetime,
) -> None:
    """Write a batch of planned decisions: a handful of statements whatever its size."""
    if not planned:
        return
    user = access.user if access else None
    drafts = [p.item for p in planned if isinstance(p.item, DraftVersion)]
    posts = [p.item for p in planned if isinstance(p.item, LivePost)]
    if drafts:
        DraftVersion.objects.bulk_update(drafts, _DRAFT_FIELDS)
    if posts:
        LivePost.objects.bulk_update(posts, _POST_FIELDS)
    Submission.objects.bulk_update([p.submission for p in planned], _SUBMISSION_FIELDS)
    ReviewDecision.objects.bulk_create(
        [
            ReviewDecision(
                public_id=new_public_id(ReviewDecision.public_id_prefix),
                organization_id=p.submission.organization_id,
                submission=p.submission,
                campaign_id=p.submission.campaign_id,
                target=p.target,
                draft=p.item if isinstance(p.item, DraftVersion) else None,
                live_post=p.item if isinstance(p.item, LivePost) else None,
                decision=decision,
                feedback=feedback,
                decided_by=user,
                decided_by_api_key=access.api_key if access else None,
                automatic=automatic,
            )
            for p in planned
        ]
    )
    organization = planned[0].submission.campaign.organization
    audit_record_many(
        organization=organization,
        access=access,
        events=[
            (
                f"submission.{p.target}_{decision}",
                p.submission,
                {
                    "item": p.item.public_id,
                    "automatic": automatic,
                    **({"feedback": feedback} if feedback else {}),
                },
            )
            for p in planned
        ],
    )
    done = sorted({p.submission.participation_id for p in planned if p.submission.done_at == now})
    _participations_complete_if_done(done, now)
    notification_send_many(
        kind=Kind.SUBMISSION_DECIDED,
        organization=organization,
        messages=[
            (
                p.submission.creator.user,
                campaign_context(p.submission.campaign)
                | {
                    "submission_id": p.submission.public_id,
                    "slot_id": p.submission.slot.public_id,
                    "target": str(p.target),
                    "decision": str(decision),
                    "feedback": feedback,
                    "automatic": automatic,
                },
            )
            for p in planned
        ],
    )


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
    locked = _lock([submission_pk])
    if not locked:
        raise ChorusError("not_found", "No such submission.", status_code=404)
    now = timezone.now()
    planned = _plan(
        locked[0],
        _items(locked),
        decision=decision,
        feedback=feedback,
        user=access.user if access else None,
        now=now,
        expected_item=expected_item,
    )
    for _, error in _accrue([planned], decision):
        raise error
    _write(
        [planned], access=access, decision=decision, feedback=feedback, automatic=automatic, now=now
    )
    return planned.submission


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
        if public_id not in by_id:
            result.failed.append(BulkFailure(public_id, "No such submission.", "not_found"))
    # One transaction for the batch: each row is checked on its own (one already decided, or
    # replaced by a newer version, fails alone) and the rest are written together.
    with transaction.atomic(durable=True):
        locked = {s.pk: s for s in _lock(list(by_id.values()))}
        items = _items(list(locked.values()))
        now = timezone.now()
        planned: list[_Planned] = []
        for public_id in ids:
            submission = locked.get(by_id.get(public_id, -1))
            if submission is None:
                continue
            try:
                planned.append(
                    _plan(
                        submission,
                        items,
                        decision=verdict,
                        feedback=feedback,
                        user=access.user,
                        now=now,
                    )
                )
            except ChorusError as exc:
                result.failed.append(BulkFailure(public_id, exc.message, exc.code))
        refused = _accrue(planned, verdict)
        for p, error in refused:
            result.failed.append(BulkFailure(p.submission.public_id, error.message, error.code))
        refused_ids = {id(p) for p, _ in refused}
        planned = [p for p in planned if id(p) not in refused_ids]
        _write(
            planned, access=access, decision=verdict, feedback=feedback, automatic=False, now=now
        )
    result.succeeded = [p.submission for p in planned]
    order = {public_id: n for n, public_id in enumerate(ids)}
    result.failed.sort(key=lambda f: order.get(f.id, 0))
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
