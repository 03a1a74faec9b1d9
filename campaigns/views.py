"""Brand-side campaign pages: list, create, detail, edit, lifecycle actions. Thin: services decide."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from campaigns import rules, selectors, services
from campaigns.checklist import publish_checklist
from campaigns.forms import (
    FORMAT_HELP,
    CampaignForm,
    DeliverableFormSet,
    apply_service_error,
    deliverable_initial,
)
from campaigns.models import PLATFORM_FORMATS, Campaign, Deliverable
from core.errors import ChorusError
from organizations.access import OrgAccess
from organizations.roles import Scope
from organizations.selectors import brands_for_org
from organizations.tenancy import org_view

PAGE_SIZE = 25
LIST_STATUSES = ("draft", "recruiting", "active", "completed", "archived")


@org_view(Scope.CAMPAIGNS_READ)
def campaign_list(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in LIST_STATUSES else ""
    brands = list(brands_for_org(access))
    brand_id = request.GET.get("brand", "")
    brand = next((b for b in brands if b.public_id == brand_id), None)
    qs = selectors.campaigns_for_org(access, status=status or None, brand=brand)
    if not status:
        qs = qs.exclude(status=Campaign.Status.ARCHIVED)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "campaigns": page.object_list,
        "status": status,
        "statuses": Campaign.Status.choices,
        "counts": selectors.campaign_status_counts(access),
        "brands": brands,
        "brand": brand,
        "can_write": access.has(Scope.CAMPAIGNS_WRITE),
    }
    return render(request, "campaigns/list.html", context)


def _edit_page(request: HttpRequest, access: OrgAccess, campaign: Campaign | None) -> HttpResponse:
    """The create and edit pages share one form and one template."""
    brands = brands_for_org(access)
    deliverables_locked = campaign is not None and rules.deliverables_locked(campaign)
    form_kwargs: dict[str, Any] = {
        "brands": brands,
        "lock_currency": deliverables_locked,
        "lock_brand": campaign is not None and campaign.status != Campaign.Status.DRAFT,
    }
    initial = CampaignForm.initial_for(campaign) if campaign else None
    if request.method == "POST":
        form = CampaignForm(request.POST, initial=initial, **form_kwargs)
        currency = (
            campaign.currency
            if deliverables_locked and campaign
            else request.POST.get("currency", "")
        )
        formset = DeliverableFormSet(
            request.POST,
            prefix="deliverables",
            initial=deliverable_initial(campaign) if campaign else None,
            form_kwargs={"currency": currency},
        )
        forms_ok = form.is_valid()
        formset_ok = deliverables_locked or formset.is_valid()
        if not (forms_ok and formset_ok):
            _add_service_errors(form, formset, campaign, deliverables_locked=deliverables_locked)
        else:
            specs, rows = (None, None) if deliverables_locked else formset.specs()
            try:
                campaign = _save(access, campaign, form, specs)
            except ChorusError as exc:
                apply_service_error(exc, form, formset, rows)
            else:
                return redirect(
                    "campaigns:detail",
                    org_slug=access.organization.slug,
                    campaign_id=campaign.public_id,
                )
        status = 400
    else:
        form = CampaignForm(initial=initial, **form_kwargs)
        formset = DeliverableFormSet(
            prefix="deliverables",
            initial=deliverable_initial(campaign)
            if campaign
            else [{"platform": "tiktok", "format": "video", "quantity": 1}],
        )
        status = 200
    has_errors = bool(form.errors) or (
        formset.is_bound and not deliverables_locked and formset.total_error_count() > 0
    )
    context = {
        "form": form,
        "formset": formset,
        "has_errors": has_errors,
        "campaign": campaign,
        "deliverables_locked": deliverables_locked,
        "format_help": FORMAT_HELP,
        "platform_formats": {
            platform: [[f, str(Deliverable.Format(f).label)] for f in formats]
            for platform, formats in PLATFORM_FORMATS.items()
        },
    }
    return render(request, "campaigns/form.html", context, status=status)


def _add_service_errors(
    form: CampaignForm,
    formset: Any,
    campaign: Campaign | None,
    *,
    deliverables_locked: bool,
) -> None:
    """The form found problems: run the service's database-free checks on what did parse and
    show their errors too, so the user fixes everything in one round (not form, then service)."""
    values = form.parsed_service_kwargs()
    if deliverables_locked:
        specs, rows = None, None
    else:
        specs, rows = formset.parsed_specs()
    deadline = values.get("application_deadline")
    fields = services.campaign_check_fields(
        values=values,
        deliverables=specs,
        check_deadline=campaign is None or deadline != campaign.application_deadline,
    )
    if fields:
        exc = ChorusError("invalid", "Please fix the highlighted fields.", fields=fields)
        apply_service_error(exc, form, formset, rows, only_new=True)


def _save(
    access: OrgAccess, campaign: Campaign | None, form: CampaignForm, specs: list[Any] | None
) -> Campaign:
    kwargs = form.service_kwargs()
    brand = form.cleaned_data["brand"]
    if campaign is None:
        return services.campaign_create(
            access=access, brand=brand, deliverables=specs or [], **kwargs
        )
    if form.fields["currency"].disabled:
        kwargs.pop("currency")
    return services.campaign_update(
        access=access, campaign=campaign, brand=brand, deliverables=specs, **kwargs
    )


@org_view(Scope.CAMPAIGNS_WRITE)
def campaign_create(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    return _edit_page(request, access, None)


@org_view(Scope.CAMPAIGNS_WRITE)
def campaign_edit(request: HttpRequest, access: OrgAccess, campaign_id: str) -> HttpResponse:
    campaign = selectors.campaign_get_for_org(access, campaign_id)
    if not rules.campaign_can(campaign, "edit"):
        messages.error(request, "This campaign can no longer be edited; duplicate it instead.")
        return redirect(
            "campaigns:detail", org_slug=access.organization.slug, campaign_id=campaign.public_id
        )
    return _edit_page(request, access, campaign)


@org_view(Scope.CAMPAIGNS_WRITE)
def deliverable_row(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    """htmx: one more empty deliverable row, and the formset's TOTAL_FORMS bumped out of band."""
    try:
        index = int(request.GET.get("deliverables-TOTAL_FORMS", "0"))
    except ValueError:
        index = 0
    index = max(0, min(index, 11))
    formset = DeliverableFormSet(prefix="deliverables")
    form = formset._construct_form(  # type: ignore[attr-defined]
        index,
        empty_permitted=True,
        initial={"platform": "tiktok", "format": "video", "quantity": 1},
    )
    return render(
        request,
        "campaigns/_deliverable_row.html",
        {"dform": form, "total": index + 1, "prefix": "deliverables", "oob": True},
    )


