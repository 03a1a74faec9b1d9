"""Read queries for recruitment.

Brand side: scoped to the organization (and to one brand for a brand-limited member); missing
and someone else's raise the same ``NotFound``. Creator side: scoped to the creator; another
creator's row is "not found" too. Lists load what their rows show up front (select_related /
prefetch_related), so a page runs the same number of queries whatever its length.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest

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


@dataclass(frozen=True)
class CampaignFill:
    """How full a campaign is: creator slots and money."""

    filled: int
    max_creators: int
    committed_cents: int
    budget_cents: int
    currency: str

    @property
    def slots_left(self) -> int:
        return max(self.max_creators - self.filled, 0)

    @property
    def is_full(self) -> bool:
        return self.filled >= self.max_creators

    @property
    def percent_committed(self) -> int:
        return (self.committed_cents * 100) // self.budget_cents if self.budget_cents else 0


def campaign_fill(campaign: Campaign) -> CampaignFill:
    filled = Participation.objects.filter(
        organization_id=campaign.organization_id, campaign=campaign, status__in=FILLED_STATUSES
    ).count()
    return CampaignFill(
        filled=filled,
        max_creators=campaign.max_creators,
        committed_cents=campaign.committed_cents,
        budget_cents=campaign.budget_cents,
        currency=campaign.currency,
    )


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


def marketplace_for_creator(creator: CreatorProfile, *, limit: int = 200) -> Marketplace:
    """Open campaigns, split into those the creator qualifies for and those they do not (with
    the reasons). A fixed number of queries: campaigns + deliverables, accounts, niches, and the
    creator's own applications, invitations and participations."""
    creator = _creator_with_niches(creator)
    accounts = creator_accounts(creator)
    campaigns = list(unscoped_open_campaigns()[:limit])
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
