"""The creator portal (phone first): home, profile, social accounts.

Every page resolves the signed-in user's CreatorProfile; an account or portfolio id that is
not theirs answers 404 (same as a missing one). Users without a creator profile (brand
members) are sent to their dashboard from the list pages and get 404 on object pages.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from core.errors import ChorusError, NotFound
from creators import selectors, services
from creators.forms import (
    AddAccountForm,
    PhotoForm,
    PortfolioItemForm,
    ProfileForm,
    add_service_error,
)
from creators.models import CreatorProfile
from creators.oauth import oauth_connect_options
from creators.portal import render_home_sections

CreatorView = Callable[..., HttpResponse]


def creator_view(*, object_page: bool = False) -> Callable[[CreatorView], CreatorView]:
    """Log in, resolve the creator profile, and pass it as ``creator``.

    ``object_page``: the URL names one of the creator's objects, so a user without a creator
    profile gets 404 (like anyone else's id), not a redirect.
    """

    def decorate(view: CreatorView) -> CreatorView:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            creator = selectors.creator_profile_for_user(request.user)  # type: ignore[arg-type]
            if creator is None:
                if object_page:
                    raise Http404("Not found.")
                return redirect("web:dashboard")
            try:
                return view(request, creator, *args, **kwargs)
            except NotFound as exc:
                raise Http404(exc.message) from exc

        return wrapper

    return decorate


# --------------------------------------------------------------------------- home


@creator_view()
def portal_home(request: HttpRequest, creator: CreatorProfile) -> HttpResponse:
    profile = selectors.creator_profile_with_details(creator)
    accounts = list(profile.social_accounts.all())
    checklist = selectors.profile_checklist(profile, accounts)
    done = sum(1 for step in checklist if step.done)
    return render(
        request,
        "creators/home.html",
        {
            "profile": profile,
            "accounts": accounts,
            "checklist": checklist,
            "next_steps": [step for step in checklist if not step.done][:3],
            "done_count": done,
            "step_count": len(checklist),
            "percent_complete": round(100 * done / len(checklist)),
            "home_sections": render_home_sections(request, profile),
            "home_alerts": render_home_sections(request, profile, slot="top"),
        },
    )


# --------------------------------------------------------------------------- profile


def _render_profile(
    request: HttpRequest,
    creator: CreatorProfile,
    *,
    profile_form: ProfileForm | None = None,
    photo_form: PhotoForm | None = None,
    portfolio_form: PortfolioItemForm | None = None,
    status: int = 200,
) -> HttpResponse:
    profile = selectors.creator_profile_with_details(creator)
    return render(
        request,
        "creators/profile.html",
        {
            "profile": profile,
            "form": profile_form or ProfileForm.for_profile(profile),
            "photo_form": photo_form or PhotoForm(),
            "portfolio_form": portfolio_form or PortfolioItemForm(),
            "portfolio": list(profile.portfolio.all()),
        },
        status=status,
    )


@creator_view()
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, creator: CreatorProfile) -> HttpResponse:
    if request.method != "POST":
        return _render_profile(request, creator)
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            services.creator_profile_update(creator=creator, **form.cleaned_data)
        except ChorusError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Profile saved.")
            return redirect("creators:profile")
    return _render_profile(request, creator, profile_form=form, status=400)


@creator_view()
@require_http_methods(["POST"])
def photo_upload(request: HttpRequest, creator: CreatorProfile) -> HttpResponse:
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.creator_photo_set(creator=creator, photo=form.cleaned_data["photo"])
        except ChorusError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Photo updated.")
            return redirect("creators:profile")
    return _render_profile(request, creator, photo_form=form, status=400)


@creator_view()
@require_http_methods(["POST"])
def photo_remove(request: HttpRequest, creator: CreatorProfile) -> HttpResponse:
    services.creator_photo_set(creator=creator, photo=None)
    messages.success(request, "Photo removed.")
    return redirect("creators:profile")


@creator_view()
@require_http_methods(["POST"])
def portfolio_add(request: HttpRequest, creator: CreatorProfile) -> HttpResponse:
    form = PortfolioItemForm(request.POST)
    if form.is_valid():
        try:
            services.portfolio_item_add(creator=creator, **form.cleaned_data)
        except ChorusError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Link added to your portfolio.")
            return redirect(reverse("creators:profile") + "#portfolio")
    return _render_profile(request, creator, portfolio_form=form, status=400)


@creator_view(object_page=True)
@require_http_methods(["GET", "POST"])
def portfolio_remove(
    request: HttpRequest, creator: CreatorProfile, portfolio_item_id: str
) -> HttpResponse:
    item = selectors.portfolio_item_for_creator(creator, portfolio_item_id)
    if request.method == "POST":
        services.portfolio_item_remove(creator=creator, item_id=item.public_id)
        messages.success(request, "Link removed from your portfolio.")
    return redirect(reverse("creators:profile") + "#portfolio")


# --------------------------------------------------------------------------- accounts


def _render_accounts(
    request: HttpRequest,
    creator: CreatorProfile,
    *,
    form: AddAccountForm | None = None,
    status: int = 200,
) -> HttpResponse:
    accounts = list(selectors.social_accounts_for_creator(creator))
    return render(
        request,
        "creators/accounts.html",
        {
            "profile": creator,
            "accounts": accounts,
            "form": form or AddAccountForm(),
            "oauth_options": oauth_connect_options(request),
        },
        status=status,
    )


@creator_view()
@require_http_methods(["GET", "POST"])
def accounts(request: HttpRequest, creator: CreatorProfile) -> HttpResponse:
    if request.method != "POST":
        return _render_accounts(request, creator)
    form = AddAccountForm(request.POST)
    if form.is_valid():
        try:
            account = services.social_account_add(
                creator=creator,
                platform=form.cleaned_data["platform"],
                handle_or_url=form.cleaned_data["handle"],
            )
        except ChorusError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"{account} added. Verify it so you can apply to campaigns.")
            return redirect("creators:account_verify", account_id=account.public_id)
    return _render_accounts(request, creator, form=form, status=400)


@creator_view(object_page=True)
@require_http_methods(["GET", "POST"])
def account_verify(request: HttpRequest, creator: CreatorProfile, account_id: str) -> HttpResponse:
    account = selectors.social_account_for_creator(creator, account_id)
    error = ""
    status = 200
    if request.method == "POST":
        try:
            account = services.social_account_verify_by_bio(creator=creator, account=account)
        except ChorusError as exc:
            if isinstance(exc, NotFound):
                raise
            error = exc.message
            status = 400
        else:
            if not request.htmx:  # type: ignore[attr-defined]
                messages.success(request, f"{account} is verified. You can now apply to campaigns.")
                return redirect("creators:accounts")
    template = (
        "creators/_verify_card.html" if request.htmx else "creators/account_verify.html"  # type: ignore[attr-defined]
    )
    # htmx swaps only 2xx responses: the error is shown inside a 200 partial.
    if request.htmx:  # type: ignore[attr-defined]
        status = 200
    return render(
        request,
        template,
        {
            "profile": creator,
            "account": account,
            "error": error,
            "oauth_options": [
                o for o in oauth_connect_options(request) if o.platform == account.platform
            ],
        },
        status=status,
    )


@creator_view(object_page=True)
@require_http_methods(["GET", "POST"])
def account_refresh(request: HttpRequest, creator: CreatorProfile, account_id: str) -> HttpResponse:
    account = selectors.social_account_for_creator(creator, account_id)
    if request.method != "POST":
        return redirect("creators:accounts")
    error = ""
    try:
        account = services.social_account_refresh_now(creator=creator, account=account)
    except ChorusError as exc:
        if isinstance(exc, NotFound):
            raise
        error = exc.message
    if request.htmx:  # type: ignore[attr-defined]
        account.refresh_from_db()
        return render(
            request,
            "creators/_account_card.html",
            {
                "account": account,
                "card_error": error,
                "card_notice": "" if error else "Stats updated.",
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"Stats for {account} updated.")
    return redirect("creators:accounts")


@creator_view(object_page=True)
@require_http_methods(["GET", "POST"])
def account_remove(request: HttpRequest, creator: CreatorProfile, account_id: str) -> HttpResponse:
    account = selectors.social_account_for_creator(creator, account_id)
    if request.method != "POST":
        return redirect("creators:accounts")
    label = str(account)
    services.social_account_remove(creator=creator, account=account)
    messages.success(request, f"{label} removed.")
    return redirect("creators:accounts")
