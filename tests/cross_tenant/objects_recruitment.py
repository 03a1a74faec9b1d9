"""Cross-tenant builders for the recruitment app's URL parameters (browser, creator portal, API).

The victim's rows belong to organization B (``owner.tenant``) AND to the victim creator
(``owner.creator``), so one builder serves both attackers: a member of A on the brand pages and
another creator on the portal. ``campaign_id`` itself is the campaigns app's builder; on the
creator portal an open campaign is visible to every creator by design, so ``creator:campaign_id``
returns an invite-only campaign only the victim creator was invited to.
"""

from campaigns.models import Campaign
from creators.models import SocialAccount
from recruitment.models import Application, CampaignInvitation, Participation
from tests.cross_tenant.objects_campaigns import victim_campaign
from tests.cross_tenant.objects_creators import victim_creator_profile
from tests.cross_tenant.registry import Owner, url_param
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import SocialAccountFactory
from tests.factories.recruitment import (
    ApplicationFactory,
    CampaignInvitationFactory,
    ParticipationFactory,
)


def _account(owner: Owner) -> SocialAccount:
    """A verified TikTok account of the victim creator, used in their application."""
    return owner.once(
        "recruitment:account",
        lambda: SocialAccountFactory(
            creator=victim_creator_profile(owner), handle="victim.recruits", platform="tiktok"
        ),
    )


def _private_campaign(owner: Owner) -> Campaign:
    """An invite-only, recruiting campaign of B that only the victim creator is invited to."""
    return owner.once(
        "recruitment:private_campaign",
        lambda: CampaignFactory(
            brand=owner.tenant.brand,
            name="Victim Private Campaign",
            visibility=Campaign.Visibility.INVITE_ONLY,
        ),
    )


def _application(owner: Owner) -> Application:
    return owner.once(
        "recruitment:application",
        lambda: ApplicationFactory(
            campaign=victim_campaign(owner),
            creator=victim_creator_profile(owner),
            social_account=_account(owner),
            pitch="Victim's pitch",
        ),
    )


def _participation(owner: Owner) -> Participation:
    return owner.once(
        "recruitment:participation",
        lambda: ParticipationFactory(
            campaign=victim_campaign(owner),
            creator=victim_creator_profile(owner),
            social_account=_account(owner),
            promo_code="VICTIM-VIC222",
        ),
    )


def _invitation(owner: Owner) -> CampaignInvitation:
    return owner.once(
        "recruitment:invitation",
        lambda: CampaignInvitationFactory(
            campaign=_private_campaign(owner),
            creator=victim_creator_profile(owner),
            message="Victim's invitation",
        ),
    )


@url_param("application_id")
def application_id(owner: Owner) -> str:
    return _application(owner).public_id


@url_param("participation_id")
def participation_id(owner: Owner) -> str:
    return _participation(owner).public_id


@url_param("campaign_invitation_id")
def campaign_invitation_id(owner: Owner) -> str:
    return _invitation(owner).public_id


@url_param("creator:campaign_id")
def creator_campaign_id(owner: Owner) -> str:
    _invitation(owner)  # the victim creator is invited; the attacking creator is not
    return _private_campaign(owner).public_id


@url_param("api:application")
def api_application(owner: Owner) -> str:
    return _application(owner).public_id


@url_param("api:participation")
def api_participation(owner: Owner) -> str:
    return _participation(owner).public_id


@url_param("api:campaign-invitation")
def api_campaign_invitation(owner: Owner) -> str:
    return _invitation(owner).public_id


@url_param("api:campaign-capacity")
def api_campaign_capacity(owner: Owner) -> str:
    _participation(owner)  # B's campaign has a creator in, so its numbers are not all zero
    return victim_campaign(owner).public_id
