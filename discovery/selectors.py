"""Read queries for shortlists and invite batches, scoped to the organization (and to one brand
for a brand-limited member). Missing and someone else's raise the same ``NotFound``."""

from collections.abc import Iterable

from django.db.models import Count, Prefetch, QuerySet

from campaigns.models import Campaign
from campaigns.selectors import campaigns_for_org
from core.errors import ChorusError, NotFound
from creators.models import CreatorProfile, SocialAccount
from discovery.models import BATCH_MAX_ROWS, InviteBatch, InviteBatchRow, Shortlist, ShortlistEntry
from organizations.access import OrgAccess


def shortlists_for_org(access: OrgAccess) -> QuerySet[Shortlist]:
    """The organization's shortlists by name, each with ``entry_count`` (one query)."""
    return (
        Shortlist.objects.for_access(access)
        .select_related("brand", "created_by")
        .annotate(entry_count=Count("entries"))
        .order_by("name", "id")
    )


def shortlist_get_for_org(access: OrgAccess, public_id: str) -> Shortlist:
    shortlist = shortlists_for_org(access).filter(public_id=str(public_id)).first()
    if shortlist is None:
        raise NotFound("No such shortlist.")
    return shortlist


def shortlist_entries(access: OrgAccess, shortlist: Shortlist) -> QuerySet[ShortlistEntry]:
    """Entries, newest first, with each creator's accounts and niches loaded (fixed queries)."""
    return (
        ShortlistEntry.objects.for_access(access)
        .filter(shortlist=shortlist)
        .select_related("creator", "added_by")
        .prefetch_related(
            Prefetch(
                "creator__social_accounts",
                queryset=SocialAccount.objects.order_by("platform", "-follower_count", "id"),
            ),
            "creator__niche_links",
        )
        .order_by("-created_at", "-id")
    )


def creators_get_many(public_ids: Iterable[str]) -> list[CreatorProfile]:
    """Creators by public id, in the order given; unknown ids are an error that lists them.

    Creators are global (any organization may shortlist or invite any creator).
    """
    ids = list(dict.fromkeys(str(p).strip() for p in public_ids if str(p).strip()))
    if not ids:
        raise ChorusError(
            "invalid", "Choose at least one creator.", fields={"creators": ["Required."]}
        )
    if len(ids) > BATCH_MAX_ROWS:
        raise ChorusError(
            "invalid",
            f"{len(ids):,} creators: at most {BATCH_MAX_ROWS:,} at a time.",
            fields={"creators": [f"At most {BATCH_MAX_ROWS:,}."]},
        )
    by_id = {c.public_id: c for c in CreatorProfile.objects.filter(public_id__in=ids)}
    missing = [p for p in ids if p not in by_id]
    if missing:
        shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
        raise ChorusError(
            "unknown_creators",
            f"No creator has the id {shown}."
            if len(missing) == 1
            else f"No creators have the ids {shown}.",
            fields={"creators": [f"Unknown: {shown}"]},
        )
    return [by_id[p] for p in ids]


def recruiting_campaigns(access: OrgAccess) -> QuerySet[Campaign]:
    """Campaigns creators can be invited to now (recruiting), newest first."""
    return campaigns_for_org(access, status=Campaign.Status.RECRUITING)


def invite_batches_for_org(
    access: OrgAccess, *, campaign: Campaign | None = None
) -> QuerySet[InviteBatch]:
    qs = InviteBatch.objects.for_access(access)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs.select_related(
        "campaign", "campaign__brand", "created_by", "created_by_api_key", "shortlist"
    ).order_by("-created_at", "-id")


def invite_batch_get_for_org(access: OrgAccess, public_id: str) -> InviteBatch:
    batch = invite_batches_for_org(access).filter(public_id=str(public_id)).first()
    if batch is None:
        raise NotFound("No such invitation batch.")
    return batch


def invite_batch_rows(
    access: OrgAccess, batch: InviteBatch, *, outcome: str | None = None
) -> QuerySet[InviteBatchRow]:
    qs = InviteBatchRow.objects.for_access(access).filter(batch=batch)
    if outcome is not None:
        qs = qs.filter(outcome=outcome)
    return qs.select_related("creator").order_by("line_number", "id")
