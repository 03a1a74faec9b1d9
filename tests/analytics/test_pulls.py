"""Platform metric pulls end to end: the real clients over HTTP against the platform
simulator, PostgreSQL for the rows (leases, snapshots, latest figures)."""

import datetime
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from analytics.models import PostMetrics, PostMetricSnapshot
from analytics.pulls import (
    due_claim,
    next_pull_at,
    posts_track,
    pull_batch,
    pulls_dispatch,
    snapshots_write,
)
from analytics.tasks import dispatch_metric_pulls
from platforms.registry import clear_client_cache, get_client
from platforms.simulator.client import SimulatorControl
from platforms.simulator.server import platform_base_urls, running_simulator
from submissions.models import LivePost, ReviewState
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import SocialAccountFactory
from tests.factories.recruitment import ParticipationFactory
from tests.factories.submissions import LivePostFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def simulator_url() -> Iterator[str]:
    with running_simulator() as url:
        yield url


@pytest.fixture
def simulator(simulator_url: str, settings: Any) -> Iterator[SimulatorControl]:
    """The real platform clients aimed at a fresh simulator."""
    settings.PLATFORM_SIMULATOR_URL = simulator_url
    settings.PLATFORM_BASE_URLS = platform_base_urls(simulator_url)
    settings.PLATFORM_CREDENTIALS = {}
    settings.METRICS_PULL_RETRY_FIRST_SECONDS = 300
    clear_client_cache()
    control = SimulatorControl(simulator_url)
    control.reset()
    yield control
    control.reset()
    control.close()
    clear_client_cache()


_handles = iter(range(1_000_000))


def tracked(
    simulator: SimulatorControl,
    platform: str,
    count: int,
    *,
    age: datetime.timedelta = datetime.timedelta(hours=2),
    campaign: Any = None,
    participation: Any = None,
    state: str = ReviewState.APPROVED,
    **post_fields: Any,
) -> list[LivePost]:
    """``count`` live posts of one (new by default) creator on ``platform``, published ``age``
    ago on the simulator and approved (by default)."""
    handle = f"pull.creator{next(_handles)}"
    participation = participation or ParticipationFactory(campaign=campaign or CampaignFactory())
    SocialAccountFactory(creator=participation.creator, platform=platform, handle=handle)
    submission = SubmissionFactory(slot=participation.slots.order_by("id").first())
    now = timezone.now()
    posts = []
    for _ in range(count):
        sim = simulator.create_post(platform, owner=handle, published_at=now - age, **post_fields)
        posts.append(
            LivePostFactory(
                submission=submission,
                platform=platform,
                post_id=sim.get("shortcode") or sim["id"],
                api_post_id=sim["id"],
                url=sim["url"],
                state=state,
                approved_at=now if state == ReviewState.APPROVED else None,
                published_at=now - age,
            )
        )
    return posts


def pull_all(now: datetime.datetime | None = None) -> int:
    """One dispatcher run with every batch pulled at once (as the workers would)."""
    return sum(pull_batch(b.metrics_ids, lease=b.lease, now=now) for b in pulls_dispatch(now=now))


def metrics_of(post: LivePost) -> PostMetrics:
    return PostMetrics.objects.get(live_post=post)


# Tracking and scheduling -------------------------------------------------------------------


def test_only_approved_posts_are_tracked_and_only_once(simulator):
    approved = tracked(simulator, "tiktok", 2)
    tracked(simulator, "tiktok", 1, state=ReviewState.IN_REVIEW)

    assert posts_track() == 2
    assert posts_track() == 0
    rows = PostMetrics.objects.order_by("pk")
    assert [r.live_post_id for r in rows] == [p.pk for p in approved]
    assert {r.status for r in rows} == {PostMetrics.Status.PENDING}
    assert rows[0].participation_id == approved[0].submission.participation_id


