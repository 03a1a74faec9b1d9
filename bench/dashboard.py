"""Benchmark: a campaign's performance dashboard with 1,000 creators, 10,000 posts and 1,000,000
metric snapshots (rolled up), and the organization's overview: server time of the whole GET
through Django (warm), median and p95, and the number of SQL queries (pinned by
``tests/web/test_dashboard_pages.py``).

Builds its data as ``bench.rollup`` does, in its own database (``chorus_bench_dashboard``).

    .venv/bin/python -m bench.dashboard [--snapshots 1000000] [--creators 1000] [--runs 20]

Figures: see the report of the branch that added it (printed, never asserted).
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time
from typing import Any
from urllib.parse import urlsplit

from bench.creator_search import drop_database, recreate_database, setup_django, vacuum_analyze
from bench.rollup import DAYS, bench_database_url, load_outcomes, load_snapshots, load_world

BENCH_DB = "chorus_bench_dashboard"
GOAL_MS = 300.0


def time_page(client: Any, url: str, runs: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    p95 = sorted(times)[max(int(len(times) * 0.95) - 1, 0)]
    return statistics.median(times), p95, len(queries)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--snapshots", type=int, default=1_000_000)
    parser.add_argument("--creators", type=int, default=1_000)
    parser.add_argument("--posts-per-creator", type=int, default=10)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    logging.disable(logging.INFO)

    url = bench_database_url(BENCH_DB)
    print(f"Dashboard benchmark on database {urlsplit(url).path.lstrip('/')}", flush=True)
    recreate_database(url)
    setup_django(url)
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from analytics import rollups
    from organizations.models import Membership
    from organizations.roles import Role
    from users.models import User

    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    try:
        call_command("migrate", verbosity=0)
        org, campaign = load_world(args.creators, args.posts_per_creator)
        load_snapshots(args.snapshots)
        load_outcomes(0, DAYS)
        started = time.perf_counter()
        rollups.rollup_rebuild()
        print(f"  rolled up in {time.perf_counter() - started:.1f} s", flush=True)
        vacuum_analyze()
        user = User.objects.create_user(email="bench-owner@example.com", password=None)
        Membership.objects.create(organization=org, user=user, role=Role.OWNER)
        client = Client()
        client.force_login(user)
        pages = {
            "campaign dashboard": f"/o/{org.slug}/campaigns/{campaign.public_id}/performance/",
            "organization overview": f"/o/{org.slug}/performance/",
            "API detail": f"/api/v1/campaign-performance/{campaign.public_id}/",
        }
        for name, page in pages.items():
            if page.startswith("/api/"):
                client.defaults["HTTP_X_CHORUS_ORGANIZATION"] = org.slug
            median, p95, queries = time_page(client, page, args.runs)
            print(
                f"{name}: median {median:.0f} ms, p95 {p95:.0f} ms, {queries} SQL queries "
                f"(goal < {GOAL_MS:.0f} ms)",
                flush=True,
            )
    finally:
        if not args.keep:
            drop_database(url)
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main())
