"""Live posts: the address is parsed, claimed once, checked against the platform through the
real clients and the simulator; a platform that is down leaves the checks pending."""

import datetime
import threading
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from core.errors import ChorusError
from core.models import OutboxTask
from platforms.simulator.client import SimulatorControl
from submissions.models import LivePost, ReviewState, Submission
from submissions.services import live_post_checks_retry_due, live_post_submit, live_posts_check
from tests.factories.campaigns import CampaignFactory
from tests.factories.recruitment import ParticipationFactory
from tests.factories.submissions import SubmissionFactory

pytestmark = pytest.mark.django_db


def _waiting_for_post(platform: str = "tiktok", **campaign: Any) -> Submission:
    """A slot whose draft was approved: the creator's live post is due."""
    today = timezone.localdate()
    campaign_row = CampaignFactory(
        deliverables=[(platform, "video" if platform != "instagram" else "reel", 1, 15000)],
        posting_starts=today - datetime.timedelta(days=3),
        posting_ends=today + datetime.timedelta(days=10),
        **campaign,
    )
    participation = ParticipationFactory(campaign=campaign_row, social_account__platform=platform)
    return SubmissionFactory(slot=participation.slots.get(), stage=Submission.Stage.POST_DUE)


def _handle(submission: Submission) -> str:
    return submission.participation.social_account.handle


def _post(simulator: SimulatorControl, submission: Submission, **fields: Any) -> dict[str, Any]:
    fields.setdefault("caption", "#ad my morning routine with #glowserum @glowskincare")
    owner = fields.pop("owner", _handle(submission))
    return simulator.create_post(submission.platform, owner=owner, **fields)


def _results(post: LivePost) -> dict[str, str]:
    post.refresh_from_db()
    return {r["key"]: r["status"] for r in post.check_results}


def test_a_post_is_expected_only_after_the_draft_is_approved(simulator: SimulatorControl) -> None:
    submission = _waiting_for_post()
    Submission.objects.filter(pk=submission.pk).update(stage=Submission.Stage.DRAFT_CHANGES)
    url = _post(simulator, submission)["url"]
    with pytest.raises(ChorusError) as caught:
        live_post_submit(creator=submission.creator, slot=submission.slot, url=url)
    assert caught.value.code == "post_not_expected"
    assert not LivePost.objects.exists()


def test_a_good_post_passes_every_check(simulator: SimulatorControl) -> None:
    submission = _waiting_for_post()
    url = _post(simulator, submission)["url"]
    post = live_post_submit(creator=submission.creator, slot=submission.slot, url=url)
    submission.refresh_from_db()
    assert submission.stage == Submission.Stage.POST_REVIEW
    assert post.state == ReviewState.CHECKING
    assert OutboxTask.objects.filter(task="submissions.tasks.check_live_posts").exists()
    assert live_posts_check(live_post_ids=[post.pk]) == 1
    results = _results(post)
    assert set(results.values()) == {"passed"}, post.check_results
    assert {"public", "account", "window", "disclosure"} <= set(results)
    assert post.state == ReviewState.IN_REVIEW
    assert post.checks_status == LivePost.Checks.DONE
    assert post.published_at is not None
    assert post.fee_cents == 15000


def test_another_accounts_post_fails_the_account_check(simulator: SimulatorControl) -> None:
    submission = _waiting_for_post(platform="youtube")
    url = _post(simulator, submission, owner="somebody.else")["url"]
    post = live_post_submit(creator=submission.creator, slot=submission.slot, url=url)
    live_posts_check(live_post_ids=[post.pk])
    assert _results(post)["account"] == "failed", post.check_results


def test_a_tiktok_post_the_creators_token_cannot_read_fails_as_not_theirs(
    simulator: SimulatorControl,
) -> None:
    """TikTok's Display API answers only for the token's own videos."""
    submission = _waiting_for_post()
    url = _post(simulator, submission, owner="somebody.else")["url"]
    post = live_post_submit(creator=submission.creator, slot=submission.slot, url=url)
    live_posts_check(live_post_ids=[post.pk])
    assert _results(post) == {"public": "failed"}


@pytest.mark.parametrize(
    ("fields", "failing"),
    [
        ({"caption": "my routine #glowserum @glowskincare #skincare #glow #ad"}, "disclosure"),
        ({"caption": "#ad my routine @glowskincare"}, "hashtag:#glowserum"),
    ],
)
def test_each_failed_check_is_reported_item_by_item(
    simulator: SimulatorControl, fields: dict[str, Any], failing: str
) -> None:
    submission = _waiting_for_post()
    url = _post(simulator, submission, **fields)["url"]
    post = live_post_submit(creator=submission.creator, slot=submission.slot, url=url)
    live_posts_check(live_post_ids=[post.pk])
    results = _results(post)
    assert results[failing] == "failed", post.check_results
    assert post.state == ReviewState.IN_REVIEW  # they inform; the reviewer decides


def test_a_post_published_outside_the_window_fails_the_window_check(
    simulator: SimulatorControl,
) -> None:
    submission = _waiting_for_post()
    early = timezone.now() - datetime.timedelta(days=20)
    url = _post(simulator, submission, published_at=early)["url"]
    post = live_post_submit(creator=submission.creator, slot=submission.slot, url=url)
    live_posts_check(live_post_ids=[post.pk])
    assert _results(post)["window"] == "failed"


