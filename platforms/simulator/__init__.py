"""A local stand-in for the TikTok, Instagram and YouTube APIs (framework-free WSGI).

Run it with ``python -m platforms.simulator --port 8765``; point
``PLATFORM_BASE_URLS`` at ``http://127.0.0.1:8765/tiktok`` (…/instagram, …/youtube).
In tests use :func:`platforms.simulator.server.running_simulator`.

This module stays import-light: the registry reads the placeholder credentials below.
"""

from __future__ import annotations

# Accepted by the simulator (it only checks they are present and well-formed) and
# rejected by every real API, so a misconfigured production fails loudly (AuthError).
SIMULATOR_CREDENTIALS: dict[str, dict[str, str]] = {
    # The simulator serves TikTok's Research API too; real app keys never inherit this opt-in.
    "tiktok": {
        "client_key": "simulator-client-key",
        "client_secret": "simulator-client-secret",
        "research_api": "1",
    },
    "instagram": {"access_token": "simulator-access-token", "ig_user_id": "17841400000000000"},
    "youtube": {"api_key": "simulator-api-key"},
}

PLATFORMS = ("tiktok", "instagram", "youtube")
