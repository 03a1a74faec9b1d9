"""Deny-by-default API permission. Kept apart from the viewset base: DRF imports it at start-up."""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rest_framework import exceptions, permissions

if TYPE_CHECKING:
    from rest_framework.request import Request

    from organizations.access import OrgAccess
    from organizations.roles import Scope


class HasRequiredScope(permissions.BasePermission):
    """Deny by default: a view must declare the scope each HTTP method (or action) needs."""

    message = "Your role does not allow this."

    def has_permission(self, request: "Request", view: Any) -> bool:
        scopes: Mapping[str, Scope] = getattr(view, "required_scopes", {})
        action = getattr(view, "action", None)
        scope = scopes.get(action or "") or scopes.get(request.method or "")
        if scope is None:
            return False
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        access: OrgAccess | None = getattr(view, "access", None)
        return access is not None and access.has(scope)
