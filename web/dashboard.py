"""Performance dashboards: a campaign's (brand members), the organization's overview across
campaigns, the creator's own stats (portal), and CSV exports. Thin: selectors from
``analytics.rollups_selectors`` (figures rolled up by day), a template or a CSV writer.

Spend and the ratios made of it (CPM, CPE, CPA, ROAS) are shown to roles that may read money
(``payouts:read``); everyone with ``analytics:read`` sees reach and outcomes.
"""

from __future__ import annotations

import csv
from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from analytics import attribution
from analytics import rollups_selectors as perf
from analytics.models import ConversionCredit
from analytics.reconnect_selectors import campaign_paused_posts, reconnect_notices_for_creator
from campaigns.selectors import campaign_get_for_org, campaigns_for_org
from creators.models import CreatorProfile
from creators.views import creator_view
from organizations.access import OrgAccess
from organizations.roles import Scope
from organizations.tenancy import org_view


def _day_series(days: list[perf.Day]) -> dict[str, list[Any]]:
    """What the charts draw: the figures of the tables next to them, and 0 for each day between
    them that has none. The axis is a list of labels, so a missing day would otherwise squeeze
    a quiet week into one step."""
    series: dict[str, list[Any]] = {"labels": [], "views": [], "conversions": []}
    if not days:
        return series
    by_day = {d.day: d.totals for d in days}
    day, last = min(by_day), max(by_day)
    while day <= last:
        totals = by_day.get(day)
        series["labels"].append(day.isoformat())
        series["views"].append(totals.views if totals else 0)
        series["conversions"].append(totals.conversions if totals else 0)
        day += timedelta(days=1)
    return series


@org_view(Scope.ANALYTICS_READ)
@require_http_methods(["GET"])
def campaign_dashboard(request: HttpRequest, access: OrgAccess, campaign_id: str) -> HttpResponse:
    campaign = campaign_get_for_org(access, campaign_id)
    p = perf.campaign_performance(access, campaign)
    charts = {
        "daily": _day_series(p.days),
        "cumulative": {
            "labels": [c.day.isoformat() for c in p.cumulative],
            "creators": [c.creators_posting for c in p.cumulative],
            "conversions": [c.conversions for c in p.cumulative],
        },
        "reach": {"labels": list(p.reach), "values": list(p.reach.values())},
    }
    show_money = access.has(Scope.PAYOUTS_READ)
    # The campaign's own credit model unless the member switched (?model=linear).
    model = attribution.dashboard_credit_model(campaign, request.GET.get("model"))
    return render(
        request,
        "web/dashboard_campaign.html",
        {
            "campaign": campaign,
            "p": p,
            "charts": charts,
            "show_money": show_money,
            "credit_model": model,
            "credit_model_label": ConversionCredit.Model(model).label,
            "credit_models": ConversionCredit.Model.choices,
            # Credited revenue is money: only for roles that may read it.
            "credits": attribution.campaign_credits_under(campaign, model) if show_money else None,
            "paused": campaign_paused_posts(access, campaign),
        },
    )


@org_view(Scope.ANALYTICS_READ)
@require_http_methods(["GET"])
def organization_dashboard(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    campaigns = list(campaigns_for_org(access).select_related("brand").order_by("-created_at"))
    totals = perf.campaigns_totals(access, campaigns)
    rows = sorted(((c, totals[c.pk]) for c in campaigns), key=lambda ct: (-ct[1].views, ct[0].name))
    currencies = perf.brand_days(access)
    return render(
        request,
        "web/dashboard_overview.html",
        {
            "rows": rows,
            "currencies": currencies,
            "charts": {c.currency: _day_series(c.days) for c in currencies},
            "show_money": access.has(Scope.PAYOUTS_READ),
        },
    )


def _csv(filename: str, header: list[str], rows: list[list[Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        # Spreadsheets run a cell starting with = + - @ as a formula (creator names are free text).
        writer.writerow(
            ["'" + v if isinstance(v, str) and v[:1] in "=+-@\t\r" and v else v for v in row]
        )
    return response


def _figures(t: perf.Totals, *, money: bool) -> list[Any]:
    out: list[Any] = [t.views, t.engagements, t.engagement_rate, t.clicks, t.conversions]
    if money:
        out += [t.revenue_cents, t.spend_cents, t.cpm_cents, t.cpe_cents, t.cpa_cents, t.roas]
    return ["" if v is None else v for v in out]


FIGURE_HEADER = ["views", "engagements", "engagement_rate_pct", "clicks", "conversions"]
MONEY_HEADER = ["revenue_cents", "spend_cents", "cpm_cents", "cpe_cents", "cpa_cents", "roas"]


@org_view(Scope.ANALYTICS_READ)
@require_http_methods(["GET"])
def campaign_dashboard_csv(
    request: HttpRequest, access: OrgAccess, campaign_id: str
) -> HttpResponse:
    """One row per day, then per creator and per post (all of them, not only the top ten)."""
    campaign = campaign_get_for_org(access, campaign_id)
    money = access.has(Scope.PAYOUTS_READ)
    rows: list[list[Any]] = []
    for d in perf.campaign_days(access, campaign):
        rows.append(
            ["day", d.day.isoformat(), "", campaign.currency, *_figures(d.totals, money=money)]
        )
    for c in perf.campaign_creators(access, campaign, limit=None):
        rows.append(
            [
                "creator",
                c.creator_public_id,
                c.name,
                campaign.currency,
                *_figures(c.totals, money=money),
            ]
        )
    for post in perf.campaign_posts(access, campaign, limit=None):
        t = perf.Totals(views=post.views, engagements=post.engagements)
        figures = _figures(t, money=False)
        rows.append(["post", post.public_id, post.url, campaign.currency, *figures])
    header = ["row", "id", "name", "currency", *FIGURE_HEADER, *(MONEY_HEADER if money else [])]
    return _csv(f"performance-{campaign.public_id}.csv", header, rows)


def creator_home_stats(
    request: HttpRequest, profile: CreatorProfile
) -> tuple[str, dict[str, Any]] | None:
    """The creator home's card: a way to their stats, once they have joined a campaign."""
    if not perf.creator_has_campaigns(profile):
        return None
    return "web/_dashboard_home_card.html", {}


@creator_view()
@require_http_methods(["GET"])
def creator_stats(request: HttpRequest, creator: CreatorProfile) -> HttpResponse:
    stats = perf.creator_stats(creator)
    return render(
        request,
        "web/dashboard_creator.html",
        {
            "stats": stats,
            "charts": {"daily": _day_series(stats.days)},
            "reconnect_notices": reconnect_notices_for_creator(request, creator),
        },
    )
