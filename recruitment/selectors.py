"""Read queries for recruitment.

Brand side: scoped to the organization (and to one brand for a brand-limited member); missing
and someone else's raise the same ``NotFound``. Creator side: scoped to the creator; another
creator's row is "not found" too. Lists load what their rows show up front (select_related /
prefetch_related), so a page runs the same number of queries whatever its length.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from campaigns.capacity import Capacity
from campaigns.models import Campaign, CampaignAsset, Deliverable
from campaigns.selectors import (
    brief_asset_served,
    unscoped_campaign_by_public_id,
    unscoped_open_campaigns,
)
from core import files
from core.errors import NotFound
from creators.eligibility import Eligibility, check_eligibility
from creators.models import CreatorProfile, SocialAccount
from organizations.access import OrgAccess
from organizations.models import Organization
from recruitment.models import Application, CampaignInvitation, Participation, ParticipationSlot
from recruitment.services import FILLED_STATUSES

_DELIVERABLES = Prefetch("deliverables", queryset=Deliverable.objects.order_by("position", "id"))


# -- for other apps -----------------------------------------------------------------------------


def creator_ids_who_worked_with_org(organization: Organization) -> "QuerySet[Participation, int]":
    """Creators with a (not cancelled) participation in any of the organization's campaigns.

    A subquery-friendly values list: ``CreatorProfile.objects.filter(pk__in=...)``.
    """
    return (
        Participation.objects.filter(organization=organization, status__in=FILLED_STATUSES)
        .values_list("creator_id", flat=True)
        .distinct()
    )


# -- brand side ---------------------------------------------------------------------------------


def _creator_prefetch() -> Prefetch:
    return Prefetch(
        "creator__social_accounts",
        queryset=SocialAccount.objects.order_by("platform", "-follower_count"),
    )


def applications_for_org(
    access: OrgAccess,
    *,
    status: str | None = None,
    campaign: Campaign | None = None,
) -> QuerySet[Application]:
    """Applications of the organization's campaigns with the creator's stats: creator, the
    account applied with, every account of the creator (prefetched), the campaign and brand."""
    qs = Application.objects.for_access(access)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if status:
        qs = qs.filter(status=status)
    return (
        qs.select_related(
            "campaign",
            "campaign__brand",
            "creator",
            "social_account",
            "decided_by",
            "participation",
        )
        .prefetch_related(_creator_prefetch(), "creator__niche_links")
        .order_by("-created_at", "-id")
    )


def applications_for_campaign(
    access: OrgAccess, campaign: Campaign, *, status: str | None = None
) -> QuerySet[Application]:
    return applications_for_org(access, status=status, campaign=campaign)


def application_get_for_org(access: OrgAccess, public_id: str) -> Application:
    application = applications_for_org(access).filter(public_id=str(public_id)).first()
    if application is None:
        raise NotFound("No such application.")
    return application


def application_status_counts(
    access: OrgAccess, campaign: Campaign | None = None
) -> dict[str, int]:
    """How many applications per status (for the filter tabs); one query."""
    qs = Application.objects.for_access(access)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    counts = dict.fromkeys(Application.Status.values, 0)
    for row in qs.values("status").annotate(n=Count("id")).order_by():
        counts[row["status"]] = row["n"]
    return counts


def participations_for_org(
    access: OrgAccess, *, status: str | None = None, campaign: Campaign | None = None
) -> QuerySet[Participation]:
    qs = Participation.objects.for_access(access)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if status:
        qs = qs.filter(status=status)
    return (
        qs.select_related(
            "campaign", "campaign__brand", "creator", "social_account", "application", "invitation"
        )
        .prefetch_related(with_slots())
        .order_by("-created_at", "-id")
    )


def participations_for_campaign(
    access: OrgAccess, campaign: Campaign, *, status: str | None = None
) -> QuerySet[Participation]:
    return participations_for_org(access, status=status, campaign=campaign)


def participation_get_for_org(access: OrgAccess, public_id: str) -> Participation:
    participation = participations_for_org(access).filter(public_id=str(public_id)).first()
    if participation is None:
        raise NotFound("No such participation.")
    return participation


def campaign_invitations_for_org(
    access: OrgAccess, *, status: str | None = None, campaign: Campaign | None = None
) -> QuerySet[CampaignInvitation]:
    qs = CampaignInvitation.objects.for_access(access)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("campaign", "campaign__brand", "creator", "invited_by").order_by(
        "-created_at", "-id"
    )


def campaign_invitation_get_for_org(access: OrgAccess, public_id: str) -> CampaignInvitation:
    invitation = campaign_invitations_for_org(access).filter(public_id=str(public_id)).first()
    if invitation is None:
        raise NotFound("No such invitation.")
    return invitation


def _filled_counts(organization_id: int, campaign_ids: list[int]) -> dict[int, int]:
    rows = (
        Participation.objects.filter(
            organization_id=organization_id,
            campaign_id__in=campaign_ids,
            status__in=FILLED_STATUSES,
        )
        .values("campaign_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["campaign_id"]: row["n"] for row in rows}


def _capacity(campaign: Campaign, filled: int) -> Capacity:
    return Capacity(
        max_creators=campaign.max_creators,
        filled=filled,
        per_creator_cents=campaign.per_creator_fee_cents,
        budget_cents=campaign.budget_cents,
        committed_cents=campaign.committed_cents,
        currency=campaign.currency,
    )


def campaign_capacity(campaign: Campaign) -> Capacity:
    """Places left for one campaign (the overview, the campaign page, the applications tab and
    the API all show this). One query, plus the deliverables if not prefetched."""
    filled = _filled_counts(campaign.organization_id, [campaign.pk]).get(campaign.pk, 0)
    return _capacity(campaign, filled)


def campaigns_capacity(campaigns: Sequence[Campaign]) -> dict[int, Capacity]:
    """``campaign_capacity`` for many campaigns of one organization in one query (prefetch
    ``deliverables``)."""
    if not campaigns:
        return {}
    filled = _filled_counts(campaigns[0].organization_id, [c.pk for c in campaigns])
    return {c.pk: _capacity(c, filled.get(c.pk, 0)) for c in campaigns}


@dataclass(frozen=True)
class CampaignOverviewRow:
    campaign: Campaign
    capacity: Capacity
    applications_waiting: int


OVERVIEW_STATUSES = (Campaign.Status.RECRUITING, Campaign.Status.ACTIVE)


def campaign_overview(access: OrgAccess, *, limit: int = 50) -> list[CampaignOverviewRow]:
    """Per live campaign (recruiting or active): status, applications waiting, creators in,
    places left, budget committed and left. Three queries whatever the number of campaigns:
    campaigns with waiting applications counted, their deliverables, the creators in."""
    waiting = (
        Application.objects.filter(
            organization_id=OuterRef("organization_id"),
            campaign_id=OuterRef("pk"),
            status=Application.Status.PENDING,
        )
        .values("campaign_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    qs = Campaign.objects.for_access(access).filter(status__in=OVERVIEW_STATUSES)
    campaigns = list(
        qs.select_related("brand")
        .prefetch_related(_DELIVERABLES)
        .annotate(waiting=Coalesce(Subquery(waiting), 0))
        .order_by("-created_at", "-id")[:limit]
    )
    capacities = campaigns_capacity(campaigns)
    return [
        CampaignOverviewRow(
            campaign=c,
            capacity=capacities[c.pk],
            applications_waiting=c.waiting,
        )
        for c in campaigns
    ]


# -- creator side -------------------------------------------------------------------------------


def applications_for_creator(creator: CreatorProfile) -> QuerySet[Application]:
    return (
        Application.objects.filter(creator=creator)
        .select_related("campaign", "campaign__brand", "social_account")
        .order_by("-created_at", "-id")
    )


def application_get_for_creator(creator: CreatorProfile, public_id: str) -> Application:
    application = applications_for_creator(creator).filter(public_id=str(public_id)).first()
    if application is None:
        raise NotFound("No such application.")
    return application


def participations_for_creator(creator: CreatorProfile) -> QuerySet[Participation]:
    return (
        Participation.objects.filter(creator=creator)
        .select_related("campaign", "campaign__brand", "social_account")
        .prefetch_related(with_slots())
        .order_by("-created_at", "-id")
    )


def with_slots() -> Prefetch:
    """``participation.slots.all()``: its promised posts in deliverable order (one query)."""
    return Prefetch(
        "slots",
        queryset=ParticipationSlot.objects.select_related("deliverable").order_by(
            "deliverable__position", "deliverable_id", "slot_number"
        ),
    )


def invitations_for_creator(
    creator: CreatorProfile, *, pending_only: bool = False
) -> QuerySet[CampaignInvitation]:
    qs = CampaignInvitation.objects.filter(creator=creator).exclude(
        status=CampaignInvitation.Status.WITHDRAWN
    )
    if pending_only:
        qs = qs.filter(status=CampaignInvitation.Status.PENDING)
    return (
        qs.select_related("campaign", "campaign__brand")
        .prefetch_related(Prefetch("campaign__deliverables", queryset=_DELIVERABLES.queryset))
        .order_by("-created_at", "-id")
    )


def invitation_get_for_creator(creator: CreatorProfile, public_id: str) -> CampaignInvitation:
    invitation = (
        CampaignInvitation.objects.filter(creator=creator, public_id=str(public_id))
        .select_related("campaign", "campaign__brand")
        .first()
    )
    if invitation is None:
        raise NotFound("No such invitation.")
    return invitation


def creator_accounts(creator: CreatorProfile) -> list[SocialAccount]:
    return list(SocialAccount.objects.filter(creator=creator).order_by("platform", "handle"))


@dataclass
class MarketplaceEntry:
    campaign: Campaign
    eligibility: Eligibility
    application_status: str = ""  # the creator's application, if any
    invited: bool = False
    participating: bool = False

    @property
    def eligible(self) -> bool:
        return self.eligibility.eligible


@dataclass
class Marketplace:
    qualified: list[MarketplaceEntry] = field(default_factory=list)
    not_qualified: list[MarketplaceEntry] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.qualified) + len(self.not_qualified)


def _creator_with_niches(creator: CreatorProfile) -> CreatorProfile:
    """The creator with niche_links prefetched (eligibility reads them) — one query."""
    if hasattr(creator, "_prefetched_objects_cache") and "niche_links" in (
        creator._prefetched_objects_cache
    ):
        return creator
    return CreatorProfile.objects.prefetch_related("niche_links").get(pk=creator.pk)


@dataclass(frozen=True)
class MarketplaceFilters:
    """What a creator narrows the marketplace by: words in the campaign or brand name, a
    platform, a niche the campaign targets, and a least pay per creator (minor units)."""

    q: str = ""
    platform: str = ""
    niche: str = ""
    min_pay_cents: int = 0

    def keeps(self, campaign: Campaign) -> bool:
        words = self.q.strip().lower()
        if words and words not in f"{campaign.name} {campaign.brand.name}".lower():
            return False
        if self.platform and self.platform not in campaign.platforms:
            return False
        if self.niche and self.niche not in (campaign.niches or []):
            return False
        return campaign.per_creator_fee_cents >= self.min_pay_cents


def marketplace_for_creator(
    creator: CreatorProfile, *, limit: int = 200, filters: MarketplaceFilters | None = None
) -> Marketplace:
    """Open campaigns, split into those the creator qualifies for and those they do not (with
    the reasons). A fixed number of queries: campaigns + deliverables, accounts, niches, and the
    creator's own applications, invitations and participations. ``filters`` narrow the list
    (in Python: the open campaigns are at most ``limit``, with their deliverables loaded)."""
    creator = _creator_with_niches(creator)
    accounts = creator_accounts(creator)
    campaigns = list(unscoped_open_campaigns()[:limit])
    if filters is not None:
        campaigns = [c for c in campaigns if filters.keeps(c)]
    ids = [c.pk for c in campaigns]
    applied = dict(
        Application.objects.filter(creator=creator, campaign_id__in=ids).values_list(
            "campaign_id", "status"
        )
    )
    invited = set(
        CampaignInvitation.objects.filter(
            creator=creator, campaign_id__in=ids, status=CampaignInvitation.Status.PENDING
        ).values_list("campaign_id", flat=True)
    )
    participating = set(
        Participation.objects.filter(creator=creator, campaign_id__in=ids).values_list(
            "campaign_id", flat=True
        )
    )
    market = Marketplace()
    for campaign in campaigns:
        entry = MarketplaceEntry(
            campaign=campaign,
            eligibility=check_eligibility(creator=creator, campaign=campaign, accounts=accounts),
            application_status=applied.get(campaign.pk, ""),
            invited=campaign.pk in invited,
            participating=campaign.pk in participating,
        )
        (market.qualified if entry.eligible else market.not_qualified).append(entry)
    return market


@dataclass
class CreatorCampaignView:
    """A campaign as one creator sees it, with what they can do about it."""

    campaign: Campaign
    eligibility: Eligibility
    accounts: list[SocialAccount]
    application: Application | None
    invitation: CampaignInvitation | None
    participation: Participation | None


def _creator_ties(
    creator: CreatorProfile, campaign: Campaign
) -> tuple[Application | None, CampaignInvitation | None, Participation | None]:
    application = Application.objects.filter(campaign=campaign, creator=creator).first()
    invitation = (
        CampaignInvitation.objects.filter(campaign=campaign, creator=creator)
        .exclude(status=CampaignInvitation.Status.WITHDRAWN)
        .first()
    )
    participation = Participation.objects.filter(campaign=campaign, creator=creator).first()
    return application, invitation, participation


def _creator_may_see(
    campaign: Campaign,
    application: Application | None,
    invitation: CampaignInvitation | None,
    participation: Participation | None,
) -> bool:
    """Drafts never; open recruiting campaigns to all; others only to creators tied to them."""
    if campaign.status == Campaign.Status.DRAFT:
        return False
    involved = application is not None or invitation is not None or participation is not None
    listed = (
        campaign.visibility == Campaign.Visibility.OPEN
        and campaign.status == Campaign.Status.RECRUITING
    )
    return listed or involved


def creator_can_see_campaign(creator: CreatorProfile, campaign: Campaign) -> bool:
    return _creator_may_see(campaign, *_creator_ties(creator, campaign))


def brief_asset_for_creator(request: HttpRequest, public_id: str) -> files.ServedFile | None:
    """File authorizer: a creator may fetch a brief asset of a campaign they can see."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    creator = CreatorProfile.objects.filter(user=user).first()
    if creator is None:
        return None
    asset = (
        CampaignAsset.objects.select_related("campaign").filter(public_id=str(public_id)).first()
    )
    if asset is None or not creator_can_see_campaign(creator, asset.campaign):
        return None
    return brief_asset_served(asset)


