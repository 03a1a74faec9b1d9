"""Benchmark: a campaign's spend page (issue 10) with 50,000+ ledger entries, goal < 200 ms.

Loads the payout benchmark's data (``bench.payout_run``: creators, three campaigns, five
approved posts per creator posted to the ledger) into ``chorus_bench_spend`` (or
``BENCH_SPEND_DATABASE_URL``), then pays most creators the way a run does, without Stripe:
``payouts.runs.payout_claim`` then ``payout_record_transfer`` with a made-up transfer (the
claim and the settlement post to the ledger as in a real run). A share of the creators is left
payable and without a Stripe account, so the page has pay-by dates at risk. Then it times
``GET /o/<org>/campaigns/<id>/spend/`` through Django's test client as the owner (middleware,
session, template), warm: median, p95, the request's SQL count and each SELECT's own database
time (``EXPLAIN ANALYZE``, median of 3), the slowest first.

    .venv/bin/python -m bench.spend_page [--creators 10000] [--unpaid 0.2] [--runs 30]
        [--keep] [--reuse] [--explain]

``--reuse`` times a database kept by ``--keep`` without loading it again; ``--explain`` prints
the plan of the slowest queries.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench.creator_search import (
    DEFAULT_URL,
    _percentile,
    drop_database,
    load_creators,
    recreate_database,
    setup_django,
    vacuum_analyze,
)

BENCH_DB = "chorus_bench_spend"
GOAL_MS = 200.0
OWNER = "bench-spend-owner@example.com"


def bench_database_url() -> str:
    if os.environ.get("BENCH_SPEND_DATABASE_URL"):
        return os.environ["BENCH_SPEND_DATABASE_URL"]
    parts = urlsplit(os.environ.get("DATABASE_URL", DEFAULT_URL))
    if not parts.scheme.startswith("postgres"):
        parts = urlsplit(DEFAULT_URL)
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def load(creators: int, unpaid: float) -> None:
    """The payout benchmark's ledger, then most creators paid as a run pays them."""
    from django.db import transaction

    from bench.payout_run import load_ledger
    from payouts.models import ConnectedAccount, PayoutRun
    from payouts.runs import _payable_groups, payout_claim, payout_record_transfer

    load_creators(creators)
    org, _campaigns = load_ledger(creators)
    paid_n = creators - int(creators * unpaid)
    ConnectedAccount.objects.bulk_create(
        [
            ConnectedAccount(
                public_id=f"cac_bench{cid:08d}",
                creator_id=cid,
                stripe_account_id=f"acct_bench{cid:08d}",
                details_submitted=True,
                payouts_enabled=True,
                transfers_capability="active",
            )
            for cid in range(1, paid_n + 1)
        ],
        batch_size=2000,
    )
    run = PayoutRun.objects.create(organization=org, trigger=PayoutRun.Trigger.MANUAL)
    groups, _waiting = _payable_groups(org.pk, None)
    started = time.perf_counter()
    for n, group in enumerate(groups, 1):
        payout = payout_claim(group=group, run=run)
        if payout is not None:
            with transaction.atomic():
                payout_record_transfer(payout, {"id": f"tr_bench{n:08d}"})
    print(
        f"  {len(groups):,} creators paid (claim + settle, no Stripe) in "
        f"{time.perf_counter() - started:.1f} s; {creators - paid_n:,} left payable",
        flush=True,
    )
    _owner(org)


def _owner(org: Any) -> Any:
    """The organization's owner the page is timed as (made once; a kept payout_run database
    has none)."""
    from organizations.models import Membership
    from organizations.roles import Role
    from users.models import User

    user = User.objects.filter(email=OWNER).first()
    if user is None:
        user = User.objects.create_user(email=OWNER, password=None)
        Membership.objects.create(organization=org, user=user, role=Role.OWNER)
    return user


def _explained(queries: list[dict[str, str]]) -> list[tuple[float, str]]:
    """Each SELECT's planning + execution time in the database (EXPLAIN ANALYZE, median of 3)."""
    from django.db import connection

    out = []
    with connection.cursor() as cursor:
        for q in queries:
            if not q["sql"].lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            runs = []
            for _ in range(3):
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + q["sql"])
                plan = cursor.fetchone()[0][0]
                runs.append(plan["Planning Time"] + plan["Execution Time"])
            out.append((statistics.median(runs), q["sql"]))
    return sorted(out, reverse=True)


def time_page(runs: int, explain: bool) -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from campaigns.models import Campaign
    from ledger.models import Entry

    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {  # the page, not the asset pipeline
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # The busiest campaign: the most ledger entries.
    campaign = max(
        Campaign.objects.all(),
        key=lambda c: Entry.objects.filter(transaction__campaign=c).count(),
    )
    client = Client()
    client.force_login(_owner(campaign.organization))
    entries = Entry.objects.filter(transaction__campaign=campaign).count()
    url = f"/o/{campaign.organization.slug}/campaigns/{campaign.public_id}/spend/"
    for _ in range(3):
        assert client.get(url).status_code == 200
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        body = client.get(url).content
    queries = list(captured.captured_queries)
    timings, cpu = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.thread_time()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - cpu_started) * 1000)
        assert response.status_code == 200
    explained = _explained(queries)
    print(f"  campaign {campaign.public_id}: {entries:,} ledger entries")
    print(
        f"  page: median {statistics.median(timings):.1f} ms, p95 {_percentile(timings, 95):.1f} ms, "
        f"app CPU {statistics.median(cpu):.1f} ms, {len(queries)} SQL queries, "
        f"database time of the SELECTs {sum(ms for ms, _ in explained):.1f} ms"
    )
    print("  slowest SELECTs (database ms):")
    for ms, sql in explained[:5]:
        print(f"    {ms:7.1f}  {' '.join(sql.split())[:150]}")
    if explain:
        with connection.cursor() as cursor:
            for _ms, sql in explained[:2]:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                print("\n".join(row[0] for row in cursor.fetchall()))
    return {
        "median": statistics.median(timings),
        "p95": _percentile(timings, 95),
        "entries": entries,
        "median_shown": b'data-testid="median"' in body,
        "at_risk_shown": b'data-testid="at-risk"' in body,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--creators", type=int, default=10_000)
    parser.add_argument("--unpaid", type=float, default=0.2, help="share left payable")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="time a kept database")
    parser.add_argument("--explain", action="store_true", help="print the slowest plans")
    args, _unknown = parser.parse_known_args(argv)
    logging.disable(logging.INFO)

    url = bench_database_url()
    print(f"Spend page benchmark on database {urlsplit(url).path.lstrip('/')}")
    if not args.reuse:
        recreate_database(url)
    setup_django(url)
    from django.core.management import call_command

    try:
        if not args.reuse:
            started = time.perf_counter()
            call_command("migrate", verbosity=0)
            load(args.creators, args.unpaid)
            vacuum_analyze()
            print(f"Loaded in {time.perf_counter() - started:.1f} s", flush=True)
        print(f"Load average before timing: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
        result = time_page(args.runs, args.explain)
        print(f"Load average after timing: {os.getloadavg()[0]:.1f}")
    finally:
        if not args.keep and not args.reuse:
            drop_database(url)
    verdict = "under" if result["median"] < GOAL_MS else "OVER"
    print(
        f"\nSpend page of a campaign with {result['entries']:,} ledger entries: median "
        f"{result['median']:.1f} ms, p95 {result['p95']:.1f} ms ({verdict} the {GOAL_MS:.0f} ms "
        f"goal); median shown: {result['median_shown']}, at-risk list shown: "
        f"{result['at_risk_shown']}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
