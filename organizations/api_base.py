"""The one organization-scoped base for API views (PostHog's TeamAndOrgViewSetMixin).

It resolves the tenant once per request, scopes every query to it, and refuses subclasses that
override ``get_queryset``, ``get_object`` or ``get_permissions``: those are where tenant leaks hide.
Subclasses implement ``scoped_queryset(access)`` and declare ``required_scopes``.
"""

from collections.abc import Mapping
from typing import Any, ClassVar

from django.db.models import QuerySet
from rest_framework import exceptions, permissions, viewsets
from rest_framework.request import Request

from core.errors import NotFound
from organizations.access import OrgAccess, access_for_api_key, access_for_user
from organizations.api_permissions import HasRequiredScope
from organizations.models import ApiKey, Membership
from organizations.roles import Scope, as_scope

ORG_HEADER = "X-Chorus-Organization"
_SEALED = ("get_queryset", "get_object", "get_permissions")


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


class OrgScopedViewSet(viewsets.GenericViewSet):
    required_scopes: ClassVar[Mapping[str, Scope]] = {}
    lookup_field = "public_id"
    lookup_url_kwarg = "public_id"
    access: OrgAccess

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in _SEALED:
            if name in cls.__dict__:
                raise TypeError(
                    f"{cls.__name__} overrides {name}(); implement scoped_queryset() instead "
                    "so every query stays inside the tenant."
                )
        for action, scope in cls.required_scopes.items():
            try:
                as_scope(scope)
            except ValueError as exc:
                raise TypeError(f"{cls.__name__}.required_scopes[{action!r}]: {exc}") from None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.perform_authentication(request)
        if getattr(self, "action", None) is None and request.method not in ("OPTIONS", None):
            # The route does not take this method: say so (405) before the scope check, which
            # would deny it with a 403 that looks like "it exists but you may not".
            raise exceptions.MethodNotAllowed(request.method)
        if request.user and request.user.is_authenticated:
            self.access = resolve_api_access(request)
        super().initial(request, *args, **kwargs)

    def scoped_queryset(self, access: OrgAccess) -> QuerySet[Any]:
        raise TypeError(f"{type(self).__name__} must implement scoped_queryset(access).")

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no tenant
            serializer_class: Any = self.get_serializer_class()
            return serializer_class.Meta.model._default_manager.none()
        return self.scoped_queryset(self.access)

    def get_object(self) -> Any:
        queryset = self.filter_queryset(self.get_queryset())
        value = str(self.kwargs.get(self.lookup_url_kwarg, ""))
        obj = queryset.filter(**{self.lookup_field: value}).first()
        if obj is None:
            raise NotFound()
        self.check_object_permissions(self.request, obj)
        return obj

    def get_permissions(self) -> list[permissions.BasePermission]:
        return [HasRequiredScope()]