@pytest.mark.parametrize(
    ("age", "every"),
    [
        (datetime.timedelta(hours=1), datetime.timedelta(minutes=15)),
        (datetime.timedelta(days=3), datetime.timedelta(hours=1)),
        (datetime.timedelta(days=20), datetime.timedelta(days=1)),
        (datetime.timedelta(days=60), datetime.timedelta(weeks=1)),
    ],
)
def test_posts_are_pulled_less_often_as_they_age(age, every):
    now = timezone.now()
    assert next_pull_at(now - age, now) == now + every


def test_a_post_past_the_horizon_gets_its_last_figures_and_ends(simulator):
    (old,) = tracked(simulator, "youtube", 1, age=datetime.timedelta(days=91))

    assert pull_all() == 1

    row = metrics_of(old)
    assert row.status == PostMetrics.Status.ENDED
    assert row.next_pull_at is None
    assert row.views is not None
    assert pulls_dispatch() == []


def test_a_post_past_the_horizon_is_not_retried_for_ever(simulator):
    (old,) = tracked(simulator, "youtube", 1, age=datetime.timedelta(days=91))
    simulator.fail("server_error", count=3, platform="youtube")

    pull_all()

    row = metrics_of(old)
    assert row.status == PostMetrics.Status.ENDED
    assert row.next_pull_at is None
    assert row.status_reason  # what the last attempt met


def test_first_pull_stores_a_snapshot_and_the_latest_figures(simulator):
    (video,) = tracked(simulator, "youtube", 1, final_views=50_000)  # counts arrive as strings
    (reel,) = tracked(simulator, "instagram", 1, hide_likes=True)  # like_count absent

    assert pull_all() == 2

    youtube = metrics_of(video)
    expected = simulator.get_post("youtube", video.api_post_id)["metrics"]
    assert youtube.status == PostMetrics.Status.OK
    assert youtube.views == expected["views"] > 0
    assert youtube.likes == expected["likes"]
    assert youtube.next_pull_at is not None
    assert youtube.leased_until is None
    snapshot = PostMetricSnapshot.objects.get(live_post=video)
    assert (snapshot.views, snapshot.retrieved_at) == (youtube.views, youtube.retrieved_at)
    assert snapshot.campaign_id == video.campaign_id
    instagram = metrics_of(reel)
    assert instagram.likes is None  # no figure, never 0
    assert instagram.views is not None


def test_figures_grow_between_pulls(simulator):
    (post,) = tracked(simulator, "tiktok", 1, age=datetime.timedelta(hours=1))
    pull_all()
    first = metrics_of(post).views

    simulator.advance_clock(6 * 3_600)
    later = timezone.now() + datetime.timedelta(minutes=16)
    pull_all(now=later)

    assert metrics_of(post).views > first
    assert PostMetricSnapshot.objects.filter(live_post=post).count() == 2


# Call budget ------------------------------------------------------------------------------


@pytest.mark.parametrize(("platform", "count", "calls"), [("youtube", 100, 2), ("tiktok", 40, 2)])
def test_posts_are_pulled_at_the_platforms_batch_floor(simulator, platform, count, calls):
    tracked(simulator, platform, count)
    client = get_client(platform)
    before = client.http_calls

    assert pull_all() == count

    assert client.http_calls - before == calls


def test_youtube_posts_of_different_creators_share_batches(simulator):
    for _ in range(5):
        tracked(simulator, "youtube", 10)
    client = get_client("youtube")
    before = client.http_calls

    pull_all()

    assert client.http_calls - before == 1


# Failures ---------------------------------------------------------------------------------


