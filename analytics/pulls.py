"""Platform metric pulls: which posts are tracked, when each is due, and one batched pull.

Three steps, each safe to run twice and concurrently:

1. ``posts_track`` (pull model): every approved live post without a PostMetrics row gets one,
   due at once. Submissions knows nothing of analytics; the dispatcher runs this first.
2. ``pulls_dispatch`` (beat, every minute): claims due rows with a lease (SELECT … FOR UPDATE
   SKIP LOCKED, then one UPDATE), groups them per platform and token into the platform's batch
   size and returns the batches for the task layer to queue. A lease that expired (a worker
   died, the broker lost the message) makes its row claimable again: that is the sweep.
3. ``pull_batch``: one ``fetch_post_metrics`` call per batch; snapshots written with one bulk
   insert that ignores conflicts (a redelivered pull writes nothing twice), latest figures and
   the next pull time stored, and the lease cleared in its own transaction whatever happened.
   The run takes its rows over under a token of its own (with a fresh lease) and writes only
   rows it still holds at commit: a pull that outlived its lease writes nothing.

Post age sets the cadence (``METRICS_PULL_TIERS``): often while fresh, rarely when old, and
not at all after the last tier (status ended). A permanent answer (deleted, private) ends
tracking with its reason; a temporary one (5xx, timeout, 429, an unreadable answer) is retried
with exponential back-off and jitter, never sooner than the platform's ``Retry-After``. A
creator's token the platform refuses is refreshed and the posts asked once more in the same
pull; refused again (or no refresh possible), the posts are marked ``reconnect`` (the creator
must connect the account again) and still retried with the same back-off, so figures resume by
themselves after a reconnect (which makes them due at once, and tells the creator once per
account: ``analytics.reconnect``). An odd figure fails its own post only (see ``platforms``).
"""

from __future__ import annotations

import datetime
import logging
import random
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from analytics.models import PostMetrics, PostMetricSnapshot
from analytics.reconnect import reconnect_notify
from creators.models import SocialAccount
from creators.tokens import batch_with_fresh_token
from platforms.errors import AuthError, PlatformError, UnexpectedResponse
from platforms.registry import get_client
from platforms.types import Platform, PostBatch
from platforms.types import PostMetrics as PlatformMetrics
from submissions.models import LivePost, ReviewState

logger = logging.getLogger("analytics.pulls")

# (age below, pull every), in seconds: every 15 min the first day, hourly to day 7, daily to
# day 30, weekly to day 90; past the last age the post is no longer pulled.
DEFAULT_TIERS: tuple[tuple[int, int], ...] = (
    (86_400, 15 * 60),
    (7 * 86_400, 3_600),
    (30 * 86_400, 86_400),
    (90 * 86_400, 7 * 86_400),
)
# As many ids per call as each platform allows (TikTok video/query 20, YouTube videos.list 50,
# Instagram's multiple-id read 50).
DEFAULT_BATCH_SIZES = {Platform.TIKTOK.value: 20, Platform.YOUTUBE.value: 50, "instagram": 50}
DEFAULT_LEASE_SECONDS = 600
DEFAULT_CLAIM_LIMIT = 5_000
DEFAULT_RETRY_FIRST_SECONDS = 300
DEFAULT_RETRY_MAX_SECONDS = 6 * 3_600

PULLABLE = (
    PostMetrics.Status.PENDING,
    PostMetrics.Status.OK,
    PostMetrics.Status.RETRYING,
    PostMetrics.Status.RECONNECT,
)
METRIC_FIELDS = ("views", "likes", "comments", "shares", "saves")


def _setting(name: str, default: Any) -> Any:
    value = getattr(settings, name, None)
    return default if value is None else value


def tiers() -> list[tuple[datetime.timedelta, datetime.timedelta]]:
    raw = _setting("METRICS_PULL_TIERS", DEFAULT_TIERS)
    return [
        (datetime.timedelta(seconds=int(a)), datetime.timedelta(seconds=int(e))) for a, e in raw
    ]


def batch_size(platform: str) -> int:
    sizes = {**DEFAULT_BATCH_SIZES, **_setting("METRICS_PULL_BATCH_SIZES", {})}
    return max(1, int(sizes.get(platform, 20)))


def next_pull_at(
    published_at: datetime.datetime, now: datetime.datetime
) -> datetime.datetime | None:
    """When a post published at ``published_at`` is next due, or None (past the horizon)."""
    age = now - published_at
    for below, every in tiers():
        if age < below:
            return now + every
    return None


