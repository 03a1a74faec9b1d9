"""The creator's own OAuth token for one of their accounts, for platform calls that need it
(TikTok's Display API always; Instagram to find a post by its shortcode).

The token is the one allauth stored when the creator connected the account. Where a platform's
base URL points at the platform simulator (the embedded default, the tests) and no real token
exists, the simulator's own per-handle token stands in, so the same code path runs there.
"""

from django.conf import settings

from creators.models import SocialAccount
from platforms.types import Platform

# allauth provider id → our platform (creators.oauth.OAUTH_PROVIDERS, inverted).
_PROVIDERS = {
    Platform.TIKTOK: "tiktok",
    Platform.INSTAGRAM: "instagram",
    Platform.YOUTUBE: "google",
}


def _uses_simulator(platform: str) -> bool:
    simulator = (getattr(settings, "PLATFORM_SIMULATOR_URL", "") or "").rstrip("/")
    base = (getattr(settings, "PLATFORM_BASE_URLS", {}) or {}).get(platform, "")
    return bool(simulator) and str(base).startswith(simulator)


def platform_access_token(account: SocialAccount) -> str:
    """The token to read ``account``'s posts with, or "" (the client then uses the app's)."""
    from allauth.socialaccount.models import SocialToken

    provider = _PROVIDERS.get(Platform(account.platform))
    token = (
        SocialToken.objects.filter(
            account__user_id=account.creator.user_id, account__provider=provider
        )
        .order_by("-id")
        .values_list("token", flat=True)
        .first()
        if provider
        else None
    )
    if token:
        return str(token)
    if _uses_simulator(account.platform):
        from platforms.simulator.control import USER_TOKEN_PREFIXES, user_token

        if account.platform in USER_TOKEN_PREFIXES:  # YouTube reads public videos by API key
            return user_token(account.platform, account.handle)
    return ""
