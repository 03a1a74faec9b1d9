"""Every operation that changes discovery state: shortlists, and batches of invitations.

A batch is created in one transaction (the batch and all its rows, or nothing), then processed
by ``discovery.tasks.process_invite_batch`` → ``invite_batch_process``. Processing is idempotent:
rows that already have an outcome are skipped, so rerunning after a crash picks up where it
stopped. Each invitation goes through ``recruitment.services.invitation_send`` (its own durable
transaction, all the rules: recruiting, eligibility, maximum creators, duplicates); its error
message becomes the row's reason.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Prefetch, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from campaigns.models import Campaign, Deliverable
from campaigns.rules import campaign_accepts_applications
from core.errors import ChorusError
from core.outbox import outbox_enqueue
from core.ownership import require_owns
from core.queues import Queue
from creators.models import CreatorProfile, SocialAccount
from discovery.csv_import import (
    CSV_MAX_BYTES,
    CsvError,
    ParsedRow,
    parse_handles_text,
    parse_invite_csv,
)
from discovery.models import (
    BATCH_MAX_ROWS,
    RAW_INPUT_MAX_CHARS,
    REASON_MAX_CHARS,
    SHORTLIST_MAX_ENTRIES,
    InviteBatch,
    InviteBatchRow,
    Shortlist,
    ShortlistEntry,
)
from organizations.access import OrgAccess, access_for_api_key, api_key_is_usable
from organizations.audit import audit_record
from organizations.models import Brand, Membership
from organizations.roles import Scope
from platforms.types import Platform
from recruitment.services import invitation_send

logger = logging.getLogger(__name__)

MESSAGE_MAX_CHARS = 1000
# Invite batches are leased, not locked: while a worker processes a batch it holds
# ``lease_expires_at`` and renews it (a heartbeat) with every row it finishes, so a second delivery
# of the task cannot send alongside it. A row takes well under a second (an invitation and its
# notification in one transaction), so 20 s without a heartbeat means the worker died (SIGKILL,
# OOM, the host). Short on purpose: a killed pool process's message comes back at once and waits
# out the lease (~20 s); a killed worker's batch is resumed by ``invite_batches_resume_stalled``
# (beat, every 30 s) within lease + sweep, under a minute, instead of after the broker's
# visibility timeout (an hour). Too short is harmless, only wasteful: a live holder that was slower
# than the lease sees at its next heartbeat that another delivery took over and stops (rows and
# invitations are idempotent, so the one row both may touch is counted once).
LEASE = timedelta(seconds=20)
# A queued batch that has not started this long after it was asked for was probably lost by the
# broker (restarted without persistence): publish it again. Duplicates are harmless (the lease).
QUEUED_STALL = timedelta(minutes=2)
PROCESS_TASK = "discovery.tasks.process_invite_batch"
# Progress counters are written after every row: a batch is at most 1,000 rows and each row
# already costs an invitation transaction, so one more UPDATE keeps the bar honest.


# -- shortlists -----------------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ChorusError("invalid", "Give the shortlist a name.", fields={"name": ["Required."]})
    if len(name) > 120:
        raise ChorusError(
            "invalid",
            f"Keep the name under 120 characters (it has {len(name)}).",
            fields={"name": ["At most 120 characters."]},
        )
    return name


def _name_taken(access: OrgAccess, name: str, exclude_pk: int | None = None) -> ChorusError | None:
    qs = Shortlist.objects.for_org(access.organization).filter(name__iexact=name)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        return _duplicate_name(name)
    return None


def _duplicate_name(name: str) -> ChorusError:
    return ChorusError(
        "duplicate_name",
        f"There is already a shortlist called {name!r}: choose another name.",
        fields={"name": ["Already used by another shortlist."]},
        status_code=409,
    )


def shortlist_create(*, access: OrgAccess, name: str, brand: Brand | None = None) -> Shortlist:
    """A new, empty shortlist. A brand-limited member's shortlists always belong to their brand."""
    access.require(Scope.RECRUITMENT_WRITE)
    name = _clean_name(name)
    if brand is not None:
        require_owns(access, brand, what="brand")
    elif access.brand_id is not None:  # a brand-limited member's lists are their brand's
        brand = access.membership.brand if access.membership else None
    if (error := _name_taken(access, name)) is not None:
        raise error
    try:
        with transaction.atomic(durable=True):
            shortlist = Shortlist.objects.create(
                organization=access.organization, brand=brand, name=name, created_by=access.user
            )
            audit_record(
                organization=access.organization,
                access=access,
                action="shortlist.created",
                target=shortlist,
                data={"name": name},
            )
    except IntegrityError as exc:  # the same name, created concurrently
        raise _duplicate_name(name) from exc
    return shortlist


