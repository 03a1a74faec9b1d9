"""One sealing mechanism for every scoped API base (PostHog's TeamAndOrgViewSetMixin).

A scoped base resolves *who asks* once per request — an organization's ``OrgAccess``, a
creator's profile — and every query of its viewsets goes through ``scoped_queryset(owner)``.
``SealedViewSet`` holds the parts both bases share, so they cannot drift apart:

- a method the route does not take answers 405 before any other check;
- ``get_queryset`` / ``get_object`` / ``get_permissions`` / ``get_authenticators`` / ``initial``
  (and the ``authentication_classes`` / ``permission_classes`` attributes) are sealed: a subclass
  that defines one fails when its class is created;
- an object outside the scope answers 404 exactly like a missing one;
- schema generation (no request owner) sees an empty queryset of the serializer's model.

A base built on it implements ``resolve_scope_owner(request)`` and sets ``scope_permission``
(and ``scope_authentication`` when it does not use the project default), then adds those names
to ``sealed`` so its own subclasses cannot replace them either.
"""

from typing import Any, ClassVar

from django.db.models import Model, QuerySet
from rest_framework import authentication, exceptions, permissions, viewsets
from rest_framework.request import Request

from core.errors import NotFound

SEALED_METHODS = frozenset(
    {
        "get_queryset",
        "get_object",
        "get_permissions",
        "get_authenticators",
        "initial",
        "authentication_classes",
        "permission_classes",
    }
)
# What a scoped base provides; sealed for the viewsets built on that base.
BASE_HOOKS = frozenset({"resolve_scope_owner", "scope_permission", "scope_authentication"})


class SealedViewSet(viewsets.GenericViewSet):
    sealed: ClassVar[frozenset[str]] = SEALED_METHODS
    scope_hint: ClassVar[str] = "scoped_queryset()"
    scope_permission: ClassVar[type[permissions.BasePermission]]
    # None: the project's DEFAULT_AUTHENTICATION_CLASSES.
    scope_authentication: ClassVar[tuple[type[authentication.BaseAuthentication], ...] | None] = (
        None
    )
    lookup_field = "public_id"
    lookup_url_kwarg = "public_id"
    scope_owner: Any = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        inherited: set[str] = set()
        for base in cls.__mro__[1:]:
            inherited |= getattr(base, "sealed", frozenset())
        if "sealed" in cls.__dict__ and not inherited <= cls.sealed:
            raise TypeError(f"{cls.__name__} may add to ``sealed`` but not unseal anything.")
        for name in sorted(inherited & set(cls.__dict__)):
            raise TypeError(
                f"{cls.__name__} overrides {name}(); implement {cls.scope_hint} instead so every "
                "query stays inside its scope."
            )

    # -- hooks a scoped base implements ------------------------------------------------------

    def resolve_scope_owner(self, request: Request) -> Any:
        """Who asks (after authentication), or None when nobody is signed in."""
        raise TypeError(f"{type(self).__name__} must implement resolve_scope_owner(request).")

    def scoped_queryset(self, owner: Any) -> QuerySet[Any]:
        raise TypeError(f"{type(self).__name__} must implement {self.scope_hint}.")

    def schema_model(self) -> type[Model]:
        """The model listed when there is no owner (schema generation): the serializer's."""
        serializer_class: Any = self.get_serializer_class()
        return serializer_class.Meta.model

    # -- sealed ------------------------------------------------------------------------------

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.perform_authentication(request)
        if getattr(self, "action", None) is None and request.method not in ("OPTIONS", None):
            # The route does not take this method: say so (405) before the scope check, which
            # would deny it with a 403 that looks like "it exists but you may not".
            raise exceptions.MethodNotAllowed(request.method)
        self.scope_owner = self.resolve_scope_owner(request)
        super().initial(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation has no owner
            return self.schema_model()._default_manager.none()
        if self.scope_owner is None:  # unreachable past the permission; refuse rather than guess
            raise NotFound()
        return self.scoped_queryset(self.scope_owner)

    def get_object(self) -> Any:
        queryset = self.filter_queryset(self.get_queryset())
        value = str(self.kwargs.get(self.lookup_url_kwarg, ""))
        obj = queryset.filter(**{self.lookup_field: value}).first()
        if obj is None:
            raise NotFound()
        self.check_object_permissions(self.request, obj)
        return obj

    def get_permissions(self) -> list[permissions.BasePermission]:
        return [self.scope_permission()]

    def get_authenticators(self) -> list[authentication.BaseAuthentication]:
        if self.scope_authentication is None:
            return super().get_authenticators()
        return [auth() for auth in self.scope_authentication]
