"""Review decisions: single, bulk, automatic; the states they lead to; races; who may decide."""

import datetime
import threading
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from core.errors import ChorusError, Forbidden
from notifications.models import Notification
from organizations.audit import AuditEvent
from recruitment.models import Participation
from submissions.models import ReviewDecision, ReviewState, Submission
from submissions.services import (
    submission_decide,
    submissions_auto_approve,
    submissions_decide_bulk,
)
from tests.factories.campaigns import CampaignFactory
from tests.factories.recruitment import ParticipationFactory
from tests.factories.submissions import submission_in_review
from tests.submissions.conftest import access_for

pytestmark = pytest.mark.django_db


def test_request_changes_needs_feedback_and_changes_nothing_without_it() -> None:
    submission = submission_in_review()
    access = access_for(submission.organization, "reviewer")
    with pytest.raises(ChorusError) as caught:
        submission_decide(access=access, submission=submission, decision="request_changes")
    assert caught.value.fields == {"feedback": ["Say what to change, so the creator can fix it."]}
    submission.refresh_from_db()
    assert submission.stage == Submission.Stage.DRAFT_REVIEW
    assert not ReviewDecision.objects.exists()


def test_reject_needs_a_reason() -> None:
    submission = submission_in_review(target="post")
    access = access_for(submission.organization, "reviewer")
    with pytest.raises(ChorusError) as caught:
        submission_decide(access=access, submission=submission, decision="reject", feedback=" ")
    assert "feedback" in caught.value.fields


def test_changes_on_a_draft_reach_the_creator_and_are_recorded() -> None:
    submission = submission_in_review()
    access = access_for(submission.organization, "reviewer")
    submission_decide(
        access=access, submission=submission, decision="request_changes", feedback="Show the label"
    )
    submission.refresh_from_db()
    draft = submission.current_draft
    assert submission.stage == Submission.Stage.DRAFT_CHANGES
    assert submission.review_since is None
    assert draft.state == ReviewState.CHANGES_REQUESTED
    assert draft.feedback == "Show the label"
    assert draft.decided_by == access.user
    decision = ReviewDecision.objects.get()
    assert (decision.target, decision.decision, decision.decided_by) == (
        "draft",
        "request_changes",
        access.user,
    )
    note = Notification.objects.get(recipient=submission.creator.user)
    assert "asked for changes" in note.title
    assert AuditEvent.objects.filter(
        action="submission.draft_request_changes", target_id=submission.public_id
    ).exists()


def test_an_approved_draft_waits_for_the_live_post() -> None:
    submission = submission_in_review()
    submission_decide(
        access=access_for(submission.organization), submission=submission, decision="approve"
    )
    submission.refresh_from_db()
    assert submission.stage == Submission.Stage.POST_DUE
    assert submission.current_draft.state == ReviewState.APPROVED


def test_an_approved_post_carries_the_fee_and_time_and_completes_the_participation() -> None:
    submission = submission_in_review(target="post")
    submission_decide(
        access=access_for(submission.organization), submission=submission, decision="approve"
    )
    submission.refresh_from_db()
    post = submission.current_post
    assert submission.stage == Submission.Stage.DONE
    assert post.state == ReviewState.APPROVED
    assert post.approved_at is not None
    assert (post.fee_cents, post.currency) == (submission.slot.fee_cents, submission.slot.currency)
    submission.participation.refresh_from_db()
    assert submission.participation.status == Participation.Status.COMPLETED


def test_a_participation_completes_only_when_every_slot_is_done() -> None:
    campaign = CampaignFactory(deliverables=[("tiktok", "video", 2, 10000)])
    participation = ParticipationFactory(campaign=campaign)
    first, second = participation.slots.order_by("slot_number")
    access = access_for(campaign.organization)
    done = submission_in_review(target="post", slot=first)
    submission_decide(access=access, submission=done, decision="approve")
    participation.refresh_from_db()
    assert participation.status == Participation.Status.ACTIVE
    other = submission_in_review(target="post", slot=second)
    submission_decide(access=access, submission=other, decision="approve")
    participation.refresh_from_db()
    assert participation.status == Participation.Status.COMPLETED


def test_a_decided_item_cannot_be_decided_again() -> None:
    submission = submission_in_review()
    access = access_for(submission.organization, "reviewer")
    submission_decide(access=access, submission=submission, decision="approve")
    with pytest.raises(ChorusError) as caught:
        submission_decide(access=access, submission=submission, decision="reject", feedback="no")
    assert (caught.value.code, caught.value.status_code) == ("already_decided", 409)
    assert ReviewDecision.objects.count() == 1


