"""Base URLs of every external service, so local stand-ins and simulators can take their place."""

from config.env import env

PLATFORM_SIMULATOR_URL = env.str("PLATFORM_SIMULATOR_URL", default="")


def _platform_url(name: str, real: str) -> str:
    if PLATFORM_SIMULATOR_URL:
        return f"{PLATFORM_SIMULATOR_URL.rstrip('/')}/{name}"
    return env.str(f"{name.upper()}_API_BASE_URL", default=real)


PLATFORM_BASE_URLS = {
    "tiktok": _platform_url("tiktok", "https://open.tiktokapis.com"),
    "instagram": _platform_url("instagram", "https://graph.facebook.com/v25.0"),
    "youtube": _platform_url("youtube", "https://www.googleapis.com/youtube/v3"),
}


def _credentials(**names: str) -> dict[str, str]:
    """Only the values set in the environment; platforms/ falls back to simulator placeholders."""
    return {key: env.str(var) for key, var in names.items() if env.str(var, default="")}


PLATFORM_CREDENTIALS = {
    "tiktok": _credentials(
        client_key="TIKTOK_CLIENT_KEY",
        client_secret="TIKTOK_CLIENT_SECRET",
        access_token="TIKTOK_ACCESS_TOKEN",
    ),
    "instagram": _credentials(
        access_token="INSTAGRAM_ACCESS_TOKEN", ig_user_id="INSTAGRAM_USER_ID"
    ),
    "youtube": _credentials(api_key="YOUTUBE_API_KEY"),
}
PLATFORM_HTTP_TIMEOUT_SECONDS = env.int("PLATFORM_HTTP_TIMEOUT_SECONDS", default=10)

STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