def retry_delay(failures: int, retry_after_seconds: int | None = None) -> datetime.timedelta:
    """Exponential back-off with ±20 % jitter (so a platform outage's retries spread out),
    never sooner than the platform asked."""
    first = int(_setting("METRICS_PULL_RETRY_FIRST_SECONDS", DEFAULT_RETRY_FIRST_SECONDS))
    cap = int(_setting("METRICS_PULL_RETRY_MAX_SECONDS", DEFAULT_RETRY_MAX_SECONDS))
    base = min(first * 2 ** max(failures - 1, 0), cap)
    seconds = base * random.uniform(0.8, 1.2)  # jitter, not security
    return datetime.timedelta(seconds=max(seconds, retry_after_seconds or 0))


# 1. Tracking -----------------------------------------------------------------------------


def posts_track(*, limit: int = 1_000) -> int:
    """Start tracking approved live posts that have no PostMetrics row yet (due at once).

    Idempotent: the one-to-one on live_post makes a second run insert nothing."""
    now = timezone.now()
    posts = list(
        LivePost.objects.filter(state=ReviewState.APPROVED, metrics__isnull=True)
        .values("pk", "organization_id", "campaign_id", "submission__participation_id", "platform")
        .order_by("pk")[:limit]
    )
    if not posts:
        return 0
    rows = [
        PostMetrics(
            organization_id=p["organization_id"],
            live_post_id=p["pk"],
            campaign_id=p["campaign_id"],
            participation_id=p["submission__participation_id"],
            platform=p["platform"],
            next_pull_at=now,
        )
        for p in posts
    ]
    PostMetrics.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# 2. Dispatch -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PullBatch:
    platform: str
    metrics_ids: list[int]
    lease: str  # the claim's token: pull_batch pulls only rows this claim still holds


def _lease() -> datetime.timedelta:
    return datetime.timedelta(
        seconds=int(_setting("METRICS_PULL_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))
    )


def due_claim(
    *, now: datetime.datetime | None = None, limit: int | None = None
) -> list[PostMetrics]:
    """Lease due rows (skipping rows another worker holds) and return them."""
    now = now or timezone.now()
    limit = limit or int(_setting("METRICS_PULL_CLAIM_LIMIT", DEFAULT_CLAIM_LIMIT))
    lease = _lease()
    with transaction.atomic():
        ids = list(
            PostMetrics.objects.select_for_update(skip_locked=True)
            .filter(status__in=PULLABLE, next_pull_at__lte=now)
            .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
            .order_by("next_pull_at")
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return []
        PostMetrics.objects.filter(pk__in=ids).update(
            leased_until=now + lease, lease_token=uuid.uuid4()
        )
    return list(
        PostMetrics.objects.filter(pk__in=ids)
        .only("pk", "platform", "lease_token", "live_post__creator_id")
        .select_related("live_post")
    )


def _group_key(row: PostMetrics) -> tuple[str, int | None]:
    """Posts read with one token: a creator's (TikTok, Instagram), or the app's key (YouTube)."""
    creator = None if row.platform == Platform.YOUTUBE else row.live_post.creator_id
    return (row.platform, creator)


def pulls_dispatch(*, now: datetime.datetime | None = None) -> list[PullBatch]:
    """Track new approvals, claim what is due and cut it into per-call batches.

    Posts of one creator share a token (TikTok, Instagram); YouTube reads with the app's key,
    so all its posts batch together."""
    posts_track()
    claimed = due_claim(now=now)
    if not claimed:
        return []
    lease = str(claimed[0].lease_token)
    groups: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    for row in claimed:
        groups[_group_key(row)].append(row.pk)
    batches: list[PullBatch] = []
    for (platform, _), ids in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1] or 0)):
        size = batch_size(platform)
        for start in range(0, len(ids), size):
            batches.append(PullBatch(platform, ids[start : start + size], lease))
    return batches


# 3. One pull -----------------------------------------------------------------------------


def creator_account(creator_id: int, platform: str) -> SocialAccount | None:
    """The account whose token reads a creator's posts on ``platform`` (verified first)."""
    account: SocialAccount | None = (
        SocialAccount.objects.filter(creator_id=creator_id, platform=platform)
        .select_related("creator")
        .order_by(F("verified_at").desc(nulls_last=True), "pk")
        .first()
    )
    return account


def _api_id(post: LivePost) -> str:
    return post.api_post_id or post.post_id