def test_a_server_error_within_a_pull_fails_its_call_only_and_the_rest_goes_on(simulator, settings):
    settings.METRICS_PULL_BATCH_SIZES = {"tiktok": 40}  # one pull, two calls of 20
    posts = tracked(simulator, "tiktok", 40)
    (batch,) = pulls_dispatch()
    simulator.fail("server_error", count=3, platform="tiktok")  # every attempt of call one
    before = timezone.now()

    assert pull_batch(batch.metrics_ids, lease=batch.lease) == 20

    rows = {r.live_post_id: r for r in PostMetrics.objects.all()}
    failed = [rows[p.pk] for p in posts[:20]]
    ok = [rows[p.pk] for p in posts[20:]]
    assert {r.status for r in ok} == {PostMetrics.Status.OK}
    assert {r.status for r in failed} == {PostMetrics.Status.RETRYING}
    for row in failed:
        assert row.consecutive_failures == 1
        assert row.leased_until is None
        # 5 minutes with ±20 % jitter.
        assert before + datetime.timedelta(minutes=4) <= row.next_pull_at
        assert row.next_pull_at <= timezone.now() + datetime.timedelta(minutes=6)
        assert row.status_reason.startswith("[tiktok]")
    assert PostMetricSnapshot.objects.count() == 20


def test_a_rate_limit_waits_as_long_as_the_platform_asks(simulator):
    (post,) = tracked(simulator, "youtube", 1)
    simulator.fail("rate_limit", platform="youtube", retry_after=3_600)
    before = timezone.now()

    pull_all()

    row = metrics_of(post)
    assert row.status == PostMetrics.Status.RETRYING
    assert row.next_pull_at >= before + datetime.timedelta(seconds=3_600)


def test_an_expired_token_is_retried_not_ended(simulator):
    (post,) = tracked(simulator, "tiktok", 1)
    simulator.fail("auth", platform="tiktok")

    pull_all()

    row = metrics_of(post)
    # No refresh token to cure it (the simulator's stand-in token): the creator must reconnect.
    assert row.status == PostMetrics.Status.RECONNECT
    assert row.next_pull_at is not None
    assert not PostMetricSnapshot.objects.exists()

    # Once the platform accepts the token again, the next due pull gets the figures.
    pull_all(now=row.next_pull_at + datetime.timedelta(seconds=1))
    row.refresh_from_db()
    assert row.status == PostMetrics.Status.OK
    assert row.consecutive_failures == 0


def test_a_deleted_or_private_post_is_unavailable_and_never_pulled_again(simulator):
    deleted, private, fine = tracked(simulator, "youtube", 3)
    simulator.update_post("youtube", deleted.api_post_id, visibility="deleted")
    simulator.update_post("youtube", private.api_post_id, visibility="private")

    pull_all()

    for post in (deleted, private):
        row = metrics_of(post)
        assert row.status == PostMetrics.Status.UNAVAILABLE
        assert row.next_pull_at is None
        assert row.status_reason
    assert metrics_of(fine).status == PostMetrics.Status.OK
    later = timezone.now() + datetime.timedelta(days=2)
    claimed = [i for b in pulls_dispatch(now=later) for i in b.metrics_ids]
    assert claimed == [metrics_of(fine).pk]


# Exactly once -----------------------------------------------------------------------------


def test_a_redelivered_pull_calls_nothing_and_writes_nothing(simulator):
    tracked(simulator, "tiktok", 3)
    (batch,) = pulls_dispatch()
    pull_batch(batch.metrics_ids, lease=batch.lease)
    client = get_client("tiktok")
    before = client.http_calls

    assert pull_batch(batch.metrics_ids, lease=batch.lease) == 0

    assert client.http_calls == before
    assert PostMetricSnapshot.objects.count() == 3


def test_a_task_whose_expired_claim_was_taken_over_pulls_nothing(simulator):
    tracked(simulator, "tiktok", 2)
    (stale,) = pulls_dispatch()
    later = timezone.now() + datetime.timedelta(minutes=11)  # its worker died; lease ran out
    (fresh,) = pulls_dispatch(now=later)
    client = get_client("tiktok")
    before = client.http_calls

    assert pull_batch(stale.metrics_ids, lease=stale.lease, now=later) == 0

    assert client.http_calls == before
    assert PostMetrics.objects.filter(leased_until__isnull=False).count() == 2  # still held
    assert pull_batch(fresh.metrics_ids, lease=fresh.lease, now=later) == 2
    assert PostMetricSnapshot.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_deliveries_of_one_pull_at_once_pull_once(simulator):
    tracked(simulator, "youtube", 5)
    (batch,) = pulls_dispatch()
    barrier = threading.Barrier(2)
    found: list[int] = []

    def deliver() -> None:
        try:
            barrier.wait(timeout=20)
            found.append(pull_batch(batch.metrics_ids, lease=batch.lease))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sorted(found) == [0, 5]
    assert PostMetricSnapshot.objects.count() == 5


