"""Benchmark: the review queue with 10,000 submissions across 50 campaigns, and bulk approval.

It creates a dedicated database (``chorus_bench_review`` next to the one in ``DATABASE_URL``, or
the one named by ``BENCH_REVIEW_DATABASE_URL``), migrates it, loads one agency organization with
5 brands, 50 campaigns, 2,000 creators and 10,000 submissions (one per participation slot; 60 %
waiting for review — drafts and live posts — the rest in the other stages), runs
``VACUUM ANALYZE``, then measures through Django's test client, as a signed-in owner:

1. the queue's first page (``GET /o/<org>/review/``: the whole request, middleware, count, page,
   filters and template included), warm, median and p95, and its number of SQL queries; also
   filtered by one campaign, and by platform + stage;
2. bulk approval of 200 submissions in one request (``POST /o/<org>/review/bulk-approve/``),
   several times on different items, with its number of SQL queries.

The e-mails that decisions enqueue go to an in-memory broker (``CELERY_BROKER_URL=memory://``
unless set), so nothing leaks into a shared Redis. The database is dropped at the end unless
``--keep``.

    .venv/bin/python -m bench.review_queue [--submissions 10000] [--campaigns 50] [--runs 30]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench.creator_search import DEFAULT_URL, _percentile, drop_database, recreate_database

BENCH_DB = "chorus_bench_review"
QUEUE_GOAL_MS = 100.0
BULK_GOAL_MS = 2000.0
BULK_SIZE = 200
PASSWORD = "bench-review-password-1"


def bench_database_url() -> str:
    if os.environ.get("BENCH_REVIEW_DATABASE_URL"):
        return os.environ["BENCH_REVIEW_DATABASE_URL"]
    parts = urlsplit(os.environ.get("DATABASE_URL", DEFAULT_URL))
    if not parts.scheme.startswith("postgres"):
        parts = urlsplit(DEFAULT_URL)
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("CELERY_BROKER_URL", "memory://")
    os.environ.pop("DJANGO_DEBUG", None)  # DEBUG would keep every query in memory
    import logging

    import django
    from django.test.utils import override_settings

    django.setup()
    from django.conf import settings

    # No collectstatic here: plain static URLs instead of the manifest's (a dict lookup either
    # way), and no per-request log lines in the figures' output.
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    logging.disable(logging.INFO)


# -- data ----------------------------------------------------------------------------------------

STAGES = [  # (stage, share): 60 % waiting for review
    ("draft_review", 40),
    ("post_review", 20),
    ("draft_changes", 8),
    ("draft_due", 10),
    ("post_due", 10),
    ("post_changes", 2),
    ("done", 8),
    ("rejected", 2),
]
PLATFORMS = ("tiktok", "instagram", "youtube")


def load(submissions: int, campaigns: int, seed: int = 5) -> str:
    """Load the organization and its work; returns the owner's e-mail."""
    from django.contrib.auth.hashers import make_password

    from campaigns.models import Campaign, Deliverable
    from core.ids import new_public_id
    from creators.models import CreatorProfile
    from organizations.models import Brand, Membership, Organization
    from recruitment.models import Participation, ParticipationSlot
    from submissions.models import DraftVersion, LivePost, Submission
    from users.models import User

    rng = random.Random(seed)
    now = datetime.now(UTC)
    today = date.today()
    batch = 2000

    def pid(prefix: str) -> str:
        return new_public_id(prefix)

    org = Organization.objects.create(name="Bench Agency", slug="bench-review", kind="agency")
    owner = User.objects.create(
        email="owner@bench-review.test", full_name="Bench Owner", password=make_password(PASSWORD)
    )
    Membership.objects.create(organization=org, user=owner, role="owner")
    brands = [
        Brand.objects.create(organization=org, name=f"Brand {i}", slug=f"brand-{i}")
        for i in range(5)
    ]
    camps = []
    for i in range(campaigns):
        platform = PLATFORMS[i % 3]
        campaign = Campaign.objects.create(
            organization=org,
            brand=brands[i % len(brands)],
            name=f"Campaign {i:02d}",
            status=Campaign.Status.ACTIVE,
            budget_cents=10**9,
            required_hashtags=["benchlaunch", f"brand{i % 5}"],
            required_mentions=[f"brand{i % 5}official"],
            dos="Show the product in the first three seconds.",
            donts="No competitor products.",
            draft_due=today + timedelta(days=rng.randint(-10, 20)),
            posting_starts=today - timedelta(days=10),
            posting_ends=today + timedelta(days=30),
        )
        deliverable = Deliverable.objects.create(
            organization=org, campaign=campaign, platform=platform, format="video", fee_cents=15000
        )
        camps.append((campaign, deliverable))
    creators_n = max(1, submissions // 5)
    users = User.objects.bulk_create(
        [
            User(public_id=pid("usr"), email=f"c{i}@bench-review.test", full_name=f"Creator {i}")
            for i in range(creators_n)
        ],
        batch_size=batch,
    )
    profiles = CreatorProfile.objects.bulk_create(
        [
            CreatorProfile(public_id=pid("cre"), user=u, display_name=f"Creator {i}", country="US")
            for i, u in enumerate(users)
        ],
        batch_size=batch,
    )
    print(f"  {creators_n:,} creators, {campaigns} campaigns, {len(brands)} brands", flush=True)

    # Each submission: a distinct (campaign, creator) participation with one slot.
    pairs: list[tuple[int, int]] = []
    seen: set[tuple[int, int]] = set()
    while len(pairs) < submissions:
        pair = (rng.randrange(campaigns), rng.randrange(creators_n))
        if pair not in seen:
            seen.add(pair)
            pairs.append(pair)
    participations = Participation.objects.bulk_create(
        [
            Participation(
                public_id=pid("par"),
                organization=org,
                campaign=camps[c][0],
                creator=profiles[p],
                agreed_fees=[],
                agreed_total_cents=15000,
                currency="USD",
                tracking_code=f"t{n:010d}",
                promo_code=f"BENCHREV{n:08d}",
            )
            for n, (c, p) in enumerate(pairs)
        ],
        batch_size=batch,
    )
    slots = ParticipationSlot.objects.bulk_create(
        [
            ParticipationSlot(
                public_id=pid("slt"),
                organization=org,
                participation=part,
                campaign=camps[c][0],
                creator=profiles[p],
                deliverable=camps[c][1],
                slot_number=1,
                platform=camps[c][1].platform,
                format="video",
                fee_cents=15000,
                currency="USD",
                draft_due=camps[c][0].draft_due,
                post_due=today + timedelta(days=rng.randint(-5, 30)),
            )
            for part, (c, p) in zip(participations, pairs, strict=True)
        ],
        batch_size=batch,
    )
    stages = [s for s, share in STAGES for _ in range(share)]
    subs = Submission.objects.bulk_create(
        [
            Submission(
                public_id=pid("sub"),
                organization=org,
                campaign=slot.campaign,
                participation=slot.participation,
                slot=slot,
                creator=slot.creator,
                platform=slot.platform,
                stage=(stage := rng.choice(stages)),
                review_since=now - timedelta(minutes=rng.randint(1, 60 * 24 * 14))
                if stage in ("draft_review", "post_review")
                else None,
            )
            for slot in slots
        ],
        batch_size=batch,
    )
    with_draft = [s for s in subs if s.stage != "draft_due"]
    drafts = DraftVersion.objects.bulk_create(
        [
            DraftVersion(
                public_id=pid("drv"),
                organization=org,
                submission=s,
                campaign=s.campaign,
                creator=s.creator,
                number=1,
                file_key=f"{org.public_id}/draft/{s.public_id}.mp4",
                content_type="video/mp4",
                size_bytes=25_000_000,
                caption=f"#ad My morning with the new launch #benchlaunch #brand{rng.randrange(5)}",
                preview_status="ready",
                poster_key=f"{org.public_id}/draft-poster/{s.public_id}.jpg",
                state="in_review"
                if s.stage == "draft_review"
                else "changes_requested"
                if s.stage == "draft_changes"
                else "rejected"
                if s.stage == "rejected"
                else "approved",
                decided_at=None if s.stage == "draft_review" else now - timedelta(days=3),
            )
            for s in with_draft
        ],
        batch_size=batch,
    )
    by_sub = {d.submission_id: d for d in drafts}
    posted = [s for s in with_draft if s.stage in ("post_review", "post_changes", "done")]
    posts = LivePost.objects.bulk_create(
        [
            LivePost(
                public_id=pid("lpo"),
                organization=org,
                submission=s,
                campaign=s.campaign,
                creator=s.creator,
                slot=s.slot,
                url=f"https://www.tiktok.com/@c/video/{7300000000000000000 + n}",
                platform=s.platform,
                post_id=f"{7300000000000000000 + n}",
                fee_cents=15000,
                currency="USD",
                state="in_review" if s.stage == "post_review" else "approved",
                approved_at=None if s.stage == "post_review" else now,
                checks_status="done",
                check_results=[
                    {"key": "public", "status": "passed", "message": "The post is public."},
                    {"key": "window", "status": "passed", "message": "Inside the window."},
                    {"key": "disclosure", "status": "passed", "message": "#ad at the start."},
                ],
            )
            for n, s in enumerate(posted)
        ],
        batch_size=batch,
    )
    by_post = {p.submission_id: p for p in posts}
    for s in subs:
        s.current_draft = by_sub.get(s.pk)
        s.current_post = by_post.get(s.pk)
    Submission.objects.bulk_update(subs, ["current_draft", "current_post"], batch_size=batch)
    # Approving a live post earns its fee from the ledger's commitment, as acceptance posts it
    # (recruitment): post those commitments for the participations whose posts can be approved.
    from django.db import transaction

    from ledger.services import commitment_reserve

    with transaction.atomic():
        for post in posts:
            participation = post.submission.participation
            commitment_reserve(
                campaign=participation.campaign,
                creator=participation.creator_id,
                participation_id=participation.pk,
                amount_cents=participation.agreed_total_cents,
            )
    waiting = sum(1 for s in subs if s.stage in ("draft_review", "post_review"))
    print(
        f"  {len(subs):,} submissions ({waiting:,} waiting for review), {len(drafts):,} drafts, "
        f"{len(posts):,} live posts",
        flush=True,
    )
    return owner.email


def vacuum_analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


# -- timing --------------------------------------------------------------------------------------


def _client(email: str) -> Any:
    from django.test import Client

    from users.models import User

    client = Client(SERVER_NAME="localhost")
    client.force_login(User.objects.get(email=email))
    return client


def time_queue(client: Any, runs: int) -> list[dict[str, Any]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from campaigns.models import Campaign

    campaign = Campaign.objects.order_by("name")[0]
    cases = [
        ("Baseline: the organization's overview page (no queue)", "/o/bench-review/"),
        ("First page, no filter (the default)", "/o/bench-review/review/"),
        ("One campaign", f"/o/bench-review/review/?campaign={campaign.public_id}"),
        ("TikTok drafts in review", "/o/bench-review/review/?platform=tiktok&stage=draft_review"),
        ("Page 50", "/o/bench-review/review/?page=50"),
    ]
    rows = []
    for label, url in cases:
        for _ in range(3):
            assert client.get(url).status_code == 200
        connection.queries_log.clear()  # a full log (9,000) would make the capture look empty
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        queries = len(captured.captured_queries)  # now: the next request empties the log
        sql_ms = _explained_ms(captured.captured_queries)
        timings, cpu = [], []
        for _ in range(runs):
            started, cpu_started = time.perf_counter(), time.thread_time()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - cpu_started) * 1000)
        row = {
            "case": label,
            "median_ms": statistics.median(timings),
            "p95_ms": _percentile(timings, 95),
            "cpu_ms": statistics.median(cpu),
            "sql_ms": sql_ms,
            "queries": queries,
            "items": response.content.count(b"data-review-item "),
        }
        rows.append(row)
        print(
            f"  {row['median_ms']:7.1f} {row['p95_ms']:7.1f} {row['cpu_ms']:7.1f} {row['sql_ms']:7.1f} "
            f"{row['queries']:>4} {row['items']:>5}  {label}",
            flush=True,
        )
    return rows


