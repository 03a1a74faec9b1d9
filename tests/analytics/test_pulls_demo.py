"""The embedded default's demo: approved demo posts are put on the simulator (its posts file,
loaded when it starts, as ``make run`` does) and get their metrics on the first pull."""

import datetime
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from analytics.models import Click, Conversion, PostMetrics, PostMetricSnapshot
from analytics.posts_demo import EARLY_ACCESS
from analytics.pulls import creator_account, pull_batch, pulls_dispatch
from analytics.pulls_demo import seed_pulls_demo
from campaigns.models import Campaign
from creators.tokens import platform_access_token
from ledger.models import Transaction, TransactionKind
from ledger.selectors import campaign_figures, ledger_check_campaign
from platforms.registry import clear_client_cache, get_client
from platforms.simulator.app import make_app
from platforms.simulator.server import create_server, platform_base_urls
from platforms.simulator.state import SimulatorState
from recruitment.models import Participation
from submissions.checks import post_results
from submissions.models import LivePost, ReviewDecision, ReviewState, Submission
from submissions.services.posts import _expectations
from tests.factories.creators import SocialAccountFactory
from tests.factories.recruitment import ParticipationFactory
from tests.factories.submissions import LivePostFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


def approved_demo_post(handle: str) -> Any:
    participation = ParticipationFactory()
    SocialAccountFactory(creator=participation.creator, platform="tiktok", handle=handle)
    submission = SubmissionFactory(slot=participation.slots.order_by("id").first())
    return LivePostFactory(
        submission=submission,
        platform="tiktok",
        post_id="7390000000000000042",
        state=ReviewState.APPROVED,
        approved_at=timezone.now(),
        published_at=timezone.now() - timezone.timedelta(hours=5),
    )


@pytest.fixture
def posts_file(tmp_path: Path, settings: Any) -> Path:
    path = tmp_path / "simulator-posts.json"
    settings.DEMO_SIMULATOR_POSTS = True
    settings.PLATFORM_SIMULATOR_POSTS_FILE = str(path)
    return path


def started_simulator(path: Path, settings: Any) -> Iterator[SimulatorState]:
    """A real simulator over HTTP that loads the posts file, as ``make run`` starts it."""
    state = SimulatorState(posts_file=path)
    server = create_server(app=make_app(state))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.PLATFORM_SIMULATOR_URL = url
    settings.PLATFORM_BASE_URLS = platform_base_urls(url)
    settings.PLATFORM_CREDENTIALS = {}
    clear_client_cache()
    try:
        yield state
    finally:
        clear_client_cache()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_demo_posts_are_put_on_the_simulator_and_get_figures(posts_file, settings):
    post = approved_demo_post("demo.glow.creator")

    assert seed_pulls_demo() == 1
    assert seed_pulls_demo() == 0  # idempotent

    for _ in started_simulator(posts_file, settings):
        for batch in pulls_dispatch():
            pull_batch(batch.metrics_ids, lease=batch.lease)
    row = PostMetrics.objects.get(live_post=post)
    assert row.status == PostMetrics.Status.OK
    assert row.views is not None
    assert row.views > 0


def test_outside_the_embedded_default_the_simulator_is_left_alone(posts_file, settings):
    settings.DEMO_SIMULATOR_POSTS = False
    post = approved_demo_post("demo.other.creator")

    assert seed_pulls_demo() == 0

    assert not posts_file.exists()
    assert PostMetrics.objects.filter(live_post=post).exists()  # tracked all the same


# The whole demo, as `make run` seeds it ------------------------------------------------------


def seed_everything() -> None:
    call_command("seed_demo", verbosity=0)


def _seeded_counts() -> dict[str, int]:
    return {
        "campaigns": Campaign.objects.count(),
        "participations": Participation.objects.count(),
        "submissions": Submission.objects.count(),
        "posts": LivePost.objects.count(),
        "decisions": ReviewDecision.objects.count(),
        "metrics": PostMetrics.objects.count(),
        "ledger": Transaction.objects.count(),
        "clicks": Click.objects.count(),
        "orders": Conversion.objects.count(),
    }


