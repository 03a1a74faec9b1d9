"""Benchmark: Shopify orders through the real webhook endpoint, attributed against many clicks.

Since the inbox (``analytics.shopify_inbox``) the request only checks and stores the delivery
(and publishes its task to the broker of ``REDIS_URL``, or the file-system broker): its time and
queries are measured apart from the worker's (``shopify_delivery_process`` run here, in order,
on every stored delivery: attribution and credits), and a replay is the same webhook id again.
At load about 2, 300 orders against 100,000 clicks: request median 10.9 ms, p95 19.7 ms, 10 SQL
queries; worker median 32.1 ms, 22 queries; the same run before the inbox: 26.7 ms, 21 queries.

Creates a dedicated database (``chorus_bench_conversions`` next to the one in ``DATABASE_URL``, or
``BENCH_DATABASE_URL``), migrates it, makes one campaign with ``--creators`` participations and a
connected store, loads ``--clicks`` clicks with ``COPY`` (``--visitors`` distinct hashed
addresses, spread over 30 days), then sends ``--orders`` signed ``orders/create`` webhooks through
Django (signature check, parsing, attribution by promo code / tracking reference / the buyer's
clicks, credits under three models), a third of them with a promo code. It prints orders per
second, the median and p95 per order, SQL queries per order, then the time of a replay (the
same order again) and of the campaign selectors (exposure distribution, credits per creator).

It then prints the ``EXPLAIN (ANALYZE, BUFFERS)`` of the attribution's click lookup for the last
order, and with ``--flush N`` times ``clicks_flush`` writing N buffered clicks into the loaded
table (needs ``REDIS_URL``). At 1,000,000 clicks the lookup is an index probe on
``click_org_visitor_time``, 0.12 ms (was a parallel sequential scan, 103 ms), worker median
21.0 ms per order (was 109.4 ms); the index costs the batch writer about 20 % of its rows/s.

    .venv/bin/python -m bench.conversions [--creators 200] [--clicks 200000] [--orders 1000]
        [--flush 50000]

Figures (2026-11-30, 2 vCPUs shared with other helpers' test runs, load average about 15,
PostgreSQL 15): 1,000 orders against 200,000 clicks of 50,000 visitors and 200 creators: 7.6
orders/s sequential in one process; per order median 114 ms, p95 210 ms, 21 SQL queries each
(fixed, whatever the clicks); a replayed order median 117 ms (the machine's load dominates: the
same replay takes 9 ms on an idle SQLite demo); 993 of 1,000 attributed, 9,525 credit rows;
customers reached by 1 / 2 / 3 / 4+ creators: 53 / 138 / 181 / 613; both campaign selectors
together median 84 ms.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench.creator_search import (
    DEFAULT_URL,
    _copy,
    drop_database,
    recreate_database,
    setup_django,
    vacuum_analyze,
)

BENCH_DB = "chorus_bench_conversions"
SECRET = "shpss_bench_secret_0123456789abcdef"
SHOP = "bench-store.myshopify.com"


def bench_database_url() -> str:
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    parts = urlsplit(os.environ.get("DATABASE_URL", DEFAULT_URL))
    if not parts.scheme.startswith("postgres"):
        parts = urlsplit(DEFAULT_URL)
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def _pct(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


def load(creators: int, clicks: int, visitors: int) -> tuple[Any, list[Any]]:
    from analytics.conversions_stores import store_connect
    from analytics.services import visitor_hash
    from campaigns.models import Campaign
    from tests.conftest import Tenant
    from tests.factories.campaigns import CampaignFactory
    from tests.factories.organizations import (
        BrandFactory,
        MembershipFactory,
        OrganizationFactory,
        UserFactory,
    )
    from tests.factories.recruitment import ParticipationFactory

    owner = UserFactory(email="bench-owner@example.com")
    org = OrganizationFactory(name="Bench Org", slug="bench")
    brand = BrandFactory(organization=org, name="Bench Brand", slug="bench-brand")
    MembershipFactory(organization=org, user=owner, role="owner")
    campaign = CampaignFactory(
        organization=org,
        brand=brand,
        status=Campaign.Status.ACTIVE,
        commission_per_conversion_cents=300,
        budget_cents=10**10,
        deliverables=[],
    )
    participations = [
        ParticipationFactory(
            campaign=campaign,
            promo_code=f"BENCH{i:05d}",
            tracking_code=f"b{i:06d}",
            slots=False,
            commitment=False,
        )
        for i in range(creators)
    ]
    print(f"  participations: {creators:,}", flush=True)
    store_connect(
        access=Tenant(org=org, brand=brand, owner=owner).access(),
        brand=brand,
        shop_domain=SHOP,
        secret=SECRET,
    )
    rng = random.Random(11)
    now = datetime.now(UTC)
    hashes = [
        visitor_hash(f"10.{v // 65536}.{(v // 256) % 256}.{v % 256}") for v in range(visitors)
    ]
    rows = []
    for _ in range(clicks):
        p = participations[rng.randrange(creators)]
        at = now - timedelta(seconds=rng.randrange(30 * 86400))
        rows.append((org.pk, p.pk, str(uuid.uuid4()), at, hashes[rng.randrange(visitors)], "", ""))
    _copy(
        "analytics_click",
        [
            "organization_id",
            "participation_id",
            "click_id",
            "created_at",
            "visitor_hash",
            "referrer_host",
            "user_agent",
        ],
        rows,
    )
    return campaign, participations


def send_orders(orders: int, visitors: int, participations: list[Any]) -> dict[str, Any]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from analytics.webhooks_shopify import signature

    rng = random.Random(5)
    client = Client()
    now = datetime.now(UTC)
    times: list[float] = []
    queries: list[int] = []
    last_body = b""
    for n in range(orders):
        v = rng.randrange(visitors)
        payload = {
            "id": 5_000_000_000_000 + n,
            "created_at": now.isoformat(),
            "currency": "USD",
            "current_subtotal_price": f"{rng.randrange(1000, 20000) / 100:.2f}",
            "discount_codes": (
                [{"code": participations[rng.randrange(len(participations))].promo_code}]
                if n % 3 == 0
                else []
            ),
            "landing_site": None,
            "customer": {"id": 9_000_000 + v},
            "client_details": {"browser_ip": f"10.{v // 65536}.{(v // 256) % 256}.{v % 256}"},
        }
        body = json.dumps(payload).encode()
        last_body = body
        headers = {
            "X-Shopify-Topic": "orders/create",
            "X-Shopify-Shop-Domain": SHOP,
            "X-Shopify-Hmac-Sha256": signature(SECRET, body),
            "X-Shopify-Webhook-Id": f"bench-{n}",
        }
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            answer = client.post(
                "/webhooks/shopify/", data=body, content_type="application/json", headers=headers
            )
            times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.content
        queries.append(len(captured.captured_queries))
    replay: list[float] = []
    for _ in range(50):
        started = time.perf_counter()
        answer = client.post(
            "/webhooks/shopify/",
            data=last_body,
            content_type="application/json",
            headers={
                "X-Shopify-Topic": "orders/create",
                "X-Shopify-Shop-Domain": SHOP,
                "X-Shopify-Hmac-Sha256": signature(SECRET, last_body),
                "X-Shopify-Webhook-Id": f"bench-{orders - 1}",
            },
        )
        replay.append((time.perf_counter() - started) * 1000)
        assert answer.json()["status"] == "duplicate"
    return {"times": times, "queries": queries, "replay": replay, **process_all()}


def process_all() -> dict[str, Any]:
    """The worker's side: every stored delivery, one by one, as the task would."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from analytics.models import ShopifyDelivery
    from analytics.shopify_inbox import shopify_delivery_process

    times: list[float] = []
    queries: list[int] = []
    ids = ShopifyDelivery.objects.order_by("pk").values_list("pk", flat=True)
    for pk in list(ids):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            outcome = shopify_delivery_process(delivery_id=pk)
            times.append((time.perf_counter() - started) * 1000)
        assert outcome.status == "processed", outcome
        queries.append(len(captured.captured_queries))
    return {"work_times": times, "work_queries": queries}


