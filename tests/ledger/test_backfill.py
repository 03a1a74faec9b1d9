"""The data migration posts what existed before the ledger: commitments of active and completed
participations, accruals of their approved live posts; cancelled ones post nothing."""

import importlib

import pytest
from django.apps import apps

from ledger.models import Transaction
from ledger.selectors import ledger_check_campaign
from recruitment.models import Participation
from submissions.models import Submission
from tests.factories.recruitment import ParticipationFactory
from tests.factories.submissions import SubmissionFactory
from tests.ledger.helpers import TOTAL, balances, campaign

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("ledger.migrations.0003_backfill_commitments").backfill


def test_existing_commitments_and_approved_posts_are_posted_once():
    c = campaign(committed_cents=2 * TOTAL)
    active = ParticipationFactory(campaign=c, commitment=False)
    completed = ParticipationFactory(
        campaign=c, commitment=False, status=Participation.Status.COMPLETED
    )
    cancelled = ParticipationFactory(
        campaign=c, commitment=False, status=Participation.Status.CANCELLED
    )
    first_slot = active.slots.order_by("id").first()
    SubmissionFactory(slot=first_slot, stage=Submission.Stage.DONE)
    for slot in completed.slots.all():
        SubmissionFactory(slot=slot, stage=Submission.Stage.DONE)
    SubmissionFactory(slot=active.slots.order_by("id").last(), stage=Submission.Stage.POST_DUE)

    backfill(apps, None)
    backfill(apps, None)  # idempotent

    keys = set(Transaction.objects.values_list("key", flat=True))
    assert keys == {
        f"commit:participation:{active.pk}",
        f"commit:participation:{completed.pk}",
        f"accrue:slot:{first_slot.pk}",
        *(f"accrue:slot:{s.pk}" for s in completed.slots.all()),
    }
    assert balances(c)["budget"] == -2 * TOTAL
    assert balances(c, active.creator)["committed"] == 5_000
    assert balances(c, active.creator)["payable"] == 10_000
    assert balances(c, completed.creator)["payable"] == TOTAL
    assert balances(c, cancelled.creator)["committed"] == 0
    assert ledger_check_campaign(c).ok
    assert all(t.public_id.startswith("ltx_") for t in Transaction.objects.all())
