"""The metrics pipelines under real faults: platform metric pulls (analytics.pulls) with the
worker SIGKILLed and Redis restarted mid-round, and tracking-link clicks (analytics.services)
with the worker killed mid-flush and Redis restarted with production's persistence.

Pulls: every due post gets exactly one snapshot for the round — none missing, none twice —
whatever was killed. A pull killed in flight holds its posts until its lease runs out; the
dispatcher (beat) then claims them again. The lease and the dispatcher's interval are shortened
here (10 s / 2 s; production: 10 min / 1 min) so a run takes seconds, not minutes.

Clicks: every click answered with a redirect is one Click row, exactly — across a worker killed
holding a claimed batch, a graceful Redis restart, a Redis SIGKILL (append-only file, fsync every
second, as docker-compose.yml runs it), and requests while Redis is down (they still redirect;
the click is written straight to PostgreSQL).
"""

from __future__ import annotations

import datetime
import http.client
import itertools
import os
import signal
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import pytest
import redis
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from analytics.models import Click, PostMetrics, PostMetricSnapshot
from platforms.simulator.client import SimulatorControl
from platforms.simulator.server import running_simulator
from recruitment.models import Participation
from submissions.models import LivePost, ReviewState
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import SocialAccountFactory
from tests.factories.recruitment import ParticipationFactory
from tests.factories.submissions import LivePostFactory, SubmissionFactory
from tests.faults.conftest import BATCH_SIZE
from tests.faults.harness import (
    Process,
    Stack,
    install_periodic_task,
    report,
    stack,
    wait_until,
)

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]

FINISH_LIMIT = 300.0

# -- pulls -----------------------------------------------------------------------------------

POSTS = BATCH_SIZE  # 800 by default, 150 in CI (CHORUS_FAULT_BATCH)
POSTS_PER_CREATOR = 10
PULL_BATCH = 10  # ids per platform call here (production: 20-50), so a round has many batches
CALL_DELAY = 0.5  # seconds per platform call: pulls stay in flight long enough to be killed
LEASE_SECONDS = 10
DISPATCH_EVERY = 2
RETRY_AFTER = 10  # a 429's Retry-After: longer than the client waits inline (5 s)
PARKS = "chorus-fault:platforms:park:*"  # tests.faults.worker_settings


def _tracked_posts(sim: SimulatorControl, total: int) -> list[LivePost]:
    """``total`` approved live posts, two hours old, ``POSTS_PER_CREATOR`` per creator, the
    creators spread over the three platforms (each post also exists on the simulator)."""
    campaign = CampaignFactory()
    now = timezone.now()
    published = now - datetime.timedelta(hours=2)
    platforms = itertools.cycle(["tiktok", "instagram", "youtube"])
    posts: list[LivePost] = []
    with transaction.atomic():
        for i in itertools.count():
            if len(posts) >= total:
                break
            platform, handle = next(platforms), f"fault.creator{i}"
            participation = ParticipationFactory(campaign=campaign)
            SocialAccountFactory(creator=participation.creator, platform=platform, handle=handle)
            submission = SubmissionFactory(slot=participation.slots.order_by("id").first())
            for _ in range(min(POSTS_PER_CREATOR, total - len(posts))):
                made = sim.create_post(platform, owner=handle, published_at=published)
                posts.append(
                    LivePostFactory(
                        submission=submission,
                        platform=platform,
                        post_id=made.get("shortcode") or made["id"],
                        api_post_id=made["id"],
                        url=made["url"],
                        state=ReviewState.APPROVED,
                        approved_at=now,
                        published_at=published,
                    )
                )
    return posts


