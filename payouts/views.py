"""Payouts pages: the creator's payout setup (Stripe Connect onboarding) and a campaign's
funding (Stripe Checkout). Thin: parse, call a service or selector, render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from campaigns.models import Campaign
from campaigns.selectors import campaign_get_for_org
from core.errors import ChorusError
from core.taxonomy import format_money
from creators.models import CreatorProfile
from creators.views import creator_view
from organizations.access import OrgAccess
from organizations.roles import Scope
from organizations.tenancy import org_view
from payouts import connect, funding, selectors
from payouts.models import Funding

# --------------------------------------------------------------------------- creator portal


@creator_view()
@require_http_methods(["GET", "POST"])
def creator_payouts(request: HttpRequest, creator: CreatorProfile) -> HttpResponse:
    """GET: where the creator stands and what to do next. POST: open Stripe's onboarding."""
    if request.method == "POST":
        return _to_onboarding(request, creator)
    account = selectors.connected_account_for_creator(creator)
    return render(
        request,
        "payouts/creator_payouts.html",
        {"account": account, "setup": selectors.payout_setup(account)},
    )


@creator_view()
@require_http_methods(["GET"])
def connect_return(request: HttpRequest, creator: CreatorProfile) -> HttpResponse:
    """Stripe sends the creator back here: ask Stripe where the account stands now."""
    account = selectors.connected_account_for_creator(creator)
    if account is not None:
        try:
            account = connect.connected_account_sync(account=account)
        except ChorusError as exc:
            messages.warning(request, exc.message)
            return redirect("payouts:creator_payouts")
    setup = selectors.payout_setup(account)
    if setup.done:
        messages.success(request, "Payouts are on: approved posts are paid automatically.")
    else:
        messages.info(request, setup.title + ".")
    return redirect("payouts:creator_payouts")


@creator_view()
@require_http_methods(["GET"])
def connect_refresh(request: HttpRequest, creator: CreatorProfile) -> HttpResponse:
    """An onboarding link expired or was used: make a fresh one (the creator is signed in)."""
    return _to_onboarding(request, creator)


def _to_onboarding(request: HttpRequest, creator: CreatorProfile) -> HttpResponse:
    try:
        _, url = connect.connected_account_start(creator=creator, request=request)
    except ChorusError as exc:
        messages.error(request, exc.message)
        return redirect("payouts:creator_payouts")
    return HttpResponseRedirect(url)


# --------------------------------------------------------------------------- campaign funding


@org_view(Scope.PAYOUTS_READ)
@require_http_methods(["GET", "POST"])
def campaign_funding(request: HttpRequest, access: OrgAccess, campaign_id: str) -> HttpResponse:
    """GET: budget, funded, what is left, payments. POST ``action=fund``: pay through Checkout;
    ``action=require`` / ``action=optional``: funding before publishing, or not."""
    campaign = campaign_get_for_org(access, campaign_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "fund":
                row = funding.funding_start(access=access, campaign=campaign, request=request)
                return HttpResponseRedirect(row.checkout_url)
            if action in ("require", "optional"):
                funding.funding_requirement_set(
                    access=access, campaign=campaign, required=action == "require"
                )
                messages.success(
                    request,
                    "Publishing now waits for full funding."
                    if action == "require"
                    else "Funding is no longer required before publishing.",
                )
                return redirect("payouts:campaign_funding", access.organization.slug, campaign_id)
            raise ChorusError("invalid_action", "Choose fund, require or optional.")
        except ChorusError as exc:
            if exc.status_code == 404:
                raise
            messages.error(request, exc.message)
            campaign = campaign_get_for_org(access, campaign_id)
            return _render_funding(request, access, campaign, status=exc.status_code)
    return _render_funding(request, access, campaign)


def _render_funding(
    request: HttpRequest, access: OrgAccess, campaign: Campaign, *, status: int = 200
) -> HttpResponse:
    to_fund = max(campaign.budget_cents - campaign.funded_cents, 0)
    return render(
        request,
        "payouts/campaign_funding.html",
        {
            "campaign": campaign,
            "fundings": selectors.fundings_for_campaign(access, campaign),
            "to_fund": to_fund,
            "funded_pct": min(100, campaign.funded_cents * 100 // campaign.budget_cents)
            if campaign.budget_cents
            else 0,
            "can_fund": access.has(Scope.PAYOUTS_WRITE),
        },
        status=status,
    )


@org_view(Scope.PAYOUTS_READ)
@require_http_methods(["GET"])
def funding_return(request: HttpRequest, access: OrgAccess, campaign_id: str) -> HttpResponse:
    """Checkout's success URL: record the payment now if Stripe says it is paid."""
    campaign = campaign_get_for_org(access, campaign_id)
    session_id = request.GET.get("session_id", "")
    try:
        row = funding.funding_sync(access=access, campaign=campaign, session_id=session_id)
    except ChorusError as exc:
        messages.warning(request, exc.message)
        row = None
    if row is not None and row.status == Funding.Status.PAID:
        messages.success(
            request, f"Thank you: {format_money(row.paid_cents, row.currency)} received."
        )
    elif row is not None:
        messages.info(request, "Your payment is being confirmed by Stripe.")
    return redirect("payouts:campaign_funding", access.organization.slug, campaign_id)