def pull_batch(
    metrics_ids: Sequence[int], *, lease: str, now: datetime.datetime | None = None
) -> int:
    """Pull one batch claimed by ``pulls_dispatch`` under ``lease``; returns how many posts got
    figures.

    The rows are taken over from the claim's token to this run's own in one UPDATE, so of two
    deliveries of one task only one pulls, and a redelivery after the first finished (lease
    cleared) calls nothing and writes nothing."""
    now = now or timezone.now()
    mine = uuid.uuid4()
    # A full lease from now: a pull that starts late in its claim's lease is not re-claimed
    # under it while it calls the platform.
    taken = PostMetrics.objects.filter(
        pk__in=list(metrics_ids), lease_token=lease, leased_until__gte=now
    ).update(lease_token=mine, leased_until=now + _lease())
    if not taken:
        return 0
    try:
        rows = list(
            PostMetrics.objects.filter(lease_token=mine, status__in=PULLABLE)
            .select_related("live_post")
            .order_by("pk")
        )
        by_group: dict[tuple[str, int | None], list[PostMetrics]] = defaultdict(list)
        for row in rows:
            by_group[_group_key(row)].append(row)
        found = 0
        for (platform, creator_id), group in by_group.items():
            batch = _fetch(platform, creator_id, group)
            found += _store(group, batch, now, mine)
        return found
    finally:
        # Its own transaction: a failed write above still frees the rows for the next claim;
        # only rows this run still holds (an expired lease may have been claimed again).
        PostMetrics.objects.filter(lease_token=mine).update(leased_until=None, lease_token=None)


def _fetch(
    platform: str, creator_id: int | None, group: list[PostMetrics]
) -> PostBatch[PlatformMetrics]:
    wanted = [_api_id(r.live_post) for r in group]
    try:
        client = get_client(platform)
        account = creator_account(creator_id, platform) if creator_id is not None else None
        if account is None:  # YouTube (the app's key), or a creator with no account to use
            return client.fetch_post_metrics(wanted, access_token="")
        # A token the platform refuses is refreshed and the posts asked once more.
        return batch_with_fresh_token(
            account, wanted, lambda ids, token: client.fetch_post_metrics(ids, access_token=token)
        )
    except PlatformError as exc:
        return PostBatch(failed=dict.fromkeys(wanted, exc))
    except (ValueError, OSError) as exc:  # an answer the client could not read
        logger.exception("metrics pull of %d %s posts failed", len(wanted), platform)
        error = UnexpectedResponse(f"unexpected: {exc}", platform=platform)
        return PostBatch(failed=dict.fromkeys(wanted, error))


_UPDATED = [
    *METRIC_FIELDS,
    "retrieved_at",
    "status",
    "status_reason",
    "next_pull_at",
    "consecutive_failures",
    "updated_at",
]


