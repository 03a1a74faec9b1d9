"""Verification by OAuth: connecting a TikTok, Instagram or Google account through allauth.

When allauth social apps are configured (``SOCIALACCOUNT_PROVIDERS`` in settings, filled from
the environment: TIKTOK_CLIENT_KEY/SECRET, INSTAGRAM_APP_ID/SECRET, GOOGLE_CLIENT_ID/SECRET) and
the provider apps are installed
(``allauth.socialaccount.providers.tiktok`` / ``.instagram`` / ``.google``), the accounts page
shows "Connect with …" buttons. Connecting fires allauth's ``social_account_added`` (or
``..._updated``) signal; ``on_social_account_connected`` (wired in ``CreatorsConfig.ready``)
then marks the matching SocialAccount verified with method "oauth" through
``creators.services.social_account_verify_oauth``.

TikTok and Instagram put the account's ``username`` in ``extra_data``. Google sign-in does not
name a YouTube channel: the handle is taken from ``extra_data["youtube_handle"]`` when a custom
adapter adds it (e.g. after calling ``channels?mine=true`` with the youtube.readonly scope);
otherwise nothing is verified and the creator uses the bio-code path.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from core.errors import ChorusError
from platforms.types import Platform

logger = logging.getLogger(__name__)

OAUTH_PROVIDERS: dict[str, Platform] = {
    "tiktok": Platform.TIKTOK,
    "instagram": Platform.INSTAGRAM,
    "google": Platform.YOUTUBE,
}


@dataclass(frozen=True)
class OAuthOption:
    provider: str
    platform: Platform
    label: str
    url: str


def oauth_connect_options(request: HttpRequest) -> list[OAuthOption]:
    """The "Connect with …" buttons to show: only providers that are installed and configured.

    Apps are read from settings (``SOCIALACCOUNT_PROVIDERS[...]["APPS"]``, filled from the
    environment) rather than allauth's SocialApp table, so the page costs no query for them.
    """
    from allauth.socialaccount.providers import registry

    options: list[OAuthOption] = []
    for provider, platform in OAUTH_PROVIDERS.items():
        if registry.get_class(provider) is None:
            continue
        if not settings.SOCIALACCOUNT_PROVIDERS.get(provider, {}).get("APPS"):
            continue
        try:
            base = reverse(f"{provider}_login")
        except NoReverseMatch:
            continue
        query = urlencode({"process": "connect", "next": reverse("creators:accounts")})
        options.append(OAuthOption(provider, platform, platform.label, f"{base}?{query}"))
    return options


def account_from_sociallogin(sociallogin: Any) -> tuple[str, str, str] | None:
    """(platform, handle, external id) named by a connected allauth account, if any."""
    account = sociallogin.account
    platform = OAUTH_PROVIDERS.get(account.provider)
    if platform is None:
        return None
    extra = account.extra_data if isinstance(account.extra_data, dict) else {}
    if platform == Platform.YOUTUBE:
        handle = extra.get("youtube_handle") or ""
        external_id = extra.get("youtube_channel_id") or ""
    else:
        data = extra.get("data", {}).get("user", extra) if platform == Platform.TIKTOK else extra
        handle = (data or {}).get("username") or extra.get("username") or ""
        external_id = str(account.uid or "")
    if not isinstance(handle, str) or not handle.strip():
        return None
    return platform.value, handle.strip(), str(external_id)


def on_social_account_connected(
    sender: object, request: HttpRequest, sociallogin: Any, **kwargs: Any
) -> None:
    """allauth signal receiver: verify the connected account (after the connect commits)."""
    from creators.selectors import creator_profile_for_user
    from creators.services import social_account_verify_oauth

    _exchange_instagram_token(sociallogin)
    found = account_from_sociallogin(sociallogin)
    if found is None:
        return
    user = sociallogin.user
    creator = creator_profile_for_user(user) if user is not None and user.pk else None
    if creator is None:
        return
    platform, handle, external_id = found

    def verify() -> None:
        try:
            account = social_account_verify_oauth(
                creator=creator, platform=platform, handle=handle, external_id=external_id
            )
        except (ChorusError, ValueError) as exc:
            text = exc.message if isinstance(exc, ChorusError) else str(exc)
            logger.warning("oauth verification refused for %s @%s: %s", platform, handle, text)
            _message(request, messages.ERROR, text)
            return
        _message(request, messages.SUCCESS, f"{account} is connected and verified.")

    transaction.on_commit(verify)


def _exchange_instagram_token(sociallogin: Any) -> None:
    """Instagram Login hands out a 1 h token: swap it for a long-lived one after the connect
    commits (creators.tokens), so metric pulls can keep refreshing it."""
    token = getattr(sociallogin, "token", None)
    if sociallogin.account.provider != "instagram" or token is None or not token.pk:
        return
    from creators.tokens import token_make_long_lived

    transaction.on_commit(lambda: token_make_long_lived(token.pk))


def _message(request: HttpRequest, level: int, text: str) -> None:
    # fail_silently: a request without the messages middleware (e.g. in tests) is fine.
    messages.add_message(request, level, text, fail_silently=True)


def connect_signals() -> None:
    from allauth.socialaccount.models import SocialToken
    from allauth.socialaccount.signals import social_account_added, social_account_updated
    from django.db.models.signals import post_save, pre_save

    from creators.tokens import encrypt_token_on_save, restore_plain_after_save

    # OAuth tokens are stored encrypted (creators.tokens); allauth keeps working in plain text.
    pre_save.connect(encrypt_token_on_save, sender=SocialToken, dispatch_uid="creators-token-enc")
    post_save.connect(
        restore_plain_after_save, sender=SocialToken, dispatch_uid="creators-token-plain"
    )

    social_account_added.connect(on_social_account_connected, dispatch_uid="creators-oauth-added")
    social_account_updated.connect(
        on_social_account_connected, dispatch_uid="creators-oauth-updated"
    )
