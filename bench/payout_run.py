"""Benchmark: a payout run over 10,000 creators with 50,000 accruals, and a campaign's spend page.

Creates a dedicated database (``chorus_bench_payouts`` next to the one in ``DATABASE_URL``, or
``BENCH_DATABASE_URL``), migrates it, loads creators (``bench.creator_search.load_creators``),
three campaigns of one brand and, with ``COPY``, the ledger as acceptances and approvals post it:
per creator and campaign a commitment, then five approved posts per creator (three in one
campaign, two in the next), each committed → payable. Each creator has a Stripe account that can
receive transfers at an in-process Stripe stand-in (the real ``stripe`` library talks to it over
HTTP). Then it times one payout run (``payouts.runs.payout_run_execute``: claims, ledger postings,
one Transfer per creator and currency) and counts the transfers Stripe executed, and times the
busiest campaign's spend page (the whole GET through Django, warm).

    .venv/bin/python -m bench.payout_run [--creators 10000] [--runs 20] [--keep]

Figures (2026-11-30, after the ledger was batched, load average ~2 on 2 vCPUs, PostgreSQL 15):
10,000 creators, 50,000 accruals: the run took 285 s wall (28.5 ms per payout: 17 SQL
statements and one HTTP call), 10,000 payouts, 10,000 Stripe transfers — exactly one per creator
and currency; a second run made 0 payouts and 0 transfers. The busiest campaign's spend page
(59,994 ledger entries, 11 SQL queries): median 54 ms, p95 82 ms. Before batching: 1,108 s
and ~60 statements per payout; the spend page 248 ms.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench.creator_search import (
    DEFAULT_URL,
    _copy,
    drop_database,
    load_creators,
    recreate_database,
    setup_django,
    vacuum_analyze,
)

BENCH_DB = "chorus_bench_payouts"
CAMPAIGNS = 3
FEES = (10_000, 5_000, 2_500, 4_000, 1_500)  # five posts per creator: 3 in one campaign, 2 next
GOAL_MS = 200.0


def bench_database_url() -> str:
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    parts = urlsplit(os.environ.get("DATABASE_URL", DEFAULT_URL))
    if not parts.scheme.startswith("postgres"):
        parts = urlsplit(DEFAULT_URL)
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def load_ledger(creators: int) -> tuple[Any, list[Any]]:
    """One organization and brand, three campaigns, and the ledger of every creator's posts."""
    from django.db import connection, transaction

    from campaigns.models import Campaign
    from organizations.models import Brand, Organization

    org = Organization.objects.create(name="Bench Payouts", slug="bench-payouts")
    brand = Brand.objects.create(organization=org, name="Bench", slug="bench")
    campaigns = [
        Campaign.objects.create(
            organization=org,
            brand=brand,
            name=f"Campaign {n}",
            status=Campaign.Status.ACTIVE,
            budget_cents=10**11,
            pay_by_days=14,
        )
        for n in range(CAMPAIGNS)
    ]
    now = datetime.now(UTC)
    accounts: list[tuple[Any, ...]] = []
    txns: list[tuple[Any, ...]] = []
    entries: list[tuple[Any, ...]] = []
    account_id = txn_id = entry_id = 0
    promised = dict.fromkeys(range(CAMPAIGNS), 0)
    budget_ids = {}
    for n in range(len(campaigns)):
        account_id += 1
        budget_ids[n] = account_id
    slot = 0
    for cid in range(1, creators + 1):
        first = cid % CAMPAIGNS
        for n, fees in ((first, FEES[:3]), ((first + 1) % CAMPAIGNS, FEES[3:])):
            c = campaigns[n]
            account_id += 1
            committed_id = account_id
            account_id += 1
            payable_id = account_id
            accounts += [
                (committed_id, org.pk, c.pk, cid, "committed", "USD", 0, now),
                (payable_id, org.pk, c.pk, cid, "payable", "USD", sum(fees), now),
            ]
            total = sum(fees)
            promised[n] += total
            at = now - timedelta(days=10)
            txn_id += 1
            txns.append(
                (txn_id, f"ltx_bc{txn_id:010d}", at, org.pk, c.pk, "commit",
                 f"commit:participation:{cid}:{n}", json.dumps({}), 0)
            )  # fmt: skip
            entry_id += 2
            entries += [
                (entry_id - 1, org.pk, txn_id, budget_ids[n], -total, "USD"),
                (entry_id, org.pk, txn_id, committed_id, total, "USD"),
            ]
            for fee in fees:
                slot += 1
                txn_id += 1
                approved = now - timedelta(hours=(slot * 7) % 200)
                txns.append(
                    (txn_id, f"ltx_ba{txn_id:010d}", approved, org.pk, c.pk, "accrue",
                     f"accrue:slot:{slot}", json.dumps({"slot_id": slot}), 0)
                )  # fmt: skip
                entry_id += 2
                entries += [
                    (entry_id - 1, org.pk, txn_id, committed_id, -fee, "USD"),
                    (entry_id, org.pk, txn_id, payable_id, fee, "USD"),
                ]
    for n, c in enumerate(campaigns):
        accounts.append((budget_ids[n], org.pk, c.pk, None, "budget", "USD", -promised[n], now))
        Campaign.objects.filter(pk=c.pk).update(committed_cents=promised[n])
    with transaction.atomic():
        _copy(
            "ledger_ledgeraccount",
            ["id", "organization_id", "campaign_id", "creator_id", "kind", "currency",
             "balance_cents", "created_at"],
            accounts,
        )  # fmt: skip
        _copy(
            "ledger_transaction",
            ["id", "public_id", "created_at", "organization_id", "campaign_id", "kind", "key",
             "data", "capped_cents"],
            txns,
        )  # fmt: skip
        _copy(
            "ledger_entry",
            ["id", "organization_id", "transaction_id", "account_id", "amount_cents", "currency"],
            entries,
        )  # fmt: skip
    with connection.cursor() as cursor:
        for table in ("ledger_ledgeraccount", "ledger_transaction", "ledger_entry"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
    accruals = sum(1 for t in txns if t[5] == "accrue")
    print(f"  {accruals:,} accruals, {len(entries):,} ledger entries", flush=True)
    return org, campaigns


def load_accounts(creators: int, state: Any) -> None:
    """A Stripe account per creator, onboarded (transfers active), at the stand-in."""
    from payouts.models import ConnectedAccount
    from payouts.stripe_standin import resources

    rows = []
    for cid in range(1, creators + 1):
        account = resources.create_account(
            state, {"type": "express", "capabilities": {"transfers": {"requested": "true"}}}
        )
        resources.onboarding_outcome(account, "complete")
        rows.append(
            ConnectedAccount(
                public_id=f"cac_bench{cid:08d}",
                creator_id=cid,
                stripe_account_id=account["id"],
                details_submitted=True,
                payouts_enabled=True,
                transfers_capability="active",
            )
        )
    ConnectedAccount.objects.bulk_create(rows, batch_size=2000)
    print(f"  {len(rows):,} connected accounts", flush=True)


def time_spend_page(org: Any, campaign: Any, runs: int) -> tuple[float, float, int]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ledger.models import Entry
    from organizations.models import Membership
    from organizations.roles import Role
    from users.models import User

    settings.ALLOWED_HOSTS = ["*"]
    # The page, not the asset pipeline: no collected manifest is needed to render it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    user = User.objects.create_user(email="bench-owner@example.com", password=None)
    Membership.objects.create(organization=org, user=user, role=Role.OWNER)
    client = Client()
    client.force_login(user)
    url = f"/o/{org.slug}/campaigns/{campaign.public_id}/spend/"
    entries = Entry.objects.filter(transaction__campaign=campaign).count()
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
    print(f"  spend page SQL queries: {len(queries)}", flush=True)
    return statistics.median(times), sorted(times)[int(len(times) * 0.95) - 1], entries


class _Counter:
    """Counts the SQL statements sent (a ``connection.execute_wrapper``; nothing kept)."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.n += 1
        return execute(sql, params, many, context)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--creators", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    # One log line per request and per Stripe call would time the terminal, not the run.
    logging.disable(logging.INFO)

    url = bench_database_url()
    print(f"Payout run benchmark on database {urlsplit(url).path.lstrip('/')}")
    recreate_database(url)
    setup_django(url)
    from django.conf import settings
    from django.core.management import call_command

    from payouts.models import Payout, PayoutRun
    from payouts.runs import payout_run_execute
    from payouts.stripe_standin import STANDIN_SECRET_KEY
    from payouts.stripe_standin.server import create_standin_server
    from payouts.stripe_standin.state import StripeState

    state = StripeState()
    server = create_standin_server(state=state)
    import threading

    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    standin = f"http://127.0.0.1:{server.server_address[1]}"
    settings.STRIPE_API_BASE = settings.STRIPE_CONNECT_BASE = standin
    settings.STRIPE_SECRET_KEY = STANDIN_SECRET_KEY
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        load_creators(args.creators)
        org, campaigns = load_ledger(args.creators)
        load_accounts(args.creators, state)
        state.add_available("usd", 10**12)
        vacuum_analyze()
        print(f"Loaded in {time.perf_counter() - started:.1f} s", flush=True)

        run = PayoutRun.objects.create(trigger=PayoutRun.Trigger.SCHEDULED)
        from django.db import connection

        counter = _Counter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            if os.environ.get("BENCH_PROFILE"):
                import cProfile
                import pstats

                profile = cProfile.Profile()
                run = profile.runcall(payout_run_execute, run=run)
                pstats.Stats(profile).sort_stats("cumulative").print_stats(35)
            else:
                run = payout_run_execute(run=run)
        wall = time.perf_counter() - started
        transfers = state.calls["POST /v1/transfers"]
        payouts = Payout.objects.count()
        paid = Payout.objects.filter(state=Payout.State.PAID).count()
        print(
            f"\nPayout run: {wall:.1f} s wall, {run.payouts_created:,} payouts "
            f"({paid:,} paid, {run.payouts_failed} failed), {transfers:,} Stripe transfers "
            f"for {args.creators:,} creators x 1 currency "
            f"({'exactly one each' if transfers == payouts == args.creators else 'MISMATCH'}); "
            f"{wall / max(payouts, 1) * 1000:.1f} ms per payout; {counter.n:,} SQL statements "
            f"({counter.n / max(payouts, 1):.1f} per payout)",
            flush=True,
        )
        again = payout_run_execute(run=PayoutRun.objects.create(trigger=PayoutRun.Trigger.MANUAL))
        print(
            f"A second run: {again.payouts_created} payouts, "
            f"{state.calls['POST /v1/transfers'] - transfers} more transfers",
            flush=True,
        )
        vacuum_analyze()
        median_ms, p95_ms, entries = time_spend_page(org, campaigns[0], args.runs)
        verdict = "under" if p95_ms < GOAL_MS else "OVER"
        print(
            f"Spend page of a campaign with {entries:,} ledger entries: median {median_ms:.1f} ms, "
            f"p95 {p95_ms:.1f} ms ({verdict} the {GOAL_MS:.0f} ms goal)",
            flush=True,
        )
    finally:
        server.shutdown()
        server.server_close()
        if not args.keep:
            drop_database(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
