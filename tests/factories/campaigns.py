"""Campaign factories, shared by the campaigns, recruitment and discovery tests.

``CampaignFactory()`` builds a recruiting, open campaign of a fresh organization/brand with one
TikTok video deliverable (USD 150) and dates in the future. Useful knobs::

    CampaignFactory(organization=tenant.org, brand=tenant.brand)      # in a tenant
    CampaignFactory(status=Campaign.Status.DRAFT)                     # any status
    CampaignFactory(deliverables=[("instagram", "reel", 2, 20000)])   # (platform, format, qty, fee)
    CampaignFactory(deliverables=[])                                  # none
    CampaignFactory(budget_cents=30000, committed_cents=15000)

Pass ``brand`` and the organization follows it; pass ``organization`` only and a new brand of
that organization is made.
"""

import datetime
from typing import Any

import factory
from django.utils import timezone

from campaigns.models import Campaign, Deliverable
from core.ids import new_public_id
from tests.factories.organizations import BrandFactory

DEFAULT_DELIVERABLES: list[tuple[str, str, int, int]] = [("tiktok", "video", 1, 15000)]


def _today() -> datetime.date:
    return timezone.localdate()


class DeliverableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deliverable

    campaign = factory.SubFactory("tests.factories.campaigns.CampaignFactory", deliverables=[])
    organization = factory.SelfAttribute("campaign.organization")
    platform = "tiktok"
    format = "video"
    quantity = 1
    fee_cents = 15000


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    brand = factory.SubFactory(BrandFactory)
    organization = factory.SelfAttribute("brand.organization")
    name = factory.Sequence(lambda n: f"Campaign {n}")
    objective = "Launch the product with authentic reviews"
    brief = "Show how you **use** the product in your daily routine."
    product_name = "Glow Serum"
    landing_url = "https://example.com/glow"
    required_hashtags = factory.LazyFunction(lambda: ["glowserum"])
    required_mentions = factory.LazyFunction(lambda: ["glowskincare"])
    currency = "USD"
    budget_cents = 1_000_000
    committed_cents = 0
    application_deadline = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=14))
    draft_due = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=21))
    posting_starts = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=28))
    posting_ends = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=42))
    pay_by_days = 14
    min_followers = 1000
    max_followers = 100000
    max_creators = 20
    visibility = Campaign.Visibility.OPEN
    status = Campaign.Status.RECRUITING
    published_at = factory.LazyAttribute(
        lambda o: None if o.status == Campaign.Status.DRAFT else timezone.now()
    )

    @classmethod
    def _generate(cls, strategy: Any, params: dict[str, Any]) -> Any:
        if "organization" in params and "brand" not in params:
            params = {**params, "brand": BrandFactory(organization=params["organization"])}
        return super()._generate(strategy, params)

    @factory.post_generation
    def deliverables(
        self, create: bool, extracted: list[tuple[str, str, int, int]] | None, **kwargs: object
    ) -> None:
        if not create:
            return
        specs = DEFAULT_DELIVERABLES if extracted is None else extracted
        Deliverable.objects.bulk_create(
            [
                Deliverable(
                    public_id=new_public_id(Deliverable.public_id_prefix),
                    organization=self.organization,
                    campaign=self,
                    platform=platform,
                    format=fmt,
                    quantity=quantity,
                    fee_cents=fee_cents,
                    position=index,
                )
                for index, (platform, fmt, quantity, fee_cents) in enumerate(specs)
            ]
        )
