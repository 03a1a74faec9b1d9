"""Roles and scopes: the one permission table. Checked in one place (organizations.access)."""

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    MANAGER = "manager", "Manager"
    REVIEWER = "reviewer", "Reviewer"
    VIEWER = "viewer", "Viewer"


# Higher rank may manage lower ranks; nobody may grant a role above their own.
ROLE_RANK: dict[str, int] = {
    Role.VIEWER: 10,
    Role.REVIEWER: 20,
    Role.MANAGER: 30,
    Role.ADMIN: 40,
    Role.OWNER: 50,
}


class Scope(StrEnum):
    """Everything a role may do, one name each. Values are the strings the API and audit show.

    ``Scope`` is a ``str``: ``Scope.CAMPAIGNS_WRITE == "campaigns:write"``. Code names scopes by
    member (``Scope.CAMPAIGNS_WRITE``); ``org_view``, ``required_scopes`` and
    ``OrgAccess.has/require`` refuse any string that is not a member.
    """

    ORG_READ = "org:read"
    ORG_WRITE = "org:write"
    ORG_DELETE = "org:delete"
    BRANDS_READ = "brands:read"
    BRANDS_WRITE = "brands:write"
    MEMBERS_READ = "members:read"
    MEMBERS_INVITE = "members:invite"
    MEMBERS_ADMIN = "members:admin"
    MEMBERS_OWNER = "members:owner"
    APIKEYS_MANAGE = "apikeys:manage"
    CAMPAIGNS_READ = "campaigns:read"
    CAMPAIGNS_WRITE = "campaigns:write"
    CREATORS_READ = "creators:read"
    RECRUITMENT_WRITE = "recruitment:write"
    SUBMISSIONS_READ = "submissions:read"
    SUBMISSIONS_REVIEW = "submissions:review"
    ANALYTICS_READ = "analytics:read"
    PAYOUTS_READ = "payouts:read"
    PAYOUTS_WRITE = "payouts:write"


_VIEW = {
    Scope.ORG_READ,
    Scope.BRANDS_READ,
    Scope.MEMBERS_READ,
    Scope.CAMPAIGNS_READ,
    Scope.CREATORS_READ,
    Scope.SUBMISSIONS_READ,
    Scope.ANALYTICS_READ,
}
_REVIEW = _VIEW | {Scope.SUBMISSIONS_REVIEW}
_MANAGE = _REVIEW | {
    Scope.CAMPAIGNS_WRITE,
    Scope.RECRUITMENT_WRITE,
    Scope.MEMBERS_INVITE,
    Scope.PAYOUTS_READ,
}
_ADMIN = _MANAGE | {
    Scope.ORG_WRITE,
    Scope.BRANDS_WRITE,
    Scope.MEMBERS_ADMIN,
    Scope.APIKEYS_MANAGE,
    Scope.PAYOUTS_WRITE,
}

SCOPES_BY_ROLE: dict[str, frozenset[Scope]] = {
    Role.OWNER: frozenset(_ADMIN | {Scope.ORG_DELETE, Scope.MEMBERS_OWNER}),
    Role.ADMIN: frozenset(_ADMIN),
    Role.MANAGER: frozenset(_MANAGE),
    Role.REVIEWER: frozenset(_REVIEW),
    Role.VIEWER: frozenset(_VIEW),
}


def as_scope(scope: str) -> Scope:
    """``scope`` as a member; a string that names no scope is a programming error."""
    try:
        return Scope(scope)
    except ValueError:
        raise ValueError(
            f"Unknown scope {scope!r}: use a member of organizations.roles.Scope."
        ) from None


def role_has_scope(role: str, scope: Scope) -> bool:
    return as_scope(scope) in SCOPES_BY_ROLE.get(role, frozenset())


def role_can_grant(granter_role: str, role: str) -> bool:
    """An inviter may grant their own role or a lower one; only owners grant owner."""
    return ROLE_RANK.get(role, 10**6) <= ROLE_RANK.get(granter_role, -1)
