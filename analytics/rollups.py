"""Daily rollups: incremental runs over new raw rows, and a full rebuild from raw data.

A run reads each source table past its watermark (``RollupState``), turns the new rows into
dirty keys — (post, first day touched), (participation, day) — and recomputes only those
rows, level by level, with INSERT … ON CONFLICT DO UPDATE:

1. posts: a day's end gauges are the latest snapshot of that day; its deltas are the end minus
   the latest earlier non-null figure of the post (so a late snapshot for an old day corrects
   that day and every later day of the post, which are all recomputed);
2. creators (participation): sums of their posts' days, clicks, conversions (last-touch
   attribution, revenue net of refunds, by the order's day) and spend (ledger entries to the
   creator's payable account from fees, bonuses, commissions and commission refunds);
3. campaigns: sums of their creators' days; 4. brands: sums of their campaigns', per currency.

Every level is a function of the level below, so incremental runs and a full rebuild agree
(``tests/analytics/test_rollup_consistency.py``). A run holds the state row's lock for its
whole transaction: a second worker skips instead of doubling the work, and watermarks move
with the rows they account for.

Rows committed late with ids below the watermark (a long transaction that drew its ids early)
are caught by looking again at the last ``OVERLAP`` ids of each table, keeping only rows
written by a transaction not older than the oldest one in flight when the previous run took
its watermarks (``snapshot_xmin``; a row the previous run could not see was written by such a
transaction, every older row it saw). Rows it already rolled up are thus not recomputed;
recomputing one twice would be harmless, only slower.

The SQL is PostgreSQL's (DISTINCT ON, temporary tables, LATERAL); on SQLite — the embedded
default — every run is a full rebuild in Python (``analytics.rollups_portable``, same rules,
checked against this module row for row), which a demo's few rows make cheap.
"""

# ruff: noqa: S608 - SQL is assembled from module constants (table and column names, kinds),
# never from input; values go as parameters.
from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from analytics.rollups_models import RollupState

logger = logging.getLogger(__name__)

STATE = "daily"
# Re-read this many ids below each watermark: rows whose transaction committed after a later
# one's (ids are drawn at insert, visible at commit).
OVERLAP = 2000
# Ledger transactions that change what a creator earned (a payout only moves it onward).
SPEND_KINDS = ("accrue", "bonus", "commission", "refund")
METRICS = ("views", "likes", "comments", "shares", "saves")
# Incremental runs force index probes per dirty key (hash and merge joins off). Measured up to a
# catch-up as large as all the data before it (bench/README.md, rollups): still faster than the
# planner's own joins and than a rebuild, so there is no switch by size. False only for the
# bench's comparison.
FORCE_INDEX_PROBES = True


@dataclass(frozen=True)
class RollupResult:
    ran: bool  # False: another worker holds the lock
    posts: int = 0  # post-days recomputed
    creators: int = 0  # creator-days recomputed
    campaigns: int = 0
    brands: int = 0


def _supported() -> bool:
    return connection.vendor == "postgresql"


def _lock_state() -> RollupState | None:
    """The state row, locked for this transaction; None when another run holds it."""
    RollupState.objects.get_or_create(name=STATE)
    return RollupState.objects.select_for_update(skip_locked=True).filter(name=STATE).first()


def _rebuild_portable() -> RollupResult:
    from analytics.rollups_portable import rollup_rebuild_portable

    posts, creators, campaigns, brands = rollup_rebuild_portable()
    RollupState.objects.update_or_create(
        name=STATE, defaults={"ran_at": timezone.now(), "rebuilt_at": timezone.now()}
    )
    return RollupResult(
        ran=True, posts=posts, creators=creators, campaigns=campaigns, brands=brands
    )


