"""Store connections: a brand's Shopify store and the secret that signs its webhooks.

The secret is encrypted at rest (Fernet, key derived from ``STORE_SECRET_KEY`` or, when unset,
from ``SECRET_KEY``) and never shown again: pages and the API show its last four characters.
"""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import timedelta
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from analytics.models import StoreConnection
from core.errors import ChorusError, NotFound
from organizations.access import OrgAccess
from organizations.audit import audit_record
from organizations.models import Brand
from organizations.roles import Scope

# A shop's permanent domain: <name>.myshopify.com (what X-Shopify-Shop-Domain carries).
SHOP_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}\.myshopify\.com$")
SECRET_MIN, SECRET_MAX = 16, 200


def _fernet() -> Fernet:
    material = (getattr(settings, "STORE_SECRET_KEY", "") or settings.SECRET_KEY).encode()
    key = base64.urlsafe_b64encode(hashlib.sha256(b"chorus-store-secret:" + material).digest())
    return Fernet(key)


def secret_encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def secret_decrypt(token: str) -> str | None:
    """The secret, or None when it cannot be read (the key changed)."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return None


def normalize_shop_domain(value: str) -> str:
    domain = value.strip().lower().removeprefix("https://").removeprefix("http://").rstrip("/")
    if not SHOP_DOMAIN.match(domain):
        raise ChorusError(
            "invalid_shop_domain",
            "Enter the store's permanent domain, such as acme-shoes.myshopify.com.",
            fields={"shop_domain": ["Use the form <store>.myshopify.com."]},
        )
    return domain


def stores_for_access(access: OrgAccess) -> Any:
    return StoreConnection.objects.for_access(access).select_related("brand")


def store_get_for_access(access: OrgAccess, public_id: str) -> StoreConnection:
    store = stores_for_access(access).filter(public_id=public_id).first()
    if store is None:
        raise NotFound("No such store connection.")
    return store


def unscoped_store_by_domain(domain: str) -> StoreConnection | None:
    """Webhooks name their shop, not a tenant: the domain is globally unique."""
    if not SHOP_DOMAIN.match(domain):
        return None
    return StoreConnection.objects.filter(shop_domain=domain).first()


def store_connect(
    *, access: OrgAccess, brand: Brand, shop_domain: str, secret: str
) -> StoreConnection:
    """Connect a brand's Shopify store. The brand must be one the caller may act for."""
    access.require(Scope.BRANDS_WRITE)
    if not Brand.objects.for_access(access).filter(pk=brand.pk).exists():
        raise NotFound("No such brand.")
    domain = normalize_shop_domain(shop_domain)
    secret = _secret_check(secret)
    try:
        with transaction.atomic(durable=True):
            store = StoreConnection.objects.create(
                organization=access.organization,
                brand=brand,
                shop_domain=domain,
                secret_encrypted=secret_encrypt(secret),
                secret_hint=secret[-4:],
                created_by=access.user if access.user and access.user.is_authenticated else None,
            )
            audit_record(
                organization=access.organization,
                access=access,
                action="store.connected",
                target=store,
                data={"shop_domain": domain, "brand": brand.public_id},
            )
    except IntegrityError:
        raise ChorusError(
            "shop_taken",
            "This store is already connected.",
            fields={"shop_domain": ["This store is already connected."]},
            status_code=409,
        ) from None
    return store


def _secret_check(secret: str) -> str:
    secret = secret.strip()
    if not SECRET_MIN <= len(secret) <= SECRET_MAX or not secret.isascii():
        raise ChorusError(
            "invalid_secret",
            f"Paste the app's client secret ({SECRET_MIN} to {SECRET_MAX} characters).",
            fields={"secret": ["Paste the whole secret, as Shopify shows it."]},
        )
    return secret


def store_secrets(store: StoreConnection) -> list[str]:
    """The secrets a delivery may be signed with now: the current one, and the previous one
    during the grace period after a rotation (Shopify takes up to an hour to switch)."""
    secrets = [secret_decrypt(store.secret_encrypted)]
    grace = timedelta(seconds=getattr(settings, "SHOPIFY_SECRET_GRACE_SECONDS", 3600))
    if (
        store.previous_secret_encrypted
        and store.secret_rotated_at is not None
        and timezone.now() - store.secret_rotated_at < grace
    ):
        secrets.append(secret_decrypt(store.previous_secret_encrypted))
    return [s for s in secrets if s]


def store_rotate_secret(
    *, access: OrgAccess, store: StoreConnection, secret: str
) -> StoreConnection:
    """Replace the secret; the old one stays valid for the grace period."""
    access.require(Scope.BRANDS_WRITE)
    secret = _secret_check(secret)
    with transaction.atomic(durable=True):
        locked = StoreConnection.objects.for_access(access).select_for_update().get(pk=store.pk)
        locked.previous_secret_encrypted = locked.secret_encrypted
        locked.secret_encrypted = secret_encrypt(secret)
        locked.secret_hint = secret[-4:]
        locked.secret_rotated_at = timezone.now()
        locked.save(
            update_fields=[
                "previous_secret_encrypted",
                "secret_encrypted",
                "secret_hint",
                "secret_rotated_at",
            ]
        )
        audit_record(
            organization=access.organization,
            access=access,
            action="store.secret_rotated",
            target=locked,
            data={"shop_domain": locked.shop_domain},
        )
    return locked


def store_disconnect(*, access: OrgAccess, store: StoreConnection) -> None:
    access.require(Scope.BRANDS_WRITE)
    with transaction.atomic(durable=True):
        audit_record(
            organization=access.organization,
            access=access,
            action="store.disconnected",
            target=store,
            data={"shop_domain": store.shop_domain},
        )
        StoreConnection.objects.for_access(access).filter(pk=store.pk).delete()
