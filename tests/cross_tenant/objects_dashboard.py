"""Cross-tenant builders for the performance dashboards and API: the victim's campaign has a
live post of the victim creator with rolled-up figures and an order, so the overview, the
creator stats and the API of anyone else must show none of it (the campaign pages answer 404
through the ``campaign_id`` builder)."""

import uuid
from datetime import UTC, date, datetime

from analytics.models import BrandDay, CampaignDay, Conversion, CreatorDay, PostDay
from tests.cross_tenant.objects_campaigns import victim_campaign
from tests.cross_tenant.objects_recruitment import _participation
from tests.cross_tenant.registry import Owner, url_param
from tests.factories.submissions import LivePostFactory, SubmissionFactory

DAY = date(2026, 11, 20)


def victim_performance(owner: Owner) -> str:
    def make() -> str:
        campaign = victim_campaign(owner)
        participation = _participation(owner)
        slot = participation.slots.order_by("id").last()
        post = LivePostFactory(submission=SubmissionFactory(slot=slot))
        org = campaign.organization_id
        sums = {"views": 918_273, "engagements": 64_511, "clicks": 77, "conversions": 5}
        PostDay.objects.create(
            organization_id=org,
            campaign=campaign,
            participation=participation,
            live_post=post,
            day=DAY,
            views=sums["views"],
            engagements=sums["engagements"],
        )
        money = {"revenue_cents": 123_400, "spend_cents": 35_000}
        common = {"organization_id": org, "campaign": campaign, "day": DAY, **sums, **money}
        CreatorDay.objects.create(participation=participation, **common)
        CampaignDay.objects.create(brand_id=campaign.brand_id, currency=campaign.currency, **common)
        BrandDay.objects.create(
            organization_id=org,
            brand_id=campaign.brand_id,
            currency=campaign.currency,
            day=DAY,
            **sums,
            **money,
        )
        Conversion.objects.create(
            organization_id=org,
            source=Conversion.Source.API,
            order_id=uuid.uuid4().hex,
            occurred_at=datetime(2026, 11, 20, tzinfo=UTC),
            currency=campaign.currency,
            revenue_cents=123_400,
            campaign=campaign,
            participation=participation,
            creators_exposed=2,
        )
        return campaign.public_id

    return owner.once("dashboard:performance", make)


@url_param("dashboard:victim_rows")  # no route takes it: it only gives the victim rows to leak
def dashboard_victim_rows(owner: Owner) -> str:
    return victim_performance(owner)


@url_param("api:campaign-performance")
def api_campaign_performance(owner: Owner) -> str:
    return victim_performance(owner)
