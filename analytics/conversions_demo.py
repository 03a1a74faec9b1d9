"""Demo conversions on "Glow Serum Summer Launch" and "Glow Serum Early Access": a connected
Shopify store, visitors who clicked one to four creators' links over the past days, and orders
attributed by promo code and by click, so the dashboards show conversions and customers reached
by several creators.

Builds on ``recruitment.demo`` (Glow's participations) and ``analytics.posts_demo`` (Early
Access's); each campaign has its own visitors. Runs inside the caller's transaction
(``conversion_record_in_transaction``); commissions accrue when the worker's sweep runs
(``payouts.commissions``), as for real orders. Idempotent: a campaign that has any conversion
is left as it is. The store's secret is a fixed demo value, so ``manage.py
conversions_test_order glow-demo.myshopify.com`` can sign a test order against it.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from analytics.conversions import OrderIn, conversion_record_in_transaction
from analytics.conversions_stores import secret_encrypt
from analytics.models import Click, Conversion, StoreConnection
from analytics.services import visitor_hash
from campaigns.models import Campaign
from recruitment.models import Participation

GLOW = "Glow Serum Summer Launch"
EARLY_ACCESS = "Glow Serum Early Access"  # analytics.posts_demo: creators who posted already
EARLY_ACCESS_VISITORS = 100
DEMO_SHOP = "glow-demo.myshopify.com"
DEMO_SECRET = "shpss_demo_glow_store_secret_0001"  # demo data only: never a real secret

# (visitor, [(creator index, days before the order)], promo code creator index or None,
#  days ago the order was placed, revenue in cents)
PLAN: list[tuple[int, list[tuple[int, float]], int | None, int, int]] = [
    (1, [], 0, 6, 4_990),
    (2, [(1, 2.0)], None, 6, 3_490),
    (3, [(0, 5.0), (2, 1.0)], None, 5, 8_980),
    (4, [(1, 9.0), (2, 4.0), (3, 0.5)], None, 4, 4_990),
    (5, [(0, 12.0), (1, 6.0), (2, 3.0), (4, 0.2)], 2, 3, 13_470),
    (6, [(3, 1.5)], 3, 2, 4_990),
    (7, [(0, 3.0), (4, 1.0)], None, 2, 9_980),
    (8, [], 1, 1, 4_990),
    (9, [(2, 8.0), (3, 2.0), (4, 0.5)], None, 1, 14_970),
    (10, [(1, 0.3)], None, 0, 4_990),
]


# Where a creator's followers click their link from: the app of the creator's main account.
REFERRERS = {
    "tiktok": "www.tiktok.com",
    "instagram": "l.instagram.com",
    "youtube": "www.youtube.com",
}


def _referrer(participation: Participation) -> str:
    account = participation.social_account
    return REFERRERS.get(account.platform, "") if account is not None else ""


def _visitor_ip(n: int) -> str:
    return f"198.51.100.{n}"  # TEST-NET-2: documentation addresses


def _campaign(name: str) -> Campaign | None:
    return (
        Campaign.objects.select_related("brand")
        .filter(organization__slug="northstar", name=name)
        .first()
    )


def seed_conversions_demo() -> int:
    """Seed Glow's store, and clicks and orders on both Glow campaigns; returns how many orders
    were recorded."""
    recorded = 0
    for name, visitors_from, unit in (
        (GLOW, 0, datetime.timedelta(days=1)),
        (EARLY_ACCESS, EARLY_ACCESS_VISITORS, datetime.timedelta(minutes=30)),
    ):
        campaign = _campaign(name)
        if campaign is not None:
            recorded += _seed_campaign(campaign, visitors_from, unit)
    return recorded


def _seed_campaign(campaign: Campaign, visitors_from: int, unit: datetime.timedelta) -> int:
    """One campaign's clicks and orders (``PLAN``, its visitors numbered from
    ``visitors_from`` so no two campaigns share one, its days counted in ``unit``: a campaign
    whose posts went up today has its orders within hours); nothing if it has any order."""
    if Conversion.objects.filter(campaign=campaign).exists():
        return 0
    creators = list(
        Participation.objects.filter(
            campaign=campaign,
            status__in=(Participation.Status.ACTIVE, Participation.Status.COMPLETED),
        )
        .select_related("social_account")
        .order_by("created_at", "id")[:5]
    )
    if not creators:
        return 0
    StoreConnection.objects.get_or_create(
        shop_domain=DEMO_SHOP,
        defaults={
            "organization_id": campaign.organization_id,
            "brand_id": campaign.brand_id,
            "secret_encrypted": secret_encrypt(DEMO_SECRET),
            "secret_hint": DEMO_SECRET[-4:],
        },
    )
    now = timezone.now()
    recorded = 0
    for number, touches, code_of, days_ago, revenue in PLAN:
        visitor = visitors_from + number
        ordered_at = now - unit * days_ago - unit * number / 24
        ip = _visitor_ip(visitor)
        clicks = [
            Click(
                organization_id=campaign.organization_id,
                participation=creators[i % len(creators)],
                created_at=ordered_at - unit * before,
                visitor_hash=visitor_hash(ip),
                referrer_host=_referrer(creators[i % len(creators)]),
            )
            for i, before in touches
        ]
        Click.objects.bulk_create(clicks, ignore_conflicts=True)
        codes = [creators[code_of % len(creators)].promo_code] if code_of is not None else []
        _, created = conversion_record_in_transaction(
            organization_id=campaign.organization_id,
            brand_id=campaign.brand_id,
            source=Conversion.Source.SHOPIFY,
            order=OrderIn(
                order_id=str(5_100_000_000_000 + visitor),
                occurred_at=ordered_at,
                currency=campaign.currency,
                revenue_cents=revenue,
                customer_ref=f"id:{6_200_000_000 + visitor}",
                browser_ip=ip,
                promo_codes=codes,
            ),
        )
        recorded += int(created)
    return recorded