def test_the_demo_tracks_approved_posts_on_three_platforms_and_their_figures_grow(
    posts_file, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    seed_everything()

    early = Campaign.objects.get(name=EARLY_ACCESS, organization__slug="northstar")
    approved = LivePost.objects.filter(campaign=early, state=ReviewState.APPROVED)
    assert {p.platform for p in approved} == {"tiktok", "instagram", "youtube"}
    assert approved.count() >= 8
    assert approved.values("creator").distinct().count() >= 5
    assert approved.filter(creator__user__email="creator@demo.chorus.test").exists()
    # Approved through the review service: a reviewer's decision and the slot's fee accrued.
    for post in approved:
        assert post.submission.stage == Submission.Stage.DONE
        assert ReviewDecision.objects.filter(live_post=post, decision="approve").exists()
        assert Transaction.objects.filter(
            kind=TransactionKind.ACCRUE, key=f"accrue:slot:{post.slot_id}"
        ).exists()
    figures = campaign_figures(early)
    assert figures.payable == sum(p.fee_cents for p in approved) > 0
    assert ledger_check_campaign(early).ok

    # Every approved post is on the simulator (Instagram by media id and shortcode).
    known = SimulatorState(posts_file=posts_file)
    for post in LivePost.objects.filter(state=ReviewState.APPROVED):
        on_sim = known.post(post.platform, post.api_post_id or post.post_id)
        assert on_sim is not None, post.url
        if post.platform == "instagram":
            assert on_sim.shortcode == post.post_id
            assert on_sim.id == post.api_post_id != post.post_id

    for state in started_simulator(posts_file, settings):
        # The address each post was given is what the platform says of it: a lookup of the
        # pasted link finds the post the pulls read, and the real checks pass on it.
        for platform in ("tiktok", "instagram", "youtube"):
            post = approved.filter(platform=platform).first()
            account = creator_account(post.creator_id, platform)
            batch = get_client(platform).lookup_posts(
                [post.post_id], access_token=platform_access_token(account)
            )
            found = batch.found[post.post_id]
            assert found.post_id == post.api_post_id
            assert found.permalink == post.url
            results = post_results(found, _expectations(post, [account]))
            assert {r.status for r in results} == {"passed"}
            assert [r.key for r in results] == [r["key"] for r in post.check_results]

        # Posts must be published today: seeded in the first minutes after midnight UTC they
        # are published "now", and a post of age 0 has 0 views. A minute on the platform's
        # clock gives every one of them its first views.
        state.advance_clock(60)
        first = pull_everything()
        assert first == LivePost.objects.filter(state=ReviewState.APPROVED).count()
        views_then = {}
        for platform in ("tiktok", "instagram", "youtube"):
            rows = PostMetrics.objects.filter(campaign=early, platform=platform)
            assert rows.exists()
            for row in rows:
                assert row.status == PostMetrics.Status.OK, (platform, row.last_error)
                assert row.views is not None
                assert row.views > 0
                views_then[row.pk] = row.views
            assert PostMetricSnapshot.objects.filter(campaign=early, platform=platform).exists()

        # An hour later on the platform's clock, the next pull finds bigger figures.
        state.advance_clock(3_600)
        later = timezone.now() + datetime.timedelta(hours=1)
        assert pull_everything(later) == first
        for row in PostMetrics.objects.filter(pk__in=views_then):
            assert row.views > views_then[row.pk], row.platform

    before = _seeded_counts()
    posts_on_sim = SimulatorState(posts_file=posts_file).snapshot()["posts"]
    seed_everything()  # `make run` again: nothing doubles
    assert _seeded_counts() == before
    assert SimulatorState(posts_file=posts_file).snapshot()["posts"] == posts_on_sim


def pull_everything(now: datetime.datetime | None = None) -> int:
    return sum(pull_batch(b.metrics_ids, lease=b.lease, now=now) for b in pulls_dispatch(now=now))
