"""Who is acting in which organization, with which role: resolved once per request, checked here."""

from dataclasses import dataclass

from django.db.models import Model
from django.utils import timezone

from core.errors import Forbidden, NotFound
from organizations.models import ApiKey, Membership, Organization, brand_id_of, brand_path_of
from organizations.roles import ROLE_RANK, Scope, as_scope, role_has_scope
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
        """A member limited to one brand sees only that brand's work."""
        return self.membership.brand_id if self.membership else None

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
