"""Every operation that changes an organization, its brands, members, invitations or API keys."""

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from core.errors import ChorusError
from core.links import absolute_url
from core.outbox import outbox_enqueue
from core.ownership import require_owns
from core.tasks import send_email
from organizations.access import OrgAccess
from organizations.audit import audit_record
from organizations.models import ApiKey, Brand, Invitation, Membership, Organization
from organizations.roles import ROLE_RANK, Role, Scope, role_can_grant
from organizations.secrets import hash_secret, new_api_key, new_invitation_token
from users.models import User

INVITATION_TTL = timedelta(days=7)
API_KEY_TOUCH_INTERVAL = timedelta(minutes=1)
RESERVED_SLUGS = {"new", "api", "admin", "accounts", "static", "media", "o", "healthz"}


def _unique_slug(
    base: str, *, model: type[Organization] | type[Brand] = Organization, **scope: object
) -> str:
    root = (slugify(base) or "org")[:50]
    candidate, n = root, 1
    while (
        candidate in RESERVED_SLUGS
        or model._default_manager.filter(slug=candidate, **scope).exists()
    ):
        n += 1
        candidate = f"{root}-{n}"
    return candidate


def organization_create(
    *, name: str, kind: str, owner: User, first_brand_name: str = ""
) -> Organization:
    """Create a workspace with ``owner`` as its owner and a first brand.

    Not durable: sign-up composes it with creating the user in one transaction.
    """
    name = name.strip()
    if not name:
        raise ChorusError(
            "invalid", "An organization needs a name.", fields={"name": ["Required."]}
        )
    if kind not in Organization.Kind.values:
        raise ChorusError(
            "invalid",
            f"Unknown organization kind {kind!r}.",
            fields={"kind": ["Choose brand or agency."]},
        )
    with transaction.atomic():
        org = Organization.objects.create(name=name, kind=kind, slug=_unique_slug(name))
        Membership.objects.create(organization=org, user=owner, role=Role.OWNER)
        brand_name = (first_brand_name or name).strip()
        Brand.objects.create(
            organization=org,
            name=brand_name,
            slug=_unique_slug(brand_name, model=Brand, organization=org),
        )
        audit_record(organization=org, actor=owner, action="organization.created", target=org)
    return org


def organization_update(*, access: OrgAccess, name: str) -> Organization:
    access.require(Scope.ORG_WRITE)
    access.require_unlimited("change the organization")
    org = access.organization
    if not name.strip():
        raise ChorusError(
            "invalid", "An organization needs a name.", fields={"name": ["Required."]}
        )
    with transaction.atomic(durable=True):
        org.name = name.strip()
        org.save(update_fields=["name"])
        audit_record(organization=org, access=access, action="organization.updated", target=org)
    return org


_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def clean_landing_domains(domains: object) -> list[str]:
    """Hostnames, lower-cased, without scheme, path or ``www.``; refused with a clear message."""
    if isinstance(domains, str):
        domains = domains.replace(",", " ").split()
    if not isinstance(domains, list | tuple):
        raise ChorusError(
            "invalid", "Give a list of domains.", fields={"landing_domains": ["Give a list."]}
        )
    cleaned: list[str] = []
    for raw in domains:
        text = str(raw).strip().lower()
        host = (urlsplit(text).hostname or "") if "//" in text else text.split("/", 1)[0]
        if host.startswith("www.") and "." in host[4:]:
            host = host.removeprefix("www.")
        if not _DOMAIN.match(host):
            message = f"{raw!s:.60} is not a domain name (e.g. shop.example.com)."
            raise ChorusError("invalid", message, fields={"landing_domains": [message]})
        if host not in cleaned:
            cleaned.append(host)
    if len(cleaned) > 20:
        message = "Declare at most 20 domains."
        raise ChorusError("invalid", message, fields={"landing_domains": [message]})
    return cleaned


