"""Demo submissions: a review queue in several states on Glow and work in progress for the
demo creator, made once, with real draft files behind them."""

from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import Client
from django.urls import reverse

from campaigns.demo import seed_campaigns_demo
from creators.demo import seed_creators_demo
from ledger.models import Transaction, TransactionKind
from ledger.selectors import campaign_figures, ledger_check_campaign
from recruitment.demo import seed_recruitment_demo
from submissions.demo import seed_submissions_demo
from submissions.models import DraftVersion, ReviewDecision, Submission
from users.models import User
from web.demo import seed_demo

pytestmark = pytest.mark.django_db


def _seed_all() -> dict[str, int]:
    with transaction.atomic():  # as seed_demo's command runs it
        seed_demo()
        seed_creators_demo()
        seed_campaigns_demo()
        seed_recruitment_demo()
        return seed_submissions_demo()


def test_the_demo_has_submissions_in_several_states_once(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    counts = _seed_all()
    assert counts["draft_review"] >= 3
    assert counts["post_review"] >= 2
    assert counts["draft_changes"] >= 2  # one on Glow, one for the demo creator
    assert counts["post_due"] >= 1
    assert counts["done"] >= 1
    for draft in DraftVersion.objects.all():
        assert default_storage.exists(draft.file_key), draft.file_key
    assert ReviewDecision.objects.filter(decision="request_changes").exists()
    before = (Submission.objects.count(), DraftVersion.objects.count())
    assert _seed_all() == counts
    assert (Submission.objects.count(), DraftVersion.objects.count()) == before


def test_the_demo_creator_sees_the_changes_asked_on_their_slot(
    settings: Any, tmp_path: Path, client: Client
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    _seed_all()
    client.force_login(User.objects.get(email="creator@demo.chorus.test"))
    work = client.get(reverse("recruitment:my_work")).content.decode()
    assert "asked for changes: upload a new version." in work
    submission = Submission.objects.get(creator__user__email="creator@demo.chorus.test")
    page = client.get(reverse("submissions:slot", args=[submission.slot.public_id]))
    assert page.status_code == 200
    assert "Please open with #ad" in page.content.decode()


def test_the_demo_post_that_is_done_earned_its_fee_through_the_review_service(
    settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    _seed_all()
    done = Submission.objects.get(stage=Submission.Stage.DONE)
    post = done.current_post
    assert post is not None
    assert post.state == "approved"
    assert post.approved_at is not None
    assert ReviewDecision.objects.filter(live_post=post, decision="approve").count() == 1
    accrual = Transaction.objects.get(kind=TransactionKind.ACCRUE)
    assert accrual.key == f"accrue:slot:{done.slot_id}"
    assert campaign_figures(done.campaign).payable == post.fee_cents
    assert ledger_check_campaign(done.campaign).ok
    _seed_all()
    assert Transaction.objects.filter(kind=TransactionKind.ACCRUE).count() == 1
