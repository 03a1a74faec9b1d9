"""Every operation that changes discovery state: shortlists, and batches of invitations.

A batch is created in one transaction (the batch and all its rows, or nothing), then processed
by ``discovery.tasks.process_invite_batch`` → ``invite_batch_process``, in chunks: each chunk of
rows is locked (``FOR UPDATE SKIP LOCKED``), invited and given its outcomes in ONE transaction
(``recruitment.services.invitation_send_in_transaction``: all the rules — recruiting,
eligibility, maximum creators, duplicates — its error message becomes the row's reason). A crash
therefore leaves a chunk either wholly done or untouched, and several deliveries of the task can
work on one batch side by side (different chunks) without any coordination but the row locks.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from django.db import IntegrityError, transaction
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
from recruitment.services import invitation_send_in_transaction

logger = logging.getLogger(__name__)

MESSAGE_MAX_CHARS = 1000
# Rows per transaction. Each chunk costs one commit, one lock query and one handle look-up instead
# of four commits per row (an 800-row batch took ~105 s of work on the loaded CI machine row by
# row). Small enough that a chunk takes a few seconds at worst (a row is ~20 ms, ~0.2 s under
# heavy load), which bounds both the work a crash throws away and the heartbeat below.
CHUNK_ROWS = 25
# Deliveries that work on one batch side by side (each takes the next unlocked chunk): a batch
# bigger than one chunk is published this many times, so the worker's pool processes share it.
PARALLEL = 2
# The batch's heartbeat (``lease_expires_at``): pushed LEASE ahead by every chunk that commits.
# It decides nothing about who may send — the row locks do that, and PostgreSQL drops the locks
# of a killed worker's connection at once — it only tells the sweep that nobody works on the batch
# any more: a whole worker killed (its messages stay with the broker for the 1 h visibility
# timeout) is resumed by ``invite_batches_resume_stalled`` within LEASE + its 10 s interval. 10 s
# is several chunks even under heavy load; a heartbeat that lapses while a slow chunk is still
# running only publishes one more delivery, which takes another chunk or finds none and waits.
LEASE = timedelta(seconds=10)
# A delivery that finds every pending row locked by other deliveries comes back after this long
# (not "done": a locker may have died a moment ago and its rows are free by then).
BUSY_RETRY = 5.0
# A queued batch that has not started this long after it was asked for was probably lost by the
# broker (restarted without persistence): publish it again. Duplicates are harmless (row locks).
QUEUED_STALL = timedelta(minutes=2)
PROCESS_TASK = "discovery.tasks.process_invite_batch"


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


def _enqueue(batch_id: int, *, parallel: int = 1) -> None:
    """Record the batch's processing in the outbox (inside the caller's transaction): published
    after commit, and again by the sweeps if the broker is down or loses it. ``parallel``
    deliveries (distinct keys) share a big batch."""
    for n in range(max(parallel, 1)):
        key = f"invite_batch:{batch_id}" + (f":{n + 1}" if n else "")
        outbox_enqueue(PROCESS_TASK, args=[batch_id], queue=Queue.DEFAULT, dedupe_key=key)


def _deliveries_for(pending: int) -> int:
    return PARALLEL if pending > CHUNK_ROWS else 1


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
            _enqueue(batch.pk, parallel=_deliveries_for(len(rows) - failed))
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
    now = timezone.now()
    InviteBatch.objects.filter(pk=batch_id).exclude(
        status__in=(InviteBatch.Status.DONE, InviteBatch.Status.FAILED)
    ).update(
        status=status,
        error=error[:REASON_MAX_CHARS],
        finished_at=now,
        lease_expires_at=None,
        updated_at=now,
    )


def invite_batch_fail(*, batch_id: int, error: str) -> None:
    """Give up on a batch (the task calls this when its retries are exhausted). The rows without
    an outcome are marked failed with ``error`` so the counters still add up."""
    now = timezone.now()
    with transaction.atomic(durable=True):
        # Rows first, batch after — the order a chunk takes its locks in (rows, then the batch's
        # counters), so giving up while another delivery sends a chunk waits for it instead of
        # deadlocking with it.
        batch = InviteBatch.objects.filter(pk=batch_id).first()
        if batch is None or batch.is_finished:
            return
        left = InviteBatchRow.objects.filter(batch=batch, outcome="").update(
            outcome=InviteBatchRow.Outcome.FAILED, reason=error[:REASON_MAX_CHARS], processed_at=now
        )
        InviteBatch.objects.filter(pk=batch.pk).exclude(status=InviteBatch.Status.DONE).update(
            processed=F("processed") + left,
            failed_count=F("failed_count") + left,
            status=InviteBatch.Status.FAILED,
            error=error[:REASON_MAX_CHARS],
            finished_at=now,
            lease_expires_at=None,
            updated_at=now,
        )


def _platform_label(value: str) -> str:
    try:
        return str(Platform(value).label)
    except ValueError:
        return value or "that platform"


class InviteBatchBusy(Exception):
    """Every pending row is locked by other deliveries: try again in ``retry_in`` seconds."""

    def __init__(self, retry_in: float) -> None:
        super().__init__(f"every pending row is being sent; look again in {retry_in:.0f} s")
        self.retry_in = retry_in


def invite_batch_process(*, batch_id: int) -> InviteBatch | None:
    """Send the batch's pending invitations, a chunk of rows per transaction, until none is left.

    Idempotent and safe to run twice, or side by side: each chunk's rows are locked (skipping
    rows another delivery holds), invited and given their outcome in one transaction, so a row is
    either done (with its invitation, notification and e-mail's outbox row) or untouched. A
    delivery that finds rows left but all of them locked raises ``InviteBatchBusy`` (the task
    retries shortly): their holder may have died a moment ago, so "someone is on it" is not
    "done"; the delivery that takes the last chunk finishes the batch.
    """
    batch = (
        InviteBatch.objects.select_related("created_by_api_key__organization")
        .filter(pk=batch_id)
        .first()
    )
    if batch is None or batch.is_finished:
        return batch
    access, why_not = _acting_access(batch)
    if access is None:
        invite_batch_fail(batch_id=batch.pk, error=why_not)
        return InviteBatch.objects.get(pk=batch.pk)
    now = timezone.now()
    InviteBatch.objects.filter(
        pk=batch.pk, status__in=(InviteBatch.Status.QUEUED, InviteBatch.Status.RUNNING)
    ).update(
        status=InviteBatch.Status.RUNNING,
        started_at=Coalesce(F("started_at"), now),
        lease_expires_at=now + LEASE,
        updated_at=now,
    )
    campaign = (
        Campaign.objects.select_related("brand", "organization")
        .prefetch_related(
            Prefetch("deliverables", queryset=Deliverable.objects.order_by("position", "id"))
        )
        .get(pk=batch.campaign_id)
    )
    while _process_chunk(batch, access=access, campaign=campaign):
        pass
    pending = InviteBatchRow.objects.filter(
        organization_id=batch.organization_id, batch=batch, outcome=""
    )
    if pending.exists():  # locked by another delivery (or one that just died): look again soon
        raise InviteBatchBusy(BUSY_RETRY)
    _finish(batch.pk, status=InviteBatch.Status.DONE)
    return InviteBatch.objects.get(pk=batch.pk)


def invite_batches_resume_stalled(*, now: datetime | None = None) -> int:
    """The sweep (beat, every 10 s): publish again every unfinished batch nobody works on — a
    running batch whose heartbeat lapsed (its worker died), or a queued batch that has waited
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
        ).values_list("pk", "total", "processed")[:500]
    )
    for batch_id, total, processed in stalled:
        _enqueue(batch_id, parallel=_deliveries_for(total - processed))
    if stalled:
        logger.warning(
            "resuming %d stalled invite batches: %s", len(stalled), [s[0] for s in stalled]
        )
    return len(stalled)