def shortlist_rename(*, access: OrgAccess, shortlist: Shortlist, name: str) -> Shortlist:
    access.require(Scope.RECRUITMENT_WRITE)
    require_owns(access, shortlist, what="shortlist")
    name = _clean_name(name)
    if (error := _name_taken(access, name, exclude_pk=shortlist.pk)) is not None:
        raise error
    old = shortlist.name
    try:
        with transaction.atomic(durable=True):
            shortlist.name = name
            shortlist.save(update_fields=["name", "updated_at"])
            audit_record(
                organization=access.organization,
                access=access,
                action="shortlist.renamed",
                target=shortlist,
                data={"from": old, "to": name},
            )
    except IntegrityError as exc:
        shortlist.name = old
        raise _duplicate_name(name) from exc
    return shortlist


def shortlist_delete(*, access: OrgAccess, shortlist: Shortlist) -> None:
    access.require(Scope.RECRUITMENT_WRITE)
    require_owns(access, shortlist, what="shortlist")
    with transaction.atomic(durable=True):
        audit_record(
            organization=access.organization,
            access=access,
            action="shortlist.deleted",
            target=shortlist,
            data={"name": shortlist.name},
        )
        ShortlistEntry.objects.filter(
            organization=access.organization, shortlist=shortlist
        ).delete()
        shortlist.delete()


def _unique(creators: Iterable[CreatorProfile]) -> list[CreatorProfile]:
    seen: set[int] = set()
    out: list[CreatorProfile] = []
    for creator in creators:
        if creator.pk not in seen:
            seen.add(creator.pk)
            out.append(creator)
    return out


def shortlist_add_creators(
    *,
    access: OrgAccess,
    shortlist: Shortlist,
    creators: Sequence[CreatorProfile],
    note: str = "",
) -> int:
    """Add creators (one, or many from search results); those already on it are skipped.

    Returns how many were added. A shortlist holds at most 1,000 creators (one invite batch).
    """
    access.require(Scope.RECRUITMENT_WRITE)
    require_owns(access, shortlist, what="shortlist")
    note = (note or "").strip()
    if len(note) > 300:
        raise ChorusError(
            "invalid",
            f"Keep the note under 300 characters (it has {len(note)}).",
            fields={"note": ["At most 300 characters."]},
        )
    wanted = _unique(creators)
    if not wanted:
        raise ChorusError(
            "invalid", "Choose at least one creator to add.", fields={"creators": ["Required."]}
        )
    org = access.organization
    with transaction.atomic(durable=True):
        # One writer at a time, so the size check below holds.
        Shortlist.objects.select_for_update().filter(pk=shortlist.pk).first()
        present = set(
            ShortlistEntry.objects.filter(
                organization=org, shortlist=shortlist, creator_id__in=[c.pk for c in wanted]
            ).values_list("creator_id", flat=True)
        )
        new = [c for c in wanted if c.pk not in present]
        size = ShortlistEntry.objects.filter(organization=org, shortlist=shortlist).count()
        if size + len(new) > SHORTLIST_MAX_ENTRIES:
            raise ChorusError(
                "shortlist_full",
                f"A shortlist holds at most {SHORTLIST_MAX_ENTRIES:,} creators: {shortlist.name} "
                f"has {size:,} and you are adding {len(new):,}. Start another shortlist.",
                fields={"creators": [f"At most {SHORTLIST_MAX_ENTRIES:,} per shortlist."]},
            )
        ShortlistEntry.objects.bulk_create(
            [
                ShortlistEntry(
                    organization=org,
                    shortlist=shortlist,
                    creator=c,
                    note=note,
                    added_by=access.user,
                )
                for c in new
            ],
            ignore_conflicts=True,
        )
        if new:
            Shortlist.objects.filter(pk=shortlist.pk).update(updated_at=timezone.now())
            audit_record(
                organization=org,
                access=access,
                action="shortlist.creators_added",
                target=shortlist,
                data={"creators": [c.public_id for c in new[:50]], "count": len(new)},
            )
    return len(new)