def flush_rate(count: int, visitors: int, participations: list[Any]) -> tuple[int, float]:
    """The click write path on the loaded table: ``count`` clicks of the bench's visitors
    buffered in the Redis stream (as ``/r/`` does), then written by ``clicks_flush``; returns
    the rows written and the seconds. The stream is under this database's own key prefix."""
    from django.conf import settings

    from analytics import click_buffer
    from analytics.services import clicks_flush, visitor_hash

    settings.CACHES["default"]["KEY_PREFIX"] = f"bench-conv-{os.getpid()}"
    click_buffer.reset()
    conn = click_buffer.client()
    assert conn is not None, "--flush needs REDIS_URL"
    rng = random.Random(17)
    hashes = [
        visitor_hash(f"10.{v // 65536}.{(v // 256) % 256}.{v % 256}") for v in range(visitors)
    ]
    now_ms = int(time.time() * 1000)
    key = click_buffer.stream_key()
    pipe = conn.pipeline(transaction=False)
    for n in range(count):
        p = participations[rng.randrange(len(participations))]
        pipe.xadd(
            key,
            {
                "o": p.organization_id,
                "p": p.pk,
                "id": str(uuid.uuid4()),
                "t": now_ms + n,  # clicks arrive in time order
                "v": hashes[rng.randrange(visitors)],
            },
        )
    pipe.execute()
    try:
        started = time.perf_counter()
        written = clicks_flush(max_batches=10**6)
        return written, time.perf_counter() - started
    finally:
        conn.delete(key)