def _explained_ms(queries: list[dict[str, str]]) -> float:
    """The database's own execution time of a request's SELECTs (EXPLAIN ANALYZE, median of 3):
    what the server spends, apart from the round trips and the app's CPU."""
    from django.db import connection

    total = 0.0
    with connection.cursor() as cursor:
        for q in queries:
            if not q["sql"].lstrip().upper().startswith("SELECT"):
                continue
            runs = []
            for _ in range(3):
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + q["sql"])
                plan = cursor.fetchone()[0][0]
                runs.append(plan["Planning Time"] + plan["Execution Time"])
            total += statistics.median(runs)
    return total


def time_bulk(client: Any, rounds: int) -> list[dict[str, Any]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from submissions.models import Submission

    rows = []
    for n in range(rounds):
        ids = list(
            Submission.objects.filter(stage__in=Submission.IN_REVIEW)
            .order_by("review_since", "id")
            .values_list("public_id", flat=True)[:BULK_SIZE]
        )
        before = Submission.objects.filter(stage__in=Submission.IN_REVIEW).count()
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started = time.perf_counter(), time.thread_time()
            response = client.post("/o/bench-review/review/bulk-approve/", {"ids": ids})
            elapsed = (time.perf_counter() - started) * 1000
            cpu_ms = (time.thread_time() - cpu_started) * 1000
        assert response.status_code == 302, response.status_code
        decided = before - Submission.objects.filter(stage__in=Submission.IN_REVIEW).count()
        rows.append({"ms": elapsed, "cpu_ms": cpu_ms, "queries": len(captured.captured_queries)})
        print(
            f"  round {n + 1}: {elapsed:7.1f} ms ({cpu_ms:.0f} ms app CPU), "
            f"{len(captured.captured_queries):,} queries, {decided} approved",
            flush=True,
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--campaigns", type=int, default=50)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--bulk-rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept database (no reload)")
    args, _unknown = parser.parse_known_args(argv)

    url = bench_database_url()
    print(
        f"Review queue benchmark on {urlsplit(url)._replace(netloc=urlsplit(url).hostname or '').geturl()}"
    )
    if not args.reuse:
        recreate_database(url)
    setup_django(url)
    from django.core.management import call_command

    try:
        if args.reuse:
            email = "owner@bench-review.test"
        else:
            started = time.perf_counter()
            call_command("migrate", verbosity=0)
            email = load(args.submissions, args.campaigns)
            vacuum_analyze()
            print(f"Loaded in {time.perf_counter() - started:.1f} s", flush=True)
        client = _client(email)
        print(f"Load average before timing: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
        print(f"\nThe queue (GET, whole request), {args.runs} warm runs each:")
        print(
            f"  {'median':>7} {'p95':>7} {'app CPU':>7} {'DB exec':>7} {'SQL':>4} {'items':>5}  case (ms)"
        )
        queue = time_queue(client, args.runs)
        print(f"\nBulk approval of {BULK_SIZE} in one request (POST, whole request):")
        bulk = time_bulk(client, args.bulk_rounds)
    finally:
        if not args.keep:
            drop_database(url)
    print(f"Load average after timing: {os.getloadavg()[0]:.1f}")
    baseline, queue = queue[0], queue[1:]
    worst = max(r["p95_ms"] for r in queue)
    first = queue[0]
    slowest = max(r["ms"] for r in bulk)
    print(
        f"\nQueue first page: median {first['median_ms']:.1f} ms, p95 {first['p95_ms']:.1f} ms, "
        f"{first['queries']} queries; worst p95 of all cases {worst:.1f} ms "
        f"({'under' if worst < QUEUE_GOAL_MS else 'OVER'} the {QUEUE_GOAL_MS:.0f} ms goal); "
        f"the overview page, for scale on this machine: median {baseline['median_ms']:.1f} ms."
    )
    print(
        f"Bulk approve of {BULK_SIZE}: slowest {slowest:.0f} ms, median "
        f"{statistics.median(r['ms'] for r in bulk):.0f} ms "
        f"({'under' if slowest < BULK_GOAL_MS else 'OVER'} the {BULK_GOAL_MS:.0f} ms goal)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
