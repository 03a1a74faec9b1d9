"""Submissions in any state, for page, API and selector tests (services are tested through
their own calls in tests/submissions)."""

from typing import Any

import factory
from django.utils import timezone

from recruitment.models import ParticipationSlot
from submissions.models import DraftVersion, LivePost, ReviewState, Submission
from tests.factories.recruitment import ParticipationFactory


def _first_slot(participation: Any) -> ParticipationSlot:
    return participation.slots.order_by("id").first()


class SubmissionFactory(factory.django.DjangoModelFactory):
    """A slot's submission (``stage`` defaults to draft_due). Pass ``slot=`` to use a given
    slot; otherwise a new participation (with its slots) is made and its first slot used."""

    class Meta:
        model = Submission

    slot = factory.LazyAttribute(lambda o: _first_slot(ParticipationFactory()))
    organization = factory.SelfAttribute("slot.organization")
    campaign = factory.SelfAttribute("slot.campaign")
    participation = factory.SelfAttribute("slot.participation")
    creator = factory.SelfAttribute("slot.creator")
    platform = factory.SelfAttribute("slot.platform")
    stage = Submission.Stage.DRAFT_DUE


class DraftVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DraftVersion

    submission = factory.SubFactory(SubmissionFactory)
    organization = factory.SelfAttribute("submission.organization")
    campaign = factory.SelfAttribute("submission.campaign")
    creator = factory.SelfAttribute("submission.creator")
    number = factory.Sequence(lambda n: n + 1)
    file_key = factory.Sequence(lambda n: f"test/draft/file{n}.mp4")
    content_type = "video/mp4"
    size_bytes = 1024
    caption = "#ad Loving this #glowserum @glowskincare"
    state = ReviewState.IN_REVIEW


class LivePostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LivePost

    submission = factory.SubFactory(SubmissionFactory)
    organization = factory.SelfAttribute("submission.organization")
    campaign = factory.SelfAttribute("submission.campaign")
    creator = factory.SelfAttribute("submission.creator")
    slot = factory.SelfAttribute("submission.slot")
    platform = factory.SelfAttribute("submission.platform")
    post_id = factory.Sequence(lambda n: f"{7300000000000000000 + n}")
    url = factory.LazyAttribute(lambda o: f"https://www.tiktok.com/@someone/video/{o.post_id}")
    fee_cents = factory.SelfAttribute("slot.fee_cents")
    currency = factory.SelfAttribute("slot.currency")
    state = ReviewState.IN_REVIEW
    checks_status = LivePost.Checks.DONE


def submission_in_review(*, target: str = "draft", **kwargs: Any) -> Submission:
    """A submission with a draft (or a live post after an approved draft) waiting for review."""
    submission = SubmissionFactory(**kwargs)
    now = timezone.now()
    draft = DraftVersionFactory(
        submission=submission,
        number=1,
        state=ReviewState.IN_REVIEW if target == "draft" else ReviewState.APPROVED,
        decided_at=None if target == "draft" else now,
    )
    submission.current_draft = draft
    submission.review_since = now
    if target == "draft":
        submission.stage = Submission.Stage.DRAFT_REVIEW
    else:
        post = LivePostFactory(submission=submission)
        submission.current_post = post
        submission.stage = Submission.Stage.POST_REVIEW
    submission.save()
    return submission
