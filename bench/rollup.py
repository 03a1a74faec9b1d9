"""Benchmark: the daily rollup — a full rebuild over N metric snapshots, then an incremental run
after 1% new snapshots (one more pull round of every post), with the ratio of the two times.

Creates a dedicated database (``chorus_bench_rollup`` next to the one in ``DATABASE_URL``, or
``BENCH_DATABASE_URL``), migrates it, loads creators (``bench.creator_search.load_creators``),
one campaign with ``--creators`` participations of ``--posts-per-creator`` live posts each, and
``--snapshots`` snapshots written by SQL (``generate_series``: every post pulled at a regular
interval over 30 days, cumulative gauges growing), plus a click and an order per creator per
day. Then it times ``analytics.rollups.rollup_rebuild`` and, after ``--new-fraction`` more pull
rounds (default 1% of the snapshots: one round at 100 rounds per post) plus that many days of
clicks and orders, ``analytics.rollups.rollup_run``. ``--new-fraction 0.3`` is a catch-up after
a long outage; ``--planner-joins`` lets the planner choose the incremental run's joins (normally
forced to index probes, ``rollups.FORCE_INDEX_PROBES``); ``--analyze-new`` runs VACUUM ANALYZE
after loading the new data (as autovacuum would have during a long outage: fresh estimates for
the planner); ``--rebuild-after`` also times a rebuild over all the data after the incremental
run (what a catch-up could have done instead).

    .venv/bin/python -m bench.rollup [--snapshots 1000000] [--creators 1000] [--keep]
    .venv/bin/python -m bench rollup --snapshots 10000000
    .venv/bin/python -m bench rollup --snapshots 200000 --creators 200 --new-fraction 0.3

Figures: see the report of the branch that added it (printed, never asserted).
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench.creator_search import (
    DEFAULT_URL,
    drop_database,
    load_creators,
    recreate_database,
    setup_django,
    vacuum_analyze,
)

BENCH_DB = "chorus_bench_rollup"
DAYS = 30
START = datetime(2026, 10, 1, tzinfo=UTC)


def bench_database_url(name: str = BENCH_DB) -> str:
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    parts = urlsplit(os.environ.get("DATABASE_URL", DEFAULT_URL))
    if not parts.scheme.startswith("postgres"):
        parts = urlsplit(DEFAULT_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


def load_world(creators: int, posts_per_creator: int) -> tuple[Any, Any]:
    """One organization, brand and campaign; each creator with its participation and posts."""
    from campaigns.models import Campaign, Deliverable
    from core.ids import new_public_id
    from organizations.models import Brand, Organization
    from recruitment.models import Participation, ParticipationSlot
    from submissions.models import LivePost, ReviewState, Submission

    load_creators(creators)
    org = Organization.objects.create(name="Bench Rollup", slug="bench-rollup")
    brand = Brand.objects.create(organization=org, name="Bench", slug="bench")
    campaign = Campaign.objects.create(
        organization=org,
        brand=brand,
        name="Bench campaign",
        status=Campaign.Status.ACTIVE,
        budget_cents=10**11,
        pay_by_days=14,
    )
    deliverable = Deliverable.objects.create(
        organization=org,
        campaign=campaign,
        platform="tiktok",
        format="video",
        quantity=posts_per_creator,
        fee_cents=10_000,
    )
    parts = Participation.objects.bulk_create(
        [
            Participation(
                public_id=new_public_id(Participation.public_id_prefix),
                organization=org,
                campaign=campaign,
                creator_id=i,
                agreed_fees=[],
                agreed_total_cents=posts_per_creator * 10_000,
                currency="USD",
                tracking_code=f"b{i:07d}",
                promo_code=f"BENCH-{i:07d}",
            )
            for i in range(1, creators + 1)
        ],
        batch_size=2000,
    )
    common = {"organization": org, "campaign": campaign, "platform": "tiktok"}
    slots = ParticipationSlot.objects.bulk_create(
        [
            ParticipationSlot(
                **common,
                public_id=new_public_id(ParticipationSlot.public_id_prefix),
                participation=p,
                creator_id=p.creator_id,
                deliverable=deliverable,
                slot_number=n,
                format="video",
                fee_cents=10_000,
                currency="USD",
                status="done",
            )
            for p in parts
            for n in range(1, posts_per_creator + 1)
        ],
        batch_size=2000,
    )
    subs = Submission.objects.bulk_create(
        [
            Submission(
                **common,
                public_id=new_public_id(Submission.public_id_prefix),
                participation_id=s.participation_id,
                slot=s,
                creator_id=s.creator_id,
                stage="done",
            )
            for s in slots
        ],
        batch_size=2000,
    )
    LivePost.objects.bulk_create(
        [
            LivePost(
                **common,
                public_id=new_public_id(LivePost.public_id_prefix),
                submission=sub,
                creator_id=sub.creator_id,
                slot_id=sub.slot_id,
                url=f"https://www.tiktok.com/@c{sub.creator_id}/video/{7300000000000 + n}",
                post_id=str(7300000000000 + n),
                fee_cents=10_000,
                currency="USD",
                state=ReviewState.APPROVED,
                published_at=START + timedelta(hours=n % (24 * 10)),
                approved_at=START + timedelta(hours=n % (24 * 10) + 1),
                decided_at=START + timedelta(hours=n % (24 * 10) + 1),
                checks_status=LivePost.Checks.DONE,
            )
            for n, sub in enumerate(subs)
        ],
        batch_size=2000,
    )
    print(f"  {creators:,} participations, {len(subs):,} live posts", flush=True)
    return org, campaign


def load_snapshots(total: int, *, round_from: int = 0, rounds: int | None = None) -> int:
    """Pull rounds ``round_from``… of every live post by SQL: round r at START + r * interval,
    gauges growing with r. Returns how many rows were written."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM submissions_livepost")
        posts = int(cur.fetchone()[0])
        per_post = max(total // posts, 1)
        interval = DAYS * 86_400 / per_post
        last = round_from + (rounds if rounds is not None else per_post)
        started = time.perf_counter()
        cur.execute(
            "INSERT INTO analytics_postmetricsnapshot (organization_id, live_post_id, campaign_id, "
            "participation_id, platform, retrieved_at, views, likes, comments, shares, saves, extra) "
            "SELECT lp.organization_id, lp.id, lp.campaign_id, s.participation_id, lp.platform, "
            "  %s::timestamptz + make_interval(secs => r * %s + (lp.id %% 600)), "
            "  r * (50 + lp.id %% 97), r * (3 + lp.id %% 7), r, r / 3, r / 5, '{}'::jsonb "
            "FROM generate_series(%s, %s - 1) r CROSS JOIN submissions_livepost lp "
            "JOIN submissions_submission s ON s.id = lp.submission_id "
            "ORDER BY r, lp.id",
            [START, interval, round_from, last],
        )
        written = int(cur.rowcount)
    print(
        f"  {written:,} snapshots ({per_post} rounds of {posts:,} posts) in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return per_post


def load_outcomes(day_from: int, days: int) -> None:
    """A click and an order per creator and day (orders bought after seeing 1-4 creators)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO analytics_click (organization_id, participation_id, click_id, created_at, "
            "visitor_hash, referrer_host, user_agent) "
            "SELECT p.organization_id, p.id, gen_random_uuid(), "
            "  %s::timestamptz + make_interval(days => d, secs => p.id %% 80000), 'v', '', '' "
            "FROM generate_series(%s, %s - 1) d CROSS JOIN recruitment_participation p",
            [START, day_from, day_from + days],
        )
        cur.execute(
            "INSERT INTO analytics_conversion (organization_id, source, order_id, occurred_at, "
            "currency, revenue_cents, refunded_cents, customer_hash, visitor_hash, promo_code, "
            "tracking_code, campaign_id, participation_id, method, creators_exposed, created_at, "
            "public_id) "
            "SELECT p.organization_id, 'api', 'o-' || p.id || '-' || d, "
            "  %s::timestamptz + make_interval(days => d, secs => p.id %% 80000), 'USD', "
            "  1000 + p.id %% 5000, 0, 'c' || p.id, '', '', '', p.campaign_id, p.id, "
            "  'promo_code', 1 + (p.id + d) %% 4, now(), 'conv_b' || p.id || 'd' || d "
            "FROM generate_series(%s, %s - 1) d CROSS JOIN recruitment_participation p",
            [START, day_from, day_from + days],
        )


@contextmanager
def _statement_times() -> Iterator[list[tuple[float, str]]]:
    """Each SQL statement's time (ms) while the block runs: where an incremental run goes."""
    from django.db import connection

    times: list[tuple[float, str]] = []

    def timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            times.append(((time.perf_counter() - started) * 1000, sql))

    with connection.execute_wrapper(timer):
        yield times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--snapshots", type=int, default=1_000_000)
    parser.add_argument("--creators", type=int, default=1_000)
    parser.add_argument("--posts-per-creator", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--new-fraction", type=float, default=0.01, help="new data for the incremental run"
    )
    parser.add_argument(
        "--planner-joins", action="store_true", help="do not force index probes (compare)"
    )
    parser.add_argument(
        "--analyze-new", action="store_true", help="VACUUM ANALYZE after loading the new data"
    )
    parser.add_argument(
        "--rebuild-after", action="store_true", help="time a rebuild after the incremental run"
    )
    args = parser.parse_args(argv)
    logging.disable(logging.INFO)

    url = bench_database_url()
    print(f"Rollup benchmark on database {urlsplit(url).path.lstrip('/')}", flush=True)
    recreate_database(url)
    setup_django(url)
    from django.core.management import call_command

    from analytics import rollups

    try:
        call_command("migrate", verbosity=0)
        load_world(args.creators, args.posts_per_creator)
        rounds = load_snapshots(args.snapshots)
        load_outcomes(0, DAYS)
        vacuum_analyze()

        started = time.perf_counter()
        full = rollups.rollup_rebuild()
        full_s = time.perf_counter() - started
        print(
            f"Full rebuild: {full_s:.1f} s ({full.posts:,} post-days, {full.creators:,} "
            f"creator-days, {full.campaigns:,} campaign-days)",
            flush=True,
        )

        # New data: more pull rounds of every post (and as many days of clicks and orders).
        new_rounds = max(round(rounds * args.new_fraction), 1)
        load_snapshots(args.snapshots, round_from=rounds, rounds=new_rounds)
        load_outcomes(DAYS, max(round(DAYS * args.new_fraction), 1))
        if args.analyze_new:
            vacuum_analyze()
        rollups.FORCE_INDEX_PROBES = not args.planner_joins
        started = time.perf_counter()
        with _statement_times() as times:
            inc = rollups.rollup_run()
        inc_s = time.perf_counter() - started
        probed = any("enable_hashjoin" in sql for _ms, sql in times)
        print(
            f"Incremental after {new_rounds / rounds:.0%} new snapshots: {inc_s:.2f} s "
            f"({inc.posts:,} post-days, {inc.creators:,} creator-days recomputed; "
            f"{'index probes forced' if probed else 'planner chose the joins'})",
            flush=True,
        )
        for ms, sql in sorted(times, reverse=True)[:4]:
            print(f"    {ms:8.1f} ms  {' '.join(sql.split())[:110]}", flush=True)
        print(f"Ratio incremental / full: {inc_s / full_s:.2%} (goal <= 5%)", flush=True)
        if args.rebuild_after:
            started = time.perf_counter()
            again = rollups.rollup_rebuild()
            print(
                f"Rebuild over everything after it: {time.perf_counter() - started:.1f} s "
                f"({again.posts:,} post-days)",
                flush=True,
            )
    finally:
        if not args.keep:
            drop_database(url)
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main())
