"""The site shell: landing page, where "dashboard" leads each kind of user, health."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from core.health import run_health_checks
from creators.selectors import creator_profile_for_user
from organizations.access import memberships_for_user


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:dashboard")
    return render(request, "web/home.html")


def signup_choice(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:dashboard")
    return render(request, "account/signup_choice.html")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Brand members go to their workspace; creators to their portal."""
    memberships = memberships_for_user(request.user)  # type: ignore[arg-type]
    if len(memberships) == 1:
        return redirect("organizations:dashboard", org_slug=memberships[0].organization.slug)
    if memberships:
        return redirect("organizations:picker")
    if creator_profile_for_user(request.user) is not None:  # type: ignore[arg-type]
        return redirect("creators:home")
    return render(request, "web/no_workspace.html")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = run_health_checks()
    healthy = all(c["ok"] for c in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", "checks": checks},
        status=200 if healthy else 503,
    )
