"""Browser tenancy: ``/o/<org-slug>/…`` resolves the organization from the URL and the membership."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from core.errors import NotFound
from organizations.access import access_for_user
from organizations.roles import Scope, as_scope

OrgView = Callable[..., HttpResponse]
ORG_VIEW_MARK = "org_view_scope"


def _mark_org_view(scope: Scope) -> Callable[[OrgView], OrgView]:
    """Mark the guarded view, so a test can tell every /o/<slug>/ route is served through
    org_view (outer decorators built with functools.wraps carry the mark along)."""

    def mark(view: OrgView) -> OrgView:
        setattr(view, ORG_VIEW_MARK, scope)
        return view

    return mark


def org_view(scope: Scope) -> Callable[[OrgView], Callable[..., HttpResponse]]:
    """Resolve ``org_slug`` to the member's OrgAccess and require ``scope``.

    Not a member answers 404 like a missing organization (no existence leak); a member whose
    role lacks the scope gets 403. An unknown scope fails when the module is imported.
    """
    scope = as_scope(scope)

    def decorator(view: OrgView) -> Callable[..., HttpResponse]:
        @_mark_org_view(scope)
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, org_slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                access = access_for_user(request.user, org_slug)  # type: ignore[arg-type]
            except NotFound as exc:
                raise Http404(exc.message) from exc
            if not access.has(scope):
                raise PermissionDenied(f"Your role ({access.role}) cannot open this page.")
            request.org_access = access  # type: ignore[attr-defined]
            return view(request, access, *args, **kwargs)

        return wrapper

    return decorator
