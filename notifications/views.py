"""Notification pages: a member's notifications in one organization, following a notification's
link, and marking read (htmx: the item or the panel is swapped, focus stays where it was, and a
live region announces the new count). The creator portal's page is recruitment.views.notifications
(it shares the templates here). Thin: parse, call a service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.errors import NotFound
from notifications import selectors, services
from notifications.models import Notification
from organizations.access import OrgAccess
from organizations.models import Organization
from organizations.roles import Scope
from organizations.tenancy import org_view
from users.models import User

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _get(request: HttpRequest, notification_id: str) -> Notification:
    try:
        return selectors.notification_get_for_user(_user(request), notification_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _safe(request: HttpRequest, target: str, fallback: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@org_view(Scope.ORG_READ)
def org_notifications(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    """GET: the member's notifications from this organization. POST: mark them all read."""
    user, org = _user(request), access.organization
    announce = ""
    if request.method == "POST":
        n = services.notifications_mark_all_read(user=user, organization=org)
        selectors.forget_unread_count(request)
        announce = f"Marked {n} notification{'s' if n != 1 else ''} read."
        if not request.htmx:  # type: ignore[attr-defined]
            messages.success(request, "All caught up.")
            return redirect("notifications:org_list", org_slug=org.slug)
    page = Paginator(selectors.notifications_for_user(user, organization=org), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "notifications": page.object_list,
        "unread": selectors.unread_count_for_request(request, org),
        "read_all_url": reverse("notifications:org_list", kwargs={"org_slug": org.slug}),
        "announce": announce,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "notifications/_panel.html", context)
    return render(request, "notifications/org_list.html", context)


@login_required
def notification_open(request: HttpRequest, notification_id: str) -> HttpResponse:
    """Follow a notification's link, marking it read on the way."""
    notification = _get(request, notification_id)
    services.notification_mark_read(user=_user(request), notification=notification)
    return redirect(_safe(request, notification.url, reverse("web:dashboard")))


@require_POST
@login_required
def notification_read(request: HttpRequest, notification_id: str) -> HttpResponse:
    """Mark one notification read. htmx gets the item back with the counts; a plain form goes
    back where it came from."""
    notification = _get(request, notification_id)
    services.notification_mark_read(user=_user(request), notification=notification)
    if not request.htmx:  # type: ignore[attr-defined]
        return redirect(_safe(request, request.POST.get("next", ""), reverse("web:dashboard")))
    # The counts match the page the request came from: one organization's on the brand side,
    # every organization's on the creator portal ("scope=all").
    everywhere = request.POST.get("scope") == "all"
    org: Organization | None = None if everywhere else notification.organization
    context = {
        "n": notification,
        "show_org": everywhere,
        "unread": selectors.unread_count_for_request(request, org),
        "announce": "Marked read.",
        "nav_class": "rc-dot" if everywhere else "nav-count",
    }
    return render(request, "notifications/_item_read.html", context)