def test_snapshots_written_twice_are_stored_once(simulator):
    tracked(simulator, "youtube", 2)
    pull_all()
    snapshots = list(PostMetricSnapshot.objects.all())
    for s in snapshots:
        s.pk = None

    snapshots_write(snapshots)

    assert PostMetricSnapshot.objects.count() == 2


def test_a_claimed_post_is_not_claimed_again_until_its_lease_expires(simulator):
    tracked(simulator, "tiktok", 2)
    posts_track()
    now = timezone.now()

    assert len(due_claim(now=now)) == 2
    assert due_claim(now=now) == []
    # The worker died holding them: once the lease has run out they are claimed again.
    assert len(due_claim(now=now + datetime.timedelta(minutes=11))) == 2


@pytest.mark.django_db(transaction=True)
def test_racing_dispatchers_never_claim_the_same_post(simulator):
    tracked(simulator, "youtube", 60)
    posts_track()
    barrier = threading.Barrier(4)
    claimed: list[list[int]] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait(timeout=20)
            ids = [row.pk for row in due_claim(limit=20)]
            with lock:
                claimed.append(ids)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    every = [i for ids in claimed for i in ids]
    assert len(claimed) == 4
    assert len(every) == len(set(every)) == 60


def test_the_beat_task_tracks_claims_and_pulls(simulator, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from config.celery import app

    app.conf.task_always_eager = True
    try:
        (post,) = tracked(simulator, "youtube", 1)
        assert dispatch_metric_pulls.apply().get() == 1
    finally:
        app.conf.task_always_eager = False
    assert metrics_of(post).status == PostMetrics.Status.OK


@pytest.mark.django_db(transaction=True)
def test_a_pull_that_outlives_its_lease_writes_nothing_and_the_new_claim_counts_once(settings):
    """A pull still calling the platform when its lease runs out (a slow platform, a stalled
    process): the dispatcher claims the posts again and another run pulls them. The late run
    must not write its figures too — each post gets one snapshot for the round."""
    with running_simulator(call_delay=1.5) as url:
        settings.PLATFORM_BASE_URLS = platform_base_urls(url)
        settings.PLATFORM_CREDENTIALS = {}
        clear_client_cache()
        control = SimulatorControl(url)
        try:
            posts = tracked(control, "youtube", 3)
            (stale,) = pulls_dispatch()
            found: list[int] = []

            def late_pull() -> None:
                try:
                    found.append(pull_batch(stale.metrics_ids, lease=stale.lease))
                finally:
                    connection.close()

            late = threading.Thread(target=late_pull)
            late.start()
            # Once it has taken the rows and is calling the platform, its lease runs out.
            deadline = time.monotonic() + 20
            while PostMetrics.objects.filter(lease_token=stale.lease).exists():
                assert time.monotonic() < deadline, "the first pull never took its rows"
                time.sleep(0.02)
            later = timezone.now() + datetime.timedelta(minutes=11)
            (fresh,) = pulls_dispatch(now=later)
            assert pull_batch(fresh.metrics_ids, lease=fresh.lease, now=later) == 3
            late.join(timeout=60)
        finally:
            control.close()
            clear_client_cache()

    assert found == [0]
    assert PostMetricSnapshot.objects.count() == 3
    for post in posts:
        row = metrics_of(post)
        assert (row.status, row.leased_until, row.lease_token) == ("ok", None, None)
