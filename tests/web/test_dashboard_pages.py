"""Performance dashboards: the campaign's, the organization's overview, the creator's own stats
and the CSV. Rollup rows are written here as a run would write them (the rollup itself is
tested in tests/analytics/test_rollup_consistency.py; one test here goes end to end)."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analytics import rollups
from analytics.models import (
    BrandDay,
    CampaignDay,
    Conversion,
    CreatorDay,
    PostDay,
    PostMetricSnapshot,
)
from campaigns.models import Campaign
from organizations.roles import Role
from recruitment.models import Participation
from submissions.models import LivePost
from tests.conftest import Tenant
from tests.factories.campaigns import CampaignFactory
from tests.factories.organizations import BrandFactory, MembershipFactory, UserFactory
from tests.factories.recruitment import ParticipationFactory
from tests.factories.submissions import LivePostFactory, SubmissionFactory

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 20)


def _post(participation: Participation) -> LivePost:
    slot = participation.slots.order_by("id").first()
    return LivePostFactory(submission=SubmissionFactory(slot=slot))


def _creator(
    campaign: Campaign, *, views: int, conversions: int = 0, day: date = DAY, name: str = ""
) -> Participation:
    """A creator with one post whose rolled-up day has these figures."""
    participation = ParticipationFactory(campaign=campaign)
    if name:
        participation.creator.display_name = name
        participation.creator.save(update_fields=["display_name"])
    post = _post(participation)
    common = {
        "organization_id": campaign.organization_id,
        "campaign": campaign,
        "participation": participation,
        "day": day,
    }
    PostDay.objects.create(**common, live_post=post, views=views, engagements=views // 10)
    CreatorDay.objects.create(
        **common,
        views=views,
        engagements=views // 10,
        clicks=conversions * 5,
        conversions=conversions,
        revenue_cents=conversions * 4_000,
        spend_cents=2_500,
    )
    return participation


def _campaign_day(campaign: Campaign) -> None:
    """The campaign's days, summed from its creators' (as the rollup does)."""
    CampaignDay.objects.filter(campaign=campaign).delete()
    for day in (
        CreatorDay.objects.filter(campaign=campaign).values_list("day", flat=True).distinct()
    ):
        rows = CreatorDay.objects.filter(campaign=campaign, day=day)
        sums = {
            f: sum(getattr(r, f) for r in rows)
            for f in (
                "views",
                "engagements",
                "clicks",
                "conversions",
                "revenue_cents",
                "spend_cents",
            )
        }
        CampaignDay.objects.create(
            organization_id=campaign.organization_id,
            brand_id=campaign.brand_id,
            campaign=campaign,
            currency=campaign.currency,
            day=day,
            **sums,
        )
        BrandDay.objects.update_or_create(
            organization_id=campaign.organization_id,
            brand_id=campaign.brand_id,
            currency=campaign.currency,
            day=day,
            defaults=sums,
        )


def _url(tenant: Tenant, campaign: Campaign, name: str = "web:campaign_dashboard") -> str:
    return reverse(name, args=[tenant.org.slug, campaign.public_id])


def test_campaign_dashboard_shows_totals_ratios_leaderboards_and_reach(
    tenant_a: Tenant, client_for
) -> None:
    campaign = CampaignFactory(brand=tenant_a.brand)
    _creator(campaign, views=6_000, conversions=1, name="Second Sam")
    _creator(campaign, views=14_000, conversions=2, name="First Fay")
    _campaign_day(campaign)
    for exposed in (1, 2, 2, 5, 0):
        Conversion.objects.create(
            organization=tenant_a.org,
            source=Conversion.Source.API,
            order_id=uuid.uuid4().hex,
            occurred_at=datetime(2026, 11, 20, tzinfo=UTC),
            currency="USD",
            revenue_cents=100,
            campaign=campaign,
            creators_exposed=exposed,
        )

    response = client_for(tenant_a.owner).get(_url(tenant_a, campaign))

    assert response.status_code == 200
    html = response.content.decode()
    # 20,000 views, 2,000 engagements, 3 conversions, USD 120 revenue, USD 50 spend.
    assert 'data-testid="views">20,000<' in html
    assert "Rate 10.00 %" in html
    assert 'data-testid="cpm">USD 2.50<' in html  # 5,000 cents per 20,000 views, times 1,000
    assert 'data-testid="cpe">USD 0.02<' in html  # 2.5 cents per engagement, shown to the cent
    assert 'data-testid="cpa">USD 16.66<' in html
    assert 'data-testid="roas">2.40\N{MULTIPLICATION SIGN}<' in html
    board = html.split('data-testid="creator-leaderboard"')[1]
    assert board.index("First Fay") < board.index("Second Sam")
    reach = response.context["p"].reach
    assert reach == {"1": 1, "2": 2, "3": 0, "4+": 1}
    assert response.context["charts"]["daily"] == {
        "labels": ["2026-11-20"],
        "views": [20_000],
        "conversions": [3],
    }
    assert [c.creators_posting for c in response.context["p"].cumulative][-1] == 2


def test_a_viewer_sees_performance_without_money(tenant_a: Tenant, client_for) -> None:
    campaign = CampaignFactory(brand=tenant_a.brand)
    _creator(campaign, views=1_000, conversions=1)
    _campaign_day(campaign)
    viewer = tenant_a.add_member(Role.VIEWER)

    html = client_for(viewer).get(_url(tenant_a, campaign)).content.decode()
    csv_text = client_for(viewer).get(_url(tenant_a, campaign, "web:campaign_dashboard_csv"))

    assert 'data-testid="views">1,000<' in html
    assert 'data-testid="spend"' not in html
    assert 'data-testid="roas"' not in html
    assert "spend_cents" not in csv_text.content.decode()


def test_overview_of_a_brand_limited_member_holds_only_their_brand(
    tenant_a: Tenant, client_for
) -> None:
    mine = CampaignFactory(brand=tenant_a.brand, name="Mine")
    other = CampaignFactory(brand=BrandFactory(organization=tenant_a.org), name="Other brand's")
    _creator(mine, views=300)
    _creator(other, views=7_000)
    _campaign_day(mine)
    _campaign_day(other)
    limited = UserFactory()
    MembershipFactory(
        organization=tenant_a.org, user=limited, role=Role.ADMIN, brand=tenant_a.brand
    )

    owner_html = client_for(tenant_a.owner).get(
        reverse("web:organization_dashboard", args=[tenant_a.org.slug])
    )
    limited_html = client_for(limited).get(
        reverse("web:organization_dashboard", args=[tenant_a.org.slug])
    )

    assert 'data-testid="views">7,300<' in owner_html.content.decode()
    body = limited_html.content.decode()
    assert 'data-testid="views">300<' in body
    assert "Other brand" not in body
    other_dashboard = client_for(limited).get(_url(tenant_a, other))
    assert other_dashboard.status_code == 404


def _queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_the_campaign_dashboard_runs_a_fixed_number_of_queries(
    tenant_a: Tenant, client_for
) -> None:
    client = client_for(tenant_a.owner)
    campaign = CampaignFactory(brand=tenant_a.brand)
    _creator(campaign, views=10, conversions=1)
    _campaign_day(campaign)
    few = _queries(client, _url(tenant_a, campaign))
    for i in range(8):
        _creator(campaign, views=100 + i, conversions=i, day=date(2026, 11, 10 + i))
    _campaign_day(campaign)
    many = _queries(client, _url(tenant_a, campaign))
    assert len(many) == len(few), "\n".join(many)
    # Session, user, membership, campaign, seven selector queries, the credited revenue by
    # creator (its creators' names are one more once there are credits) and the posts paused
    # for a reconnect: pinned so a new query is noticed.
    assert len(many) == 14, "\n".join(many)


def test_csv_has_days_creators_and_posts_and_defuses_formulas(tenant_a: Tenant, client_for) -> None:
    campaign = CampaignFactory(brand=tenant_a.brand)
    _creator(campaign, views=500, conversions=2, name="=HYPERLINK(evil)")
    _campaign_day(campaign)

    response = client_for(tenant_a.owner).get(
        _url(tenant_a, campaign, "web:campaign_dashboard_csv")
    )

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:5] == ["row", "id", "name", "currency", "views"]
    kinds = [r[0] for r in rows[1:]]
    assert kinds == ["day", "creator", "post"]
    creator_row = rows[2]
    assert creator_row[2] == "'=HYPERLINK(evil)"
    assert creator_row[4] == "500"
    assert rows[0][-1] == "roas"
    assert creator_row[rows[0].index("spend_cents")] == "2500"


def test_creator_stats_show_only_the_creators_own_figures(client_for) -> None:
    campaign = CampaignFactory()
    mine = _creator(campaign, views=1_234, conversions=3)
    _creator(campaign, views=99_999, conversions=50)
    client = client_for(mine.creator.user)

    response = client.get(reverse("web:creator_stats"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="views">1,234<' in html
    assert 'data-testid="conversions">3<' in html
    assert "99,999" not in html


@pytest.mark.django_db(transaction=True)
def test_figures_rolled_up_from_snapshots_reach_the_dashboard(client_for) -> None:
    owner = UserFactory()
    campaign = CampaignFactory()
    MembershipFactory(organization=campaign.organization, user=owner, role=Role.OWNER)
    post = _post(ParticipationFactory(campaign=campaign))
    for hour, views in ((9, 100), (18, 250)):
        PostMetricSnapshot.objects.create(
            organization_id=campaign.organization_id,
            live_post=post,
            campaign=campaign,
            participation_id=post.submission.participation_id,
            platform=post.platform,
            retrieved_at=datetime(2026, 11, 20, hour, tzinfo=UTC),
            views=views,
            likes=10,
            comments=2,
            shares=1,
            saves=0,
        )
    rollups.rollup_run()

    response = client_for(owner).get(
        reverse("web:campaign_dashboard", args=[campaign.organization.slug, campaign.public_id])
    )

    html = response.content.decode()
    assert 'data-testid="views">250<' in html
    assert 'data-testid="engagements">13<' in html
    # The top-posts list names the platform as it spells itself ("TikTok", not "Tiktok").
    label = {"tiktok": "TikTok", "instagram": "Instagram", "youtube": "YouTube"}[post.platform]
    assert f" on {label}<" in html


def test_the_daily_chart_draws_a_quiet_day_as_zero_and_the_table_keeps_its_rows(
    tenant_a: Tenant, client_for
) -> None:
    campaign = CampaignFactory(brand=tenant_a.brand)
    _creator(campaign, views=100, conversions=1, day=date(2026, 11, 10))
    _creator(campaign, views=300, conversions=2, day=date(2026, 11, 13))
    _campaign_day(campaign)

    response = client_for(tenant_a.owner).get(_url(tenant_a, campaign))

    assert response.context["charts"]["daily"] == {
        "labels": ["2026-11-10", "2026-11-11", "2026-11-12", "2026-11-13"],
        "views": [100, 0, 0, 300],
        "conversions": [1, 0, 0, 2],
    }
    assert [d.day for d in response.context["p"].days] == [date(2026, 11, 10), date(2026, 11, 13)]