def explain_click_lookup(brand_id: int) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the attribution's click query for the last order with a
    visitor (the query ``clicked_touches`` runs, with that order's hashes)."""
    from django.db import connection

    from analytics.attribution import clicks_of_visitors, visitor_hashes
    from analytics.models import Conversion

    conversion = Conversion.objects.exclude(visitor_hash="").order_by("-pk").first()
    assert conversion is not None
    query = clicks_of_visitors(conversion, brand_id, visitor_hashes(conversion))
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--creators", type=int, default=200)
    parser.add_argument("--clicks", type=int, default=200_000)
    parser.add_argument("--visitors", type=int, default=50_000)
    parser.add_argument("--orders", type=int, default=1_000)
    parser.add_argument(
        "--flush", type=int, default=0, help="then time clicks_flush of this many clicks"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    logging.disable(logging.INFO)  # one log line per request would time the terminal

    url = bench_database_url()
    print(f"Conversions benchmark on database {urlsplit(url).path.lstrip('/')}")
    recreate_database(url)
    setup_django(url)
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    try:
        call_command("migrate", verbosity=0)
        campaign, participations = load(args.creators, args.clicks, args.visitors)
        vacuum_analyze()
        wall = time.perf_counter()
        result = send_orders(args.orders, args.visitors, participations)
        wall = time.perf_counter() - wall
        from analytics.attribution import campaign_creator_credits, campaign_exposure_distribution
        from analytics.models import Conversion, ConversionCredit

        selector_ms = []
        for _ in range(5):
            started = time.perf_counter()
            buckets = campaign_exposure_distribution(campaign)
            credits = campaign_creator_credits(campaign)
            selector_ms.append((time.perf_counter() - started) * 1000)
        times, queries = result["times"], result["queries"]
        print(
            f"\n{args.orders:,} orders against {args.clicks:,} clicks of {args.visitors:,} "
            f"visitors and {args.creators} creators:"
        )
        print(f"  orders/s (sequential, one process): {args.orders / wall:,.1f}")
        print(
            f"  per request (check, store, queue): median {statistics.median(times):.1f} ms, "
            f"p95 {_pct(times, 95):.1f} ms; SQL queries median {statistics.median(queries):.0f}, "
            f"max {max(queries)}"
        )
        work, work_q = result["work_times"], result["work_queries"]
        print(
            f"  per order in the worker (attribute, credit): median {statistics.median(work):.1f}"
            f" ms, p95 {_pct(work, 95):.1f} ms; SQL queries median "
            f"{statistics.median(work_q):.0f}, max {max(work_q)}"
        )
        print(f"  replayed order (duplicate): median {statistics.median(result['replay']):.1f} ms")
        attributed = Conversion.objects.filter(participation__isnull=False).count()
        print(
            f"  attributed {attributed:,} of {Conversion.objects.count():,}; "
            f"credit rows {ConversionCredit.objects.count():,}"
        )
        print(
            "  exposure distribution: "
            + ", ".join(f"{b.label}: {b.customers}" for b in buckets)
            + f"; creators credited: {len(credits)}"
        )
        print(f"  campaign selectors (both): median {statistics.median(selector_ms):.1f} ms")
        print("\nThe click lookup of the last order (EXPLAIN ANALYZE, BUFFERS):")
        print(explain_click_lookup(campaign.brand_id))
        if args.flush:
            written, seconds = flush_rate(args.flush, args.visitors, participations)
            print(
                f"\nclicks_flush: {written:,} buffered clicks written in {seconds:.2f} s "
                f"({written / seconds:,.0f} rows/s) into {args.clicks:,} clicks"
            )
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