def _pull_stack(s: Stack, simulator_url: str) -> None:
    """Worker, beat (started by the test) aimed at the simulator, with a short lease and a
    dispatcher every few seconds."""
    s.extra_env["PLATFORM_SIMULATOR_URL"] = simulator_url
    s.override_settings(
        PLATFORM_CREDENTIALS={},  # the simulator's placeholders
        METRICS_PULL_LEASE_SECONDS=LEASE_SECONDS,
        METRICS_PULL_BATCH_SIZES=dict.fromkeys(("tiktok", "instagram", "youtube"), PULL_BATCH),
        METRICS_PULL_RETRY_FIRST_SECONDS=3,
    )
    install_periodic_task(
        "fault: dispatch metric pulls",
        "analytics.tasks.dispatch_metric_pulls",
        every_seconds=DISPATCH_EVERY,
        expire_seconds=DISPATCH_EVERY,
    )


def _pulled() -> int:
    """Posts with at least one snapshot."""
    return PostMetricSnapshot.objects.values("live_post_id").distinct().count()


def _round_done(total: int) -> bool:
    return (
        _pulled() >= total
        and not PostMetrics.objects.filter(leased_until__isnull=False).exists()
        and not PostMetrics.objects.exclude(status=PostMetrics.Status.OK).exists()
    )


def _held_unpulled() -> dict[int, datetime.datetime]:
    """Rows leased (by a claim or a running pull) and not pulled yet: their lease ends."""
    pulled = PostMetricSnapshot.objects.values("live_post_id")
    return dict(
        PostMetrics.objects.filter(leased_until__isnull=False)
        .exclude(live_post_id__in=pulled)
        .values_list("live_post_id", "leased_until")
    )


def _assert_one_snapshot_each(posts: list[LivePost]) -> dict[int, datetime.datetime]:
    """Exactly one snapshot per post for the round, the latest figures stored, nothing held.
    Returns each post's snapshot time."""
    per_post = dict(
        PostMetricSnapshot.objects.values("live_post_id")
        .annotate(n=Count("id"))
        .values_list("live_post_id", "n")
    )
    twice = {pk: n for pk, n in per_post.items() if n != 1}
    missing = {p.pk for p in posts} - set(per_post)
    assert twice == {}, f"{len(twice)} posts counted more than once: {list(twice.items())[:5]}"
    assert missing == set(), f"{len(missing)} posts never pulled"
    rows = PostMetrics.objects.all()
    assert rows.count() == len(posts)
    assert {r.status for r in rows} == {PostMetrics.Status.OK}
    assert all(r.leased_until is None and r.lease_token is None for r in rows)
    assert all(r.views is not None and r.consecutive_failures == 0 for r in rows)
    return dict(PostMetricSnapshot.objects.values_list("live_post_id", "retrieved_at"))


