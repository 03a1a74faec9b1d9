"""Recruitment pages. Brand side (desktop): the applications queue with single and bulk
decisions, the participants of a campaign. Creator portal (phone first): the
marketplace, a campaign page with the apply form, "my work", notifications. Thin: parse, call a
service or selector, render."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from campaigns.models import Campaign
from campaigns.rules import campaign_accepts_applications
from campaigns.selectors import campaign_get_for_org, campaigns_for_org
from core.errors import ChorusError, NotFound
from creators.models import CreatorProfile
from creators.selectors import creator_profile_for_user
from notifications import selectors as notification_selectors
from notifications import services as notification_services
from organizations.access import OrgAccess
from organizations.roles import Scope
from organizations.tenancy import org_view
from recruitment import selectors, services
from recruitment.forms import (
    SORTS,
    STATUS_FILTERS,
    ApplyForm,
    BulkDecisionForm,
    DecisionForm,
    MarketplaceFilterForm,
    add_service_error,
    parse_status,
    status_for_query,
)
from recruitment.models import Application, CampaignInvitation, Participation
from users.models import User

PAGE_SIZE = 50
_VERBS = {"accept": "accepted", "decline": "declined", "waitlist": "wait-listed"}


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _not_found_as_404(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(*args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc

    return wrapper


def _campaign(access: OrgAccess, campaign_id: str) -> Campaign:
    try:
        return campaign_get_for_org(access, campaign_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


# -- brand side: the applications queue ---------------------------------------------------------


def _queue_context(
    request: HttpRequest, access: OrgAccess, campaign: Campaign | None
) -> dict[str, Any]:
    status = parse_status(request.GET.get("status"))
    sort = request.GET.get("sort") or "newest"
    if sort not in SORTS:
        sort = "newest"
    # The all-campaigns queue filters by one campaign with ?campaign=cmp_… (a foreign id: 404).
    filter_campaign = None
    if campaign is None and request.GET.get("campaign"):
        filter_campaign = _campaign(access, request.GET["campaign"])
    scope = campaign or filter_campaign
    qs = selectors.applications_for_org(
        access, status=status_for_query(status), campaign=scope
    ).order_by(*SORTS[sort])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "filter_campaign": filter_campaign,
        "filter_campaigns": campaigns_for_org(access).prefetch_related(None)
        if campaign is None
        else [],
        "tabs": _tabs(access, scope),
        "campaign": campaign,
        "page": page,
        "applications": page.object_list,
        "status": status,
        "sort": sort,
        "sorts": list(SORTS),
        "can_decide": access.has(Scope.RECRUITMENT_WRITE),
        "view": "campaign" if campaign else "org",
        "fill": selectors.campaign_capacity(campaign) if campaign else None,
        "accepts_applications": campaign_accepts_applications(campaign) if campaign else True,
    }


def _tabs(access: OrgAccess, campaign: Campaign | None) -> list[tuple[str, str, int]]:
    counts = selectors.application_status_counts(access, campaign)
    counts["all"] = sum(counts.values())
    return [(value, label, counts.get(value, 0)) for value, label in STATUS_FILTERS]


@org_view(Scope.CAMPAIGNS_READ)
def applications(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    """Every campaign's applications, pending first: the morning's work in one list."""
    return render(request, "recruitment/applications.html", _queue_context(request, access, None))


@org_view(Scope.CAMPAIGNS_READ)
def applications_for_campaign(
    request: HttpRequest, access: OrgAccess, campaign_id: str
) -> HttpResponse:
    campaign = _campaign(access, campaign_id)
    context = _queue_context(request, access, campaign)
    return render(request, "recruitment/applications_for_campaign.html", context)


@require_POST
@org_view(Scope.RECRUITMENT_WRITE)
@_not_found_as_404
def application_decide(
    request: HttpRequest, access: OrgAccess, application_id: str
) -> HttpResponse:
    application = selectors.application_get_for_org(access, application_id)
    form = DecisionForm(request.POST)
    error = notice = ""
    if not form.is_valid():
        error = "Choose accept, decline or waitlist."
    else:
        decision = form.cleaned_data["decision"]
        try:
            services.application_decide(
                access=access,
                application=application,
                decision=decision,
                reason=form.cleaned_data.get("reason") or "",
            )
        except ChorusError as exc:
            error = exc.message
        else:
            notice = f"{application.creator.display_name} {_VERBS[decision]}."
    campaign = application.campaign
    if request.htmx:  # type: ignore[attr-defined]
        application = selectors.application_get_for_org(access, application_id)
        view = "campaign" if request.POST.get("view") == "campaign" else "org"
        filter_campaign = None
        if view == "org" and request.POST.get("campaign_filter"):
            filter_campaign = _campaign(access, request.POST["campaign_filter"])
        # The status tabs' counts change with the decision: swapped in out of band.
        tab_scope = campaign if view == "campaign" else filter_campaign
        context = {
            "tabs": _tabs(access, tab_scope),
            "status": parse_status(request.POST.get("status_tab")),
            "sort": request.POST.get("sort") if request.POST.get("sort") in SORTS else "newest",
            "filter_campaign": filter_campaign,
            "a": application,
            "row_error": error,
            "row_notice": notice,
            "can_decide": True,
            "view": view,
            "campaign": campaign,
            "fill": selectors.campaign_capacity(application.campaign),
            "oob": True,
        }
        return render(request, "recruitment/_application_row.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    fallback = reverse(
        "recruitment:applications_for_campaign",
        kwargs={"org_slug": access.organization.slug, "campaign_id": campaign.public_id},
    )
    return redirect(_safe_next(request, fallback))


@require_POST
@org_view(Scope.RECRUITMENT_WRITE)
def applications_bulk_decide(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    fallback = reverse("recruitment:applications", kwargs={"org_slug": access.organization.slug})
    target = _safe_next(request, fallback)
    form = BulkDecisionForm(request.POST)
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, str(problem))
        return redirect(target)
    decision = form.cleaned_data["decision"]
    try:
        result = services.applications_decide_bulk(
            access=access,
            application_ids=form.cleaned_data["ids"],
            decision=decision,
            reason=form.cleaned_data.get("reason") or "" if decision == "decline" else "",
        )
    except ChorusError as exc:
        messages.error(request, exc.message)
        return redirect(target)
    verb = _VERBS[decision]
    if result.succeeded:
        n = len(result.succeeded)
        messages.success(request, f"{n} application{'s' if n != 1 else ''} {verb}.")
    if result.failed:
        names = {
            a.public_id: a.creator.display_name
            for a in selectors.applications_for_org(access).filter(
                public_id__in=[f.id for f in result.failed]
            )
        }
        details = "; ".join(f"{names.get(f.id, f.id)}: {f.reason}" for f in result.failed[:20])
        more = f" (and {len(result.failed) - 20} more)" if len(result.failed) > 20 else ""
        n = len(result.failed)
        messages.error(
            request, f"{n} application{'s' if n != 1 else ''} could not be {verb}: {details}{more}"
        )
    return redirect(target)


# -- brand side: participants, invitations ------------------------------------------------------


@org_view(Scope.CAMPAIGNS_READ)
def participations_for_campaign(
    request: HttpRequest, access: OrgAccess, campaign_id: str
) -> HttpResponse:
    campaign = _campaign(access, campaign_id)
    show = request.GET.get("status") or "current"
    status = {"current": None, "cancelled": Participation.Status.CANCELLED}.get(show)
    qs = selectors.participations_for_campaign(access, campaign, status=status)
    if show == "current":
        qs = qs.exclude(status=Participation.Status.CANCELLED)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "campaign": campaign,
        "page": page,
        "participations": page.object_list,
        "show": show,
        "invitations": selectors.campaign_invitations_for_org(
            access, campaign=campaign, status=CampaignInvitation.Status.PENDING
        )[:200],
        "fill": selectors.campaign_capacity(campaign),
        "can_decide": access.has(Scope.RECRUITMENT_WRITE),
    }
    return render(request, "recruitment/participations_for_campaign.html", context)


@require_POST
@org_view(Scope.RECRUITMENT_WRITE)
@_not_found_as_404
def participation_cancel(
    request: HttpRequest, access: OrgAccess, participation_id: str
) -> HttpResponse:
    participation = selectors.participation_get_for_org(access, participation_id)
    try:
        services.participation_cancel(access=access, participation=participation)
    except ChorusError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"{participation.creator.display_name} was taken off the campaign; "
            "their slot and fees went back to the budget.",
        )
    fallback = reverse(
        "recruitment:participations_for_campaign",
        kwargs={
            "org_slug": access.organization.slug,
            "campaign_id": participation.campaign.public_id,
        },
    )
    return redirect(_safe_next(request, fallback))


@require_POST
@org_view(Scope.RECRUITMENT_WRITE)
@_not_found_as_404
def campaign_invitation_withdraw(
    request: HttpRequest, access: OrgAccess, campaign_invitation_id: str
) -> HttpResponse:
    invitation = selectors.campaign_invitation_get_for_org(access, campaign_invitation_id)
    try:
        services.invitation_withdraw(access=access, invitation=invitation)
    except ChorusError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Invitation to {invitation.creator.display_name} withdrawn.")
    fallback = reverse(
        "recruitment:participations_for_campaign",
        kwargs={"org_slug": access.organization.slug, "campaign_id": invitation.campaign.public_id},
    )
    return redirect(_safe_next(request, fallback))


# -- creator portal ------------------------------------------------------------------------------

CreatorView = Callable[..., HttpResponse]


def creator_page(*, object_page: bool = False) -> Callable[[CreatorView], CreatorView]:
    """Log in and resolve the creator profile. Without one: list pages send the user to their
    dashboard, pages naming an object answer 404 (like someone else's object)."""

    def decorate(view: CreatorView) -> CreatorView:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            creator = creator_profile_for_user(request.user)  # type: ignore[arg-type]
            if creator is None:
                if object_page or request.method != "GET":
                    raise Http404("Not found.")
                return redirect("web:dashboard")
            try:
                return view(request, creator, *args, **kwargs)
            except NotFound as exc:
                raise Http404(exc.message) from exc

        return wrapper

    return decorate


@creator_page()
def marketplace(request: HttpRequest, creator: CreatorProfile) -> HttpResponse:
    form = MarketplaceFilterForm(request.GET or None)
    filters = form.to_filters() if form.is_valid() else None
    market = selectors.marketplace_for_creator(creator, filters=filters)
    has_accounts = bool(selectors.creator_accounts(creator))
    return render(
        request,
        "recruitment/marketplace.html",
        {
            "market": market,
            "creator": creator,
            "has_accounts": has_accounts,
            "form": form,
            "filtered": bool(filters and filters != selectors.MarketplaceFilters()),
        },
    )


@creator_page(object_page=True)
def campaign_page(request: HttpRequest, creator: CreatorProfile, campaign_id: str) -> HttpResponse:
    view = selectors.campaign_for_creator(creator, campaign_id)
    campaign = view.campaign
    platforms = set(campaign.platforms)
    accounts = [a for a in view.accounts if not platforms or a.platform in platforms]
    initial = (
        {"social_account": view.eligibility.account.public_id} if view.eligibility.account else {}
    )
    form = ApplyForm(request.POST or None, accounts=accounts, initial=initial)
    can_apply = (
        campaign_accepts_applications(campaign)
        and view.participation is None
        and (view.invitation is None or view.invitation.status != CampaignInvitation.Status.PENDING)
        and (view.application is None or view.application.status == Application.Status.WITHDRAWN)
    )
    if request.method == "POST":
        if not can_apply and view.application is not None:
            messages.error(request, "You already applied to this campaign.")
            return redirect("recruitment:campaign", campaign_id=campaign.public_id)
        if form.is_valid():
            try:
                services.application_submit(
                    creator=creator,
                    campaign=campaign,
                    social_account=form.account(),
                    pitch=form.cleaned_data["pitch"],
                )
            except ChorusError as exc:
                add_service_error(form, exc)
            else:
                messages.success(
                    request, f"Application sent to {campaign.brand.name}. We'll let you know."
                )
                return redirect("recruitment:my_work")
    context = {
        "campaign": campaign,
        "view": view,
        "form": form,
        "can_apply": can_apply,
        "accepts_applications": campaign_accepts_applications(campaign),
        "deliverables": list(campaign.deliverables.all()),
    }
    return render(request, "recruitment/campaign.html", context, status=400 if form.errors else 200)


@creator_page()
def my_work(request: HttpRequest, creator: CreatorProfile) -> HttpResponse:
    invitations = list(selectors.invitations_for_creator(creator)[:100])
    context = {
        "creator": creator,
        "pending_invitations": [i for i in invitations if i.is_pending],
        "past_invitations": [
            i
            for i in invitations
            if i.status != CampaignInvitation.Status.ACCEPTED and not i.is_pending
        ][:20],
        "applications": list(
            selectors.applications_for_creator(creator).exclude(status=Application.Status.ACCEPTED)[
                :100
            ]
        ),
        "participations": list(selectors.participations_for_creator(creator)[:100]),
    }
    return render(request, "recruitment/my_work.html", context)


@require_POST
@creator_page(object_page=True)
def invitation_respond(
    request: HttpRequest, creator: CreatorProfile, campaign_invitation_id: str
) -> HttpResponse:
    invitation = selectors.invitation_get_for_creator(creator, campaign_invitation_id)
    answer = request.POST.get("answer")
    if answer not in ("accept", "decline"):
        messages.error(request, "Choose accept or decline.")
        return redirect("recruitment:my_work")
    try:
        services.invitation_respond(
            creator=creator, invitation=invitation, accept=answer == "accept"
        )
    except ChorusError as exc:
        messages.error(request, exc.message)
    else:
        campaign = invitation.campaign
        if answer == "accept":
            messages.success(request, f"You're in: {campaign.name}. Your link and code are below.")
        else:
            messages.success(request, f"You declined {campaign.brand.name}'s invitation.")
    return redirect(_safe_next(request, reverse("recruitment:my_work")))


@require_POST
@creator_page(object_page=True)
def application_withdraw(
    request: HttpRequest, creator: CreatorProfile, application_id: str
) -> HttpResponse:
    application = selectors.application_get_for_creator(creator, application_id)
    try:
        services.application_withdraw(creator=creator, application=application)
    except ChorusError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"You withdrew your application to {application.campaign.name}.")
    return redirect(_safe_next(request, reverse("recruitment:my_work")))


@creator_page()
def notifications(request: HttpRequest, creator: CreatorProfile) -> HttpResponse:
    """Every notification of the creator, from every organization (the portal's bell)."""
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        notification_services.notifications_mark_all_read(user=user)
        notification_selectors.forget_unread_count(request)
        if not request.htmx:  # type: ignore[attr-defined]
            messages.success(request, "All caught up.")
            return redirect("recruitment:notifications")
    page = Paginator(notification_selectors.notifications_for_user(user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "notifications": page.object_list,
        "unread": notification_selectors.unread_count_for_request(request),
        "show_org": True,
        "nav_class": "rc-dot",
        "read_all_url": reverse("recruitment:notifications"),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "notifications/_panel.html", context)
    return render(request, "recruitment/notifications.html", context)
