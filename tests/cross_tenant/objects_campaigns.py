"""Cross-tenant builders for the campaigns app's URL parameters (browser and API).

Other apps' builders can reuse the victim's campaign with ``victim_campaign(owner)``.
"""

from campaigns.models import Campaign
from tests.cross_tenant.registry import Owner, url_param
from tests.factories.campaigns import CampaignFactory


def victim_campaign(owner: Owner) -> Campaign:
    """A recruiting, open campaign of the victim organization (built once per harness run)."""
    return owner.once(
        "campaigns:campaign",
        lambda: CampaignFactory(
            brand=owner.tenant.brand,
            name="Victim Campaign",
            deliverables=[("tiktok", "video", 1, 15_000), ("instagram", "reel", 1, 20_000)],
        ),
    )


@url_param("campaign_id")
def campaign_id(owner: Owner) -> str:
    return victim_campaign(owner).public_id


@url_param("api:campaign")
def api_campaign(owner: Owner) -> str:
    return victim_campaign(owner).public_id


def victim_asset(owner: Owner) -> str:
    """A file on the victim's campaign brief, really stored, so the file view could serve it."""

    def make() -> str:
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        from campaigns.models import CampaignAsset

        campaign = victim_campaign(owner)
        key = default_storage.save(
            f"{campaign.organization.public_id}/brief-asset/victim.pdf",
            ContentFile(b"%PDF-1.7\nvictim\n"),
        )
        return str(
            CampaignAsset.objects.create(
                organization=campaign.organization,
                campaign=campaign,
                file=key,
                name="victim.pdf",
                content_type="application/pdf",
                size_bytes=1024,
            ).public_id
        )

    return str(owner.once("campaigns:asset", make))


@url_param("asset_id")
def asset_id(owner: Owner) -> str:
    # Browser route (campaign_id + asset_id) and API action route (public_id + asset_id) alike.
    return victim_asset(owner)