def brand_create(
    *, access: OrgAccess, name: str, website: str = "", landing_domains: object = ()
) -> Brand:
    access.require(Scope.BRANDS_WRITE)
    access.require_unlimited("create brands")
    name = name.strip()
    if not name:
        raise ChorusError("invalid", "A brand needs a name.", fields={"name": ["Required."]})
    org = access.organization
    if Brand.objects.for_org(org).filter(name__iexact=name).exists():
        raise ChorusError(
            "duplicate",
            f"There is already a brand called {name}.",
            fields={"name": ["Already used."]},
        )
    with transaction.atomic(durable=True):
        brand = Brand.objects.create(
            organization=org,
            name=name,
            website=website,
            landing_domains=clean_landing_domains(landing_domains or []),
            slug=_unique_slug(name, model=Brand, organization=org),
        )
        audit_record(organization=org, access=access, action="brand.created", target=brand)
    return brand


def brand_update(
    *,
    access: OrgAccess,
    brand: Brand,
    name: str | None = None,
    website: str | None = None,
    landing_domains: object = None,
) -> Brand:
    access.require(Scope.BRANDS_WRITE)
    require_owns(access, brand, what="brand")
    fields: list[str] = []
    if name is not None:
        if not name.strip():
            raise ChorusError("invalid", "A brand needs a name.", fields={"name": ["Required."]})
        brand.name = name.strip()
        fields.append("name")
    if website is not None:
        brand.website = website
        fields.append("website")
    if landing_domains is not None:
        brand.landing_domains = clean_landing_domains(landing_domains)
        fields.append("landing_domains")
    with transaction.atomic(durable=True):
        if fields:
            brand.save(update_fields=fields)
        audit_record(
            organization=access.organization,
            access=access,
            action="brand.updated",
            target=brand,
            data={"fields": fields},
        )
    return brand


def invitation_create(
    *, access: OrgAccess, email: str, role: str, brand: Brand | None = None
) -> tuple[Invitation, str]:
    """Invite someone by e-mail. Returns the invitation and its one-time link (shown once)."""
    access.require(Scope.MEMBERS_INVITE)
    org = access.organization
    email = email.strip().lower()
    if role not in Role.values:
        raise ChorusError(
            "invalid",
            f"Unknown role {role!r}.",
            fields={"role": ["Choose one of: " + ", ".join(Role.values)]},
        )
    if not role_can_grant(access.role, role):
        raise ChorusError(
            "role_not_grantable",
            f"As {access.role} you cannot invite someone as {role}.",
            fields={"role": ["Choose a role no higher than your own."]},
            status_code=403,
        )
    if brand is not None:
        require_owns(access, brand, what="brand")
    brand = _brand_for_limited(access, brand, "invite people")
    if Membership.objects.for_org(org).filter(user__email__iexact=email).exists():
        raise ChorusError(
            "already_member",
            f"{email} is already a member.",
            fields={"email": ["Already a member."]},
        )
    raw, token_hash = new_invitation_token()
    try:
        with transaction.atomic(durable=True):
            invitation = Invitation.objects.create(
                organization=org,
                email=email,
                role=role,
                brand=brand,
                token_hash=token_hash,
                invited_by=access.user,
                expires_at=timezone.now() + INVITATION_TTL,
            )
            audit_record(
                organization=org,
                access=access,
                action="invitation.created",
                target=invitation,
                data={"email": email, "role": role, "brand": brand.public_id if brand else None},
            )
            link = invitation_link(raw)
            outbox_enqueue(
                send_email,
                kwargs=dict(
                    to=[email],
                    subject=f"You're invited to {org.name} on Chorus",
                    body=(
                        f"{access.actor_label} invited you to join {org.name} on Chorus as {role}.\n\n"
                        f"Accept the invitation: {link}\n\nThe link works once and expires in 7 days."
                    ),
                ),
            )
    except IntegrityError as exc:
        raise ChorusError(
            "already_invited",
            f"{email} already has a pending invitation. Revoke it to send a new one.",
            fields={"email": ["Already invited."]},
        ) from exc
    return invitation, link


def _brand_for_limited(access: OrgAccess, brand: Brand | None, what: str) -> Brand | None:
    """What a limited actor creates is limited the same way: their brand, never another or none."""
    if access.brand_id is None:
        return brand
    if brand is None:
        return Brand.objects.get(pk=access.brand_id)
    access.require_same_brand(brand.pk, what)
    return brand


def invitation_link(raw_token: str) -> str:
    return absolute_url(reverse("organizations:invitation_accept", args=[raw_token]))