def rollup_run() -> RollupResult:
    """Roll up what arrived since the last run. Safe to call concurrently and repeatedly."""
    if not _supported():
        return _rebuild_portable()
    with transaction.atomic(durable=True):
        state = _lock_state()
        if state is None:
            return RollupResult(ran=False)
        with connection.cursor() as cur:
            _create_dirty_tables(cur)
            marks = _new_marks(cur)
            if FORCE_INDEX_PROBES:
                # Index probes per dirty key beat hashing whole rollup tables, whatever the
                # (often stale, just after a rebuild or a catch-up's load) estimates say.
                cur.execute("SET LOCAL enable_hashjoin = off")
                cur.execute("SET LOCAL enable_mergejoin = off")
            _dirty_from_sources(cur, state, marks)
            result = _recompute(cur, full=False)
        state.snapshot_id, state.click_id, state.conversion_id, state.refund_id = marks[:4]
        state.entry_id, state.snapshot_xmin = marks[4], marks[5]
        state.ran_at = timezone.now()
        state.save(
            update_fields=[
                "snapshot_id",
                "click_id",
                "conversion_id",
                "refund_id",
                "entry_id",
                "snapshot_xmin",
                "ran_at",
            ]
        )
    return result


def rollup_rebuild() -> RollupResult:
    """Throw the rollups away and compute them again from every raw row (a repair, and the
    reference the incremental runs are tested against)."""
    if not _supported():
        return _rebuild_portable()
    with transaction.atomic(durable=True):
        state = _lock_state()
        if state is None:
            return RollupResult(ran=False)
        with connection.cursor() as cur:
            marks = _new_marks(cur)
            for table in ("brandday", "campaignday", "creatorday", "postday"):
                cur.execute(f"DELETE FROM analytics_{table}")
            _create_dirty_tables(cur)
            _dirty_everything(cur)
            result = _recompute(cur, full=True)
        now = timezone.now()
        state.snapshot_id, state.click_id, state.conversion_id, state.refund_id = marks[:4]
        state.entry_id, state.snapshot_xmin = marks[4], marks[5]
        state.ran_at = state.rebuilt_at = now
        state.save(
            update_fields=[
                "snapshot_id",
                "click_id",
                "conversion_id",
                "refund_id",
                "entry_id",
                "snapshot_xmin",
                "ran_at",
                "rebuilt_at",
            ]
        )
    return result


# --------------------------------------------------------------------------- dirty keys

SOURCES = (
    "analytics_postmetricsnapshot",
    "analytics_click",
    "analytics_conversion",
    "analytics_conversionrefund",
    "ledger_entry",
)


