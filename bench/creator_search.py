"""Benchmark: creator search over 100,000 creator profiles on PostgreSQL.

It creates a dedicated database (``chorus_bench`` next to the one in ``DATABASE_URL``, or the one
named by ``BENCH_DATABASE_URL``), migrates it, loads creators, their social accounts and niches
with ``COPY``, runs ``VACUUM ANALYZE``, then times the first page of ``search_creators`` (every
query it runs: capped count, page, accounts, niches, worked-with-us badges) for several
combinations of three filters plus a sort, warm, and prints the median and p95. The database is
dropped at the end unless ``--keep``.

    .venv/bin/python -m bench.creator_search [--creators 100000] [--runs 40] [--keep] [--explain]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/chorus"
BENCH_DB = "chorus_bench"
GOAL_MS = 100.0

PLATFORMS = ("tiktok", "instagram", "youtube")
NICHES = (
    "beauty",
    "fashion",
    "fitness",
    "food",
    "travel",
    "outdoors",
    "tech",
    "gaming",
    "parenting",
    "home",
    "pets",
    "finance",
    "education",
    "lifestyle",
    "comedy",
    "music",
)
# A skewed market: the US and a few big countries dominate, the rest is a long tail.
COUNTRY_WEIGHTS = {
    "US": 30,
    "GB": 9,
    "BR": 7,
    "DE": 6,
    "FR": 6,
    "IN": 6,
    "MX": 5,
    "ES": 4,
    "IT": 4,
    "CA": 4,
    "AU": 3,
    "NL": 2,
    "SE": 2,
    "PL": 2,
    "JP": 2,
    "KR": 1,
    "NZ": 1,
    "IE": 1,
    "PT": 1,
    "NG": 1,
    "ZA": 1,
    "AE": 1,
    "SG": 1,
    "AR": 1,
    "BE": 1,
    "AT": 1,
    "CH": 1,
    "DK": 1,
    "NO": 1,
    "FI": 1,
}


def bench_database_url() -> str:
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    parts = urlsplit(os.environ.get("DATABASE_URL", DEFAULT_URL))
    if not parts.scheme.startswith("postgres"):
        parts = urlsplit(DEFAULT_URL)
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def _maintenance(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    return urlunsplit(parts._replace(scheme="postgresql", path="/postgres")), name


def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    admin_url, name = _maintenance(url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str) -> None:
    import psycopg
    from django.db import connections
    from psycopg import sql

    connections.close_all()
    admin_url, name = _maintenance(url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.pop("DJANGO_DEBUG", None)  # DEBUG would keep every query in memory
    import django

    django.setup()


# -- data ----------------------------------------------------------------------------------------


def _copy(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with raw.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    print(f"  {table}: {len(rows):,} rows", flush=True)


def _followers(rng: random.Random) -> int:
    # Log-uniform between 300 and 400k: most are micro creators (1k-100k), some nano, few larger.
    return int(10 ** rng.uniform(2.5, 5.6))


def load_creators(count: int, seed: int = 7) -> None:
    from django.db import connection

    rng = random.Random(seed)
    now = datetime.now(UTC)
    countries = list(COUNTRY_WEIGHTS)
    weights = list(COUNTRY_WEIGHTS.values())
    alphabet = "0123456789abcdefghjkmnpqrstvwxyz"

    def pid(prefix: str, n: int) -> str:
        tail = "".join(rng.choice(alphabet) for _ in range(12))
        return f"{prefix}_{n:08d}{tail}"

    users, profiles, accounts, niches = [], [], [], []
    account_id = 0
    for i in range(1, count + 1):
        joined = now - timedelta(minutes=(count - i) * 10)  # ids follow creation order
        users.append(
            (
                i,
                "!",
                False,
                pid("usr", i),
                f"bench-creator-{i}@bench.chorus.test",
                f"Creator {i}",
                True,
                False,
                joined,
            )
        )
        chosen = [
            p for p, share in zip(PLATFORMS, (0.7, 0.55, 0.25), strict=True) if rng.random() < share
        ]
        chosen = chosen or [rng.choice(PLATFORMS)]
        total = best = 0
        verified_any = False
        for platform in chosen:
            account_id += 1
            fc = _followers(rng)
            eng = rng.randint(40, 1500)
            verified = rng.random() < 0.8
            if verified:
                total += fc
                best = max(best, eng)
                verified_any = True
            accounts.append(
                (
                    account_id,
                    pid("soc", account_id),
                    joined,
                    i,
                    platform,
                    f"{platform[:2]}.creator{i}",
                    "",
                    "",
                    f"Creator {i}",
                    fc,
                    fc // 3,
                    eng,
                    now,
                    "",
                    now if verified else None,
                    "bio_code" if verified else "",
                    "",
                    now,
                )
            )
        profiles.append(
            (
                i,
                pid("cre", i),
                joined,
                i,
                f"Creator {i}",
                "",
                rng.choices(countries, weights)[0],
                "",
                json.dumps(["en"]),
                now,
                total,
                best,
                verified_any,
            )
        )
        for niche in rng.sample(NICHES, rng.randint(1, 3)):
            niches.append((len(niches) + 1, i, niche))

    print(f"Loading {count:,} creators…", flush=True)
    _copy(
        "users_user",
        [
            "id",
            "password",
            "is_superuser",
            "public_id",
            "email",
            "full_name",
            "is_active",
            "is_staff",
            "date_joined",
        ],
        users,
    )
    _copy(
        "creators_creatorprofile",
        [
            "id",
            "public_id",
            "created_at",
            "user_id",
            "display_name",
            "bio",
            "country",
            "photo",
            "languages",
            "updated_at",
            "total_followers",
            "best_engagement_bp",
            "has_verified_account",
        ],
        profiles,
    )
    _copy(
        "creators_socialaccount",
        [
            "id",
            "public_id",
            "created_at",
            "creator_id",
            "platform",
            "handle",
            "profile_url",
            "external_id",
            "display_name",
            "follower_count",
            "average_views",
            "engagement_rate_bp",
            "last_refreshed_at",
            "last_refresh_error",
            "verified_at",
            "verification_method",
            "verification_code",
            "updated_at",
        ],
        accounts,
    )
    _copy("creators_creatorniche", ["id", "creator_id", "niche"], niches)
    with connection.cursor() as cursor:
        for table in (
            "users_user",
            "creators_creatorprofile",
            "creators_socialaccount",
            "creators_creatorniche",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )


def load_worked_with(creators: int, participants: int = 2000) -> Any:
    """An organization whose past campaign had ``participants`` creators (for "worked with us")."""
    from campaigns.models import Campaign
    from organizations.access import OrgAccess
    from organizations.models import Brand, Organization
    from organizations.roles import Role
    from recruitment.models import Participation

    org = Organization.objects.create(name="Bench Brand", slug="bench-brand")
    brand = Brand.objects.create(organization=org, name="Bench", slug="bench")
    campaign = Campaign.objects.create(
        organization=org,
        brand=brand,
        name="Last spring",
        status=Campaign.Status.COMPLETED,
        budget_cents=10**9,
    )
    rng = random.Random(11)
    picked = rng.sample(range(1, creators + 1), min(participants, creators))
    Participation.objects.bulk_create(
        [
            Participation(
                public_id=f"par_bench{n:08d}",
                organization=org,
                campaign=campaign,
                creator_id=cid,
                agreed_total_cents=15000,
                currency="USD",
                tracking_code=f"b{n:09d}",
                promo_code=f"BENCH{n:08d}",
                status=Participation.Status.COMPLETED,
            )
            for n, cid in enumerate(picked)
        ],
        batch_size=1000,
    )
    print(f"  worked-with-us: {len(picked):,} past participants", flush=True)
    return OrgAccess(organization=org, role=Role.VIEWER)


def vacuum_analyze() -> None:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"VACUUM ANALYZE in {time.perf_counter() - started:.1f} s", flush=True)


# -- timing --------------------------------------------------------------------------------------


@dataclass
class Case:
    label: str
    params: dict[str, Any]


CASES = [
    Case(
        "TikTok, ≥10k followers, US · most followers",
        {"platform": "tiktok", "min_followers": 10_000, "country": "US", "sort": "followers_desc"},
    ),
    Case(
        "Instagram, beauty, ≥3 % engagement · highest engagement",
        {
            "platform": "instagram",
            "niche": "beauty",
            "min_engagement_bp": 300,
            "sort": "engagement_desc",
        },
    ),
    Case(
        "YouTube, DE, ≤50k followers · fewest followers",
        {"platform": "youtube", "country": "DE", "max_followers": 50_000, "sort": "followers_asc"},
    ),
    Case(
        "TikTok, NZ, music, ≥50k (rare) · most followers",
        {
            "platform": "tiktok",
            "country": "NZ",
            "niche": "music",
            "min_followers": 50_000,
            "sort": "followers_desc",
        },
    ),
    Case(
        "Any platform, GB, fitness, verified · most followers",
        {"country": "GB", "niche": "fitness", "verified_only": True, "sort": "followers_desc"},
    ),
    Case(
        "Any platform, 5k-50k, food · newest",
        {"min_followers": 5_000, "max_followers": 50_000, "niche": "food", "sort": "newest"},
    ),
    Case(
        "Any platform, ≥5 % engagement, US, tech · highest engagement",
        {"min_engagement_bp": 500, "country": "US", "niche": "tech", "sort": "engagement_desc"},
    ),
    Case(
        "Worked with us, TikTok, beauty · most followers",
        {"worked_with_us": True, "platform": "tiktok", "niche": "beauty", "sort": "followers_desc"},
    ),
    Case(
        "Instagram, US, verified · newest",
        {"platform": "instagram", "country": "US", "verified_only": True, "sort": "newest"},
    ),
    Case("No filters · most followers (the page's default)", {"sort": "followers_desc"}),
]


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def time_cases(access: Any, runs: int, explain: bool, page_size: int) -> list[dict[str, Any]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from discovery.search import (
        CreatorSearchParams,
        _capped_count,
        account_search_queryset,
        creator_search_queryset,
        search_creators,
    )

    results = []
    for case in CASES:
        params = CreatorSearchParams(page_size=page_size, **case.params)

        def run(params: CreatorSearchParams = params) -> Any:
            return search_creators(access=access, params=params)

        for _ in range(3):  # warm: plans cached by the OS page cache and shared buffers
            page = run()
        with CaptureQueriesContext(connection) as captured:
            page = run()
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            run()
            timings.append((time.perf_counter() - started) * 1000)
        matching = (
            account_search_queryset(access, params)
            if params.platform
            else creator_search_queryset(access, params)
        )
        count_timings = []
        for _ in range(runs):
            started = time.perf_counter()
            _capped_count(matching)
            count_timings.append((time.perf_counter() - started) * 1000)
        row = {
            "case": case.label,
            "count_ms": statistics.median(count_timings),
            "median_ms": statistics.median(timings),
            "p95_ms": _percentile(timings, 95),
            "queries": len(captured.captured_queries),
            "results": page.total_label,
            "page": len(page.items),
        }
        results.append(row)
        print(
            f"  {row['median_ms']:7.1f} {row['p95_ms']:7.1f} {row['count_ms']:7.1f} {row['queries']:>3} "
            f"{row['results']:>7}  {case.label}",
            flush=True,
        )
        if explain:
            _explain(captured.captured_queries)
    return results


def _explain(queries: list[dict[str, str]]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for q in queries[:2]:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
            print("\n".join("      " + line for (line,) in cursor.fetchall()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--creators", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--page-size", type=int, default=25)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept database (no reload)")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE")
    args = parser.parse_args(argv)

    url = bench_database_url()
    print(
        f"Creator search benchmark on {urlsplit(url)._replace(netloc=urlsplit(url).hostname or '').geturl()}"
    )
    if not args.reuse:
        recreate_database(url)
    setup_django(url)
    from django.core.management import call_command

    from organizations.access import OrgAccess
    from organizations.models import Organization
    from organizations.roles import Role

    try:
        if args.reuse:
            access = OrgAccess(
                organization=Organization.objects.get(slug="bench-brand"), role=Role.VIEWER
            )
        else:
            started = time.perf_counter()
            call_command("migrate", verbosity=0)
            load_creators(args.creators)
            access = load_worked_with(args.creators)
            vacuum_analyze()
            print(f"Loaded in {time.perf_counter() - started:.1f} s", flush=True)
        print(f"\nFirst page ({args.page_size} creators), {args.runs} warm runs each:")
        print(f"  {'median':>7} {'p95':>7} {'count':>7} {'SQL':>3} {'matches':>7}  case (ms)")
        results = time_cases(access, args.runs, args.explain, args.page_size)
    finally:
        if not args.keep:
            drop_database(url)
    worst = max(r["p95_ms"] for r in results)
    verdict = "under" if worst < GOAL_MS else "OVER"
    print(f"\nWorst p95: {worst:.1f} ms ({verdict} the {GOAL_MS:.0f} ms goal).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
