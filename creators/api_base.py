"""The one creator-scoped base for API views: the creator-side twin of ``OrgScopedViewSet``.

Creators are global users, not tenant members, so the organization base (which resolves an
``OrgAccess`` from an API key or a membership) does not fit them. This base resolves the
requesting creator's ``CreatorProfile`` once per request, scopes every query to it, and is just
as closed:

- Authentication is the browser session only (``SessionAuthentication``: CSRF enforced on
  writes) — a creator uses the portal. An organization API key is recognised (so it can be told
  why) and refused with ``403 {code: "creator_only"}``; a signed-in user without a creator
  profile gets ``403 {code: "not_a_creator"}``; nobody signed in gets ``403 not_authenticated``
  (a session has no ``WWW-Authenticate`` challenge, so no 401).
- Deny by default: each viewset lists the actions it serves in ``creator_actions``; any other
  action is refused. A method the route does not take is a 405 before anything else.
- Sealed by the same mechanism as the organization base (``core.api.sealed``):
  ``get_queryset``, ``get_object``, ``get_permissions``, ``get_authenticators`` and the rest;
  subclasses implement ``scoped_queryset(creator)`` (rows of that creator only), and another
  creator's object answers 404 exactly like a missing one.
"""

from typing import Any, ClassVar

from django.db.models import QuerySet
from drf_spectacular.openapi import AutoSchema
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

from core.api.sealed import BASE_HOOKS, SEALED_METHODS, SealedViewSet
from core.errors import Forbidden, NotFound
from creators.models import CreatorProfile
from creators.selectors import creator_profile_for_user
from organizations.api_auth import ApiKeyAuthentication
from organizations.models import ApiKey

CREATOR_ONLY_MESSAGE = (
    "These endpoints are for creators signed in to the creator portal; organization API keys "
    "cannot use them. Brands and agencies: use /api/v1/applications/, /api/v1/participations/ "
    "and /api/v1/campaign-invitations/ instead."
)
NOT_A_CREATOR_MESSAGE = (
    "Your account has no creator profile: set one up in the creator portal to use these endpoints."
)
NOT_SIGNED_IN_MESSAGE = "Sign in to the creator portal first: these endpoints use your session."


class CreatorSchema(AutoSchema):
    """Document the creator endpoints as session-only: the API key is recognised only so it can
    be refused with ``creator_only``, never accepted."""

    def get_auth(self) -> list[dict[str, list[Any]]]:
        return [auth for auth in super().get_auth() if "ApiKey" not in auth]


class IsCreator(permissions.BasePermission):
    """Deny by default: the action must be declared, the user signed in and a creator."""

    message = "This endpoint does not allow that."

    def has_permission(self, request: Request, view: Any) -> bool:
        actions: frozenset[str] = getattr(view, "creator_actions", frozenset())
        if getattr(view, "action", None) not in actions:
            return False
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated(NOT_SIGNED_IN_MESSAGE)
        if getattr(view, "creator", None) is None:
            raise Forbidden(NOT_A_CREATOR_MESSAGE, code="not_a_creator")
        return True


class CreatorScopedViewSet(SealedViewSet):
    """Creator-scoped: resolves the requesting creator's profile once (browser session only);
    every query goes through ``scoped_queryset(creator)``; actions listed in ``creator_actions``."""

    sealed = SEALED_METHODS | BASE_HOOKS
    scope_hint = "scoped_queryset(creator)"
    scope_permission = IsCreator
    # The API key comes first so that a key always wins over a session cookie sent along with
    # it: the request is then refused (creator_only) rather than half-trusted.
    scope_authentication = (ApiKeyAuthentication, authentication.SessionAuthentication)
    creator_actions: ClassVar[frozenset[str]] = frozenset()
    schema = CreatorSchema()
    creator: CreatorProfile | None = None

    def resolve_scope_owner(self, request: Request) -> CreatorProfile | None:
        if isinstance(request.auth, ApiKey):
            raise Forbidden(CREATOR_ONLY_MESSAGE, code="creator_only")
        self.creator = None
        if request.user and request.user.is_authenticated:
            self.creator = creator_profile_for_user(request.user)
        return self.creator

    def get_authenticate_header(self, request: Request) -> str:
        """No challenge: a browser session cannot answer one, so "not signed in" is a 403
        (DRF answers 401 only when there is a ``WWW-Authenticate`` value to send)."""
        return ""

    def scoped_queryset(self, creator: CreatorProfile) -> QuerySet[Any]:
        raise TypeError(f"{type(self).__name__} must implement scoped_queryset(creator).")

    @property
    def current_creator(self) -> CreatorProfile:
        """The requesting creator, for actions (IsCreator has checked there is one)."""
        if self.creator is None:
            raise NotFound()
        return self.creator