def test_a_private_post_fails_the_public_check(simulator: SimulatorControl) -> None:
    submission = _waiting_for_post(platform="youtube")
    url = _post(simulator, submission, visibility="private")["url"]
    post = live_post_submit(creator=submission.creator, slot=submission.slot, url=url)
    live_posts_check(live_post_ids=[post.pk])
    assert _results(post)["public"] == "failed"


def test_another_platforms_post_is_refused_at_the_field(simulator: SimulatorControl) -> None:
    submission = _waiting_for_post("tiktok")
    with pytest.raises(ChorusError) as caught:
        live_post_submit(
            creator=submission.creator,
            slot=submission.slot,
            url="https://youtu.be/dQw4w9WgXcQ",
        )
    assert caught.value.code == "wrong_platform"
    assert "url" in caught.value.fields
    assert not LivePost.objects.exists()


@pytest.mark.parametrize(
    "url", ["", "not a url", "https://example.com/x", "https://www.tiktok.com/@x"]
)
def test_an_address_that_is_not_a_post_is_refused(simulator: SimulatorControl, url: str) -> None:
    submission = _waiting_for_post()
    with pytest.raises(ChorusError) as caught:
        live_post_submit(creator=submission.creator, slot=submission.slot, url=url)
    assert caught.value.status_code == 400
    assert "url" in caught.value.fields


def test_a_tiktok_short_link_is_resolved(simulator: SimulatorControl) -> None:
    submission = _waiting_for_post()
    created = _post(simulator, submission)
    simulator.set_short_link("ZMabc123", created["url"])
    post = live_post_submit(
        creator=submission.creator,
        slot=submission.slot,
        url="https://vm.tiktok.com/ZMabc123/?utm_source=copy",
    )
    assert post.post_id == created["id"]


def test_the_same_post_cannot_be_submitted_twice_by_anyone(simulator: SimulatorControl) -> None:
    mine = _waiting_for_post()
    theirs = _waiting_for_post()
    url = _post(simulator, mine)["url"]
    live_post_submit(creator=mine.creator, slot=mine.slot, url=url)
    with pytest.raises(ChorusError) as caught:
        live_post_submit(creator=theirs.creator, slot=theirs.slot, url=url + "?is_from_webapp=1")
    assert (caught.value.code, caught.value.status_code) == ("post_already_submitted", 409)
    theirs.refresh_from_db()
    assert theirs.stage == Submission.Stage.POST_DUE


def test_the_same_post_may_be_sent_again_for_its_own_slot_after_changes(
    simulator: SimulatorControl,
) -> None:
    submission = _waiting_for_post()
    url = _post(simulator, submission)["url"]
    post = live_post_submit(creator=submission.creator, slot=submission.slot, url=url)
    LivePost.objects.filter(pk=post.pk).update(state=ReviewState.CHANGES_REQUESTED)
    Submission.objects.filter(pk=submission.pk).update(stage=Submission.Stage.POST_CHANGES)
    again = live_post_submit(creator=submission.creator, slot=submission.slot, url=url)
    assert again.pk == post.pk
    assert again.state == ReviewState.CHECKING
    assert LivePost.objects.count() == 1


def test_a_platform_that_is_down_leaves_the_checks_pending_and_retried(
    simulator: SimulatorControl,
) -> None:
    submission = _waiting_for_post()
    url = _post(simulator, submission)["url"]
    post = live_post_submit(creator=submission.creator, slot=submission.slot, url=url)
    simulator.fail("unavailable", count=20)
    assert live_posts_check(live_post_ids=[post.pk]) == 0
    post.refresh_from_db()
    assert post.checks_status == LivePost.Checks.PENDING
    assert {r["status"] for r in post.check_results} == {"pending"}
    assert post.next_check_at is not None
    assert post.check_attempts == 1
    assert live_post_checks_retry_due() == 0  # not due yet
    simulator.reset()
    _post(simulator, submission, id=post.post_id)
    assert live_post_checks_retry_due(now=post.next_check_at) == 1
    assert live_posts_check(live_post_ids=[post.pk]) == 1
    assert set(_results(post).values()) == {"passed"}


def test_a_deleted_post_fails_and_is_not_retried(simulator: SimulatorControl) -> None:
    submission = _waiting_for_post()
    url = "https://www.tiktok.com/@someone/video/7399999999999999999"
    post = live_post_submit(creator=submission.creator, slot=submission.slot, url=url)
    live_posts_check(live_post_ids=[post.pk])
    post.refresh_from_db()
    assert post.checks_status == LivePost.Checks.DONE
    assert _results(post)["public"] == "failed"


@pytest.mark.django_db(transaction=True)
def test_two_creators_claiming_one_post_at_once_get_one_claim(simulator: SimulatorControl) -> None:
    first, second = _waiting_for_post(), _waiting_for_post()
    url = _post(simulator, first)["url"]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit(submission: Submission) -> None:
        try:
            barrier.wait()
            live_post_submit(creator=submission.creator, slot=submission.slot, url=url)
            outcomes.append("ok")
        except ChorusError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(s,)) for s in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "post_already_submitted"]
    assert LivePost.objects.count() == 1
