"""The public tracking link ``/r/<code>`` that creators share: the product's hottest page.

A warm live link costs one Redis round trip and no query (see ``analytics.services``).
"""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from analytics.bots import is_automated
from analytics.click_buffer import LIVE, UNKNOWN
from analytics.services import click_track, tracked_visit_for_page

logger = logging.getLogger(__name__)


@never_cache
def tracking_redirect(request: HttpRequest, code: str) -> HttpResponse:
    """Unknown and ended links get a plain, friendly page; a live one counts a click (unless a
    bot, a prefetch or a repeat from the same address) and goes to the campaign's landing page —
    only ever an https page on the brand's own domains."""
    link, flush_due = click_track(
        code=code,
        ip=_client_address(request),
        user_agent=request.headers.get("User-Agent", ""),
        referrer=request.headers.get("Referer", ""),
        automated=is_automated(request),
    )
    if flush_due:
        _request_flush()
    if link.state != LIVE:
        return render(
            request,
            "analytics/link_unavailable.html",
            {"ended": link.state != UNKNOWN},
            status=404 if link.state == UNKNOWN else 410,
        )
    if link.destination:
        return HttpResponseRedirect(link.destination)
    # No landing page (or one the brand's domains do not allow): say whose link it is.
    visit = tracked_visit_for_page(link)
    if visit is None:  # deleted since it was cached
        return render(request, "analytics/link_unavailable.html", {"ended": False}, status=404)
    return render(request, "analytics/no_destination.html", {"visit": visit})


def _client_address(request: HttpRequest) -> str:
    """The visitor's address: the socket's, or the one the outermost trusted proxy saw (entries
    left of it in X-Forwarded-For are whatever the client sent, so never trusted)."""
    hops = settings.TRACKING_TRUSTED_PROXIES
    if hops > 0:
        forwarded = [
            a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return str(request.META.get("REMOTE_ADDR", ""))


def _request_flush() -> None:
    """The buffer is long: ask a worker now rather than at the next beat. Best effort."""
    from analytics.tasks import flush_clicks

    try:
        flush_clicks.apply_async(expires=10)
    except Exception as exc:  # the broker is away: beat will get to it
        logger.warning("tracking: could not request a click flush: %r", exc)
