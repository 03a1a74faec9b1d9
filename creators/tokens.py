"""The creator's own OAuth token for one of their accounts: encrypted at rest, refreshed in time.

Platform calls that need it: TikTok's Display API always; Instagram for the creator's media
and insights. allauth stores ``SocialToken.token`` (access token) and ``.token_secret`` (the
OAuth 2 refresh token) in plain text; here a ``pre_save`` hook (wired in
``creators.oauth.connect_signals``) encrypts both before they reach the database
(``enc1:`` + Fernet; ``TOKEN_ENCRYPTION_KEYS``: the first key encrypts, every key decrypts,
so keys rotate by putting a new one first, running :func:`tokens_reencrypt`, then dropping
the old one). The in-memory instance keeps the plain values, so allauth's own flow is unchanged.

:func:`platform_access_token` hands out a valid token: one expiring within
``REFRESH_MARGIN`` (or one the platform just rejected, ``rejected=``) is refreshed with the
refresh token, and the new access token *and* the rotated refresh token (TikTok rotates it)
are saved, under a row lock, so two workers never spend the same refresh token.
:func:`batch_with_fresh_token` wraps a batched post call in that: a batch whose posts failed
on an expired token is refreshed once and asked again for those posts.

Where a platform's base URL points at the platform simulator (the embedded default, the tests)
and no real token exists, the simulator's own per-handle token stands in, so the same code path
runs there.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta
from typing import Any, TypeVar

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from creators.models import SocialAccount
from platforms.errors import AuthError, PlatformError
from platforms.oauth_tokens import exchange_instagram_token, refresh_user_token
from platforms.types import Platform, PostBatch

logger = logging.getLogger(__name__)
T = TypeVar("T")

ENCRYPTED_PREFIX = "enc1:"
REFRESH_MARGIN = timedelta(minutes=5)

# allauth provider id → our platform (creators.oauth.OAUTH_PROVIDERS, inverted).
_PROVIDERS = {
    Platform.TIKTOK: "tiktok",
    Platform.INSTAGRAM: "instagram",
    Platform.YOUTUBE: "google",
}


class TokenDecryptError(Exception):
    """A stored token cannot be decrypted with any configured key."""


# Encryption ---------------------------------------------------------------------------


def _fernet_key(secret: str) -> bytes:
    """A Fernet key as given, or one derived from any other secret (SHA-256, base64)."""
    raw = secret.encode()
    try:
        if len(base64.urlsafe_b64decode(raw)) == 32 and len(raw) == 44:
            return raw
    except ValueError:
        pass
    return base64.urlsafe_b64encode(hashlib.sha256(raw).digest())


@functools.cache
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(k)) for k in keys])


def _keys() -> tuple[str, ...]:
    configured = getattr(settings, "TOKEN_ENCRYPTION_KEYS", None) or []
    keys = tuple(str(k) for k in configured if k)
    return keys or (f"chorus-token-key:{settings.SECRET_KEY}",)


def is_encrypted(value: str) -> bool:
    return value.startswith(ENCRYPTED_PREFIX)


def encrypt_secret(plain: str) -> str:
    """Ciphertext for storage ("" stays "", and an already encrypted value is kept)."""
    if not plain or is_encrypted(plain):
        return plain
    return ENCRYPTED_PREFIX + _cipher(_keys()).encrypt(plain.encode()).decode()


def decrypt_secret(stored: str) -> str:
    """The plain token; a value stored before encryption (no prefix) is read as is."""
    if not is_encrypted(stored):
        return stored
    try:
        return _cipher(_keys()).decrypt(stored[len(ENCRYPTED_PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise TokenDecryptError("no configured TOKEN_ENCRYPTION_KEYS key opens this token") from exc


def reencrypt_secret(stored: str) -> str:
    """``stored`` under the first key (plain values get encrypted)."""
    if not stored:
        return stored
    if not is_encrypted(stored):
        return encrypt_secret(stored)
    body = stored[len(ENCRYPTED_PREFIX) :].encode()
    return ENCRYPTED_PREFIX + _cipher(_keys()).rotate(body).decode()


def encrypt_token_on_save(sender: Any, instance: Any, **kwargs: Any) -> None:
    """``pre_save`` of allauth's SocialToken: only ciphertext reaches the database."""
    instance._chorus_plain = (instance.token, instance.token_secret)
    instance.token = encrypt_secret(instance.token or "")
    instance.token_secret = encrypt_secret(instance.token_secret or "")


