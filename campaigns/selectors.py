"""Read queries for campaigns.

Brand side: always scoped to the organization (and to one brand for a brand-limited member);
missing and someone else's raise the same ``NotFound``.

Creator side (creators are not tenant members): the loudly named ``unscoped_…`` selectors, which
only ever return what the marketplace may show or what a creator page asks for by public id.
"""

from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from campaigns.models import Campaign, CampaignAsset, Deliverable
from core import files
from core.errors import NotFound
from organizations.access import OrgAccess, access_for_request
from organizations.models import Brand
from organizations.roles import Scope


def _with_related(qs: QuerySet[Campaign]) -> QuerySet[Campaign]:
    return qs.select_related("brand", "organization").prefetch_related(
        Prefetch("deliverables", queryset=Deliverable.objects.order_by("position", "id"))
    )


def campaigns_for_org(
    access: OrgAccess, *, status: str | None = None, brand: Brand | str | None = None
) -> QuerySet[Campaign]:
    """The organization's campaigns, newest first, with brand and deliverables loaded.

    ``brand`` is a Brand or its public id. A member limited to one brand sees only its campaigns.
    """
    qs = Campaign.objects.for_access(access)
    if status:
        qs = qs.filter(status=status)
    if isinstance(brand, Brand):
        qs = qs.filter(brand=brand)
    elif brand:
        qs = qs.filter(brand__public_id=brand)
    return _with_related(qs).order_by("-created_at", "-id")


def with_assets(qs: QuerySet[Campaign]) -> QuerySet[Campaign]:
    """Prefetch the brief's files (``campaign.assets.all()``), oldest first: one query."""
    return qs.prefetch_related(
        Prefetch("assets", queryset=CampaignAsset.objects.order_by("created_at", "id"))
    )


def campaign_get_for_org(access: OrgAccess, public_id: str) -> Campaign:
    """One campaign of the organization, with brand and deliverables loaded (not its assets:
    read ``campaign.assets.all()`` once, or use ``with_assets`` on a list)."""
    campaign = campaigns_for_org(access).filter(public_id=str(public_id)).first()
    if campaign is None:
        raise NotFound("No such campaign.")
    return campaign


def campaign_status_counts(access: OrgAccess) -> dict[str, int]:
    """How many campaigns per status (for the list page's filter tabs); one query."""
    qs = Campaign.objects.for_access(access)
    rows = qs.values("status").annotate(n=Count("id")).order_by()
    counts = {status: 0 for status in Campaign.Status.values}
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def unscoped_open_campaigns() -> QuerySet[Campaign]:
    """CROSS-TENANT: every campaign in the creator marketplace — open, recruiting, deadline not
    passed — with brand, organization and deliverables prefetched, deadline soonest first."""
    today = timezone.localdate()
    qs = Campaign.objects.filter(
        status=Campaign.Status.RECRUITING,
        visibility=Campaign.Visibility.OPEN,
        application_deadline__gte=today,
    )
    return _with_related(qs).order_by("application_deadline", "-created_at", "id")


def unscoped_campaign_by_public_id(public_id: str) -> Campaign | None:
    """CROSS-TENANT: one campaign for creator pages (any status; the caller decides what a creator
    may see of it, e.g. through an invitation or participation). None when missing."""
    return with_assets(_with_related(Campaign.objects.filter(public_id=str(public_id)))).first()


def campaign_asset_get_for_org(
    access: OrgAccess, campaign: Campaign, public_id: str
) -> CampaignAsset:
    """One file of ``campaign`` (itself already fetched for ``access``); NotFound otherwise."""
    asset = (
        CampaignAsset.objects.for_access(access)
        .filter(campaign=campaign, public_id=str(public_id))
        .first()
    )
    if asset is None:
        raise NotFound("No such file.")
    return asset


def brief_asset_for_member(request: HttpRequest, public_id: str) -> files.ServedFile | None:
    """File authorizer: members (and API keys) of the asset's organization with campaigns:read,
    within their brand limit, may fetch a brief asset. Anyone else: None (the view's 404)."""
    asset = (
        CampaignAsset.objects.select_related("organization", "campaign")
        .filter(public_id=str(public_id))
        .first()
    )
    if asset is None:
        return None
    access = access_for_request(request, asset.organization)
    if access is None or not access.has(Scope.CAMPAIGNS_READ) or not access.owns(asset):
        return None
    return brief_asset_served(asset)


def brief_asset_served(asset: CampaignAsset) -> files.ServedFile:
    return files.ServedFile(
        key=asset.file.name or "", content_type=asset.content_type, download_name=asset.name
    )
