"""The creator portal (phone first)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from creators.selectors import creator_profile_for_user


@login_required
def portal_home(request: HttpRequest) -> HttpResponse:
    profile = creator_profile_for_user(request.user)  # type: ignore[arg-type]
    if profile is None:
        return redirect("web:dashboard")
    return render(request, "creators/home.html", {"profile": profile})