def invitation_revoke(*, access: OrgAccess, invitation: Invitation) -> Invitation:
    access.require(Scope.MEMBERS_INVITE)
    access.require_same_brand(invitation.brand_id, "withdraw invitations")
    if invitation.status != "pending":
        raise ChorusError("not_pending", f"This invitation is already {invitation.status}.")
    with transaction.atomic(durable=True):
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            organization=access.organization,
            access=access,
            action="invitation.revoked",
            target=invitation,
        )
    return invitation


def invitation_for_token(raw_token: str) -> Invitation:
    """The invitation behind a link, or a clear error saying why it cannot be used."""
    if not raw_token or len(raw_token) > 100:
        raise ChorusError(
            "invitation_invalid", "This invitation link is not valid.", status_code=404
        )
    invitation = (
        Invitation.objects.select_related("organization", "brand", "invited_by")
        .filter(token_hash=hash_secret(raw_token))
        .first()
    )
    if invitation is None:
        raise ChorusError(
            "invitation_invalid",
            "This invitation link is not valid. Ask for a new one.",
            status_code=404,
        )
    status = invitation.status
    if status == "accepted":
        raise ChorusError(
            "invitation_used", "This invitation has already been used.", status_code=410
        )
    if status == "revoked":
        raise ChorusError(
            "invitation_revoked",
            "This invitation was withdrawn. Ask for a new one.",
            status_code=410,
        )
    if status == "expired":
        raise ChorusError(
            "invitation_expired", "This invitation has expired. Ask for a new one.", status_code=410
        )
    return invitation


def invitation_accept(*, raw_token: str, user: User) -> Membership:
    """Accept an invitation as a signed-in user whose e-mail it was sent to."""
    with transaction.atomic(durable=True):
        return _accept(raw_token=raw_token, user=user)


def invitation_accept_with_signup(
    *, raw_token: str, password: str, full_name: str = ""
) -> Membership:
    """Create the account the invitation was sent to and accept it, in one transaction.

    The link proves the invitee controls the address, so the e-mail is marked verified.
    """
    with transaction.atomic(durable=True):
        invitation = invitation_for_token(raw_token)
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ChorusError(
                "account_exists", "An account with this e-mail exists. Log in to accept."
            )
        user = User.objects.create_user(
            email=invitation.email, password=password, full_name=full_name.strip()
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return _accept(raw_token=raw_token, user=user)


def _accept(*, raw_token: str, user: User) -> Membership:
    invitation = invitation_for_token(raw_token)
    # Lock the row so two clicks cannot both accept it.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ChorusError(
            "invitation_used", "This invitation has already been used.", status_code=410
        )
    if invitation.email.lower() != user.email.lower():
        raise ChorusError(
            "invitation_wrong_user",
            f"This invitation was sent to {invitation.email}. Log in with that address to accept it.",
            status_code=403,
        )
    org = invitation.organization
    membership, created = Membership.objects.get_or_create(
        organization=org, user=user, defaults={"role": invitation.role, "brand": invitation.brand}
    )
    if not created:
        raise ChorusError("already_member", f"You are already a member of {org.name}.")
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        organization=org,
        actor=user,
        action="invitation.accepted",
        target=membership,
        data={"role": invitation.role},
    )
    return membership


def _owner_count(org: Organization) -> int:
    return Membership.objects.for_org(org).filter(role=Role.OWNER).count()


def membership_change_role(*, access: OrgAccess, membership: Membership, role: str) -> Membership:
    access.require(Scope.MEMBERS_ADMIN)
    access.require_same_brand(membership.brand_id, "manage members")
    if role not in Role.values:
        raise ChorusError(
            "invalid",
            f"Unknown role {role!r}.",
            fields={"role": ["Choose one of: " + ", ".join(Role.values)]},
        )
    if not role_can_grant(access.role, role):
        raise ChorusError(
            "role_not_grantable",
            f"As {access.role} you cannot make someone {role}.",
            status_code=403,
        )
    if ROLE_RANK[membership.role] > access.rank:
        raise ChorusError(
            "role_not_grantable",
            f"Only an owner can change an {membership.role}'s role.",
            status_code=403,
        )
    with transaction.atomic(durable=True):
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.role == Role.OWNER and role != Role.OWNER:
            _lock_owners(access.organization)
            if _owner_count(access.organization) <= 1:
                raise ChorusError("last_owner", "The organization must keep at least one owner.")
        old = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        audit_record(
            organization=access.organization,
            access=access,
            action="member.role_changed",
            target=membership,
            data={"from": old, "to": role},
        )
    return membership


