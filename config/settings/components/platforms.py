"""Base URLs of every external service, so local stand-ins and simulators can take their place.

Platform URLs, most specific first: ``TIKTOK_API_BASE_URL`` / ``INSTAGRAM_API_BASE_URL`` /
``YOUTUBE_API_BASE_URL`` (and ``TIKTOK_SHORT_LINK_BASE_URL`` for vm./vt. short links) always
win; where one is unset, ``PLATFORM_SIMULATOR_URL`` (set by the embedded default) supplies the
simulator's; with neither, the real API. The simulator is the default, never an override: a
single platform can point at a real API or another stand-in while the rest stay simulated.
"""

import os
from collections.abc import Mapping

from config.env import VAR_DIR, env

REAL_PLATFORM_URLS = {
    "tiktok": "https://open.tiktokapis.com",
    "instagram": "https://graph.facebook.com/v25.0",
    "youtube": "https://www.googleapis.com/youtube/v3",
}
SHORT_LINK_HOSTS = ("vm.tiktok.com", "vt.tiktok.com", "www.tiktok.com", "tiktok.com")


def platform_urls(environ: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(PLATFORM_BASE_URLS, PLATFORM_SHORT_LINK_BASE_URLS) for an environment."""
    simulator = (environ.get("PLATFORM_SIMULATOR_URL") or "").rstrip("/")
    base_urls = {}
    for name, real in REAL_PLATFORM_URLS.items():
        explicit = environ.get(f"{name.upper()}_API_BASE_URL") or ""
        base_urls[name] = explicit or (f"{simulator}/{name}" if simulator else real)
    explicit_short = environ.get("TIKTOK_SHORT_LINK_BASE_URL") or ""
    short = {}
    for host in SHORT_LINK_HOSTS:
        default = f"{simulator}/tiktok/short" if simulator else f"https://{host}"
        short[host] = explicit_short or default
    return base_urls, short


PLATFORM_SIMULATOR_URL = env.str("PLATFORM_SIMULATOR_URL", default="")
# Where the embedded default's simulator keeps posts (demo seeding writes here, see
# platforms.simulator.state.add_posts_to_file; scripts/run.sh passes the same path).
PLATFORM_SIMULATOR_POSTS_FILE = env.str(
    "PLATFORM_SIMULATOR_POSTS_FILE", default=str(VAR_DIR / "simulator-posts.json")
)
# env (django-environ) already merged .env into os.environ without overriding real values.
PLATFORM_BASE_URLS, PLATFORM_SHORT_LINK_BASE_URLS = platform_urls(os.environ)


def _credentials(**names: str) -> dict[str, str]:
    """Only the values set in the environment; platforms/ falls back to simulator placeholders."""
    return {key: env.str(var) for key, var in names.items() if env.str(var, default="")}


PLATFORM_CREDENTIALS = {
    "tiktok": _credentials(
        client_key="TIKTOK_CLIENT_KEY",
        client_secret="TIKTOK_CLIENT_SECRET",
        access_token="TIKTOK_ACCESS_TOKEN",
        # "1" only for an approved Research API project; else profiles need creator tokens.
        research_api="TIKTOK_RESEARCH_API",
    ),
    "instagram": _credentials(
        access_token="INSTAGRAM_ACCESS_TOKEN",
        ig_user_id="INSTAGRAM_USER_ID",
        # Creators' Instagram Login tokens: graph.instagram.com unless set (see the client).
        user_api_base_url="INSTAGRAM_USER_API_BASE_URL",
    ),
    "youtube": _credentials(api_key="YOUTUBE_API_KEY"),
}
PLATFORM_HTTP_TIMEOUT_SECONDS = env.int("PLATFORM_HTTP_TIMEOUT_SECONDS", default=10)
# Rate-limit parks shared by every worker (platforms.ratelimit): Redis when there is one,
# else each process remembers its own (embedded default).
PLATFORM_RATE_LIMIT_REDIS_URL = env.str(
    "PLATFORM_RATE_LIMIT_REDIS_URL", default=env.str("REDIS_URL", default="")
)
PLATFORM_RATE_LIMIT_KEY_PREFIX = env.str(
    "PLATFORM_RATE_LIMIT_KEY_PREFIX", default="chorus:platforms:park"
)

# Where creators' OAuth tokens are refreshed (creators.tokens), chosen like the API base URLs:
# ``*_OAUTH_TOKEN_URL`` wins, else the simulator's (embedded default), else the real endpoint.
REAL_OAUTH_TOKEN_URLS = {
    "tiktok": "https://open.tiktokapis.com/v2/oauth/token/",
    "instagram": "https://graph.instagram.com/refresh_access_token",
    "youtube": "https://oauth2.googleapis.com/token",
}
SIMULATOR_OAUTH_PATHS = {
    "tiktok": "/tiktok/v2/oauth/token/",
    "instagram": "/instagram/refresh_access_token",
    "youtube": "/youtube/token",
}


def oauth_token_urls(environ: Mapping[str, str]) -> dict[str, str]:
    simulator = (environ.get("PLATFORM_SIMULATOR_URL") or "").rstrip("/")
    return {
        name: environ.get(f"{name.upper()}_OAUTH_TOKEN_URL")
        or (f"{simulator}{SIMULATOR_OAUTH_PATHS[name]}" if simulator else real)
        for name, real in REAL_OAUTH_TOKEN_URLS.items()
    }


PLATFORM_OAUTH_TOKEN_URLS = oauth_token_urls(os.environ)
# Keys that encrypt creators' OAuth tokens at rest (creators.tokens): the first encrypts, all
# decrypt, so a new key goes first and the old one stays until every row is re-encrypted.
# Fernet keys (``Fernet.generate_key()``) or any long secret (hashed into one). Empty: a key
# derived from SECRET_KEY (development only; set this in production).
TOKEN_ENCRYPTION_KEYS = env.list("TOKEN_ENCRYPTION_KEYS", default=[])