def restore_plain_after_save(sender: Any, instance: Any, **kwargs: Any) -> None:
    """``post_save``: the instance in memory goes back to the plain values allauth expects."""
    plain = getattr(instance, "_chorus_plain", None)
    if plain is not None:
        instance.token, instance.token_secret = plain
        del instance._chorus_plain


def tokens_reencrypt(batch_size: int = 500) -> int:
    """Encrypt every stored token under the first key (after adding a key, or plain rows)."""
    from allauth.socialaccount.models import SocialToken

    changed = 0
    for pk, token, secret in SocialToken.objects.values_list("pk", "token", "token_secret"):
        new_token, new_secret = reencrypt_secret(token), reencrypt_secret(secret)
        if (new_token, new_secret) != (token, secret):
            # update(): no signals, the values are ciphertext already.
            SocialToken.objects.filter(pk=pk).update(token=new_token, token_secret=new_secret)
            changed += 1
    return changed


# Access tokens --------------------------------------------------------------------------


def _uses_simulator(platform: str) -> bool:
    simulator = (getattr(settings, "PLATFORM_SIMULATOR_URL", "") or "").rstrip("/")
    base = (getattr(settings, "PLATFORM_BASE_URLS", {}) or {}).get(platform, "")
    return bool(simulator) and str(base).startswith(simulator)


def _token_row(account: SocialAccount) -> Any:
    """The stored token of this account: the connection whose uid is the account's platform
    id when there is one (a creator may connect two accounts of a platform), else the newest."""
    from allauth.socialaccount.models import SocialToken

    provider = _PROVIDERS.get(Platform(account.platform))
    if not provider:
        return None
    rows = SocialToken.objects.filter(
        account__user_id=account.creator.user_id, account__provider=provider
    ).order_by("-id")
    if account.external_id:
        exact = rows.filter(account__uid=account.external_id).first()
        if exact is not None:
            return exact
    return rows.first()


def platform_access_token(account: SocialAccount, *, rejected: str = "") -> str:
    """The token to read ``account``'s posts with, or "" (the client then uses the app's).

    Refreshed first when it expires within REFRESH_MARGIN, or when ``rejected`` names the
    token the platform just refused (and nobody refreshed it meanwhile). A failed refresh
    is logged and the current token returned: the platform's AuthError then tells the
    caller the creator must connect again.
    """
    row = _token_row(account)
    if row is None:
        return _simulator_token(account)
    try:
        current = decrypt_secret(row.token)
    except TokenDecryptError:
        logger.exception("cannot decrypt the %s token of account %s", account.platform, account.pk)
        return ""
    if not (_expiring(row) or (rejected and rejected == current)):
        return current
    try:
        return token_refresh(row.pk, Platform(account.platform), rejected=rejected)
    except (PlatformError, TokenDecryptError) as exc:
        logger.warning(
            "could not refresh the %s token of account %s: %s", account.platform, account.pk, exc
        )
        return current


def token_refresh(token_pk: int, platform: Platform, *, rejected: str = "") -> str:
    """Refresh one stored token under its row lock; answers the (new) plain access token.

    A second worker waiting on the lock finds the token already renewed and uses it: the
    (rotated) refresh token is spent once.
    """
    from allauth.socialaccount.models import SocialToken

    with transaction.atomic():
        row = (
            SocialToken.objects.select_for_update(of=("self",))
            .select_related("app")
            .get(pk=token_pk)
        )
        current = decrypt_secret(row.token)
        if rejected and current != rejected:
            return current  # renewed by someone else since it was rejected
        if not rejected and not _expiring(row):
            return current  # renewed by someone else while we waited for the lock
        client_id, client_secret = _client_credentials(row, platform)
        grant = refresh_user_token(
            platform,
            token_url=_token_url(platform),
            access_token=current,
            refresh_token=decrypt_secret(row.token_secret),
            client_id=client_id,
            client_secret=client_secret,
            timeout=float(getattr(settings, "PLATFORM_HTTP_TIMEOUT_SECONDS", 10)),
        )
        row.token = grant.access_token
        if grant.refresh_token:  # TikTok rotates it: the old one no longer works
            row.token_secret = grant.refresh_token
        row.expires_at = (
            timezone.now() + timedelta(seconds=grant.expires_in) if grant.expires_in else None
        )
        row.save(update_fields=["token", "token_secret", "expires_at"])
        logger.info("refreshed a %s token (row %s)", platform.value, token_pk)
        return grant.access_token