def _process_chunk(batch: InviteBatch, *, access: OrgAccess, campaign: Campaign) -> int:
    """Lock the next ``CHUNK_ROWS`` pending rows nobody else holds, invite them and record their
    outcomes, the batch's counters and its heartbeat — one transaction. Returns how many rows."""
    with transaction.atomic(durable=True):
        rows = list(
            InviteBatchRow.objects.select_for_update(skip_locked=True)
            .filter(organization_id=batch.organization_id, batch=batch, outcome="")
            .order_by("line_number", "id")[:CHUNK_ROWS]
        )
        if not rows:
            return 0
        # Resolve the chunk's handles in one query, through VERIFIED accounts only: an
        # unverified claim on a handle may be someone else's.
        wanted = {(r.platform, r.handle) for r in rows if r.creator_id is None and r.handle}
        owner_of: dict[tuple[str, str], int] = {}
        if wanted:
            for platform, handle, creator_id in SocialAccount.objects.filter(
                verified_at__isnull=False, handle__in={h for _, h in wanted}
            ).values_list("platform", "handle", "creator_id"):
                if (platform, handle) in wanted:
                    owner_of[(platform, handle)] = creator_id
        for row in rows:
            if row.creator_id is None:
                row.creator_id = owner_of.get((row.platform, row.handle))
        creators = (
            CreatorProfile.objects.select_related("user")
            .prefetch_related("social_accounts", "niche_links")
            .in_bulk([r.creator_id for r in rows if r.creator_id])
        )
        now = timezone.now()
        invited = 0
        for row in rows:
            reason = _send_row(batch, row, access=access, campaign=campaign, creators=creators)
            row.outcome = (
                InviteBatchRow.Outcome.FAILED if reason else InviteBatchRow.Outcome.INVITED
            )
            row.reason = reason[:REASON_MAX_CHARS]
            row.attempted_at = row.processed_at = now
            invited += not reason
        InviteBatchRow.objects.bulk_update(
            rows, ["outcome", "reason", "attempted_at", "processed_at", "creator_id"]
        )
        InviteBatch.objects.filter(pk=batch.pk).update(
            processed=F("processed") + len(rows),
            invited=F("invited") + invited,
            failed_count=F("failed_count") + (len(rows) - invited),
            lease_expires_at=timezone.now() + LEASE,
            updated_at=timezone.now(),
        )
    return len(rows)


def _send_row(
    batch: InviteBatch,
    row: InviteBatchRow,
    *,
    access: OrgAccess,
    campaign: Campaign,
    creators: dict[int, CreatorProfile],
) -> str:
    """Invite one row's creator (in a savepoint of the chunk's transaction). Returns why not, or
    "" when invited."""
    creator = creators.get(row.creator_id) if row.creator_id else None
    if creator is None:
        who = f"@{row.handle}" if row.handle else (row.raw_input or "this creator")
        if row.handle:
            return f"No creator on Chorus has verified {who} on {_platform_label(row.platform)}."
        return f"{who} is no longer on Chorus."
    try:
        with transaction.atomic():
            invitation_send_in_transaction(
                access=access,
                campaign=campaign,
                creator=creator,
                message=row.message or batch.message,
            )
    except ChorusError as exc:
        return exc.message or exc.code
    return ""
