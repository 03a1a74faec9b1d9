"""Tenants: Organization, Brand, Membership, Invitation, ApiKey, and the audit trail."""

from typing import TYPE_CHECKING, Any, ClassVar, Self
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import PublicIdModel
from organizations.roles import Role

if TYPE_CHECKING:
    from organizations.access import OrgAccess


class OrgScopedQuerySet(models.QuerySet):
    """The one queryset base of tenant tables: ``for_access(access)`` is the only brand check.

    Each model using it declares ``brand_path``: the lookup from one of its rows to the brand it
    belongs to (``"brand"``, ``"campaign__brand"``, ``"pk"`` for Brand itself), or ``None`` when
    its rows belong to the whole organization (members, API keys, the audit trail).
    """

    def for_org(self, organization: "Organization") -> Self:
        return self.filter(organization=organization)

    def for_access(self, access: "OrgAccess") -> Self:
        """Rows of the organization of ``access`` and, when it is limited to one brand, of that
        brand only."""
        qs = self.filter(organization_id=access.organization.pk)
        path = brand_path_of(self.model)
        if access.brand_id is not None and path is not None:
            qs = qs.filter(**{path: access.brand_id})
        return qs


def brand_path_of(model: type[models.Model]) -> str | None:
    """The model's declared ``brand_path``; a tenant model that forgot to declare one fails."""
    try:
        return model.brand_path  # type: ignore[attr-defined]
    except AttributeError:
        raise TypeError(
            f"{model.__name__} must declare brand_path (None when its rows are organization-wide)."
        ) from None


def brand_id_of(obj: models.Model) -> int | None:
    """The brand ``obj`` belongs to, read along its model's ``brand_path`` (None: none)."""
    path = brand_path_of(type(obj))
    if path is None:
        return None
    if path == "pk":
        return obj.pk
    *hops, last = path.split("__")
    target: Any = obj
    for hop in hops:
        target = getattr(target, hop)
        if target is None:
            return None
    return getattr(target, f"{last}_id")


class Organization(PublicIdModel):
    public_id_prefix = "org"

    class Kind(models.TextChoices):
        BRAND = "brand", "Brand"
        AGENCY = "agency", "Agency"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.BRAND)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Brand(PublicIdModel):
    public_id_prefix = "brd"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="brands")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60)
    website = models.URLField(blank=True)
    # Other domains campaign landing pages (and so tracking links) may point to, e.g. a shop on
    # another domain. Hostnames only; subdomains of each are allowed too.
    landing_domains = models.JSONField(default=list, blank=True)

    brand_path: ClassVar[str | None] = "pk"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(
                fields=("organization", "slug"), name="brand_unique_slug_per_org"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def allowed_landing_hosts(self) -> list[str]:
        """The website's host (without ``www.``) and the declared domains."""
        hosts = [str(d).lower() for d in self.landing_domains or [] if d]
        site = (urlsplit(self.website).hostname or "").lower() if self.website else ""
        if site:
            hosts.insert(0, site.removeprefix("www."))
        return hosts

    def allows_landing_url(self, url: str) -> bool:
        """An https URL on the brand's own website domain or a declared one (or a subdomain):
        tracking links never send visitors anywhere else."""
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
        except ValueError:
            return False
        if parts.scheme != "https" or not host or parts.username or parts.password:
            return False
        return any(host == d or host.endswith("." + d) for d in self.allowed_landing_hosts)


class Membership(PublicIdModel):
    public_id_prefix = "mem"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    # When set, the member works on this one brand only (agencies limit freelancers this way).
    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    # Organization-wide rows: a brand limit does not narrow them.
    brand_path: ClassVar[str | None] = None
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ("created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=("organization", "user"), name="membership_unique_user_per_org"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization} as {self.role}"


class Invitation(PublicIdModel):
    public_id_prefix = "inv"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices)
    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Only a hash of the token is stored: a leaked database cannot be used to accept invitations.
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    # A brand-limited member sees only the keys limited to their brand (never org-wide ones).
    brand_path: ClassVar[str | None] = "brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            # One pending invitation per address per organization.
            models.UniqueConstraint(
                fields=("organization", "email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_pending_per_email",
            ),
        ]

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class ApiKey(PublicIdModel):
    public_id_prefix = "key"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(max_length=80)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.ADMIN)
    # The first characters of the key, shown in lists so people can recognise it.
    prefix = models.CharField(max_length=24, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    # When set, the key sees and acts on this one brand only (like a brand-limited member).
    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    # A brand-limited member sees only the keys limited to their brand (never org-wide ones).
    brand_path: ClassVar[str | None] = "brand"
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        if self.revoked_at:
            return False
        return not (self.expires_at and self.expires_at <= timezone.now())


class AuditEvent(models.Model):
    """Who changed what, append-only (Zulip's RealmAuditLog)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_api_key = models.ForeignKey(
        ApiKey, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=40, blank=True)
    target_id = models.CharField(max_length=32, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Organization-wide rows: a brand limit does not narrow them.
    brand_path: ClassVar[str | None] = None
    objects: ClassVar[Any] = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=("organization", "-created_at"), name="audit_org_time")]

    def __str__(self) -> str:
        return f"{self.action} on {self.target_type} {self.target_id}"
