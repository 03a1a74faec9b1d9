"""Reminders before deadlines go out once per slot, kind and due date; overdue flags."""

import datetime

import pytest
from django.utils import timezone

from notifications.models import Notification
from submissions.models import SlotReminder, Submission
from submissions.services import overdue, slot_reminders_send
from tests.factories.campaigns import CampaignFactory
from tests.factories.recruitment import ParticipationFactory
from tests.factories.submissions import SubmissionFactory

pytestmark = pytest.mark.django_db


def test_a_missing_draft_is_reminded_once_two_days_before_it_is_due() -> None:
    today = timezone.localdate()
    campaign = CampaignFactory(
        draft_due=today + datetime.timedelta(days=2),
        posting_ends=today + datetime.timedelta(days=30),
    )
    participation = ParticipationFactory(campaign=campaign)
    far = ParticipationFactory(
        campaign=CampaignFactory(draft_due=today + datetime.timedelta(days=9))
    )
    assert slot_reminders_send(today=today) == 1
    assert slot_reminders_send(today=today) == 0  # once per slot, kind and date
    reminder = SlotReminder.objects.get()
    assert (reminder.slot.participation, reminder.kind) == (participation, "draft")
    note = Notification.objects.get(recipient=participation.creator.user)
    assert "is due on" in note.title
    assert not Notification.objects.filter(recipient=far.creator.user).exists()


def test_a_slot_whose_draft_is_in_review_gets_no_draft_reminder() -> None:
    today = timezone.localdate()
    campaign = CampaignFactory(
        draft_due=today + datetime.timedelta(days=1),
        posting_ends=today + datetime.timedelta(days=30),
    )
    slot = ParticipationFactory(campaign=campaign).slots.get()
    SubmissionFactory(slot=slot, stage=Submission.Stage.POST_DUE)
    assert slot_reminders_send(today=today) == 0


def test_a_moved_deadline_is_reminded_again() -> None:
    today = timezone.localdate()
    campaign = CampaignFactory(
        draft_due=today + datetime.timedelta(days=2),
        posting_ends=today + datetime.timedelta(days=30),
    )
    slot = ParticipationFactory(campaign=campaign).slots.get()
    assert slot_reminders_send(today=today) == 1
    slot.draft_due = today + datetime.timedelta(days=1)
    slot.save(update_fields=["draft_due"])
    assert slot_reminders_send(today=today) == 1


def test_overdue_says_what_is_late() -> None:
    today = timezone.localdate()
    slot = ParticipationFactory().slots.first()
    slot.draft_due = today - datetime.timedelta(days=1)
    slot.post_due = today + datetime.timedelta(days=5)
    assert overdue(slot, None, today) == "draft"
    submission = SubmissionFactory.build(stage=Submission.Stage.DRAFT_REVIEW)
    assert overdue(slot, submission, today) == ""
    slot.post_due = today - datetime.timedelta(days=1)
    submission.stage = Submission.Stage.POST_DUE
    assert overdue(slot, submission, today) == "post"
    submission.stage = Submission.Stage.DONE
    assert overdue(slot, submission, today) == ""
