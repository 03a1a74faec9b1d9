"""get_client reads settings; here a stand-in settings object keeps the tests Django-free."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from platforms import apps as platforms_apps
from platforms import registry
from platforms.instagram import InstagramClient
from platforms.simulator.client import SimulatorControl
from platforms.tiktok import TikTokClient
from platforms.types import PlatformClient
from platforms.youtube import YouTubeClient


@pytest.fixture
def fake_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[SimpleNamespace]:
    stand_in = SimpleNamespace()
    monkeypatch.setattr(registry, "settings", stand_in)
    registry.clear_client_cache()
    yield stand_in
    registry.clear_client_cache()


def _configure(stand_in: SimpleNamespace, simulator: SimulatorControl, **extra: Any) -> None:
    stand_in.PLATFORM_BASE_URLS = {
        name: simulator.platform_url(name) for name in ("tiktok", "instagram", "youtube")
    }
    for key, value in extra.items():
        setattr(stand_in, key, value)


def test_get_client_builds_each_platform_from_settings(
    fake_settings: SimpleNamespace, simulator: SimulatorControl
) -> None:
    _configure(fake_settings, simulator)

    assert isinstance(registry.get_client("tiktok"), TikTokClient)
    assert isinstance(registry.get_client("instagram"), InstagramClient)
    assert isinstance(registry.get_client("youtube"), YouTubeClient)
    assert isinstance(registry.get_client("youtube"), PlatformClient)


def test_get_client_reuses_a_client_per_configuration(
    fake_settings: SimpleNamespace, simulator: SimulatorControl
) -> None:
    _configure(fake_settings, simulator)
    first = registry.get_client("youtube")

    assert registry.get_client("youtube") is first

    fake_settings.PLATFORM_HTTP_TIMEOUT_SECONDS = 3
    assert registry.get_client("youtube") is not first


def test_setting_change_clears_cached_clients(
    fake_settings: SimpleNamespace, simulator: SimulatorControl
) -> None:
    _configure(fake_settings, simulator)
    first = registry.get_client("tiktok")

    platforms_apps._clear_clients_on_change(setting="PLATFORM_BASE_URLS")

    assert registry.get_client("tiktok") is not first


def test_missing_base_url_is_improperly_configured(fake_settings: SimpleNamespace) -> None:
    fake_settings.PLATFORM_BASE_URLS = {"tiktok": "http://127.0.0.1:1/tiktok"}

    with pytest.raises(ImproperlyConfigured, match="youtube"):
        registry.get_client("youtube")


def test_unknown_platform_is_rejected(fake_settings: SimpleNamespace) -> None:
    with pytest.raises(ValueError):
        registry.get_client("myspace")


def test_clients_from_settings_fetch_profiles_with_partial_credentials(
    fake_settings: SimpleNamespace, simulator: SimulatorControl
) -> None:
    # As config/ may set them: a TikTok token only (rejected → client credentials),
    # Instagram with its own values, YouTube with no credentials at all.
    _configure(
        fake_settings,
        simulator,
        PLATFORM_CREDENTIALS={
            "tiktok": {"access_token": "sim-tiktok-token"},
            "instagram": {"access_token": "sim-instagram-token", "ig_user_id": "17841400000000001"},
        },
    )

    for name in ("tiktok", "instagram", "youtube"):
        assert registry.get_client(name).fetch_profile("@Configured").handle == "configured"


def test_post_urls_resolve_short_links_where_the_settings_point(
    fake_settings: SimpleNamespace, simulator: SimulatorControl
) -> None:
    post = simulator.create_post("tiktok", owner="jane.doe")
    fake_settings.PLATFORM_SHORT_LINK_BASE_URLS = simulator.short_link_base_urls()

    ref = registry.parse_post_url_resolving(f"https://vm.tiktok.com/{post['short_code']}/")

    assert ref.post_id == post["id"]
    assert registry.get_short_link_resolver() is registry.get_short_link_resolver()
