"""Read queries, always scoped to the organization; missing and someone else's raise one NotFound."""

from django.db.models import QuerySet

from core.errors import NotFound
from organizations.access import OrgAccess
from organizations.models import ApiKey, AuditEvent, Brand, Invitation, Membership
from users.models import User


def brands_for_org(access: OrgAccess) -> QuerySet[Brand]:
    return Brand.objects.for_access(access).order_by("name")


def brand_get_for_org(access: OrgAccess, public_id: str) -> Brand:
    brand = brands_for_org(access).filter(public_id=public_id).first()
    if brand is None:
        raise NotFound("No such brand.")
    return brand


def members_for_org(access: OrgAccess) -> QuerySet[Membership]:
    return (
        Membership.objects.for_access(access).select_related("user", "brand").order_by("created_at")
    )


def member_get_for_org(access: OrgAccess, public_id: str) -> Membership:
    membership = members_for_org(access).filter(public_id=public_id).first()
    if membership is None:
        raise NotFound("No such member.")
    return membership


def invitations_for_org(access: OrgAccess) -> QuerySet[Invitation]:
    return (
        Invitation.objects.for_access(access)
        .select_related("brand", "invited_by")
        .order_by("-created_at")
    )


def pending_invitations_for_org(access: OrgAccess) -> QuerySet[Invitation]:
    return invitations_for_org(access).filter(accepted_at__isnull=True, revoked_at__isnull=True)


def invitation_get_for_org(access: OrgAccess, public_id: str) -> Invitation:
    invitation = invitations_for_org(access).filter(public_id=public_id).first()
    if invitation is None:
        raise NotFound("No such invitation.")
    return invitation


def api_keys_for_org(access: OrgAccess) -> QuerySet[ApiKey]:
    """The organization's keys; a brand-limited member sees only keys limited to their brand."""
    return (
        ApiKey.objects.for_access(access)
        .select_related("created_by", "brand")
        .order_by("-created_at")
    )


def api_key_get_for_org(access: OrgAccess, public_id: str) -> ApiKey:
    key = api_keys_for_org(access).filter(public_id=public_id).first()
    if key is None:
        raise NotFound("No such API key.")
    return key


def recent_audit_events(access: OrgAccess, limit: int = 20) -> QuerySet[AuditEvent]:
    return (
        AuditEvent.objects.for_access(access)
        .select_related("actor", "actor_api_key")
        .order_by("-created_at")[:limit]
    )


def account_exists_for_email(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()