def test_a_pull_round_killed_mid_batch_pulls_every_post_exactly_once(fault_tmp) -> None:
    """The pool processes SIGKILLed at a fifth of the round (the worker's main process forks
    new ones), then the whole worker SIGKILLed at half and restarted."""
    with running_simulator(call_delay=CALL_DELAY) as simulator_url, stack(fault_tmp) as s:
        posts = _tracked_posts(SimulatorControl(simulator_url), POSTS)
        _pull_stack(s, simulator_url)
        worker = s.worker(queues="default,metrics").start()
        s.beat().start()
        held: dict[int, datetime.datetime] = {}
        figures: dict[str, Any] = {"posts": len(posts)}
        try:
            wait_until(lambda: _pulled() >= POSTS // 5, 180, "pulls never started")
            pool = worker.children()
            assert pool, "the worker has no pool processes"
            for pid in pool:
                os.kill(pid, signal.SIGKILL)
            killed_at, figures["pool_killed_at_post"] = time.monotonic(), _pulled()
            held.update(_held_unpulled())
            figures["pool_resumed_after_s"] = wait_until(
                lambda: _pulled() > figures["pool_killed_at_post"], 120, "pulls did not resume"
            )
            assert worker.alive()

            wait_until(lambda: _pulled() >= POSTS // 2, 180, "pulls stalled before half")
            worker.kill()  # main process and pool, SIGKILL
            figures["worker_killed_at_post"] = _pulled()
            held.update(_held_unpulled())
            time.sleep(2)
            worker.start()  # what compose's restart policy / make run's supervisor does
            restarted_at = time.monotonic()
            figures["worker_resumed_after_restart_s"] = wait_until(
                lambda: _pulled() > figures["worker_killed_at_post"], 120, "pulls did not resume"
            )
            wait_until(lambda: _round_done(len(posts)), FINISH_LIMIT, "round unfinished")
            figures["round_done_after_restart_s"] = time.monotonic() - restarted_at
            figures["round_done_after_first_kill_s"] = time.monotonic() - killed_at
        except AssertionError:
            print(s.logs())
            raise
        pulled_at = _assert_one_snapshot_each(posts)
        # Posts a killed pull held were left alone until its lease ran out, then claimed again.
        retaken = [pk for pk, until in held.items() if pulled_at[pk] >= until]
        report(
            "metric pulls, pool processes then whole worker SIGKILL",
            held_at_kills=len(held),
            retaken_after_lease=len(retaken),
            **figures,
        )
        assert held, "the kills found no pull in flight"
        assert retaken, "no post waited for a killed pull's lease: the kills hit nothing"


def test_a_redis_restart_mid_round_loses_no_pull_and_counts_none_twice(fault_tmp) -> None:
    with running_simulator(call_delay=CALL_DELAY) as simulator_url, stack(fault_tmp) as s:
        sim = SimulatorControl(simulator_url)
        posts = _tracked_posts(sim, POSTS)
        _pull_stack(s, simulator_url)
        worker = s.worker(queues="default,metrics").start()
        beat = s.beat().start()
        shared = redis.Redis.from_url(s.redis_url)
        try:
            wait_until(lambda: _pulled() >= POSTS // 5, 180, "pulls never started")
            # The platform answers the next call 429 with Retry-After: the worker parks that
            # token in Redis and reschedules the batch's posts in PostgreSQL.
            sim.fail("rate_limit", count=1, platform="youtube", retry_after=RETRY_AFTER)

            def rate_limited() -> bool:
                return bool(list(shared.scan_iter(PARKS))) and (
                    PostMetrics.objects.filter(status=PostMetrics.Status.RETRYING).exists()
                )

            wait_until(rate_limited, 60, "the 429 was not parked and rescheduled")
            waiting = dict(
                PostMetrics.objects.filter(status=PostMetrics.Status.RETRYING).values_list(
                    "live_post_id", "next_pull_at"
                )
            )
            s.kill_redis()  # no persistence: queued pulls, dispatches and the park are gone
            down_at, at_post = time.monotonic(), _pulled()
            time.sleep(5)
            s.start_redis()
            back_at = time.monotonic()
            parks_after = len(list(shared.scan_iter(PARKS)))
            done = wait_until(lambda: _round_done(len(posts)), FINISH_LIMIT, "round unfinished")
        except AssertionError:
            print(s.logs())
            raise
        pulled_at = _assert_one_snapshot_each(posts)
        early = {pk for pk, due in waiting.items() if pulled_at[pk] < due}
        worker_survived, beat_survived = worker.alive() and worker.starts == 1, beat.alive()
        report(
            "metric pulls, Redis SIGKILL + restart (no persistence)",
            posts=len(posts),
            killed_at_post=at_post,
            outage_s=back_at - down_at,
            rate_limited_posts=len(waiting),
            round_done_after_restart_s=done,
            worker_survived=worker_survived,
            beat_survived=beat_survived,
        )
        assert parks_after == 0  # the park vanished with Redis ...
        assert early == set()  # ... and still no post was pulled before its Retry-After
        assert worker_survived
        assert beat_survived


# -- clicks ----------------------------------------------------------------------------------

LINKS = 10
CLICKS = BATCH_SIZE  # per burst: 800 by default, 150 in CI
FLUSH_BATCH = 5  # rows per flush batch here (production 1000): a flush spans many batches
FLUSH_EVERY = 1  # seconds between beat's flushes (production 5)
RECLAIM_AFTER = 5  # seconds before a dead consumer's batch is taken over (production 60)
BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Version/18.1 Mobile Safari"
_addresses = (f"127.{a}.{b}.{c}" for a in range(1, 255) for b in range(256) for c in range(1, 255))


def _links() -> list[Participation]:
    first = ParticipationFactory()
    first.campaign.brand.website = "https://www.glow.example/"
    first.campaign.brand.save(update_fields=["website"])
    first.campaign.landing_url = "https://glow.example/serum"
    first.campaign.save(update_fields=["landing_url"])
    return [first] + [ParticipationFactory(campaign=first.campaign) for _ in range(LINKS - 1)]


def _click(base_url: str, path: str, address: str) -> int:
    """One visitor's click: a new connection from its own loopback address."""
    target = urlsplit(base_url)
    conn = http.client.HTTPConnection(
        target.hostname or "", target.port, timeout=30, source_address=(address, 0)
    )
    try:
        conn.request("GET", path, headers={"User-Agent": BROWSER})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


class Visitors:
    """Fires clicks at the web process and keeps what it answered, per link."""

    def __init__(self, base_url: str, links: list[Participation]) -> None:
        self.base_url = base_url
        self.paths = {p.pk: urlsplit(p.tracking_url).path for p in links}
        self.answers: Counter[tuple[int, int]] = Counter()  # (participation, status) -> n

    def burst(self, n: int) -> Counter[int]:
        jobs = [
            (pk, next(_addresses))
            for pk, _ in zip(itertools.cycle(self.paths), range(n), strict=False)
        ]
        with ThreadPoolExecutor(8) as pool:
            statuses = list(
                pool.map(lambda job: _click(self.base_url, self.paths[job[0]], job[1]), jobs)
            )
        for (pk, _), status in zip(jobs, statuses, strict=True):
            self.answers[(pk, status)] += 1
        return Counter(statuses)

    def accepted(self) -> dict[int, int]:
        """Redirects answered per participation: every one a counted click (distinct
        addresses, a browser's User-Agent)."""
        return {pk: n for (pk, status), n in self.answers.items() if status == 302}


def _click_stack(s: Stack) -> str:
    s.extra_env.update(
        TRACKING_FLUSH_BATCH=str(FLUSH_BATCH), TRACKING_RECLAIM_AFTER_SECONDS=str(RECLAIM_AFTER)
    )
    install_periodic_task(
        "fault: flush clicks",
        "analytics.tasks.flush_clicks",
        every_seconds=FLUSH_EVERY,
        expire_seconds=2 * FLUSH_EVERY,
    )
    web, base_url = s.web()
    web.start()
    wait_until(lambda: _up(base_url), 60, "the web process did not start")
    return base_url


def _up(base_url: str) -> bool:
    try:
        return _click(base_url, "/healthz", "127.0.0.1") < 500
    except OSError:
        return False


STREAM = "chorus-fault:track:clicks"  # the click buffer under worker_settings' key prefix


def _buffer(conn: redis.Redis) -> tuple[int, int]:
    """(entries in the stream, entries claimed by a writer and not acknowledged)."""
    if not conn.exists(STREAM):
        return 0, 0
    groups = conn.xinfo_groups(STREAM)
    return int(conn.xlen(STREAM)), sum(int(g["pending"]) for g in groups)


def _assert_clicks_exactly(visitors: Visitors) -> None:
    accepted = visitors.accepted()
    stored = dict(
        Click.objects.values("participation_id")
        .annotate(n=Count("id"))
        .values_list("participation_id", "n")
    )
    assert stored == accepted
    # One row per visitor and link: none written twice under two ids.
    assert Click.objects.values("participation_id", "visitor_hash").distinct().count() == sum(
        accepted.values()
    )


# docker-compose.yml's Redis: append-only file, fsync every second.
PRODUCTION_REDIS = ["--save", "", "--appendonly", "yes", "--appendfsync", "everysec"]


def _freeze_holding_a_batch(worker: Process, conn: redis.Redis) -> None:
    """SIGSTOP the worker at a moment it holds claimed, unacknowledged clicks."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if _buffer(conn)[1] > 0:
            worker.pause()
            if _buffer(conn)[1] > 0:
                return
            worker.resume()
        time.sleep(0.01)
    raise AssertionError("the worker never held a claimed batch")


def _all_written(conn: redis.Redis, visitors: Visitors) -> bool:
    return Click.objects.count() >= sum(visitors.accepted().values()) and _buffer(conn) == (0, 0)


def test_every_redirected_click_is_one_row_across_redis_and_worker_kills(fault_tmp) -> None:
    """1. No worker yet (clicks wait in the buffer): Redis shut down gracefully, clicks while it
    is down, started again; more clicks, Redis SIGKILLed right after them, clicks while it is
    down, started again. 2. The worker SIGKILLed while it holds a claimed batch of that buffer;
    clicks keep coming; restarted."""
    links = _links()
    with stack(fault_tmp, redis_args=PRODUCTION_REDIS) as s:
        base_url = _click_stack(s)
        conn = redis.Redis.from_url(s.redis_url, decode_responses=True)
        visitors = Visitors(base_url, links)
        figures: dict[str, Any] = {}
        try:
            # 1. Every accepted click waits in the Redis buffer (no worker).
            assert visitors.burst(CLICKS) == {302: CLICKS}
            s.shutdown_redis()  # graceful: Redis writes its append-only file and exits
            # Redis down: the link still redirects, the click goes straight to PostgreSQL.
            assert visitors.burst(CLICKS // 3) == {302: CLICKS // 3}
            s.start_redis()  # same directory: the append-only file is loaded
            figures["buffered_after_graceful_restart"] = _buffer(conn)[0]
            time.sleep(3)  # web processes try Redis again after their 2 s back-off
            assert visitors.burst(CLICKS) == {302: CLICKS}
            s.kill_redis()  # SIGKILL right after the last redirect answered
            assert visitors.burst(CLICKS // 3) == {302: CLICKS // 3}
            s.start_redis()
            figures["buffered_after_sigkill"] = _buffer(conn)[0]
            figures["written_directly_while_down"] = Click.objects.count()

            # 2. The worker writes the buffer: freeze it the moment it holds a claimed batch,
            # then SIGKILL it there.
            worker = s.worker().start()
            s.beat().start()
            _freeze_holding_a_batch(worker, conn)
            worker.kill()
            killed_at = time.monotonic()
            figures["written_at_kill"] = Click.objects.count()
            figures["buffered_at_kill"], figures["claimed_at_kill"] = _buffer(conn)
            # Clicks keep coming while no worker runs: redirected and buffered.
            assert visitors.burst(CLICKS // 3) == {302: CLICKS // 3}
            worker.start()
            figures["kill_to_restart_s"] = time.monotonic() - killed_at
            figures["all_written_after_worker_restart_s"] = wait_until(
                lambda: _all_written(conn, visitors), FINISH_LIMIT, "clicks were not written"
            )
        except AssertionError:
            print(s.logs())
            raise
        _assert_clicks_exactly(visitors)
        report(
            "clicks: Redis SHUTDOWN, SIGKILL (appendonly everysec); worker SIGKILL mid-flush",
            clicks=sum(visitors.accepted().values()),
            **figures,
        )
        assert figures["buffered_after_graceful_restart"] == CLICKS
        assert figures["buffered_after_sigkill"] == 2 * CLICKS
        assert figures["written_directly_while_down"] == 2 * (CLICKS // 3)
        assert 0 < figures["claimed_at_kill"] <= 2 * FLUSH_BATCH  # a batch claimed, not acked
        assert figures["written_at_kill"] < 2 * CLICKS + 2 * (CLICKS // 3)
