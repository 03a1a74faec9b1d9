from campaigns.models import Campaign
from tests.factories.campaigns import CampaignFactory, DeliverableFactory


def test_campaign_factory_defaults_and_knobs(tenant_a):
    campaign = CampaignFactory(
        brand=tenant_a.brand,
        deliverables=[("tiktok", "video", 1, 15_000), ("instagram", "reel", 2, 20_000)],
    )
    assert campaign.organization == tenant_a.org
    assert campaign.status == Campaign.Status.RECRUITING
    assert campaign.per_creator_fee_cents == 55_000
    assert campaign.platforms == ["instagram", "tiktok"]
    assert all(d.public_id.startswith("dlv_") for d in campaign.deliverables.all())


def test_campaign_factory_with_only_an_organization_makes_a_brand_of_it(tenant_a):
    campaign = CampaignFactory(
        organization=tenant_a.org, status=Campaign.Status.DRAFT, deliverables=[]
    )
    assert campaign.brand.organization == tenant_a.org
    assert campaign.published_at is None
    assert not campaign.deliverables.exists()
    DeliverableFactory(campaign=campaign)
    assert campaign.deliverables.get().organization == tenant_a.org
