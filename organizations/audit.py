"""Append-only audit trail: every state-changing service records who did what."""

from typing import Any

from django.db import models

from organizations.access import OrgAccess
from organizations.models import AuditEvent, Organization
from users.models import User


def audit_record(
    *,
    organization: Organization,
    action: str,
    actor: User | None = None,
    access: OrgAccess | None = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    user = access.user if access else actor
    return AuditEvent.objects.create(
        organization=organization,
        actor=user if user is not None and user.is_authenticated else None,
        actor_api_key=access.api_key if access else None,
        action=action,
        target_type=target._meta.model_name or "" if target is not None else "",
        target_id=str(getattr(target, "public_id", "")) if target is not None else "",
        data=data or {},
    )
