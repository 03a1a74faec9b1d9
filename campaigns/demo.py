"""Demo campaigns on top of web.demo's organizations: a living, open campaign and a few others.

Idempotent: a campaign is found by (organization, brand, name) and only missing ones are made.
Call ``seed_campaigns_demo()`` after ``web.demo.seed_demo()``; it may run inside its transaction.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.services import DeliverableSpec
from campaigns.services.editing import _campaign_create, _default_values
from organizations.models import Brand

GLOW_LAUNCH = "Glow Serum Summer Launch"

GLOW_BRIEF = """\
Summer is here and so is **Glow Serum**: a lightweight vitamin C serum that layers under SPF.

Show your real morning routine and where the serum fits in it:

1. Start bare-faced, in natural light.
2. Apply two drops and tell us how it feels (no scripts, your words).
3. Finish with your usual SPF and show the glow.

Keep it honest: if something surprised you, say so. Link to the product with your
tracking link, and use your promo code so your followers get 15% off.
"""


@dataclass
class DemoCampaign:
    org_slug: str
    brand_slug: str
    name: str
    status: str
    deliverables: list[tuple[str, str, int, int]]
    fields: dict[str, Any] = field(default_factory=dict)


def _d(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _specs() -> list[DemoCampaign]:
    return [
        DemoCampaign(
            "northstar",
            "glow-skincare",
            GLOW_LAUNCH,
            Campaign.Status.RECRUITING,
            [("tiktok", "video", 1, 15_000), ("instagram", "reel", 1, 20_000)],
            {
                "objective": "Launch Glow Serum with 60 authentic morning-routine videos",
                "brief": GLOW_BRIEF,
                "dos": "Film in daylight\nShow the bottle and the texture\nMention it layers under SPF",
                "donts": "No before/after claims\nNo medical claims\nNo other skincare brands in shot",
                "product_name": "Glow Serum 30 ml",
                "landing_url": "https://glow-skincare.example/serum",
                "reference_links": ["https://glow-skincare.example/press/serum-launch"],
                "required_hashtags": ["GlowSerum", "SummerGlow"],
                "required_mentions": ["glowskincare"],
                "currency": "USD",
                "budget_cents": 2_000_000,
                "bonus_per_1k_views_cents": 200,
                "bonus_cap_per_post_cents": 10_000,
                "commission_per_conversion_cents": 300,
                "application_deadline": _d(21),
                "draft_due": _d(30),
                "posting_starts": _d(35),
                "posting_ends": _d(49),
                "pay_by_days": 14,
                "niches": ["beauty", "lifestyle"],
                "countries": ["US", "CA", "GB"],
                "min_engagement_bp": 200,
                "max_creators": 60,
                "visibility": Campaign.Visibility.OPEN,
            },
        ),
        DemoCampaign(
            "northstar",
            "peak-outdoor",
            "Trail Jacket Autumn Drop",
            Campaign.Status.DRAFT,
            [("youtube", "short", 1, 12_000), ("instagram", "story", 3, 4_000)],
            {
                "objective": "Show the jacket in real weather",
                "brief": "Take the **Trail Jacket** somewhere wet and windy. Show the hood and the pockets.",
                "product_name": "Trail Jacket",
                "currency": "USD",
                "budget_cents": 1_200_000,
                "niches": ["outdoors", "travel"],
                "max_creators": 40,
            },
        ),
        DemoCampaign(
            "northstar",
            "peak-outdoor",
            "Hiking Boots Spring Push",
            Campaign.Status.ACTIVE,
            [("tiktok", "video", 2, 10_000)],
            {
                "objective": "Two trail videos per creator in the new boots",
                "brief": "Wear the **Summit Boots** on two different trails; show the grip on rock.",
                "product_name": "Summit Boots",
                "currency": "USD",
                "budget_cents": 800_000,
                "application_deadline": _d(0),
                "draft_due": _d(7),
                "posting_starts": _d(10),
                "posting_ends": _d(24),
                "niches": ["outdoors", "fitness"],
                "max_creators": 30,
                "visibility": Campaign.Visibility.INVITE_ONLY,
            },
        ),
        DemoCampaign(
            "brightbrew",
            "brightbrew",
            "Cold Brew Mornings",
            Campaign.Status.RECRUITING,
            [("instagram", "reel", 1, 18_000), ("tiktok", "video", 1, 15_000)],
            {
                "objective": "Make cold brew the first thing people reach for",
                "brief": "Show your first cup of the day with **Brightbrew Cold Brew** — no kettle needed.",
                "product_name": "Brightbrew Cold Brew",
                "landing_url": "https://brightbrew.example/cold-brew",
                "required_hashtags": ["BrightbrewMornings"],
                "required_mentions": ["brightbrew"],
                "currency": "EUR",
                "budget_cents": 1_500_000,
                "application_deadline": _d(14),
                "draft_due": _d(21),
                "posting_starts": _d(24),
                "posting_ends": _d(38),
                "niches": ["food", "lifestyle"],
                "countries": ["DE", "FR", "NL", "ES", "IT"],
                "max_creators": 50,
            },
        ),
    ]


def seed_campaigns_demo() -> list[Campaign]:
    """Make the demo campaigns that are missing; return all of them."""
    made: list[Campaign] = []
    with transaction.atomic():
        for spec in _specs():
            brand = (
                Brand.objects.select_related("organization")
                .filter(organization__slug=spec.org_slug, slug=spec.brand_slug)
                .first()
            )
            if brand is None:  # web.demo has not run: nothing to build on
                continue
            existing = Campaign.objects.filter(
                organization=brand.organization, brand=brand, name=spec.name
            ).first()
            if existing is not None:
                made.append(existing)
                continue
            values = _default_values() | spec.fields | {"name": spec.name}
            campaign = _campaign_create(
                organization_id=brand.organization_id,
                brand=brand,
                deliverables=[DeliverableSpec(*d) for d in spec.deliverables],
                values=values,
            )
            if spec.status != Campaign.Status.DRAFT:
                campaign.status = spec.status
                campaign.published_at = timezone.now()
                campaign.save(update_fields=["status", "published_at", "updated_at"])
            made.append(campaign)
    return made
