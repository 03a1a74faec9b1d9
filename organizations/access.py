"""Who is acting in which organization, with which role: resolved once per request, checked here."""

from dataclasses import dataclass

from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from core.errors import Forbidden, NotFound
from organizations.models import ApiKey, Membership, Organization, brand_id_of, brand_path_of
from organizations.roles import ROLE_RANK, Scope, as_scope, role_has_scope
from organizations.secrets import hash_secret, looks_like_api_key
from users.models import User


@dataclass(frozen=True)
class OrgAccess:
    organization: Organization
    role: str
    user: User | None = None  # None when an API key acts
    api_key: ApiKey | None = None
    membership: Membership | None = None

    @property
    def brand_id(self) -> int | None:
        """A member (or key) limited to one brand sees and acts only inside that brand."""
        if self.membership is not None:
            return self.membership.brand_id
        if self.api_key is not None:
            return self.api_key.brand_id
        return None

    @property
    def is_brand_limited(self) -> bool:
        return self.brand_id is not None

    def require_unlimited(self, what: str) -> None:
        """Organization-wide changes (the organization, new brands) are not for a limited actor."""
        if self.is_brand_limited:
            raise Forbidden(
                f"You are limited to one brand, so you cannot {what}.", code="brand_limited"
            )

    def require_same_brand(self, brand_id: int | None, what: str) -> None:
        """A limited actor manages only what is limited to their own brand (not the whole org)."""
        if self.is_brand_limited and brand_id != self.brand_id:
            raise Forbidden(
                f"You are limited to one brand, so you can only {what} limited to that brand.",
                code="brand_limited",
            )

    @property
    def rank(self) -> int:
        return ROLE_RANK[self.role]

    def has(self, scope: Scope) -> bool:
        return role_has_scope(self.role, scope)

    def require(self, scope: Scope) -> None:
        if not self.has(as_scope(scope)):
            raise Forbidden(f"Your role ({self.role}) does not allow this ({scope}).")

    def owns(self, obj: object) -> bool:
        """``obj`` belongs to this organization and, for a brand-limited member, to its brand
        (along the model's ``brand_path``). The in-memory twin of ``for_access``."""
        if getattr(obj, "organization_id", None) != self.organization.pk:
            return False
        if self.brand_id is None or not isinstance(obj, Model):
            return self.brand_id is None
        path = brand_path_of(type(obj))
        return path is None or brand_id_of(obj) == self.brand_id

    @property
    def actor_label(self) -> str:
        if self.user is not None:
            return self.user.email
        return f"API key {self.api_key.prefix}…" if self.api_key else "system"


def access_for_user(user: User, org_slug: str) -> OrgAccess:
    """The member's access to the organization; missing and not-a-member look the same."""
    if not user.is_authenticated:
        raise NotFound("No such organization.")
    membership = (
        Membership.objects.select_related("organization", "brand")
        .filter(user=user, organization__slug=org_slug)
        .first()
    )
    if membership is None:
        raise NotFound("No such organization, or you are not a member of it.")
    return OrgAccess(
        organization=membership.organization, role=membership.role, user=user, membership=membership
    )


def access_for_api_key(api_key: ApiKey) -> OrgAccess:
    return OrgAccess(organization=api_key.organization, role=api_key.role, api_key=api_key)


def access_for_request(request: HttpRequest, organization: Organization) -> OrgAccess | None:
    """Who a plain Django request acts as inside ``organization`` (file downloads): an API key
    of that organization in ``Authorization: Bearer``, else the signed-in member; else None."""
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() == "bearer" and looks_like_api_key(raw.strip()):
        key = (
            ApiKey.objects.select_related("organization")
            .filter(key_hash=hash_secret(raw.strip()), organization=organization)
            .first()
        )
        return access_for_api_key(key) if key is not None and api_key_is_usable(key) else None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    membership = (
        Membership.objects.select_related("organization", "brand")
        .filter(user=user, organization=organization)
        .first()
    )
    if membership is None:
        return None
    return OrgAccess(
        organization=organization, role=membership.role, user=user, membership=membership
    )


def request_is_org_member(request: HttpRequest) -> bool:
    """A signed-in member of any organization, or any usable API key (who may see creators)."""
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() == "bearer" and looks_like_api_key(raw.strip()):
        key = ApiKey.objects.filter(key_hash=hash_secret(raw.strip())).first()
        return key is not None and api_key_is_usable(key)
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and Membership.objects.filter(user=user).exists())


def memberships_for_user(user: User) -> list[Membership]:
    return list(
        Membership.objects.select_related("organization")
        .filter(user=user)
        .order_by("organization__name")
    )


def api_key_is_usable(api_key: ApiKey) -> bool:
    if api_key.revoked_at is not None:
        return False
    return api_key.expires_at is None or api_key.expires_at > timezone.now()