def _lock_owners(org: Organization) -> None:
    # Serialises concurrent demotions/removals so two owners cannot both leave at once.
    list(
        Membership.objects.select_for_update()
        .filter(organization=org, role=Role.OWNER)
        .values_list("pk", flat=True)
    )


def membership_remove(*, access: OrgAccess, membership: Membership) -> None:
    """Remove a member, or leave (when removing yourself). Owners are protected."""
    leaving = access.user is not None and membership.user_id == access.user.pk
    if not leaving:
        access.require(Scope.MEMBERS_ADMIN)
        access.require_same_brand(membership.brand_id, "remove members")
        if membership.role == Role.OWNER and access.role != Role.OWNER:
            raise ChorusError(
                "owner_protected", "Only an owner can remove an owner.", status_code=403
            )
    with transaction.atomic(durable=True):
        if membership.role == Role.OWNER:
            _lock_owners(access.organization)
            if _owner_count(access.organization) <= 1:
                raise ChorusError(
                    "last_owner",
                    "The last owner cannot leave. Make someone else an owner first.",
                )
        audit_record(
            organization=access.organization,
            access=access,
            action="member.left" if leaving else "member.removed",
            target=membership,
            data={"email": membership.user.email, "role": membership.role},
        )
        membership.delete()


def api_key_create(
    *,
    access: OrgAccess,
    name: str,
    role: str = Role.ADMIN,
    expires_at: datetime | None = None,
    brand: Brand | None = None,
) -> tuple[ApiKey, str]:
    """Create a key; the raw key is returned once and only its hash is kept.

    ``brand`` limits the key to one brand. A brand-limited creator gets keys limited to their
    own brand (chosen for them when not given), at or below their role."""
    access.require(Scope.APIKEYS_MANAGE)
    if brand is not None:
        require_owns(access, brand, what="brand")
    brand = _brand_for_limited(access, brand, "create API keys")
    name = name.strip()
    if not name:
        raise ChorusError(
            "invalid",
            "Give the key a name so you can recognise it.",
            fields={"name": ["Required."]},
        )
    if role not in Role.values or role == Role.OWNER:
        raise ChorusError(
            "invalid",
            "An API key's role is admin, manager, reviewer or viewer.",
            fields={"role": ["Invalid role."]},
        )
    if not role_can_grant(access.role, role):
        raise ChorusError(
            "role_not_grantable",
            f"As {access.role} you cannot create a key with role {role}.",
            status_code=403,
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ChorusError(
            "invalid",
            "The expiry date must be in the future.",
            fields={"expires_at": ["Must be in the future."]},
        )
    raw, prefix, key_hash = new_api_key()
    with transaction.atomic(durable=True):
        key = ApiKey.objects.create(
            organization=access.organization,
            name=name,
            role=role,
            prefix=prefix,
            key_hash=key_hash,
            created_by=access.user,
            expires_at=expires_at,
            brand=brand,
        )
        audit_record(
            organization=access.organization,
            access=access,
            action="api_key.created",
            target=key,
            data={"role": role, "brand": brand.public_id if brand else None},
        )
    return key, raw


def api_key_revoke(*, access: OrgAccess, api_key: ApiKey) -> ApiKey:
    access.require(Scope.APIKEYS_MANAGE)
    access.require_same_brand(api_key.brand_id, "revoke API keys")
    if api_key.revoked_at is not None:
        return api_key
    with transaction.atomic(durable=True):
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
        audit_record(
            organization=access.organization,
            access=access,
            action="api_key.revoked",
            target=api_key,
        )
    return api_key


def api_key_touch(api_key: ApiKey) -> None:
    """Record use, at most once a minute per key, without a read-modify-write race."""
    now = timezone.now()
    if api_key.last_used_at and now - api_key.last_used_at < API_KEY_TOUCH_INTERVAL:
        return
    ApiKey.objects.filter(pk=api_key.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - API_KEY_TOUCH_INTERVAL)
    ).update(last_used_at=now)
    api_key.last_used_at = now
