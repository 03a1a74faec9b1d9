"""Who may change a campaign: the write scope, and the organization and brand limit."""

from campaigns.models import Campaign
from core.errors import ChorusError, NotFound
from organizations.access import OrgAccess
from organizations.models import Brand
from organizations.roles import Scope

WRITE_SCOPE = Scope.CAMPAIGNS_WRITE


def _require_writer(access: OrgAccess) -> None:
    access.require(WRITE_SCOPE)


def _check_brand(access: OrgAccess, brand: Brand | None) -> Brand:
    if brand is None:
        raise ChorusError("required", "Choose a brand.", fields={"brand": ["Choose a brand."]})
    if brand.organization_id != access.organization.pk or (
        access.brand_id is not None and brand.pk != access.brand_id
    ):
        raise ChorusError(
            "not_found", "No such brand.", fields={"brand": ["No such brand."]}, status_code=404
        )
    return brand


def _check_owned(access: OrgAccess, campaign: Campaign) -> None:
    if campaign.organization_id != access.organization.pk or (
        access.brand_id is not None and campaign.brand_id != access.brand_id
    ):
        raise NotFound("No such campaign.")


def _lock(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)