def campaign_for_creator(creator: CreatorProfile, public_id: str) -> CreatorCampaignView:
    """One campaign for the creator's campaign page. Drafts are never shown; invite-only
    campaigns only to creators invited to (or taking part in) them; others: not found."""
    campaign = unscoped_campaign_by_public_id(str(public_id))
    if campaign is None or campaign.status == Campaign.Status.DRAFT:
        raise NotFound("No such campaign.")
    application, invitation, participation = _creator_ties(creator, campaign)
    if not _creator_may_see(campaign, application, invitation, participation):
        raise NotFound("No such campaign.")
    creator = _creator_with_niches(creator)
    accounts = creator_accounts(creator)
    return CreatorCampaignView(
        campaign=campaign,
        eligibility=check_eligibility(creator=creator, campaign=campaign, accounts=accounts),
        accounts=accounts,
        application=application,
        invitation=invitation,
        participation=participation,
    )


def creator_work_counts(creator: CreatorProfile) -> dict[str, int]:
    row = CampaignInvitation.objects.filter(creator=creator).aggregate(
        pending=Count("id", filter=Q(status=CampaignInvitation.Status.PENDING))
    )
    return {"pending_invitations": row["pending"] or 0}


def creator_by_public_id(public_id: str) -> CreatorProfile | None:
    """Creators are global: any organization may invite any creator by id."""
    return CreatorProfile.objects.filter(public_id=str(public_id)).first()
