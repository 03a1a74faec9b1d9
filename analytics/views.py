"""The public tracking link ``/r/<code>`` that creators share."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from analytics.services import click_record, tracking_link_state


@never_cache
def tracking_redirect(request: HttpRequest, code: str) -> HttpResponse:
    """Unknown and ended links get a plain, friendly page; a live one records a click and goes
    to the campaign's landing page — only ever an https page on the brand's own domains."""
    state = tracking_link_state(code)
    if state != "live":
        return render(
            request,
            "analytics/link_unavailable.html",
            {"ended": state == "ended"},
            status=410 if state == "ended" else 404,
        )
    visit = click_record(
        code=code,
        ip=request.META.get("REMOTE_ADDR", ""),
        user_agent=request.headers.get("User-Agent", ""),
        referrer=request.headers.get("Referer", ""),
    )
    if visit is None:  # gone between the two reads
        return render(request, "analytics/link_unavailable.html", {"ended": False}, status=404)
    if not visit.destination:
        # No landing page (or one the brand's domains do not allow): say whose link it is.
        return render(request, "analytics/no_destination.html", {"visit": visit})
    return HttpResponseRedirect(visit.destination)
