"""The one organization-scoped base for API views (PostHog's TeamAndOrgViewSetMixin).

It resolves the tenant once per request, scopes every query to it, and refuses subclasses that
override ``get_queryset``, ``get_object``, ``get_permissions`` and the rest of what
``core.api.sealed`` seals (the creator API's base shares the same mechanism): those are where
tenant leaks hide. Subclasses implement ``scoped_queryset(access)`` and declare
``required_scopes``.
"""

from collections.abc import Mapping
from typing import Any, ClassVar

from django.db.models import QuerySet
from rest_framework import exceptions
from rest_framework.request import Request

from core.api.sealed import BASE_HOOKS, SEALED_METHODS, SealedViewSet
from organizations.access import OrgAccess, access_for_api_key, access_for_user
from organizations.api_permissions import HasRequiredScope
from organizations.models import ApiKey, Membership
from organizations.roles import Scope, as_scope

ORG_HEADER = "X-Chorus-Organization"


def resolve_api_access(request: Request) -> OrgAccess:
    """API key → its organization. A browser session names the organization in a header."""
    if isinstance(request.auth, ApiKey):
        return access_for_api_key(request.auth)
    user = request.user
    if not user or not user.is_authenticated:
        raise exceptions.NotAuthenticated()
    slug = request.headers.get(ORG_HEADER, "").strip()
    if not slug:
        slugs = list(
            Membership.objects.filter(user=user).values_list("organization__slug", flat=True)[:2]
        )
        if len(slugs) != 1:
            raise exceptions.ValidationError(
                {ORG_HEADER: ["Name the organization (its slug) in this header."]}
            )
        slug = slugs[0]
    return access_for_user(user, slug)


class OrgScopedViewSet(SealedViewSet):
    """Organization-scoped: resolves the ``OrgAccess`` (API key, or session + header) once; every
    query goes through ``scoped_queryset(access)``; each action declares its ``Scope``."""

    sealed = SEALED_METHODS | BASE_HOOKS
    scope_hint = "scoped_queryset(access)"
    scope_permission = HasRequiredScope
    required_scopes: ClassVar[Mapping[str, Scope]] = {}
    access: OrgAccess

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for action, scope in cls.required_scopes.items():
            try:
                as_scope(scope)
            except ValueError as exc:
                raise TypeError(f"{cls.__name__}.required_scopes[{action!r}]: {exc}") from None

    def resolve_scope_owner(self, request: Request) -> OrgAccess | None:
        if not (request.user and request.user.is_authenticated):
            return None
        self.access = resolve_api_access(request)
        return self.access

    def scoped_queryset(self, access: OrgAccess) -> QuerySet[Any]:
        raise TypeError(f"{type(self).__name__} must implement scoped_queryset(access).")