SHORT_LIVED = timedelta(hours=2)


def token_make_long_lived(token_pk: int) -> bool:
    """Exchange a freshly connected Instagram Login token (1 h) for a long-lived one (60 d),
    which alone can be refreshed later. True when exchanged; a failure is logged (the
    short-lived token still works for its hour, and the creator can connect again)."""
    from allauth.socialaccount.models import SocialToken

    with transaction.atomic():
        row = SocialToken.objects.select_for_update(of=("self",)).select_related("app")
        row = row.get(pk=token_pk)
        if row.expires_at is not None and row.expires_at > timezone.now() + SHORT_LIVED:
            return False  # long-lived already
        refresh_url = _token_url(Platform.INSTAGRAM)
        try:
            grant = exchange_instagram_token(
                token_url=refresh_url.rsplit("/", 1)[0] + "/access_token",
                access_token=decrypt_secret(row.token),
                client_secret=_client_credentials(row, Platform.INSTAGRAM)[1],
                timeout=float(getattr(settings, "PLATFORM_HTTP_TIMEOUT_SECONDS", 10)),
            )
        except (PlatformError, TokenDecryptError) as exc:
            logger.warning("could not get a long-lived Instagram token (row %s): %s", row.pk, exc)
            return False
        row.token = grant.access_token
        row.expires_at = (
            timezone.now() + timedelta(seconds=grant.expires_in) if grant.expires_in else None
        )
        row.save(update_fields=["token", "token_secret", "expires_at"])
        return True


def batch_with_fresh_token(
    account: SocialAccount, post_ids: Sequence[str], fetch: Callable[[Sequence[str], str], Any]
) -> PostBatch[Any]:
    """``fetch(ids, token)`` with a valid token; posts that failed on a rejected token are
    asked once more with a refreshed one. ``fetch`` is e.g. ``client.fetch_post_metrics``
    wrapped as ``lambda ids, token: client.fetch_post_metrics(ids, access_token=token)``."""
    token = platform_access_token(account)
    batch: PostBatch[Any] = fetch(post_ids, token)
    rejected = [i for i, e in batch.failed.items() if _cured_by_refresh(e)]
    if not (token and rejected):
        return batch
    fresh = platform_access_token(account, rejected=token)
    if not fresh or fresh == token:
        return batch
    again: PostBatch[Any] = fetch(rejected, fresh)
    for post_id in rejected:
        del batch.failed[post_id]
    batch.found.update(again.found)
    batch.unavailable.update(again.unavailable)
    batch.failed.update(again.failed)
    batch.calls += again.calls
    return batch


def _cured_by_refresh(error: PlatformError) -> bool:
    return isinstance(error, AuthError) and error.token_rejected


def _expiring(row: Any) -> bool:
    return row.expires_at is not None and row.expires_at <= timezone.now() + REFRESH_MARGIN


def _token_url(platform: Platform) -> str:
    urls = getattr(settings, "PLATFORM_OAUTH_TOKEN_URLS", {}) or {}
    url = urls.get(platform.value)
    if not url:
        raise AuthError(f"PLATFORM_OAUTH_TOKEN_URLS has no {platform.value!r} URL")
    return str(url)


def _client_credentials(row: Any, platform: Platform) -> tuple[str, str]:
    """The OAuth app's client id and secret: allauth's SocialApp row, else settings."""
    if row.app is not None and row.app.client_id:
        return str(row.app.client_id), str(row.app.secret)
    provider = _PROVIDERS[platform]
    apps: Iterable[dict[str, str]] = (
        getattr(settings, "SOCIALACCOUNT_PROVIDERS", {}).get(provider, {}).get("APPS") or []
    )
    for app in apps:
        if app.get("client_id"):
            return str(app["client_id"]), str(app.get("secret", ""))
    if _uses_simulator(platform.value):
        return "simulator-client-id", "simulator-client-secret"
    return "", ""


def _simulator_token(account: SocialAccount) -> str:
    if _uses_simulator(account.platform):
        from platforms.simulator.control import USER_TOKEN_PREFIXES, user_token

        if account.platform in USER_TOKEN_PREFIXES:  # YouTube reads public videos by API key
            return user_token(account.platform, account.handle)
    return ""