def _new_marks(cur: CursorWrapper) -> tuple[int, ...]:
    """The highest id of each source table now (what this run reads up to), then the oldest
    transaction in flight (the next run's bound for rows committed late)."""
    selects = ", ".join(f"(SELECT COALESCE(MAX(id), 0) FROM {t})" for t in SOURCES)
    cur.execute(f"SELECT {selects}, pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
    return tuple(int(v) for v in cur.fetchone())


def _create_dirty_tables(cur: CursorWrapper) -> None:
    # A run's statements are short index walks whose row estimates can be large: compiling them
    # (JIT) would cost more than running them.
    cur.execute("SET LOCAL jit = off")
    cur.execute(
        "CREATE TEMPORARY TABLE IF NOT EXISTS rollup_dirty_post "
        "(organization_id bigint NOT NULL, live_post_id bigint PRIMARY KEY, "
        "from_day date NOT NULL) ON COMMIT DROP"
    )
    cur.execute(
        "CREATE TEMPORARY TABLE IF NOT EXISTS rollup_dirty_post_day "
        "(organization_id bigint NOT NULL, live_post_id bigint NOT NULL, day date NOT NULL, "
        "PRIMARY KEY (live_post_id, day)) ON COMMIT DROP"
    )
    cur.execute(
        "CREATE TEMPORARY TABLE IF NOT EXISTS rollup_dirty_creator "
        "(participation_id bigint NOT NULL, day date NOT NULL, "
        "PRIMARY KEY (participation_id, day)) ON COMMIT DROP"
    )


UTC_DAY = "(({col}) AT TIME ZONE 'UTC')::date"


def _add_creator_keys(cur: CursorWrapper, select_sql: str, params: list[int]) -> None:
    cur.execute(
        "INSERT INTO rollup_dirty_creator (participation_id, day) "
        f"SELECT DISTINCT participation_id, day FROM ({select_sql}) k "
        "WHERE participation_id IS NOT NULL ON CONFLICT DO NOTHING",
        params,
    )


def _spend_keys_sql(where: str) -> str:
    """(participation, day) of ledger entries that change what a creator earned."""
    kinds = ", ".join(f"'{k}'" for k in SPEND_KINDS)
    return (
        "SELECT p.id AS participation_id, "
        + UTC_DAY.format(col="t.created_at")
        + " AS day FROM ledger_entry e "
        "JOIN ledger_ledgeraccount a ON a.id = e.account_id AND a.kind = 'payable' "
        f"JOIN ledger_transaction t ON t.id = e.transaction_id AND t.kind IN ({kinds}) "
        "JOIN recruitment_participation p ON p.campaign_id = a.campaign_id "
        "AND p.creator_id = a.creator_id "
        f"WHERE {where}"
    )


def _late_span(cur: CursorWrapper, state: RollupState) -> int | None:
    """How many transaction ids back from this run's own the oldest one in flight at the
    previous run lies; None when unknown (read every row of the overlap again)."""
    if state.snapshot_xmin <= 0:
        return None
    cur.execute("SELECT pg_current_xact_id()::text::bigint")
    span = int(cur.fetchone()[0]) - state.snapshot_xmin
    return span if 0 <= span < 2**31 - 1 else None  # beyond the 32-bit xid horizon: unknown


def _late_filter(span: int | None, alias: str, mark: int) -> str:
    """Which rows at or below ``mark`` (the previous watermark) to read again: those written by
    a transaction not older than the oldest in flight at the previous run (``age(xmin)``
    counts back from this run's own transaction id)."""
    if span is None:
        return "TRUE"
    return f"({alias}.id > {int(mark)} OR age({alias}.xmin) <= {int(span)})"


def _dirty_from_sources(cur: CursorWrapper, state: RollupState, marks: tuple[int, ...]) -> None:
    snap_from = max(state.snapshot_id - OVERLAP, 0)
    span = _late_span(cur, state)
    snap_late = _late_filter(span, "s", state.snapshot_id)
    cur.execute(
        "INSERT INTO rollup_dirty_post (organization_id, live_post_id, from_day) "
        f"SELECT MIN(organization_id), live_post_id, MIN({UTC_DAY.format(col='retrieved_at')}) "
        "FROM analytics_postmetricsnapshot s WHERE id > %s AND id <= %s "
        f"AND {snap_late} GROUP BY live_post_id",
        [snap_from, marks[0]],
    )
    cur.execute(
        "INSERT INTO rollup_dirty_post_day (organization_id, live_post_id, day) "
        f"SELECT DISTINCT organization_id, live_post_id, {UTC_DAY.format(col='retrieved_at')} "
        f"FROM analytics_postmetricsnapshot s WHERE id > %s AND id <= %s AND {snap_late}",
        [snap_from, marks[0]],
    )
    lo = [max(v - OVERLAP, 0) for v in (state.click_id, state.conversion_id, state.refund_id)]
    _add_creator_keys(
        cur,
        f"SELECT participation_id, {UTC_DAY.format(col='created_at')} AS day "
        "FROM analytics_click c WHERE id > %s AND id <= %s "
        f"AND {_late_filter(span, 'c', state.click_id)}",
        [lo[0], marks[1]],
    )
    _add_creator_keys(
        cur,
        f"SELECT participation_id, {UTC_DAY.format(col='occurred_at')} AS day "
        "FROM analytics_conversion c WHERE id > %s AND id <= %s "
        f"AND {_late_filter(span, 'c', state.conversion_id)}",
        [lo[1], marks[2]],
    )
    _add_creator_keys(
        cur,
        f"SELECT c.participation_id, {UTC_DAY.format(col='c.occurred_at')} AS day "
        "FROM analytics_conversionrefund r JOIN analytics_conversion c ON c.id = r.conversion_id "
        f"WHERE r.id > %s AND r.id <= %s AND {_late_filter(span, 'r', state.refund_id)}",
        [lo[2], marks[3]],
    )
    _add_creator_keys(
        cur,
        _spend_keys_sql(f"e.id > %s AND e.id <= %s AND {_late_filter(span, 'e', state.entry_id)}"),
        [max(state.entry_id - OVERLAP, 0), marks[4]],
    )


def _dirty_everything(cur: CursorWrapper) -> None:
    cur.execute(
        "INSERT INTO rollup_dirty_post (organization_id, live_post_id, from_day) "
        "SELECT MIN(organization_id), live_post_id, '-infinity'::date "
        "FROM analytics_postmetricsnapshot GROUP BY live_post_id"
    )
    _add_creator_keys(
        cur,
        f"SELECT participation_id, {UTC_DAY.format(col='created_at')} AS day FROM analytics_click",
        [],
    )
    _add_creator_keys(
        cur,
        f"SELECT participation_id, {UTC_DAY.format(col='occurred_at')} AS day "
        "FROM analytics_conversion",
        [],
    )
    _add_creator_keys(cur, _spend_keys_sql("TRUE"), [])


# --------------------------------------------------------------------------- recompute


def _recompute(cur: CursorWrapper, *, full: bool) -> RollupResult:
    cur.execute("ANALYZE rollup_dirty_post")
    posts = _recompute_posts(cur, full=full)
    cur.execute("ANALYZE rollup_dirty_creator")
    creators = _recompute_creators(cur)
    campaigns, brands = _recompute_campaigns_and_brands(cur)
    return RollupResult(
        ran=True, posts=posts, creators=creators, campaigns=campaigns, brands=brands
    )


def _recompute_posts(cur: CursorWrapper, *, full: bool) -> int:
    ends = ", ".join(f"{m}_end" for m in METRICS)
    latest = ", ".join(f"s.{m}" for m in METRICS)
    # 1. End gauges: the latest snapshot of each touched day. A rebuild sorts every snapshot
    # once; an incremental run asks the (post, time) index for the last one of each day that
    # received snapshots (the only days whose ends can change), one probe per post-day.
    if full:
        updates = ", ".join(f"{m}_end = EXCLUDED.{m}_end" for m in METRICS)
        cur.execute(
            "INSERT INTO analytics_postday (organization_id, campaign_id, participation_id, "
            f"live_post_id, day, {ends}, views, engagements, likes, comments, shares, saves) "
            "SELECT DISTINCT ON (s.live_post_id, d) s.organization_id, s.campaign_id, "
            f"s.participation_id, s.live_post_id, d, {latest}, 0, 0, 0, 0, 0, 0 "
            f"FROM (SELECT s.*, {UTC_DAY.format(col='s.retrieved_at')} AS d "
            "  FROM analytics_postmetricsnapshot s JOIN rollup_dirty_post k "
            "  ON k.organization_id = s.organization_id AND k.live_post_id = s.live_post_id "
            "  AND s.retrieved_at >= (k.from_day::timestamp AT TIME ZONE 'UTC')) s "
            "ORDER BY s.live_post_id, d, s.retrieved_at DESC, s.id DESC "
            f"ON CONFLICT (organization_id, live_post_id, day) DO UPDATE SET {updates}"
        )
    else:
        # The deltas are computed here from the stored days before (exact for the first
        # touched day of each post, whose earlier days this run does not change; a guess for
        # later touched days, which step 2 recomputes): a new day is written once, not twice.
        # An unchanged day is not rewritten at all (a new row version and its index entries).
        earlier = {
            m: f"COALESCE(pr.{m}_end, (SELECT p.{m}_end FROM analytics_postday p "
            "WHERE p.organization_id = s.organization_id AND p.live_post_id = k.live_post_id "
            f"AND p.day < pr.day AND p.{m}_end IS NOT NULL ORDER BY p.day DESC LIMIT 1))"
            for m in METRICS
        }
        guess = {m: f"COALESCE(s.{m} - COALESCE({earlier[m]}, 0), 0)" for m in METRICS}
        guessed = ", ".join(
            [guess["views"], " + ".join(guess[m] for m in METRICS if m != "views")]
            + [guess[m] for m in METRICS if m != "views"]
        )
        written = ("views", "engagements", "likes", "comments", "shares", "saves")
        updates = ", ".join(
            f"{c} = EXCLUDED.{c}" for c in (*(f"{m}_end" for m in METRICS), *written)
        )
        updates += " WHERE ({}) IS DISTINCT FROM ({})".format(
            ", ".join(f"analytics_postday.{m}_end" for m in METRICS),
            ", ".join(f"EXCLUDED.{m}_end" for m in METRICS),
        )
        cur.execute(
            "INSERT INTO analytics_postday (organization_id, campaign_id, participation_id, "
            f"live_post_id, day, {ends}, {', '.join(written)}) "
            "SELECT s.organization_id, s.campaign_id, s.participation_id, k.live_post_id, k.day, "
            f"{latest}, {guessed} FROM rollup_dirty_post_day k "
            "CROSS JOIN LATERAL (SELECT * FROM analytics_postmetricsnapshot s "
            "  WHERE s.organization_id = k.organization_id AND s.live_post_id = k.live_post_id "
            "  AND s.retrieved_at >= (k.day::timestamp AT TIME ZONE 'UTC') "
            "  AND s.retrieved_at < ((k.day + 1)::timestamp AT TIME ZONE 'UTC') "
            "  ORDER BY s.retrieved_at DESC, s.id DESC LIMIT 1) s "
            "LEFT JOIN LATERAL (SELECT p.day, "
            + ", ".join(f"p.{m}_end" for m in METRICS)
            + " FROM analytics_postday p WHERE p.organization_id = s.organization_id "
            "  AND p.live_post_id = k.live_post_id AND p.day < k.day "
            "  ORDER BY p.day DESC LIMIT 1) pr ON TRUE "
            f"ON CONFLICT (organization_id, live_post_id, day) DO UPDATE SET {updates}"
        )
    # 2. Deltas of every touched day and those after it: end minus the latest earlier figure.
    # The previous day's row answers in one index probe; only a metric it has no figure for
    # looks further back (COALESCE evaluates its second argument only when needed).
    prev = ", ".join(
        f"COALESCE(pr.{m}_end, (SELECT p.{m}_end FROM analytics_postday p "
        "WHERE p.organization_id = r.organization_id AND p.live_post_id = r.live_post_id "
        f"AND p.day < pr.day AND p.{m}_end IS NOT NULL ORDER BY p.day DESC LIMIT 1)) AS prev_{m}"
        for m in METRICS
    )
    ends = ", ".join(f"p.{m}_end" for m in METRICS)
    delta = {m: f"COALESCE(r.{m}_end - COALESCE(x.prev_{m}, 0), 0)" for m in METRICS}
    engagements = " + ".join(delta[m] for m in METRICS if m != "views")
    sets = ", ".join(f"{m} = {delta[m]}" for m in METRICS)
    # An incremental run walks each dirty post's days after its first touched one (exact
    # since step 1) through the unique index (a hash join would read every post-day); a
    # rebuild touches them all, so it scans.
    touched = (
        "analytics_postday r JOIN rollup_dirty_post k "
        "  ON r.organization_id = k.organization_id AND r.live_post_id = k.live_post_id "
        "  AND r.day >= k.from_day "
        if full
        else "rollup_dirty_post k CROSS JOIN LATERAL (SELECT * FROM analytics_postday r "
        "  WHERE r.organization_id = k.organization_id AND r.live_post_id = k.live_post_id "
        "  AND r.day > k.from_day) r "
    )
    current = ", ".join(f"r.{m}" for m in (*METRICS, "engagements"))
    fresh = ", ".join([*(delta[m] for m in METRICS), engagements])
    x = (
        f"SELECT r.id, {prev} FROM {touched}"
        f"  LEFT JOIN LATERAL (SELECT p.day, {ends} FROM analytics_postday p "
        "    WHERE p.organization_id = r.organization_id AND p.live_post_id = r.live_post_id "
        "    AND p.day < r.day ORDER BY p.day DESC LIMIT 1) pr ON TRUE"
    )
    update = f"UPDATE analytics_postday r SET {sets}, engagements = {engagements}"
    if full:
        cur.execute(f"{update} FROM ({x}) x WHERE r.id = x.id")
    else:  # only the days whose deltas differ from the stored ones are rewritten
        cur.execute(
            f"{update} FROM ({x}) x WHERE r.id = x.id AND ({current}) IS DISTINCT FROM ({fresh})"
        )
    # 3. The creator-days the touched post-days feed; the post-days recomputed are counted.
    cur.execute(
        "WITH t AS MATERIALIZED (SELECT r.participation_id, r.day FROM analytics_postday r "
        "  JOIN rollup_dirty_post k ON r.organization_id = k.organization_id "
        "  AND r.live_post_id = k.live_post_id AND r.day >= k.from_day), "
        "i AS (INSERT INTO rollup_dirty_creator (participation_id, day) "
        "  SELECT DISTINCT participation_id, day FROM t WHERE participation_id IS NOT NULL "
        "  ON CONFLICT DO NOTHING) "
        "SELECT COUNT(*) FROM t"
    )
    return int(cur.fetchone()[0])


def _recompute_creators(cur: CursorWrapper) -> int:
    kinds = ", ".join(f"'{k}'" for k in SPEND_KINDS)
    start = "(k.day::timestamp AT TIME ZONE 'UTC')"
    end = "((k.day + 1)::timestamp AT TIME ZONE 'UTC')"
    cur.execute(
        "INSERT INTO analytics_creatorday (organization_id, campaign_id, participation_id, day, "
        "views, engagements, clicks, conversions, revenue_cents, spend_cents) "
        "SELECT p.organization_id, p.campaign_id, p.id, k.day, "
        "  COALESCE(pd.views, 0), COALESCE(pd.engagements, 0), COALESCE(cl.n, 0), "
        "  COALESCE(cv.n, 0), COALESCE(cv.revenue, 0), COALESCE(sp.amount, 0) "
        "FROM rollup_dirty_creator k JOIN recruitment_participation p ON p.id = k.participation_id "
        "LEFT JOIN LATERAL (SELECT SUM(views) AS views, SUM(engagements) AS engagements "
        "  FROM analytics_postday r WHERE r.organization_id = p.organization_id "
        "  AND r.participation_id = p.id AND r.day = k.day) pd ON TRUE "
        "LEFT JOIN LATERAL (SELECT COUNT(*) AS n FROM analytics_click c "
        "  WHERE c.organization_id = p.organization_id AND c.participation_id = p.id "
        f"  AND c.created_at >= {start} AND c.created_at < {end}) cl ON TRUE "
        "LEFT JOIN LATERAL (SELECT COUNT(*) AS n, SUM(c.revenue_cents - c.refunded_cents) AS revenue "
        "  FROM analytics_conversion c WHERE c.organization_id = p.organization_id "
        "  AND c.campaign_id = p.campaign_id AND c.participation_id = p.id "
        f"  AND c.occurred_at >= {start} AND c.occurred_at < {end}) cv ON TRUE "
        "LEFT JOIN LATERAL (SELECT SUM(e.amount_cents) AS amount FROM ledger_ledgeraccount a "
        "  JOIN ledger_entry e ON e.organization_id = a.organization_id AND e.account_id = a.id "
        f"  JOIN ledger_transaction t ON t.id = e.transaction_id AND t.kind IN ({kinds}) "
        f"  AND t.created_at >= {start} AND t.created_at < {end} "
        "  WHERE a.organization_id = p.organization_id AND a.campaign_id = p.campaign_id "
        "  AND a.kind = 'payable' AND a.creator_id = p.creator_id) sp ON TRUE "
        "ON CONFLICT (organization_id, participation_id, day) DO UPDATE SET "
        "views = EXCLUDED.views, engagements = EXCLUDED.engagements, clicks = EXCLUDED.clicks, "
        "conversions = EXCLUDED.conversions, revenue_cents = EXCLUDED.revenue_cents, "
        "spend_cents = EXCLUDED.spend_cents WHERE (analytics_creatorday.views, "
        "analytics_creatorday.engagements, analytics_creatorday.clicks, "
        "analytics_creatorday.conversions, analytics_creatorday.revenue_cents, "
        "analytics_creatorday.spend_cents) IS DISTINCT FROM (EXCLUDED.views, "
        "EXCLUDED.engagements, EXCLUDED.clicks, EXCLUDED.conversions, EXCLUDED.revenue_cents, "
        "EXCLUDED.spend_cents)"
    )
    cur.execute("SELECT COUNT(*) FROM rollup_dirty_creator")  # recomputed, rewritten or not
    return int(cur.fetchone()[0])


SUMS = ("views", "engagements", "clicks", "conversions", "revenue_cents", "spend_cents")


def _recompute_campaigns_and_brands(cur: CursorWrapper) -> tuple[int, int]:
    cols = ", ".join(SUMS)
    sums = ", ".join(f"COALESCE(SUM(r.{c}), 0)" for c in SUMS)
    excluded = ", ".join(f"{c} = EXCLUDED.{c}" for c in SUMS)
    cur.execute(
        "CREATE TEMPORARY TABLE rollup_dirty_campaign ON COMMIT DROP AS "
        "SELECT DISTINCT p.campaign_id, k.day FROM rollup_dirty_creator k "
        "JOIN recruitment_participation p ON p.id = k.participation_id"
    )
    cur.execute(
        "INSERT INTO analytics_campaignday (organization_id, brand_id, campaign_id, currency, day, "
        f"{cols}) SELECT c.organization_id, c.brand_id, c.id, c.currency, k.day, {sums} "
        "FROM rollup_dirty_campaign k JOIN campaigns_campaign c ON c.id = k.campaign_id "
        "LEFT JOIN analytics_creatorday r ON r.organization_id = c.organization_id "
        "AND r.campaign_id = c.id AND r.day = k.day "
        "GROUP BY c.organization_id, c.brand_id, c.id, c.currency, k.day "
        f"ON CONFLICT (organization_id, campaign_id, day) DO UPDATE SET {excluded}"
    )
    campaigns = int(cur.rowcount)
    cur.execute(
        "INSERT INTO analytics_brandday (organization_id, brand_id, currency, day, "
        f"{cols}) SELECT b.organization_id, b.brand_id, b.currency, b.day, {sums} "
        "FROM (SELECT DISTINCT c.organization_id, c.brand_id, c.currency, k.day "
        "  FROM rollup_dirty_campaign k JOIN campaigns_campaign c ON c.id = k.campaign_id) b "
        "LEFT JOIN analytics_campaignday r ON r.organization_id = b.organization_id "
        "AND r.brand_id = b.brand_id AND r.currency = b.currency AND r.day = b.day "
        "GROUP BY b.organization_id, b.brand_id, b.currency, b.day "
        f"ON CONFLICT (organization_id, brand_id, currency, day) DO UPDATE SET {excluded}"
    )
    brands = int(cur.rowcount)
    cur.execute("DROP TABLE rollup_dirty_campaign")
    return campaigns, brands
