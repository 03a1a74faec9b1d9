from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The organization being viewed (set by organizations.tenancy) for the brand-side navigation."""
    return {"org_access": getattr(request, "org_access", None)}
