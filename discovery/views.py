"""Brand pages: creator search, shortlists, inviting creators, and the progress of a batch.

Thin: parse, call a selector or a service, render. Business errors come back as a message or a
form error saying what to fix.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from campaigns.selectors import campaign_get_for_org
from core.errors import ChorusError, NotFound
from discovery import selectors, services
from discovery.csv_import import CSV_TEMPLATE
from discovery.forms import (
    CreatorSearchForm,
    InviteCampaignForm,
    InviteCsvForm,
    InviteHandlesForm,
    InviteShortlistForm,
    RenameShortlistForm,
    SelectionForm,
    ShortlistForm,
)
from discovery.models import InviteBatch, InviteBatchRow
from discovery.search import SORT_CHOICES, Page, search_creators
from organizations.access import OrgAccess
from organizations.roles import Scope
from organizations.selectors import brand_get_for_org, brands_for_org
from organizations.tenancy import org_view


def _apply_error(form: object, exc: ChorusError) -> None:
    """Put a business error on the form field it names (or on the form)."""
    fields = getattr(form, "fields", {})
    field = next((f for f in exc.fields if f in fields), None)
    form.add_error(field, exc.message)  # type: ignore[attr-defined]


# -- search ---------------------------------------------------------------------------------------


@require_GET
@org_view(Scope.CREATORS_READ)
def search(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    """Every creator, filtered. With ``?campaign=cmp_…`` (the campaign's "Find creators" tab):
    the campaign's targeting fills the filters on first open, the campaign is preselected for
    invitations, and each creator is marked eligible or not, with the reason."""
    campaign = None
    if request.GET.get("campaign"):
        try:
            campaign = campaign_get_for_org(access, request.GET["campaign"])
        except NotFound as exc:
            raise Http404(exc.message) from exc
    data: QueryDict = request.GET
    if campaign is not None and set(request.GET) <= {"campaign"}:
        data = QueryDict(mutable=True)
        data.update(selectors.search_filters_for_campaign(campaign))
    form = CreatorSearchForm(data or None)
    page: Page | None = None
    if not data:
        form = CreatorSearchForm({"sort": "followers_desc"})
    if form.is_valid():
        page = search_creators(access=access, params=form.to_params())
        if campaign is not None:
            selectors.mark_eligibility(page.items, campaign)
    query = data.copy()
    query.pop("page", None)
    context = {
        "campaign": campaign,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "sort": (form.cleaned_data.get("sort") if form.is_valid() else "") or "followers_desc",
        "sort_choices": SORT_CHOICES,
        "can_write": access.has(Scope.RECRUITMENT_WRITE),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "discovery/_results.html", context)
    if context["can_write"]:
        context["shortlists"] = list(selectors.shortlists_for_org(access))
        context["campaigns"] = list(selectors.recruiting_campaigns(access))
    return render(request, "discovery/search.html", context)


@require_GET
@org_view(Scope.CREATORS_READ)
def creator_profile(request: HttpRequest, access: OrgAccess, creator_id: str) -> HttpResponse:
    """Who a creator is: bio, portfolio, accounts with their figures, and past work with us."""
    try:
        profile = selectors.creator_profile_for_org(access, creator_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    context = {
        "profile": profile,
        "c": profile.creator,
        "can_write": access.has(Scope.RECRUITMENT_WRITE),
        "campaigns": list(selectors.recruiting_campaigns(access))
        if access.has(Scope.RECRUITMENT_WRITE)
        else [],
        "selected_campaign": request.GET.get("campaign", ""),
    }
    return render(request, "discovery/creator_profile.html", context)


def _back_to_search(request: HttpRequest, access: OrgAccess) -> str:
    url = reverse("discovery:search", args=[access.organization.slug])
    query = request.POST.get("query", "")
    return f"{url}?{query}" if query else url


@require_POST
@org_view(Scope.RECRUITMENT_WRITE)
def search_selection(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    """The creators ticked in the results: add them to a shortlist, or invite them."""
    form = SelectionForm(request.POST)
    back = _back_to_search(request, access)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    data = form.cleaned_data
    try:
        creators = selectors.creators_get_many(data["creators"])
        if data["action"] == "invite":
            campaign = campaign_get_for_org(access, data["campaign"])
            batch = services.invite_batch_create_for_creators(
                access=access, campaign=campaign, creators=creators
            )
            messages.success(request, f"Inviting {batch.total} creator(s) to {campaign.name}.")
            return redirect("discovery:batch", access.organization.slug, batch.public_id)
        if data.get("shortlist"):
            shortlist = selectors.shortlist_get_for_org(access, data["shortlist"])
        else:
            shortlist = services.shortlist_create(access=access, name=data["new_shortlist"])
        added = services.shortlist_add_creators(
            access=access, shortlist=shortlist, creators=creators, note=data.get("note", "")
        )
    except ChorusError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    skipped = len(creators) - added
    note = f" ({skipped} already on it)" if skipped else ""
    messages.success(request, f"Added {added} creator(s) to {shortlist.name}{note}.")
    return redirect(back)


# -- shortlists -----------------------------------------------------------------------------------


@org_view(Scope.CREATORS_READ)
def shortlists(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    brands = list(brands_for_org(access))
    form = ShortlistForm(request.POST or None, brands=brands if access.brand_id is None else [])
    can_write = access.has(Scope.RECRUITMENT_WRITE)
    if request.method == "POST":
        if not can_write:
            messages.error(request, "Your role cannot create shortlists.")
            return redirect("discovery:shortlists", access.organization.slug)
        if form.is_valid():
            try:
                brand = (
                    brand_get_for_org(access, form.cleaned_data["brand"])
                    if form.cleaned_data.get("brand")
                    else None
                )
                shortlist = services.shortlist_create(
                    access=access, name=form.cleaned_data["name"], brand=brand
                )
            except ChorusError as exc:
                _apply_error(form, exc)
            else:
                messages.success(
                    request, f"Shortlist {shortlist.name} created: add creators from the search."
                )
                return redirect(
                    "discovery:shortlist", access.organization.slug, shortlist.public_id
                )
    context = {
        "shortlists": selectors.shortlists_for_org(access),
        "form": form,
        "can_write": can_write,
        "show_brand": access.brand_id is None and len(brands) > 1,
    }
    return render(request, "discovery/shortlists.html", context, status=400 if form.errors else 200)


@require_GET
@org_view(Scope.CREATORS_READ)
def shortlist_detail(request: HttpRequest, access: OrgAccess, shortlist_id: str) -> HttpResponse:
    shortlist = selectors.shortlist_get_for_org(access, shortlist_id)
    can_write = access.has(Scope.RECRUITMENT_WRITE)
    context = {
        "shortlist": shortlist,
        "entries": selectors.shortlist_entries(access, shortlist),
        "can_write": can_write,
        "rename_form": RenameShortlistForm(initial={"name": shortlist.name}),
        "invite_form": InviteCampaignForm(campaigns=selectors.recruiting_campaigns(access))
        if can_write
        else None,
    }
    return render(request, "discovery/shortlist.html", context)


@require_POST
@org_view(Scope.RECRUITMENT_WRITE)
def shortlist_rename(request: HttpRequest, access: OrgAccess, shortlist_id: str) -> HttpResponse:
    shortlist = selectors.shortlist_get_for_org(access, shortlist_id)
    form = RenameShortlistForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the shortlist a name (up to 120 characters).")
    else:
        try:
            services.shortlist_rename(
                access=access, shortlist=shortlist, name=form.cleaned_data["name"]
            )
        except ChorusError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Renamed to {shortlist.name}.")
    return redirect("discovery:shortlist", access.organization.slug, shortlist.public_id)


@require_POST
@org_view(Scope.RECRUITMENT_WRITE)
def shortlist_delete(request: HttpRequest, access: OrgAccess, shortlist_id: str) -> HttpResponse:
    shortlist = selectors.shortlist_get_for_org(access, shortlist_id)
    services.shortlist_delete(access=access, shortlist=shortlist)
    messages.success(request, f"Shortlist {shortlist.name} deleted.")
    return redirect("discovery:shortlists", access.organization.slug)


@require_POST
@org_view(Scope.RECRUITMENT_WRITE)
def shortlist_remove(request: HttpRequest, access: OrgAccess, shortlist_id: str) -> HttpResponse:
    shortlist = selectors.shortlist_get_for_org(access, shortlist_id)
    try:
        creators = selectors.creators_get_many(request.POST.getlist("creators"))
        removed = services.shortlist_remove_creators(
            access=access, shortlist=shortlist, creators=creators
        )
    except ChorusError as exc:
        messages.error(request, exc.message)
    else:
        names = ", ".join(c.display_name for c in creators[:3])
        messages.success(
            request, f"Removed {names} from {shortlist.name}." if removed else "Nothing to remove."
        )
    return redirect("discovery:shortlist", access.organization.slug, shortlist.public_id)


@require_POST
@org_view(Scope.RECRUITMENT_WRITE)
def shortlist_invite(request: HttpRequest, access: OrgAccess, shortlist_id: str) -> HttpResponse:
    """ "Invite all to campaign…" from the shortlist page."""
    shortlist = selectors.shortlist_get_for_org(access, shortlist_id)
    form = InviteCampaignForm(request.POST, campaigns=selectors.recruiting_campaigns(access))
    if not form.is_valid():
        messages.error(request, "Choose a recruiting campaign to invite them to.")
        return redirect("discovery:shortlist", access.organization.slug, shortlist.public_id)
    try:
        campaign = campaign_get_for_org(access, form.cleaned_data["campaign"])
        batch = services.invite_batch_create_from_shortlist(
            access=access,
            campaign=campaign,
            shortlist=shortlist,
            message=form.cleaned_data.get("message", ""),
        )
    except ChorusError as exc:
        messages.error(request, exc.message)
        return redirect("discovery:shortlist", access.organization.slug, shortlist.public_id)
    return redirect("discovery:batch", access.organization.slug, batch.public_id)


# -- inviting to a campaign -----------------------------------------------------------------------


@org_view(Scope.RECRUITMENT_WRITE)
def invite(request: HttpRequest, access: OrgAccess, campaign_id: str) -> HttpResponse:
    """Three ways to invite many creators: a shortlist, pasted handles, or a CSV upload."""
    campaign = campaign_get_for_org(access, campaign_id)
    shortlist_choices = list(selectors.shortlists_for_org(access))
    platforms = campaign.platforms
    initial_platform = platforms[0] if len(platforms) == 1 else None
    method = request.POST.get("method", "") if request.method == "POST" else ""
    # Three forms on one page: each its own element ids (they share field names).
    shortlist_form = InviteShortlistForm(
        request.POST if method == "shortlist" else None,
        shortlists=shortlist_choices,
        auto_id="id_shortlist_%s",
    )
    handles_form = InviteHandlesForm(
        request.POST if method == "handles" else None,
        initial={"platform": initial_platform},
        auto_id="id_handles_%s",
    )
    csv_form = InviteCsvForm(
        request.POST if method == "csv" else None,
        request.FILES if method == "csv" else None,
        initial={"platform": initial_platform or ""},
        auto_id="id_csv_%s",
    )
    forms_by_method = {"shortlist": shortlist_form, "handles": handles_form, "csv": csv_form}
    active = method if method in forms_by_method else "shortlist"
    if request.method == "POST":
        form = forms_by_method.get(method)
        if form is None:
            messages.error(request, "Choose how to invite: a shortlist, handles or a CSV file.")
            return redirect("discovery:invite", access.organization.slug, campaign.public_id)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if method == "shortlist":
                    batch = services.invite_batch_create_from_shortlist(
                        access=access,
                        campaign=campaign,
                        shortlist=selectors.shortlist_get_for_org(access, data["shortlist"]),
                        message=data.get("message", ""),
                    )
                elif method == "handles":
                    batch = services.invite_batch_create_from_handles(
                        access=access,
                        campaign=campaign,
                        platform=data["platform"],
                        text=data["handles"],
                        message=data.get("message", ""),
                    )
                else:
                    batch = services.invite_batch_create_from_csv(
                        access=access,
                        campaign=campaign,
                        upload=data["file"],
                        platform=data.get("platform") or None,
                        message=data.get("message", ""),
                    )
            except ChorusError as exc:
                _apply_error(form, exc)
            else:
                return redirect("discovery:batch", access.organization.slug, batch.public_id)
    context = {
        "campaign": campaign,
        "shortlist_form": shortlist_form,
        "handles_form": handles_form,
        "csv_form": csv_form,
        "active": active,
        "has_shortlists": bool(shortlist_choices),
        "batches": selectors.invite_batches_for_org(access, campaign=campaign)[:10],
    }
    has_errors = any(f.errors for f in forms_by_method.values())
    return render(request, "discovery/invite.html", context, status=400 if has_errors else 200)


@require_GET
@org_view(Scope.RECRUITMENT_WRITE)
def invite_template(request: HttpRequest, access: OrgAccess, campaign_id: str) -> HttpResponse:
    """A CSV to fill in: the header and three example rows."""
    campaign = campaign_get_for_org(access, campaign_id)
    response = HttpResponse(CSV_TEMPLATE, content_type="text/csv; charset=utf-8")
    name = f"invite-{campaign.public_id}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# -- a batch's progress ---------------------------------------------------------------------------


@require_GET
@org_view(Scope.CREATORS_READ)
def batch(request: HttpRequest, access: OrgAccess, batch_id: str) -> HttpResponse:
    """Progress, polled by htmx every second until the batch is finished; then the failures."""
    invite_batch: InviteBatch = selectors.invite_batch_get_for_org(access, batch_id)
    failed = (
        list(
            selectors.invite_batch_rows(access, invite_batch, outcome=InviteBatchRow.Outcome.FAILED)
        )
        if invite_batch.is_finished
        else []
    )
    context = {
        "batch": invite_batch,
        "failed_rows": failed,
        "can_write": access.has(Scope.RECRUITMENT_WRITE),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "discovery/_batch_progress.html", context)
    return render(request, "discovery/batch.html", context)
