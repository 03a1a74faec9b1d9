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
PLATFORM_CREDENTIALS = {
    "tiktok": {"access_token": env.str("TIKTOK_ACCESS_TOKEN", default="sim-tiktok-token")},
    "instagram": {
        "access_token": env.str("INSTAGRAM_ACCESS_TOKEN", default="sim-instagram-token"),
        "ig_user_id": env.str("INSTAGRAM_USER_ID", default="17841400000000000"),
    },
    "youtube": {"api_key": env.str("YOUTUBE_API_KEY", default="sim-youtube-key")},
}

STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
