"""Money pages: the creator's earnings (portal) and a campaign's spend (brand), with CSV exports.
Thin: a selector from ``payouts.statements``, a template or a CSV writer."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from campaigns.selectors import campaign_get_for_org
from core.errors import ChorusError
from creators.models import CreatorProfile
from creators.views import creator_view
from organizations.access import OrgAccess
from organizations.roles import Scope
from organizations.tenancy import org_view
from payouts import runs, statements
from payouts.models import PayoutRun


def _cell(value: Any) -> Any:
    """Spreadsheets run a cell that starts with = + - @ as a formula: quote it."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv(filename: str, header: list[str], rows: Iterable[list[Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return response


def _iso(value: Any) -> str:
    return value.isoformat() if value is not None else ""


# --------------------------------------------------------------------------- creator earnings


@creator_view()
@require_http_methods(["GET"])
def creator_earnings(request: HttpRequest, creator: CreatorProfile) -> HttpResponse:
    return render(
        request, "payouts/creator_earnings.html", {"e": statements.creator_earnings(creator)}
    )


@creator_view()
@require_http_methods(["GET"])
def creator_earnings_csv(request: HttpRequest, creator: CreatorProfile) -> HttpResponse:
    e = statements.creator_earnings(creator)
    rows: list[list[Any]] = []
    for campaign, f in e.campaigns:
        money = [f.pending, f.payable, f.in_transit, f.paid]
        rows.append(["campaign", campaign.public_id, campaign.name, "", f.currency, *money])
    for p in e.posts:
        c = p.campaign  # type: ignore[attr-defined]
        rows.append(
            [
                "post",
                c.public_id,
                c.name,
                p.slot_id,
                p.currency,
                "",
                "",
                "",
                "",
                p.amount_cents,
                _iso(p.approved_at),
                _iso(p.pay_by),
                p.state,
                _iso(p.paid_at),
            ]
        )
    for pay in e.payouts:
        rows.append(
            [
                "payout",
                pay.public_id,
                ",".join(pay.campaign_public_ids),
                "",
                pay.currency,
                "",
                "",
                "",
                "",
                pay.amount_cents,
                _iso(pay.created_at),
                "",
                pay.state,
                _iso(pay.transferred_at),
            ]
        )
    header = ["row", "id", "campaign", "slot", "currency", "pending_cents", "payable_cents"]
    header += ["in_transit_cents", "paid_cents", "amount_cents", "approved_at", "pay_by"]
    header += ["state", "paid_at"]
    return _csv("earnings.csv", header, rows)


# --------------------------------------------------------------------------- campaign spend


@org_view(Scope.PAYOUTS_READ)
@require_http_methods(["GET", "POST"])
def campaign_spend(request: HttpRequest, access: OrgAccess, campaign_id: str) -> HttpResponse:
    """GET: the campaign's money. POST ``action=run``: pay what is payable now (payouts:write)."""
    campaign = campaign_get_for_org(access, campaign_id)
    if request.method == "POST":
        try:
            if request.POST.get("action") != "run":
                raise ChorusError("invalid_action", "Choose run.")
            run = runs.payout_run_start(access=access)
            run.refresh_from_db()
            messages.success(request, _run_message(run))
        except ChorusError as exc:
            if exc.status_code == 404:
                raise
            messages.error(request, exc.message)
        return redirect("payouts:campaign_spend", access.organization.slug, campaign_id)
    spend = statements.campaign_spend(access, campaign)
    return render(
        request,
        "payouts/campaign_spend.html",
        {
            "s": spend,
            "campaign": campaign,
            "can_run": access.has(Scope.PAYOUTS_WRITE),
            "median_text": _duration(spend.median_to_transfer),
        },
    )


def _duration(value: timedelta | None) -> str:
    if value is None:
        return ""
    hours = value.total_seconds() / 3600
    if hours < 1:
        return f"{max(1, round(hours * 60))} minutes"
    if hours < 48:
        return f"{round(hours, 1):g} hours"
    return f"{round(hours / 24, 1):g} days"


def _run_message(run: PayoutRun) -> str:
    if run.finished_at is None:
        return "Payout run started: transfers are being sent."
    return (
        f"Payout run finished: {run.payouts_paid} paid, {run.payouts_failed} failed "
        f"(retried next run), {run.skipped_creators} creators waiting for Stripe set-up."
    )


@org_view(Scope.PAYOUTS_READ)
@require_http_methods(["GET"])
def campaign_spend_csv(request: HttpRequest, access: OrgAccess, campaign_id: str) -> HttpResponse:
    campaign = campaign_get_for_org(access, campaign_id)
    s = statements.campaign_spend(access, campaign, with_posts=True)
    f = s.figures
    rows: list[list[Any]] = [
        ["figure", name, "", "", amount, f.currency, "", "", "", ""]
        for name, amount in (
            ("budget", f.budget),
            ("funded", f.funded),
            ("committed", f.committed),
            ("accrued", f.accrued),
            ("in_transit", f.in_transit),
            ("paid", f.paid),
            ("remaining", f.remaining),
        )
    ]
    for post in s.posts:
        who = s.creators[post.creator_id]
        rows.append(
            [
                "post",
                post.slot_id,
                who.public_id,
                who.display_name,
                post.amount_cents,
                post.currency,
                _iso(post.approved_at),
                _iso(post.pay_by),
                post.state,
                _iso(post.paid_at),
            ]
        )
    for pay in s.payouts:
        rows.append(
            [
                "payout",
                pay.public_id,
                pay.creator.public_id,
                pay.creator.display_name,
                pay.amount_cents,
                pay.currency,
                _iso(pay.created_at),
                "",
                pay.state,
                _iso(pay.transferred_at),
            ]
        )
    header = ["row", "name", "creator", "creator_name", "amount_cents", "currency"]
    header += ["at", "pay_by", "state", "paid_at"]
    return _csv(f"spend-{campaign.public_id}.csv", header, rows)
