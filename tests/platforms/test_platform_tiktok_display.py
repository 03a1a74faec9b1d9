"""TikTok profiles through the Display API with the creator's own token (production path);
the Research API only when configured."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from platforms import registry
from platforms.errors import AuthError
from platforms.simulator.client import SimulatorControl
from platforms.tiktok import TikTokClient
from platforms.types import PlatformClient

MakeClient = Callable[..., PlatformClient]
NO_RESEARCH = {"client_key": "k", "client_secret": "s"}


def test_profile_with_the_creators_token_uses_the_display_api_only(
    make_client: MakeClient, simulator: SimulatorControl
) -> None:
    researched = make_client("tiktok").fetch_profile("jane.doe")
    simulator.reset()
    client = make_client("tiktok", credentials=NO_RESEARCH)

    profile = client.fetch_profile(
        "@Jane.Doe", access_token=simulator.user_token("tiktok", "jane.doe")
    )

    assert profile.handle == "jane.doe"
    assert profile.external_id.startswith("-000")  # the Display API's open_id
    assert profile.posts_sampled == 12
    assert (profile.follower_count, profile.average_views, profile.engagement_rate_bp) == (
        researched.follower_count,
        researched.average_views,
        researched.engagement_rate_bp,
    )
    requests = simulator.state()["requests"]
    assert requests == ["GET /v2/user/info/", "POST /v2/video/list/"]


def test_a_token_of_another_account_is_refused_not_answered_with_its_profile(
    make_client: MakeClient, simulator: SimulatorControl
) -> None:
    client = make_client("tiktok", credentials=NO_RESEARCH)

    with pytest.raises(AuthError) as caught:
        client.fetch_profile("jane.doe", access_token=simulator.user_token("tiktok", "someone"))
    assert caught.value.code == "token_of_another_account"


def test_without_a_token_or_the_research_api_nothing_is_called(
    make_client: MakeClient, simulator: SimulatorControl
) -> None:
    client = make_client("tiktok", credentials=NO_RESEARCH)

    with pytest.raises(AuthError) as caught:
        client.fetch_profile("jane.doe")
    assert caught.value.code == "creator_token_required"
    assert simulator.calls("tiktok") == 0


def test_real_app_keys_never_inherit_the_simulators_research_opt_in(
    monkeypatch: pytest.MonkeyPatch, simulator: SimulatorControl
) -> None:
    stand_in = SimpleNamespace(
        PLATFORM_BASE_URLS={"tiktok": simulator.platform_url("tiktok")},
        PLATFORM_CREDENTIALS={"tiktok": {"client_key": "real", "client_secret": "real"}},
    )
    monkeypatch.setattr(registry, "settings", stand_in)
    registry.clear_client_cache()
    try:
        with pytest.raises(AuthError):
            registry.get_client("tiktok").fetch_profile("jane.doe")
        stand_in.PLATFORM_CREDENTIALS["tiktok"]["research_api"] = "1"  # explicitly approved
        registry.clear_client_cache()
        assert registry.get_client("tiktok").fetch_profile("jane.doe").handle == "jane.doe"
    finally:
        registry.clear_client_cache()


def test_video_list_follows_the_cursor_past_short_pages() -> None:
    """has_more decides, not the page size: TikTok may return fewer than max_count."""
    bodies: list[dict[str, Any]] = []

    def video(n: int) -> dict[str, Any]:
        return {
            "id": f"70000000000000000{n:02d}",
            "create_time": 1_700_000_000 - n * 3600,
            "view_count": 100 * n,
            "like_count": n,
            "comment_count": 0,
            "share_count": 0,
        }

    pages = [
        {"videos": [video(1), video(2)], "cursor": 1_699_992_800_000, "has_more": True},
        {"videos": [video(3)], "cursor": 1_699_989_200_000, "has_more": True},
        {"videos": [video(4)], "cursor": 1_699_985_600_000, "has_more": False},
    ]

    def answer(request: httpx.Request) -> httpx.Response:
        ok = {"code": "ok", "message": "", "log_id": "l"}
        if request.url.path == "/v2/user/info/":
            user = {"open_id": "o", "username": "pat", "follower_count": 1000}
            return httpx.Response(200, json={"data": {"user": user}, "error": ok})
        import json

        bodies.append(json.loads(request.content))
        return httpx.Response(200, json={"data": pages[len(bodies) - 1], "error": ok})

    client = TikTokClient(base_url="https://tt.example", transport=httpx.MockTransport(answer))
    profile = client.fetch_profile("pat", access_token="act.pat")

    assert bodies == [
        {"max_count": 20},
        {"max_count": 20, "cursor": 1_699_992_800_000},
        {"max_count": 20, "cursor": 1_699_989_200_000},
    ]
    assert profile.posts_sampled == 4
    assert profile.average_views == 250
