"""Refreshing a creator's OAuth access token, as each platform documents it.

- TikTok: ``POST https://open.tiktokapis.com/v2/oauth/token/`` (form: ``client_key``,
  ``client_secret``, ``grant_type=refresh_token``, ``refresh_token``). The answer is flat
  (``access_token``, ``expires_in``, ``refresh_token``, ``refresh_expires_in``, ``open_id``,
  ``scope``) and the refresh token is *rotated*: the old one stops working, so the new one
  must be saved with the access token.
- Instagram (Instagram Login): ``GET https://graph.instagram.com/refresh_access_token
  ?grant_type=ig_refresh_token&access_token=<long-lived token>`` — the long-lived token
  refreshes itself (at least 24 h old, not expired); no separate refresh token.
- Google (YouTube): ``POST https://oauth2.googleapis.com/token`` (form: ``client_id``,
  ``client_secret``, ``grant_type=refresh_token``, ``refresh_token``); Google usually keeps
  the refresh token, and sends a new one only when it rotates it.

Errors: an OAuth ``{"error": "invalid_grant", …}`` or Graph code 190 is an AuthError (the
creator must connect again); 5xx and network failures are PlatformUnavailable (try later).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from platforms.errors import AuthError, PlatformError, PlatformUnavailable, UnexpectedResponse
from platforms.types import Platform

DEFAULT_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class TokenGrant:
    access_token: str
    refresh_token: str  # "" when the platform kept the old one (Google, Instagram)
    expires_in: int | None  # seconds
    refresh_expires_in: int | None = None
    scope: str = ""


def refresh_user_token(
    platform: Platform | str,
    *,
    token_url: str,
    access_token: str = "",
    refresh_token: str = "",
    client_id: str = "",
    client_secret: str = "",
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    transport: httpx.BaseTransport | None = None,
    max_attempts: int = 3,
) -> TokenGrant:
    """A new access token (and the rotated refresh token, if the platform rotates it)."""
    platform = Platform(platform)
    if platform == Platform.INSTAGRAM:
        if not access_token:
            raise AuthError("no Instagram token to refresh", platform=platform.value)
        request: dict[str, Any] = {
            "method": "GET",
            "params": {"grant_type": "ig_refresh_token", "access_token": access_token},
        }
    else:
        if not refresh_token:
            raise AuthError(
                "no refresh token stored: the creator must connect again",
                platform=platform.value,
                code="no_refresh_token",
            )
        client = "client_key" if platform == Platform.TIKTOK else "client_id"
        request = {
            "method": "POST",
            "data": {
                client: client_id,
                "client_secret": client_secret,
                "grant_type": "refresh_token",
                "refresh_token": refresh_token,
            },
        }
    with httpx.Client(timeout=timeout, transport=transport) as http:
        for attempt in Retrying(
            stop=stop_after_attempt(max(1, max_attempts)),
            wait=wait_random_exponential(multiplier=0.2, max=2.0),
            retry=retry_if_exception_type(PlatformUnavailable),
            reraise=True,
        ):
            with attempt:
                return _grant(platform, _send(http, platform, token_url, request))
    raise AssertionError("unreachable: tenacity reraises")  # pragma: no cover


def exchange_instagram_token(
    *,
    token_url: str,
    access_token: str,
    client_secret: str,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    transport: httpx.BaseTransport | None = None,
) -> TokenGrant:
    """Instagram Login's short-lived (1 h) token → a long-lived (60 days) one:
    ``GET https://graph.instagram.com/access_token?grant_type=ig_exchange_token
    &client_secret=…&access_token=…``. Only a long-lived token can be refreshed later."""
    request: dict[str, Any] = {
        "method": "GET",
        "params": {
            "grant_type": "ig_exchange_token",
            "client_secret": client_secret,
            "access_token": access_token,
        },
    }
    with httpx.Client(timeout=timeout, transport=transport) as http:
        return _grant(Platform.INSTAGRAM, _send(http, Platform.INSTAGRAM, token_url, request))


def _send(
    http: httpx.Client, platform: Platform, url: str, request: dict[str, Any]
) -> dict[str, Any]:
    try:
        response = http.request(url=url, headers={"Accept": "application/json"}, **request)
    except httpx.TransportError as exc:
        raise PlatformUnavailable(
            f"token endpoint unreachable: {exc.__class__.__name__}", platform=platform.value
        ) from exc
    try:
        payload = json.loads(response.content)
    except ValueError:
        payload = None
    status = response.status_code
    if not isinstance(payload, dict):
        if status >= 500:
            raise PlatformUnavailable(f"token endpoint {status}", platform=platform.value)
        raise UnexpectedResponse("token endpoint answered no JSON object", platform=platform.value)
    error = payload.get("error")
    if isinstance(error, dict):  # Graph: {"error": {"code": 190, "message": …}}; TikTok v2
        code = str(error.get("code") or "")
        message = str(error.get("message") or "token refresh failed")
        if status >= 500 or code in {"1", "2", "internal_error"}:
            raise PlatformUnavailable(message, platform=platform.value, code=code, status=status)
        raise AuthError(message, platform=platform.value, code=code, status=status)
    if isinstance(error, str) and error:  # OAuth: {"error": "invalid_grant", …}
        message = str(payload.get("error_description") or error)
        if status >= 500 or error in {"server_error", "temporarily_unavailable"}:
            raise PlatformUnavailable(message, platform=platform.value, code=error, status=status)
        raise AuthError(message, platform=platform.value, code=error, status=status)
    if status >= 500:
        raise PlatformUnavailable(f"token endpoint {status}", platform=platform.value)
    if status >= 400:
        raise PlatformError(f"token refresh failed with {status}", platform=platform.value)
    return payload


def _grant(platform: Platform, payload: dict[str, Any]) -> TokenGrant:
    # Some TikTok answers nest the fields under "data" (as v1 did); accept both.
    nested = payload.get("data")
    body: dict[str, Any] = nested if isinstance(nested, dict) else payload
    access = body.get("access_token")
    if not isinstance(access, str) or not access:
        raise UnexpectedResponse("token endpoint gave no access_token", platform=platform.value)
    refresh = body.get("refresh_token")
    return TokenGrant(
        access_token=access,
        refresh_token=refresh if isinstance(refresh, str) else "",
        expires_in=_seconds(body.get("expires_in")),
        refresh_expires_in=_seconds(body.get("refresh_expires_in")),
        scope=str(body.get("scope") or ""),
    )


def _seconds(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None