def _store(
    group: list[PostMetrics],
    batch: PostBatch[PlatformMetrics],
    now: datetime.datetime,
    mine: uuid.UUID,
) -> int:
    """Write what the platform answered for the rows this run (``mine``) still holds.

    A pull that outlived its lease (a stalled process, a slow platform) may have had its rows
    claimed again and pulled by another run: writing its figures too would count the post
    twice in the round. The rows are locked and checked in the writing transaction, so the
    claim cannot slip in between (the dispatcher skips locked rows)."""
    snapshots: dict[int, PostMetricSnapshot] = {}
    retry_after = batch.retry_after_seconds
    for row in group:
        post = row.live_post
        api_id = _api_id(post)
        row.updated_at = now
        if api_id in batch.found:
            figures = batch.found[api_id]
            snapshots[row.pk] = _snapshot(row, figures)
            if row.retrieved_at is None or figures.retrieved_at > row.retrieved_at:
                for name in METRIC_FIELDS:
                    setattr(row, name, getattr(figures, name))
                row.retrieved_at = figures.retrieved_at
            row.consecutive_failures = 0
            row.status_reason = ""
            published = post.published_at or post.approved_at or now
            row.next_pull_at = next_pull_at(published, now)
            row.status = PostMetrics.Status.OK if row.next_pull_at else PostMetrics.Status.ENDED
        elif api_id in batch.unavailable:
            gone = batch.unavailable[api_id]
            row.status = PostMetrics.Status.UNAVAILABLE
            row.status_reason = f"{gone.reason}: {gone.message}"[:300]
            row.next_pull_at = None
        else:
            error = batch.failed.get(api_id)
            row.consecutive_failures = min(row.consecutive_failures + 1, 32_000)
            row.status = PostMetrics.Status.RETRYING
            if isinstance(error, AuthError) and row.platform != Platform.YOUTUBE:
                # The creator's own token was refused after a refresh (or there is none):
                # only the creator can cure it by connecting again. Still retried, slowly.
                row.status = PostMetrics.Status.RECONNECT
            row.status_reason = (str(error) if error else "no answer for this post")[:300]
            row.next_pull_at = now + retry_delay(row.consecutive_failures, retry_after)
            if next_pull_at(post.published_at or post.approved_at or now, now) is None:
                # Past the horizon: a failure there is not retried for ever.
                row.status = PostMetrics.Status.ENDED
                row.next_pull_at = None
    with transaction.atomic():
        held = set(
            PostMetrics.objects.select_for_update()
            .filter(pk__in=[r.pk for r in group], lease_token=mine)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if len(held) < len(group):
            logger.warning(
                "metrics pull: %d of %d posts were claimed again while being pulled (lease "
                "ran out); their figures are dropped, the new claim pulls them",
                len(group) - len(held),
                len(group),
            )
        written = [snapshots[pk] for pk in held if pk in snapshots]
        snapshots_write(written)
        PostMetrics.objects.bulk_update([r for r in group if r.pk in held], _UPDATED)
        # The creator hears of it once per account (analytics.reconnect dedupes), with the rows.
        refused = {
            (r.live_post.creator_id, r.platform)
            for r in group
            if r.pk in held and r.status == PostMetrics.Status.RECONNECT
        }
        if refused:
            reconnect_notify(creator_platforms=refused)
    return len(written)


def _snapshot(row: PostMetrics, figures: PlatformMetrics) -> PostMetricSnapshot:
    return PostMetricSnapshot(
        organization_id=row.organization_id,
        live_post_id=row.live_post_id,
        campaign_id=row.campaign_id,
        participation_id=row.participation_id,
        platform=row.platform,
        retrieved_at=figures.retrieved_at,
        views=figures.views,
        likes=figures.likes,
        comments=figures.comments,
        shares=figures.shares,
        saves=figures.saves,
        extra=dict(figures.extra),
    )


# The write path ----------------------------------------------------------------------------

_SNAPSHOT_COLUMNS = (
    ("organization_id", "bigint"),
    ("live_post_id", "bigint"),
    ("campaign_id", "bigint"),
    ("participation_id", "bigint"),
    ("platform", "varchar"),
    ("retrieved_at", "timestamptz"),
    ("views", "bigint"),
    ("likes", "bigint"),
    ("comments", "bigint"),
    ("shares", "bigint"),
    ("saves", "bigint"),
    ("extra", "jsonb"),
)


def snapshots_write(snapshots: Iterable[PostMetricSnapshot], *, chunk: int = 10_000) -> None:
    """Insert snapshots; a row already there (same organization, time and post) is skipped.

    On PostgreSQL one ``INSERT … SELECT FROM unnest(arrays) ON CONFLICT DO NOTHING`` per chunk:
    twelve parameters whatever the row count, so large batches go at near-COPY speed. Elsewhere
    (SQLite, the embedded default) Django's bulk insert with ignore_conflicts.
    """
    rows = list(snapshots)
    if not rows:
        return
    if connection.vendor != "postgresql":
        PostMetricSnapshot.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        return
    import json

    table = PostMetricSnapshot._meta.db_table
    names = ", ".join(name for name, _ in _SNAPSHOT_COLUMNS)
    arrays = ", ".join(
        f"%s::{'text' if kind == 'jsonb' else kind}[]" for _, kind in _SNAPSHOT_COLUMNS
    )
    select = ", ".join(
        f"u.{name}::jsonb" if kind == "jsonb" else f"u.{name}" for name, kind in _SNAPSHOT_COLUMNS
    )
    # Only our own table and column names are formatted in; the values are parameters.
    sql = (
        f"INSERT INTO {table} ({names}) SELECT {select} FROM unnest({arrays}) AS u({names}) "  # noqa: S608
        "ON CONFLICT (organization_id, retrieved_at, live_post_id) DO NOTHING"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            params: list[list[Any]] = [
                [getattr(r, name) for r in part] for name, _ in _SNAPSHOT_COLUMNS[:-1]
            ]
            params.append([json.dumps(r.extra or {}) for r in part])
            cursor.execute(sql, params)