def shortlist_remove_creators(
    *, access: OrgAccess, shortlist: Shortlist, creators: Sequence[CreatorProfile]
) -> int:
    """Take creators off the shortlist; returns how many were on it."""
    access.require(Scope.RECRUITMENT_WRITE)
    require_owns(access, shortlist, what="shortlist")
    ids = [c.pk for c in _unique(creators)]
    if not ids:
        raise ChorusError(
            "invalid", "Choose at least one creator to remove.", fields={"creators": ["Required."]}
        )
    with transaction.atomic(durable=True):
        removed, _ = ShortlistEntry.objects.filter(
            organization=access.organization, shortlist=shortlist, creator_id__in=ids
        ).delete()
        if removed:
            Shortlist.objects.filter(pk=shortlist.pk).update(updated_at=timezone.now())
            audit_record(
                organization=access.organization,
                access=access,
                action="shortlist.creators_removed",
                target=shortlist,
                data={"count": removed},
            )
    return removed


# -- invite batches: creation --------------------------------------------------------------------


@dataclass
class _NewRow:
    line_number: int
    raw_input: str
    platform: str = ""
    handle: str = ""
    creator_id: int | None = None
    message: str = ""
    error: str = ""


def _from_parsed(rows: list[ParsedRow]) -> list[_NewRow]:
    return [
        _NewRow(
            line_number=r.line_number,
            raw_input=r.raw_input,
            platform=r.platform,
            handle=r.handle,
            message=r.message,
            error=r.error,
        )
        for r in rows
    ]


def _check_campaign_for_batch(access: OrgAccess, campaign: Campaign) -> None:
    access.require(Scope.RECRUITMENT_WRITE)
    require_owns(access, campaign, what="campaign")
    if not campaign_accepts_applications(campaign):
        if campaign.status == Campaign.Status.RECRUITING:
            why = (
                f"its application deadline ({campaign.application_deadline:%B %-d, %Y}) has passed"
            )
        else:
            why = f"it is {campaign.get_status_display().lower()}"
        raise ChorusError(
            "campaign_not_recruiting",
            f"{campaign.name} is not recruiting creators ({why}): creators can be invited only "
            "while a campaign is recruiting.",
            fields={"campaign": ["Not recruiting."]},
            status_code=409,
        )


def _clean_message(message: str) -> str:
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX_CHARS:
        raise ChorusError(
            "invalid",
            f"Keep the message under {MESSAGE_MAX_CHARS:,} characters (it has {len(message):,}).",
            fields={"message": [f"At most {MESSAGE_MAX_CHARS:,} characters."]},
        )
    return message


def _enqueue(batch_id: int) -> None:
    """Record the batch's processing in the outbox (inside the caller's transaction): published
    after commit, and again by the sweeps if the broker is down or loses it."""
    outbox_enqueue(
        PROCESS_TASK, args=[batch_id], queue=Queue.DEFAULT, dedupe_key=f"invite_batch:{batch_id}"
    )


