from campaigns.demo import GLOW_LAUNCH, seed_campaigns_demo
from campaigns.models import Campaign
from campaigns.selectors import unscoped_open_campaigns
from web.demo import seed_demo


def test_demo_campaigns_are_seeded_once_and_glow_launch_is_open(db):
    seed_demo(creator_count=2)
    first = seed_campaigns_demo()
    again = seed_campaigns_demo()
    assert [c.pk for c in first] == [c.pk for c in again]
    assert Campaign.objects.count() == 4
    glow = Campaign.objects.get(name=GLOW_LAUNCH)
    assert glow.brand.slug == "glow-skincare"
    assert glow.status == Campaign.Status.RECRUITING
    assert glow.budget_cents == 2_000_000
    assert glow.max_creators == 60
    assert [(d.platform, d.format, d.quantity, d.fee_cents) for d in glow.deliverables.all()] == [
        ("tiktok", "video", 1, 15_000),
        ("instagram", "reel", 1, 20_000),
    ]
    assert glow in list(unscoped_open_campaigns())
    statuses = set(
        Campaign.objects.filter(brand__slug="peak-outdoor").values_list("status", flat=True)
    )
    assert statuses == {"draft", "active"}
    assert Campaign.objects.filter(organization__slug="brightbrew").exists()
