"""Who may change a campaign: the write scope; the tenant and brand limit go through
``core.ownership.require_owns``."""

from campaigns.models import Campaign
from core.errors import ChorusError
from core.ownership import require_owns
from organizations.access import OrgAccess
from organizations.models import Brand
from organizations.roles import Scope

WRITE_SCOPE = Scope.CAMPAIGNS_WRITE


def _require_writer(access: OrgAccess) -> None:
    access.require(WRITE_SCOPE)


def _brand_of(access: OrgAccess, brand: Brand | None) -> Brand:
    """The brand a campaign is for: required, and the member's own (organization and limit)."""
    if brand is None:
        raise ChorusError("required", "Choose a brand.", fields={"brand": ["Choose a brand."]})
    return require_owns(access, brand, what="brand", field="brand")


def _lock(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)