def _next_step(campaign: Campaign, access: OrgAccess) -> dict[str, str]:
    """The one thing to do next, shown prominently on the detail page."""
    s = campaign.status
    if s == Campaign.Status.DRAFT:
        if not campaign.deliverables.all():
            return {"text": "Add deliverables and fees, then publish.", "action": "edit"}
        return {"text": "Check the brief, then publish to start recruiting.", "action": "publish"}
    if s == Campaign.Status.RECRUITING:
        return {
            "text": "Creators can apply. Review applications; start the campaign once your "
            "creators are in.",
            "action": "start",
        }
    if s == Campaign.Status.ACTIVE:
        return {
            "text": "Creators are making content. Complete the campaign when it is done.",
            "action": "complete",
        }
    if s == Campaign.Status.COMPLETED:
        return {
            "text": "Done. Archive it, or duplicate it for the next launch.",
            "action": "duplicate",
        }
    return {"text": "Archived. Duplicate it to run it again.", "action": "duplicate"}


ACTIONS = ("publish", "start", "complete", "archive", "duplicate")


@org_view(Scope.CAMPAIGNS_READ)
def campaign_detail(request: HttpRequest, access: OrgAccess, campaign_id: str) -> HttpResponse:
    campaign = selectors.campaign_get_for_org(access, campaign_id)
    return _render_detail(request, access, campaign)


