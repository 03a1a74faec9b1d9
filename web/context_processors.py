from typing import Any

from django.http import HttpRequest

from organizations.roles import SCOPES_BY_ROLE


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The organization being viewed (set by organizations.tenancy) and what the viewer's role may
    open, so the navigation hides links that would only lead to a 'not allowed' page."""
    access = getattr(request, "org_access", None)
    return {
        "org_access": access,
        "org_scopes": SCOPES_BY_ROLE.get(access.role, frozenset()) if access else frozenset(),
    }
