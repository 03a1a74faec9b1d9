"""Secrets we hand out once and store only as hashes (API keys, invitation tokens)."""

import hashlib
import secrets

API_KEY_PREFIX = "chorus_"
_API_KEY_VISIBLE_CHARS = 12  # "chorus_" + 5 random characters shown in lists


def hash_secret(raw: str) -> str:
    # These secrets carry 256 bits of randomness, so a fast hash is enough (no salt needed).
    return hashlib.sha256(raw.encode()).hexdigest()


def new_api_key() -> tuple[str, str, str]:
    """Return (raw key, display prefix, hash)."""
    raw = API_KEY_PREFIX + secrets.token_urlsafe(32)
    return raw, raw[:_API_KEY_VISIBLE_CHARS], hash_secret(raw)


def new_invitation_token() -> tuple[str, str]:
    """Return (raw token for the e-mailed link, hash to store)."""
    raw = secrets.token_urlsafe(32)
    return raw, hash_secret(raw)


def looks_like_api_key(raw: str) -> bool:
    return raw.startswith(API_KEY_PREFIX) and 20 <= len(raw) <= 100 and raw.isascii()
