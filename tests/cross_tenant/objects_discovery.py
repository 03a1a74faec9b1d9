"""Cross-tenant builders for the discovery app's URL parameters (browser and API).

``campaign_id`` (the invite page) is the campaigns app's builder; the batch below invites to the
victim's campaign from ``objects_campaigns.victim_campaign``.
"""

from discovery.models import InviteBatch, InviteBatchRow, Shortlist
from tests.cross_tenant.objects_campaigns import victim_campaign
from tests.cross_tenant.registry import Owner, url_param
from tests.factories.creators import CreatorProfileFactory
from tests.factories.discovery import (
    InviteBatchFactory,
    InviteBatchRowFactory,
    ShortlistEntryFactory,
    ShortlistFactory,
)


def _shortlist(owner: Owner) -> Shortlist:
    def make() -> Shortlist:
        shortlist = ShortlistFactory(organization=owner.tenant.org, name="Victim Shortlist")
        ShortlistEntryFactory(
            shortlist=shortlist, creator=CreatorProfileFactory(display_name="Victim Pick")
        )
        return shortlist

    return owner.once("discovery:shortlist", make)


def _batch(owner: Owner) -> InviteBatch:
    def make() -> InviteBatch:
        batch = InviteBatchFactory(
            campaign=victim_campaign(owner),
            status=InviteBatch.Status.DONE,
            total=1,
            processed=1,
            failed_count=1,
        )
        InviteBatchRowFactory(
            batch=batch,
            handle="victim.handle",
            outcome=InviteBatchRow.Outcome.FAILED,
            reason="No creator on Chorus has verified @victim.handle on TikTok.",
        )
        return batch

    return owner.once("discovery:batch", make)


@url_param("shortlist_id")
def shortlist_id(owner: Owner) -> str:
    return _shortlist(owner).public_id


@url_param("batch_id")
def batch_id(owner: Owner) -> str:
    return _batch(owner).public_id


@url_param("api:shortlist")
def api_shortlist(owner: Owner) -> str:
    return _shortlist(owner).public_id


@url_param("api:invite-batch")
def api_invite_batch(owner: Owner) -> str:
    return _batch(owner).public_id


def _worked_with_victim(owner: Owner) -> str:
    """The victim creator, who has applied to, worked on and been invited to B's campaigns: their
    page in another organization must show none of it (creators are global, their work is not)."""
    from tests.cross_tenant.objects_creators import victim_creator_profile
    from tests.cross_tenant.objects_recruitment import (
        application_id,
        campaign_invitation_id,
        participation_id,
    )

    application_id(owner)
    participation_id(owner)
    campaign_invitation_id(owner)
    return victim_creator_profile(owner).public_id


@url_param("creator_id")
def creator_id(owner: Owner) -> str:
    return _worked_with_victim(owner)


@url_param("api:creator-search")
def api_creator_search(owner: Owner) -> str:
    return _worked_with_victim(owner)