def test_a_decision_on_an_older_version_than_the_one_in_review_is_refused() -> None:
    submission = submission_in_review()
    access = access_for(submission.organization, "reviewer")
    with pytest.raises(ChorusError) as caught:
        submission_decide(
            access=access, submission=submission, decision="approve", expected_item="drv_old"
        )
    assert caught.value.code == "stale_item"
    submission_decide(
        access=access,
        submission=submission,
        decision="approve",
        expected_item=submission.current_draft.public_id,
    )


@pytest.mark.parametrize("role", ["viewer"])
def test_a_viewer_cannot_decide(role: str) -> None:
    submission = submission_in_review()
    with pytest.raises(Forbidden):
        submission_decide(
            access=access_for(submission.organization, role),
            submission=submission,
            decision="approve",
        )


def test_another_tenants_or_another_brands_submission_is_not_found() -> None:
    submission = submission_in_review()
    other_org = CampaignFactory().organization
    with pytest.raises(ChorusError) as caught:
        submission_decide(access=access_for(other_org), submission=submission, decision="approve")
    assert caught.value.status_code == 404
    other_brand = CampaignFactory(organization=submission.organization).brand
    limited = access_for(submission.organization, "manager", brand=other_brand)
    with pytest.raises(ChorusError) as caught:
        submission_decide(access=limited, submission=submission, decision="approve")
    assert caught.value.status_code == 404


def test_bulk_decides_each_on_its_own_and_reports_the_ones_it_could_not() -> None:
    first = submission_in_review()
    org = first.organization
    campaign = CampaignFactory(organization=org)
    second = submission_in_review(slot=ParticipationFactory(campaign=campaign).slots.first())
    decided = submission_in_review(slot=ParticipationFactory(campaign=campaign).slots.first())
    foreign = submission_in_review()
    access = access_for(org, "reviewer")
    submission_decide(access=access, submission=decided, decision="approve")
    result = submissions_decide_bulk(
        access=access,
        submission_ids=[first.public_id, foreign.public_id, decided.public_id, second.public_id],
        decision="approve",
    )
    assert [s.public_id for s in result.succeeded] == [first.public_id, second.public_id]
    assert {f.id: f.code for f in result.failed} == {
        foreign.public_id: "not_found",
        decided.public_id: "already_decided",
    }
    foreign.refresh_from_db()
    assert foreign.stage == Submission.Stage.DRAFT_REVIEW


def test_bulk_refuses_an_empty_or_oversized_list() -> None:
    submission = submission_in_review()
    access = access_for(submission.organization)
    with pytest.raises(ChorusError):
        submissions_decide_bulk(access=access, submission_ids=[" "], decision="approve")
    with pytest.raises(ChorusError):
        submissions_decide_bulk(
            access=access, submission_ids=[f"sub_{i}" for i in range(501)], decision="approve"
        )


def test_auto_approval_approves_what_waited_past_its_time_and_says_so() -> None:
    submission = submission_in_review()
    submission.auto_approve_at = timezone.now() + datetime.timedelta(days=3)
    submission.save(update_fields=["auto_approve_at"])
    assert submissions_auto_approve() == 0
    later = timezone.now() + datetime.timedelta(days=3, minutes=1)
    assert submissions_auto_approve(now=later) == 1
    submission.refresh_from_db()
    assert submission.stage == Submission.Stage.POST_DUE
    decision = ReviewDecision.objects.get()
    assert decision.automatic
    assert decision.decided_by is None
    note = Notification.objects.get(recipient=submission.creator.user)
    assert "automatically" in note.body
    assert submissions_auto_approve(now=later) == 0


def test_a_decision_clears_the_auto_approval() -> None:
    submission = submission_in_review()
    submission.auto_approve_at = timezone.now()
    submission.save(update_fields=["auto_approve_at"])
    submission_decide(
        access=access_for(submission.organization),
        submission=submission,
        decision="request_changes",
        feedback="Redo the intro",
    )
    assert submissions_auto_approve(now=timezone.now() + datetime.timedelta(days=9)) == 0


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_deciding_at_once_make_one_decision() -> None:
    submission = submission_in_review()
    first = access_for(submission.organization, "reviewer")
    second = access_for(submission.organization, "reviewer")
    barrier = threading.Barrier(2)
    outcomes: list[Any] = []

    def decide(access: Any, decision: str) -> None:
        try:
            barrier.wait()
            submission_decide(
                access=access, submission=submission, decision=decision, feedback="Not this one"
            )
            outcomes.append("ok")
        except ChorusError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(first, "approve")),
        threading.Thread(target=decide, args=(second, "reject")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["already_decided", "ok"]
    assert ReviewDecision.objects.filter(submission=submission).count() == 1
