"""Roles and scopes: the one permission table. Checked in one place (organizations.access)."""

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

_VIEW = {
    "org:read",
    "brands:read",
    "members:read",
    "campaigns:read",
    "creators:read",
    "submissions:read",
    "analytics:read",
}
_REVIEW = _VIEW | {"submissions:review"}
_MANAGE = _REVIEW | {"campaigns:write", "recruitment:write", "members:invite", "payouts:read"}
_ADMIN = _MANAGE | {
    "org:write",
    "brands:write",
    "members:admin",
    "apikeys:manage",
    "payouts:write",
}

SCOPES_BY_ROLE: dict[str, frozenset[str]] = {
    Role.OWNER: frozenset(_ADMIN | {"org:delete", "members:owner"}),
    Role.ADMIN: frozenset(_ADMIN),
    Role.MANAGER: frozenset(_MANAGE),
    Role.REVIEWER: frozenset(_REVIEW),
    Role.VIEWER: frozenset(_VIEW),
}


def role_has_scope(role: str, scope: str) -> bool:
    return scope in SCOPES_BY_ROLE.get(role, frozenset())


def role_can_grant(granter_role: str, role: str) -> bool:
    """An inviter may grant their own role or a lower one; only owners grant owner."""
    return ROLE_RANK.get(role, 10**6) <= ROLE_RANK.get(granter_role, -1)
