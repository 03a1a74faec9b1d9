"""Benchmark: metric snapshots written through the pull pipeline's write path
(``analytics.pulls.snapshots_write``: ``INSERT … SELECT FROM unnest(arrays) ON CONFLICT DO
NOTHING``) against raw PostgreSQL ``COPY`` of the same rows into the same table.

It creates a database (``chorus_bench_snapshots`` next to the one in ``DATABASE_URL``, or
``BENCH_SNAPSHOTS_DATABASE_URL``), migrates it, makes one campaign with ``--posts`` approved
live posts, then for ``--rows`` snapshots (posts x pull times, as the pulls would produce):

1. **COPY**: the rows into ``analytics_postmetricsnapshot`` (constraints and indexes in place).
2. **Write path, large chunks**: the table emptied, the same rows through ``snapshots_write`` in
   chunks of ``--chunk`` (one statement each).
3. **Write path, pull-sized batches**: the same, ``--pull-batch`` rows per call, each in its own
   transaction, as one pull task writes them (YouTube's 50).
4. **Redelivery**: the last chunk written again: rows added (must be 0).

Only the database write is timed; building the rows is not. Rows/s of each and the ratio to
COPY (goal: the write path within 5x of COPY).

    .venv/bin/python -m bench snapshot_ingest [--rows 1000000] [--posts 1000] [--keep]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench.creator_search import DEFAULT_URL, drop_database, recreate_database, setup_django

BENCH_DB = "chorus_bench_snapshots"
GOAL_RATIO = 5.0
COLUMNS = (
    "organization_id",
    "live_post_id",
    "campaign_id",
    "participation_id",
    "platform",
    "retrieved_at",
    "views",
    "likes",
    "comments",
    "shares",
    "saves",
    "extra",
)


def bench_database_url() -> str:
    if os.environ.get("BENCH_SNAPSHOTS_DATABASE_URL"):
        return os.environ["BENCH_SNAPSHOTS_DATABASE_URL"]
    parts = urlsplit(os.environ.get("DATABASE_URL", DEFAULT_URL))
    if not parts.scheme.startswith("postgres"):
        parts = urlsplit(DEFAULT_URL)
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def load_posts(count: int) -> list[tuple[int, int, int, int]]:
    """(organization, live post, campaign, participation) of ``count`` approved live posts."""
    from django.utils import timezone

    from core.ids import new_public_id
    from submissions.models import LivePost, ReviewState
    from tests.factories.submissions import LivePostFactory

    first = LivePostFactory(
        platform="youtube", state=ReviewState.APPROVED, approved_at=timezone.now()
    )
    clones = []
    for n in range(1, count):
        clone = LivePost.objects.get(pk=first.pk)
        clone.pk = None
        clone.public_id = new_public_id(LivePost.public_id_prefix)
        clone.post_id = f"bench{n:07d}"
        clones.append(clone)
    LivePost.objects.bulk_create(clones, batch_size=1_000)
    participation = first.submission.participation_id
    return [
        (org, pk, campaign, participation)
        for org, pk, campaign in LivePost.objects.values_list(
            "organization_id", "pk", "campaign_id"
        ).order_by("pk")
    ]


def rows(posts: list[tuple[int, int, int, int]], total: int) -> Iterator[tuple[Any, ...]]:
    """Snapshot tuples in arrival order: every post once per pull time, 15 minutes apart."""
    rng = random.Random(7)
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    n = 0
    step = 0
    while n < total:
        at = start + datetime.timedelta(minutes=15 * step)
        for org, post, campaign, participation in posts:
            if n >= total:
                return
            views = rng.randrange(0, 5_000_000)
            yield (
                org,
                post,
                campaign,
                participation,
                "youtube",
                at,
                views,
                views // 20,
                views // 400,
                None,
                None,
                {"favorites": 0},
            )
            n += 1
        step += 1


def chunks(iterable: Iterator[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in iterable:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def truncate() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE analytics_postmetricsnapshot")
        cursor.execute("CHECKPOINT")


def count() -> int:
    from analytics.models import PostMetricSnapshot

    return int(PostMetricSnapshot.objects.count())


def time_copy(posts: list[tuple[int, int, int, int]], total: int, chunk: int) -> float:
    from django.db import connection, transaction

    elapsed = 0.0
    statement = f"COPY analytics_postmetricsnapshot ({', '.join(COLUMNS)}) FROM STDIN"
    for part in chunks(rows(posts, total), chunk):
        encoded = [(*r[:-1], json.dumps(r[-1])) for r in part]
        started = time.perf_counter()
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(statement) as copy,
        ):
            for row in encoded:
                copy.write_row(row)
        elapsed += time.perf_counter() - started
    return elapsed


def _models(part: list[tuple[Any, ...]]) -> list[Any]:
    from analytics.models import PostMetricSnapshot

    return [PostMetricSnapshot(**dict(zip(COLUMNS, r, strict=True))) for r in part]


def time_write_path(posts: list[tuple[int, int, int, int]], total: int, chunk: int) -> float:
    from django.db import transaction

    from analytics.pulls import snapshots_write

    elapsed = 0.0
    for part in chunks(rows(posts, total), chunk):
        snapshots = _models(part)
        started = time.perf_counter()
        with transaction.atomic():
            snapshots_write(snapshots, chunk=chunk)
        elapsed += time.perf_counter() - started
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--posts", type=int, default=1_000)
    parser.add_argument("--chunk", type=int, default=10_000)
    parser.add_argument("--pull-batch", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args, _unknown = parser.parse_known_args(argv)

    url = bench_database_url()
    print(f"Snapshot ingest benchmark on {urlsplit(url).path.lstrip('/')}")
    recreate_database(url)
    setup_django(url)
    from django.core.management import call_command

    try:
        call_command("migrate", verbosity=0)
        posts = load_posts(args.posts)
        total = args.rows
        print(f"{total:,} snapshots of {len(posts):,} posts; load average {os.getloadavg()[0]:.1f}")

        results: list[tuple[str, float]] = []
        truncate()
        copy_s = time_copy(posts, total, args.chunk)
        assert count() == total
        results.append((f"COPY (chunks of {args.chunk:,})", copy_s))

        truncate()
        large_s = time_write_path(posts, total, args.chunk)
        assert count() == total
        results.append((f"write path, chunks of {args.chunk:,}", large_s))

        truncate()
        small_s = time_write_path(posts, total, args.pull_batch)
        assert count() == total
        results.append((f"write path, pull batches of {args.pull_batch}", small_s))

        last = list(rows(posts, total))[-args.chunk :]
        from analytics.pulls import snapshots_write

        snapshots_write(_models(last))
        again = count() - total
    finally:
        if not args.keep:
            drop_database(url)

    print(f"\n  {'rows/s':>10} {'seconds':>8} {'x COPY':>7}  path")
    for name, seconds in results:
        print(f"  {total / seconds:>10,.0f} {seconds:>8.1f} {seconds / copy_s:>7.2f}  {name}")
    ratio = large_s / copy_s
    print(
        f"\nWrite path (chunks of {args.chunk:,}) takes {ratio:.2f}x COPY's time "
        f"({'within' if ratio <= GOAL_RATIO else 'OVER'} the {GOAL_RATIO:.0f}x goal); "
        f"pull-sized batches {small_s / copy_s:.2f}x. Redelivered chunk added {again} rows."
    )
    return 0 if again == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