def _batch_create(
    *,
    access: OrgAccess,
    campaign: Campaign,
    source: str,
    rows: list[_NewRow],
    message: str,
    shortlist: Shortlist | None = None,
    file_name: str = "",
) -> InviteBatch:
    if not rows:
        raise ChorusError("invalid", "There is nobody to invite.")
    if len(rows) > BATCH_MAX_ROWS:
        raise ChorusError(
            "too_many_rows",
            f"{len(rows):,} creators: at most {BATCH_MAX_ROWS:,} per batch.",
        )
    org = access.organization
    now = timezone.now()
    failed = sum(1 for r in rows if r.error)
    finished = failed == len(rows)
    with transaction.atomic(durable=True):
        batch = InviteBatch.objects.create(
            organization=org,
            campaign=campaign,
            created_by=access.user,
            created_by_api_key=access.api_key,
            source=source,
            shortlist=shortlist,
            file_name=file_name[:200],
            message=message,
            total=len(rows),
            processed=failed,
            failed_count=failed,
            status=InviteBatch.Status.DONE if finished else InviteBatch.Status.QUEUED,
            finished_at=now if finished else None,
        )
        InviteBatchRow.objects.bulk_create(
            [
                InviteBatchRow(
                    organization=org,
                    batch=batch,
                    line_number=r.line_number,
                    raw_input=r.raw_input[:RAW_INPUT_MAX_CHARS],
                    platform=r.platform,
                    handle=r.handle,
                    creator_id=r.creator_id,
                    message=r.message,
                    outcome=InviteBatchRow.Outcome.FAILED if r.error else "",
                    reason=r.error[:REASON_MAX_CHARS],
                    processed_at=now if r.error else None,
                )
                for r in rows
            ],
            batch_size=500,
        )
        audit_record(
            organization=org,
            access=access,
            action="invite_batch.created",
            target=batch,
            data={"campaign": campaign.public_id, "source": source, "total": len(rows)},
        )
        if not finished:
            _enqueue(batch.pk)
    return batch


def invite_batch_create_from_shortlist(
    *, access: OrgAccess, campaign: Campaign, shortlist: Shortlist, message: str = ""
) -> InviteBatch:
    """Invite everyone on the shortlist (oldest entry first)."""
    _check_campaign_for_batch(access, campaign)
    require_owns(access, shortlist, what="shortlist")
    message = _clean_message(message)
    entries = list(
        ShortlistEntry.objects.for_access(access)
        .filter(shortlist=shortlist)
        .select_related("creator")
        .order_by("created_at", "id")[: BATCH_MAX_ROWS + 1]
    )
    if not entries:
        raise ChorusError(
            "empty_shortlist",
            f"{shortlist.name} has no creators yet: add some from the creator search first.",
            fields={"shortlist": ["Empty."]},
        )
    rows = [
        _NewRow(line_number=n, raw_input=e.creator.display_name, creator_id=e.creator_id)
        for n, e in enumerate(entries, start=1)
    ]
    return _batch_create(
        access=access,
        campaign=campaign,
        source=InviteBatch.Source.SHORTLIST,
        rows=rows,
        message=message,
        shortlist=shortlist,
    )


def invite_batch_create_for_creators(
    *, access: OrgAccess, campaign: Campaign, creators: Sequence[CreatorProfile], message: str = ""
) -> InviteBatch:
    """Invite one creator, or the few ticked in the search results."""
    _check_campaign_for_batch(access, campaign)
    message = _clean_message(message)
    rows = [
        _NewRow(line_number=n, raw_input=c.display_name, creator_id=c.pk)
        for n, c in enumerate(_unique(creators), start=1)
    ]
    return _batch_create(
        access=access,
        campaign=campaign,
        source=InviteBatch.Source.SINGLE,
        rows=rows,
        message=message,
    )


def _check_platform(platform: str | None, field: str = "platform") -> str:
    if platform not in Platform.values:
        raise ChorusError(
            "invalid",
            "Choose the platform of these handles: tiktok, instagram or youtube.",
            fields={field: ["Choose tiktok, instagram or youtube."]},
        )
    return str(platform)


def invite_batch_create_from_handles(
    *, access: OrgAccess, campaign: Campaign, platform: str, text: str, message: str = ""
) -> InviteBatch:
    """Pasted handles or profile links on one platform: one per line or comma-separated."""
    _check_campaign_for_batch(access, campaign)
    platform = _check_platform(platform)
    message = _clean_message(message)
    rows = _from_parsed(parse_handles_text(text, platform=platform))
    return _batch_create(
        access=access,
        campaign=campaign,
        source=InviteBatch.Source.HANDLES,
        rows=rows,
        message=message,
    )


