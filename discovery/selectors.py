"""Read queries for shortlists and invite batches, scoped to the organization (and to one brand
for a brand-limited member). Missing and someone else's raise the same ``NotFound``."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from campaigns.models import Campaign
from campaigns.selectors import campaigns_for_org
from core.errors import ChorusError, NotFound
from creators.eligibility import check_eligibility
from creators.models import CreatorProfile, PortfolioItem, SocialAccount
from discovery.models import BATCH_MAX_ROWS, InviteBatch, InviteBatchRow, Shortlist, ShortlistEntry
from organizations.access import OrgAccess
from organizations.roles import Scope
from recruitment.models import Application, CampaignInvitation, Participation
from recruitment.selectors import (
    applications_for_org,
    campaign_invitations_for_org,
    participations_for_org,
)


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


# -- searching for one campaign ---------------------------------------------------------------------


def search_filters_for_campaign(campaign: Campaign) -> dict[str, str]:
    """The search filters that match a campaign's targeting, as query-string values.

    The search takes one platform, niche and country; a campaign may name several. Then the
    filter is left open and the eligibility mark on each creator tells the rest.
    """
    filters = {
        "min_followers": str(campaign.min_followers),
        "max_followers": str(campaign.max_followers),
        "sort": "followers_desc",
        "campaign": campaign.public_id,
    }
    if len(campaign.platforms) == 1:
        filters["platform"] = campaign.platforms[0]
    if campaign.min_engagement_bp:
        filters["min_engagement_bp"] = str(campaign.min_engagement_bp)
    if len(campaign.niches or []) == 1:
        filters["niche"] = campaign.niches[0]
    if len(campaign.countries or []) == 1:
        filters["country"] = campaign.countries[0].upper()
    return filters


def mark_eligibility(creators: Iterable[CreatorProfile], campaign: Campaign) -> None:
    """Sets ``creator.eligibility`` (reasons in the brand's words) on each creator of a search
    page. No query: the page carries accounts and niches, the campaign its deliverables."""
    for creator in creators:
        accounts = getattr(creator, "accounts", None)
        creator.eligibility = check_eligibility(  # type: ignore[attr-defined]
            creator=creator,
            campaign=campaign,
            accounts=list(accounts) if accounts is not None else None,
            audience="brand",
        )


# -- a creator as a brand sees them -------------------------------------------------------------


@dataclass
class CreatorForBrand:
    """A creator's public profile, plus their work with the viewing organization only."""

    creator: CreatorProfile
    accounts: list[SocialAccount]
    portfolio: list[PortfolioItem]
    participations: list[Participation]
    applications: list[Application]
    invitations: list[CampaignInvitation]
    stats: "WorkWithUs"


@dataclass
class WorkWithUs:
    """Counts of a creator's work with the viewing organization (within its brand limit)."""

    participations: int
    completed_participations: int
    applications: int
    pending_invitations: int
    agreed_total_cents: dict[str, int]  # by currency


def _work_with_us(access: OrgAccess, creator: CreatorProfile) -> WorkWithUs:
    """One aggregate per table, over every row (the lists on the page stop at 50)."""
    done = Participation.Status.COMPLETED
    parts = participations_for_org(access).filter(creator=creator).prefetch_related(None).order_by()
    totals = parts.values("currency").annotate(total=Sum("agreed_total_cents")).order_by()
    counts = parts.aggregate(all=Count("id"), completed=Count("id", filter=Q(status=done)))
    return WorkWithUs(
        participations=counts["all"],
        completed_participations=counts["completed"],
        applications=applications_for_org(access)
        .filter(creator=creator)
        .exclude(status=Application.Status.ACCEPTED)
        .count(),
        pending_invitations=campaign_invitations_for_org(
            access, status=CampaignInvitation.Status.PENDING
        )
        .filter(creator=creator)
        .count(),
        agreed_total_cents={row["currency"]: int(row["total"] or 0) for row in totals},
    )


def creator_profile_for_org(access: OrgAccess, public_id: str) -> CreatorForBrand:
    """Creators are global, so any organization may look one up (as in the search); what they
    did is another matter: past work comes from ``recruitment.selectors`` scoped to the viewer's
    organization and brand limit, so another organization's campaigns never show."""
    access.require(Scope.CREATORS_READ)
    creator = (
        CreatorProfile.objects.prefetch_related("niche_links")
        .filter(public_id=str(public_id))
        .first()
    )
    if creator is None:
        raise NotFound("No such creator.")
    return CreatorForBrand(
        creator=creator,
        accounts=list(
            SocialAccount.objects.filter(creator=creator).order_by("platform", "-follower_count")
        ),
        portfolio=list(PortfolioItem.objects.filter(creator=creator).order_by("position", "id")),
        participations=list(participations_for_org(access).filter(creator=creator)[:50]),
        applications=list(
            applications_for_org(access)
            .filter(creator=creator)
            .exclude(status=Application.Status.ACCEPTED)[:50]
        ),
        invitations=list(
            campaign_invitations_for_org(access).filter(
                creator=creator, status=CampaignInvitation.Status.PENDING
            )[:50]
        ),
        stats=_work_with_us(access, creator),
    )