def _render_detail(
    request: HttpRequest,
    access: OrgAccess,
    campaign: Campaign,
    *,
    asset_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    can_write = access.has(Scope.CAMPAIGNS_WRITE)
    allowed = [a for a in ACTIONS if can_write and rules.campaign_can(campaign, a)]
    budget = campaign.budget_cents
    context = {
        "campaign": campaign,
        "deliverables": list(campaign.deliverables.all()),
        "allowed_actions": allowed,
        "can_edit": can_write and rules.campaign_can(campaign, "edit"),
        "next_step": _next_step(campaign, access),
        "checklist": publish_checklist(campaign)
        if campaign.status == Campaign.Status.DRAFT
        else [],
        "committed_pct": min(100, campaign.committed_cents * 100 // budget) if budget else 0,
        "accepts_applications": rules.campaign_accepts_applications(campaign),
        "assets": list(campaign.assets.all()),
        "can_add_assets": can_write and campaign.is_editable,
        "can_remove_assets": can_write,
        "asset_limit": services.MAX_ASSETS_PER_CAMPAIGN,
        "asset_max_mb": services.MAX_ASSET_BYTES // (1024 * 1024),
        "asset_kinds": services.ASSET_KINDS,
        "asset_errors": asset_errors or [],
    }
    return render(request, "campaigns/detail.html", context, status=status)


def _flash_error(request: HttpRequest, exc: ChorusError) -> None:
    problems = [m for msgs in exc.fields.values() for m in msgs] or [exc.message]
    for problem in dict.fromkeys(problems):
        messages.error(request, problem)


def _to_detail(access: OrgAccess, campaign: Campaign) -> HttpResponse:
    return redirect(
        "campaigns:detail", org_slug=access.organization.slug, campaign_id=campaign.public_id
    )


@require_POST
@org_view(Scope.CAMPAIGNS_WRITE)
def campaign_asset_add(request: HttpRequest, access: OrgAccess, campaign_id: str) -> HttpResponse:
    campaign = selectors.campaign_get_for_org(access, campaign_id)
    try:
        asset = services.campaign_asset_add(
            access=access, campaign=campaign, upload=request.FILES.get("file")
        )
    except ChorusError as exc:
        if exc.status_code == 404:
            raise
        # Re-render with the problem beside the file input (not only a flash at the top).
        problems = [m for msgs in exc.fields.values() for m in msgs] or [exc.message]
        return _render_detail(
            request, access, campaign, asset_errors=list(dict.fromkeys(problems)), status=400
        )
    messages.success(request, f"Added {asset.name} to the brief.")
    return _to_detail(access, campaign)


@require_POST
@org_view(Scope.CAMPAIGNS_WRITE)
def campaign_asset_remove(
    request: HttpRequest, access: OrgAccess, campaign_id: str, asset_id: str
) -> HttpResponse:
    campaign = selectors.campaign_get_for_org(access, campaign_id)
    asset = selectors.campaign_asset_get_for_org(access, campaign, asset_id)
    try:
        services.campaign_asset_remove(access=access, campaign=campaign, asset=asset)
    except ChorusError as exc:
        if exc.status_code == 404:
            raise
        _flash_error(request, exc)
    else:
        messages.success(request, f"Removed {asset.name}.")
    return _to_detail(access, campaign)


def _action_view(action: str) -> Callable[..., HttpResponse]:
    service = {
        "publish": services.campaign_publish,
        "start": services.campaign_start,
        "complete": services.campaign_complete,
        "archive": services.campaign_archive,
        "duplicate": services.campaign_duplicate,
    }[action]
    done = {
        "publish": "Published: creators can now find and apply to it.",
        "start": "Started: the campaign is active.",
        "complete": "Completed: no new applications or submissions.",
        "archive": "Archived.",
        "duplicate": "Duplicated as a new draft. Adjust it, then publish.",
    }[action]

    @require_POST
    @org_view(Scope.CAMPAIGNS_WRITE)
    def view(request: HttpRequest, access: OrgAccess, campaign_id: str) -> HttpResponse:
        campaign = selectors.campaign_get_for_org(access, campaign_id)
        try:
            result = service(access=access, campaign=campaign)
        except ChorusError as exc:
            if exc.status_code == 404:
                raise
            problems = [m for msgs in exc.fields.values() for m in msgs] or [exc.message]
            for problem in problems:
                messages.error(request, problem)
            result = campaign
        else:
            messages.success(request, done)
        return redirect(
            "campaigns:detail", org_slug=access.organization.slug, campaign_id=result.public_id
        )

    view.__name__ = f"campaign_{action}"
    return view


campaign_publish = _action_view("publish")
campaign_start = _action_view("start")
campaign_complete = _action_view("complete")
campaign_archive = _action_view("archive")
campaign_duplicate = _action_view("duplicate")