def invite_batch_create_from_csv(
    *,
    access: OrgAccess,
    campaign: Campaign,
    upload: IO[bytes] | Any,
    platform: str | None = None,
    message: str = "",
) -> InviteBatch:
    """A CSV with a ``handle`` column (and optional ``platform``, ``message``). ``platform`` is
    used for rows without one. A file that cannot be read creates nothing."""
    _check_campaign_for_batch(access, campaign)
    if platform:
        platform = _check_platform(platform)
    message = _clean_message(message)
    size = getattr(upload, "size", None)
    if size is not None and size > CSV_MAX_BYTES:
        raise CsvError(
            f"The file is {size / 1_000_000:.1f} MB: upload at most "
            f"{CSV_MAX_BYTES // 1_000_000} MB."
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(CSV_MAX_BYTES + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    rows = _from_parsed(parse_invite_csv(data, default_platform=platform or None))
    return _batch_create(
        access=access,
        campaign=campaign,
        source=InviteBatch.Source.CSV,
        rows=rows,
        message=message,
        file_name=str(getattr(upload, "name", "") or "upload.csv").rsplit("/", 1)[-1],
    )


# -- invite batches: processing ------------------------------------------------------------------


def _acting_access(batch: InviteBatch) -> tuple[OrgAccess | None, str]:
    """The access of whoever started the batch, as it is now (roles may have changed)."""
    if batch.created_by_api_key_id is not None:
        key = batch.created_by_api_key
        if key is None or not api_key_is_usable(key):
            return None, "The API key that started this batch was revoked or has expired."
        access = access_for_api_key(key)
    elif batch.created_by_id is not None:
        membership = (
            Membership.objects.select_related("organization", "user", "brand")
            .filter(organization_id=batch.organization_id, user_id=batch.created_by_id)
            .first()
        )
        if membership is None:
            return None, "The person who started this batch is no longer a member."
        access = OrgAccess(
            organization=membership.organization,
            role=membership.role,
            user=membership.user,
            membership=membership,
        )
    else:
        return None, "Nobody is left to send these invitations on behalf of."
    if not access.has(Scope.RECRUITMENT_WRITE):
        return None, f"Whoever started this batch may no longer invite creators ({access.role})."
    return access, ""


def _finish(batch_id: int, *, status: str, error: str = "") -> None:
    InviteBatch.objects.filter(pk=batch_id).exclude(
        status__in=(InviteBatch.Status.DONE, InviteBatch.Status.FAILED)
    ).update(
        status=status,
        error=error[:REASON_MAX_CHARS],
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


def invite_batch_fail(*, batch_id: int, error: str) -> None:
    """Give up on a batch (the task calls this when its retries are exhausted). The rows without
    an outcome are marked failed with ``error`` so the counters still add up."""
    now = timezone.now()
    with transaction.atomic(durable=True):
        batch = InviteBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.is_finished:
            return
        left = InviteBatchRow.objects.filter(batch=batch, outcome="").update(
            outcome=InviteBatchRow.Outcome.FAILED, reason=error[:REASON_MAX_CHARS], processed_at=now
        )
        InviteBatch.objects.filter(pk=batch.pk).update(
            processed=F("processed") + left,
            failed_count=F("failed_count") + left,
            status=InviteBatch.Status.FAILED,
            error=error[:REASON_MAX_CHARS],
            finished_at=now,
            updated_at=now,
        )


class _Lease:
    """This worker's hold on a batch: the expiry it wrote last. Renewing compares it, so a holder
    whose lease ran out and was taken over learns it at its next row and stops."""

    def __init__(self, batch_id: int, expires_at: datetime) -> None:
        self.batch_id = batch_id
        self.expires_at: datetime | None = expires_at

    def renew(self, **counters: Any) -> bool:
        """Extend the lease (with ``counters`` in the same UPDATE); False if it is not ours."""
        now = timezone.now()
        batch = InviteBatch.objects.filter(pk=self.batch_id)
        if self.expires_at is not None and batch.filter(lease_expires_at=self.expires_at).update(
            lease_expires_at=now + LEASE, updated_at=now, **counters
        ):
            self.expires_at = now + LEASE
            return True
        if counters:  # the row's outcome is written; its counters go with it regardless
            batch.update(updated_at=now, **counters)
        self.expires_at = None
        return False


def _record(row: InviteBatchRow, *, lease: _Lease, invited: bool, reason: str = "") -> bool:
    """Write one row's outcome and the batch's counters together (only if still pending), and
    renew the lease. Returns whether the lease is still ours."""
    with transaction.atomic(durable=True):
        updated = InviteBatchRow.objects.filter(pk=row.pk, outcome="").update(
            outcome=InviteBatchRow.Outcome.INVITED if invited else InviteBatchRow.Outcome.FAILED,
            reason=reason[:REASON_MAX_CHARS],
            processed_at=timezone.now(),
            creator_id=row.creator_id,
        )
        counters: dict[str, Any] = {}
        if updated:
            counters = {
                "processed": F("processed") + 1,
                "invited": F("invited") + (1 if invited else 0),
                "failed_count": F("failed_count") + (0 if invited else 1),
            }
        return lease.renew(**counters)


def _platform_label(value: str) -> str:
    try:
        return str(Platform(value).label)
    except ValueError:
        return value or "that platform"


class InviteBatchBusy(Exception):
    """Another worker holds the batch's lease: try again when it would have run out."""

    def __init__(self, retry_in: float) -> None:
        super().__init__(f"the batch is leased for another {retry_in:.0f} s")
        self.retry_in = retry_in


def invite_batch_process(*, batch_id: int) -> InviteBatch | None:
    """Send the batch's pending invitations, one row at a time, updating progress as it goes.

    Idempotent and safe to rerun: rows with an outcome are skipped; a row that was being sent
    when a previous run crashed and now reports "already invited" counts as invited. While it
    runs it holds the batch's lease. A delivery that finds a live lease raises
    ``InviteBatchBusy`` (the task retries later): the holder may have died a moment ago (a killed
    pool process's message comes back at once), so "someone else is on it" is not "done".
    """
    batch = (
        InviteBatch.objects.select_related("created_by_api_key__organization")
        .filter(pk=batch_id)
        .first()
    )
    if batch is None or batch.is_finished:
        return batch
    now = timezone.now()
    claimed = (
        InviteBatch.objects.filter(pk=batch.pk)
        .exclude(status__in=(InviteBatch.Status.DONE, InviteBatch.Status.FAILED))
        .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now))
        .update(
            status=InviteBatch.Status.RUNNING,
            started_at=Coalesce(F("started_at"), now),
            lease_expires_at=now + LEASE,
            updated_at=now,
        )
    )
    if not claimed:  # finished meanwhile, or another worker holds the lease
        current = InviteBatch.objects.get(pk=batch.pk)
        if current.is_finished:
            return current
        expires = current.lease_expires_at or now
        raise InviteBatchBusy(max((expires - now).total_seconds(), 0.0) + 2)
    lease = _Lease(batch.pk, now + LEASE)
    try:
        _process_claimed(batch, lease)
    finally:
        _release_lease(lease)
    return InviteBatch.objects.get(pk=batch.pk)


def _release_lease(lease: _Lease) -> None:
    """Clear the lease (if still ours) in a transaction of its own. The connection may be the
    reason we are here (killed by the server): drop it and try once on a fresh one. If that fails
    too the lease simply runs out and the sweep resumes the batch."""
    if lease.expires_at is None:
        return  # taken over by another delivery: its lease is not ours to clear
    batch_id = lease.batch_id
    for _ in range(2):
        try:
            InviteBatch.objects.filter(pk=batch_id, lease_expires_at=lease.expires_at).update(
                lease_expires_at=None
            )
            return
        except (OperationalError, InterfaceError):
            if connection.in_atomic_block:
                break
            connection.close()
    logger.warning("invite batch %s: lease not cleared; it expires within %s", batch_id, LEASE)


def invite_batches_resume_stalled(*, now: datetime | None = None) -> int:
    """The sweep (beat, every 30 s): publish again every unfinished batch nobody works on — a
    running batch whose lease ran out (its worker died), or a queued batch that has waited
    ``QUEUED_STALL`` (its message was lost). Returns how many."""
    now = now or timezone.now()
    stalled = list(
        InviteBatch.objects.filter(
            Q(status=InviteBatch.Status.RUNNING, lease_expires_at__lt=now)
            | Q(
                status=InviteBatch.Status.RUNNING,
                lease_expires_at__isnull=True,
                updated_at__lt=now - LEASE,
            )
            | Q(status=InviteBatch.Status.QUEUED, updated_at__lt=now - QUEUED_STALL)
        ).values_list("pk", flat=True)[:500]
    )
    for batch_id in stalled:
        _enqueue(batch_id)
    if stalled:
        logger.warning("resuming %d stalled invite batches: %s", len(stalled), stalled)
    return len(stalled)


def _process_claimed(batch: InviteBatch, lease: _Lease) -> None:
    access, why_not = _acting_access(batch)
    if access is None:
        invite_batch_fail(batch_id=batch.pk, error=why_not)
        return

    campaign = (
        Campaign.objects.select_related("brand", "organization")
        .prefetch_related(
            Prefetch("deliverables", queryset=Deliverable.objects.order_by("position", "id"))
        )
        .get(pk=batch.campaign_id)
    )
    pending = list(
        InviteBatchRow.objects.filter(
            organization_id=batch.organization_id, batch=batch, outcome=""
        ).order_by("line_number", "id")
    )
    # Resolve every handle in one query, through VERIFIED accounts only: an unverified claim on
    # a handle may be someone else's.
    wanted = {(r.platform, r.handle) for r in pending if r.creator_id is None and r.handle}
    owner_of: dict[tuple[str, str], int] = {}
    if wanted:
        for platform, handle, creator_id in SocialAccount.objects.filter(
            verified_at__isnull=False, handle__in={h for _, h in wanted}
        ).values_list("platform", "handle", "creator_id"):
            if (platform, handle) in wanted:
                owner_of[(platform, handle)] = creator_id
    creator_ids = {r.creator_id for r in pending if r.creator_id} | set(owner_of.values())
    creators = (
        CreatorProfile.objects.select_related("user")
        .prefetch_related("social_accounts", "niche_links")
        .in_bulk(list(creator_ids))
    )

    if not lease.renew():  # loading took longer than the lease (a very slow database)
        return
    for row in pending:
        if not _send_row(
            batch,
            row,
            access=access,
            campaign=campaign,
            creators=creators,
            owner_of=owner_of,
            lease=lease,
        ):
            logger.warning(
                "invite batch %s: lease taken over by another delivery; stopping", batch.pk
            )
            return

    _finish(batch.pk, status=InviteBatch.Status.DONE)


def _send_row(
    batch: InviteBatch,
    row: InviteBatchRow,
    *,
    access: OrgAccess,
    campaign: Campaign,
    creators: dict[int, CreatorProfile],
    owner_of: dict[tuple[str, str], int],
    lease: _Lease,
) -> bool:
    """Invite one row's creator and record the outcome. Returns whether the lease is still ours."""
    if row.creator_id is None:
        row.creator_id = owner_of.get((row.platform, row.handle))
    creator = creators.get(row.creator_id) if row.creator_id else None
    if creator is None:
        who = f"@{row.handle}" if row.handle else (row.raw_input or "this creator")
        return _record(
            row,
            lease=lease,
            invited=False,
            reason=f"No creator on Chorus has verified {who} on {_platform_label(row.platform)}."
            if row.handle
            else f"{who} is no longer on Chorus.",
        )
    retried = row.attempted_at is not None
    InviteBatchRow.objects.filter(pk=row.pk).update(
        attempted_at=timezone.now(), creator_id=creator.pk
    )
    try:
        invitation_send(
            access=access, campaign=campaign, creator=creator, message=row.message or batch.message
        )
    except ChorusError as exc:
        if retried and exc.code == "already_invited":
            return _record(row, lease=lease, invited=True)  # our own earlier attempt got through
        return _record(row, lease=lease, invited=False, reason=exc.message)
    return _record(row, lease=lease, invited=True)
