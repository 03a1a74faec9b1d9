"""Following a creator's tracking link: count the click, send the visitor to the brand.

The redirect never waits for PostgreSQL when Redis is up: the code's destination comes from a
cached entry and the click goes to a buffer (``analytics.click_buffer``, one round trip), which
``clicks_flush`` writes in batches from a worker. With Redis down (or not configured, as in the
embedded default) the link is read from the database and the click written directly, with the
same per-visitor window checked in the table: slower, never broken.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import redis
from django.conf import settings
from django.db import transaction

from analytics import click_buffer
from analytics.click_buffer import ENDED, LIVE, UNKNOWN, UNKNOWN_ENTRY, ClickData, LinkEntry
from analytics.models import Click
from campaigns.models import Campaign
from recruitment.models import Participation

logger = logging.getLogger(__name__)

TRACKING_CODE_MAX = 16


@dataclass(frozen=True)
class TrackedVisit:
    destination: str
    participation: Participation


def _valid_code(code: str) -> bool:
    return bool(code) and len(code) <= TRACKING_CODE_MAX and code.isascii() and code.isprintable()


def unscoped_participation_by_tracking_code(code: str) -> Participation | None:
    """Tracking links are public by design: the code is all a visitor has."""
    if not _valid_code(code):
        return None
    return (
        Participation.objects.select_related("campaign", "campaign__brand")
        .filter(tracking_code=code)
        .first()
    )


ENDED_STATUSES = (Campaign.Status.COMPLETED, Campaign.Status.ARCHIVED)


def tracking_link_state(code: str) -> str:
    """'live', 'ended' (the campaign is completed or archived) or 'unknown'."""
    return {LIVE: "live", ENDED: "ended", UNKNOWN: "unknown"}[link_entry_build(code).state]


def _destination(participation: Participation) -> str:
    campaign = participation.campaign
    base = campaign.landing_url or campaign.brand.website
    # Checked again here, not only when the campaign is saved: the brand's domains may have
    # changed since, and older campaigns were saved before the rule.
    if not base or not campaign.brand.allows_landing_url(base):
        return ""
    # UTM parameters let the brand's own analytics see which creator sent the visit.
    parts = urlsplit(base)
    utm = urlencode(
        {
            "utm_source": "chorus",
            "utm_medium": "creator",
            "utm_campaign": campaign.public_id,
            "utm_content": participation.tracking_code,
        }
    )
    query = f"{parts.query}&{utm}" if parts.query else utm
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def link_entry_build(code: str) -> LinkEntry:
    """What the cache holds for a code, read from the database (the only query of a click)."""
    participation = unscoped_participation_by_tracking_code(code)
    if participation is None:
        return UNKNOWN_ENTRY
    if participation.campaign.status in ENDED_STATUSES:
        return LinkEntry(ENDED, participation.organization_id, participation.pk, "")
    return LinkEntry(
        LIVE, participation.organization_id, participation.pk, _destination(participation)
    )


def visitor_hash(ip: str) -> str:
    """A keyed hash of the address: tells visitors apart, cannot be turned back into one."""
    secret = (
        settings.TRACKING_HASH_SECRET.encode()
        or hashlib.sha256(b"chorus-tracking:" + settings.SECRET_KEY.encode()).digest()
    )
    return hmac.new(secret, ip.encode(), hashlib.sha256).hexdigest()


def click_track(
    *, code: str, ip: str, user_agent: str, referrer: str, automated: bool
) -> tuple[LinkEntry, bool]:
    """Resolve a tracking code and count the click unless ``automated`` (a bot, a prefetch) or
    a repeat from the same address within the window. Returns the link and whether a flush of
    the buffer is due (the caller enqueues it)."""
    if not _valid_code(code):
        return UNKNOWN_ENTRY, False
    click = ClickData(
        click_id=uuid.uuid4().hex,
        at_ms=int(time.time() * 1000),
        visitor_hash=visitor_hash(ip),
        referrer_host=(urlsplit(referrer).hostname or "")[:255] if referrer else "",
        user_agent=user_agent[:300],
    )
    conn = click_buffer.client()
    if conn is not None:
        try:
            entry, outcome = click_buffer.record(conn, code=code, count=not automated, click=click)
            if entry is None:  # not cached: one query, then store it and count in one go
                entry, outcome = click_buffer.record(
                    conn, code=code, count=not automated, click=click, fill=link_entry_build(code)
                )
            assert entry is not None
            return entry, outcome == click_buffer.COUNTED_FLUSH_DUE
        except (redis.RedisError, OSError) as exc:
            click_buffer.mark_down(exc)
    entry = link_entry_build(code)
    if entry.state == LIVE and not automated:
        _click_write_direct(entry, click)
    return entry, False


def _click_write_direct(entry: LinkEntry, click: ClickData) -> None:
    """Without Redis: the window is checked in the table. The click keeps its id, so if Redis
    did buffer it before failing to answer, the batch writer skips the duplicate."""
    created_at = datetime.fromtimestamp(click.at_ms / 1000, UTC)
    window = timedelta(seconds=settings.TRACKING_DEDUP_WINDOW_SECONDS)
    if Click.objects.filter(
        organization_id=entry.organization_id,
        participation_id=entry.participation_id,
        visitor_hash=click.visitor_hash,
        created_at__gt=created_at - window,
    ).exists():
        return
    Click.objects.bulk_create(
        [_click_row(entry.organization_id, entry.participation_id, click)], ignore_conflicts=True
    )


def _click_row(organization_id: int, participation_id: int, click: ClickData) -> Click:
    return Click(
        click_id=uuid.UUID(hex=click.click_id),
        organization_id=organization_id,
        participation_id=participation_id,
        created_at=datetime.fromtimestamp(click.at_ms / 1000, UTC),
        visitor_hash=click.visitor_hash,
        referrer_host=click.referrer_host,
        user_agent=click.user_agent,
    )


def tracked_visit_for_page(entry: LinkEntry) -> TrackedVisit | None:
    """The participation behind a live link without a destination (its page names the brand)."""
    participation = (
        Participation.objects.select_related("campaign", "campaign__brand")
        .filter(pk=entry.participation_id)
        .first()
    )
    return None if participation is None else TrackedVisit("", participation)


# -- the batch writer ------------------------------------------------------------------------

Entry = tuple[str, dict[str, str] | None]


def clicks_flush(
    *, consumer: str | None = None, reclaim_after_ms: int | None = None, max_batches: int = 20
) -> int:
    """Write buffered clicks to PostgreSQL, a batch at a time; returns the entries handled.

    Each batch: this consumer's own pending entries first (a previous attempt that failed),
    then entries another worker claimed and left idle past ``reclaim_after_ms`` (it died), then
    new ones. Rows are inserted with ``ON CONFLICT DO NOTHING`` on the click id, and only after
    the commit are the entries acknowledged and deleted — so a crash between the two rewrites
    the batch, and counts each click once.
    """
    conn = click_buffer.client()
    if conn is None:
        return 0
    consumer = consumer or click_buffer.consumer_name()
    if reclaim_after_ms is None:
        reclaim_after_ms = settings.TRACKING_RECLAIM_AFTER_SECONDS * 1000
    size = settings.TRACKING_FLUSH_BATCH
    key = click_buffer.stream_key()
    click_buffer.ensure_group(conn)
    handled = 0
    for _ in range(max_batches):
        entries = _claim_batch(conn, key, consumer, reclaim_after_ms, size)
        if not entries:
            break
        _buffer_write(entries)
        _buffer_trim(conn, key, [entry_id for entry_id, _ in entries])
        handled += len(entries)
    return handled


def _claim_batch(
    conn: redis.Redis, key: str, consumer: str, reclaim_after_ms: int, size: int
) -> list[Entry]:
    group = click_buffer.GROUP
    own: Any = conn.xreadgroup(group, consumer, {key: "0"}, count=size)
    if own and own[0][1]:
        return list(own[0][1])
    stale: Any = conn.xautoclaim(key, group, consumer, reclaim_after_ms, "0-0", count=size)
    if stale[1]:
        return list(stale[1])
    new: Any = conn.xreadgroup(group, consumer, {key: ">"}, count=size)
    return list(new[0][1]) if new else []


def _buffer_write(entries: list[Entry]) -> None:
    clicks: list[Click] = []
    for entry_id, fields in entries:
        try:
            assert fields
            clicks.append(
                _click_row(
                    int(fields["o"]),
                    int(fields["p"]),
                    ClickData(
                        click_id=fields["id"],
                        at_ms=int(fields["t"]),
                        visitor_hash=fields["v"],
                        referrer_host=fields.get("r", ""),
                        user_agent=fields.get("u", ""),
                    ),
                )
            )
        except (AssertionError, KeyError, ValueError):
            logger.error("tracking: dropping malformed buffered click %s: %r", entry_id, fields)
    # A participation deleted since the click took its clicks with it (cascade): skip those
    # rather than fail the whole batch on the foreign key.
    alive = set(
        Participation.objects.filter(pk__in={c.participation_id for c in clicks}).values_list(
            "pk", flat=True
        )
    )
    rows = [c for c in clicks if c.participation_id in alive]
    with transaction.atomic(durable=True):
        Click.objects.bulk_create(rows, ignore_conflicts=True)


def _buffer_trim(conn: redis.Redis, key: str, entry_ids: list[str]) -> None:
    pipe = conn.pipeline(transaction=True)
    pipe.xack(key, click_buffer.GROUP, *entry_ids)
    pipe.xdel(key, *entry_ids)
    pipe.execute()


# -- the link cache ----------------------------------------------------------------------------


def tracking_links_forget(*, codes: list[str]) -> None:
    """Drop cached entries once the transaction that changed them commits."""
    if settings.TRACKING_REDIS_URL and codes:
        transaction.on_commit(lambda: click_buffer.forget_links(codes))


def tracking_links_forget_where(**participation_filter: Any) -> None:
    """Same, for every participation matching the filter (a campaign's, a brand's)."""
    if not settings.TRACKING_REDIS_URL:
        return

    def forget() -> None:
        codes = list(
            Participation.objects.filter(**participation_filter).values_list(
                "tracking_code", flat=True
            )
        )
        click_buffer.forget_links(codes)

    transaction.on_commit(forget)
