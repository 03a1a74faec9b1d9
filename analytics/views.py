"""The public tracking link ``/r/<code>`` that creators share."""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from analytics.services import click_record


@never_cache
def tracking_redirect(request: HttpRequest, code: str) -> HttpResponse:
    visit = click_record(
        code=code,
        ip=request.META.get("REMOTE_ADDR", ""),
        user_agent=request.headers.get("User-Agent", ""),
        referrer=request.headers.get("Referer", ""),
    )
    if visit is None:
        raise Http404("This link is not valid. Check it with the creator who shared it.")
    if not visit.destination:
        # The brand has not set a landing page yet: say whose link it is instead of failing.
        return render(request, "analytics/no_destination.html", {"visit": visit})
    return HttpResponseRedirect(visit.destination)
