"""The real clients, over real HTTP, against the simulator."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest

from platforms.errors import (
    AccountNotFound,
    AuthError,
    PlatformError,
    PlatformUnavailable,
    RateLimited,
    UnexpectedResponse,
)
from platforms.simulator.client import SimulatorControl
from platforms.tiktok import TikTokClient
from platforms.types import AccountProfile, Platform, PlatformClient

MakeClient = Callable[..., PlatformClient]


def test_fetch_profile_returns_normalised_integer_profile(
    make_client: MakeClient, platform: str
) -> None:
    profile = make_client(platform).fetch_profile("@Jane.Doe_")

    assert isinstance(profile, AccountProfile)
    assert profile.platform == Platform(platform)
    assert profile.handle == "jane.doe_"
    assert profile.external_id
    assert profile.display_name == "Jane Doe"
    assert profile.bio
    assert "jane.doe_" in profile.profile_url
    assert 500 <= profile.follower_count <= 250_000
    assert profile.posts_sampled == 12
    assert 0 < profile.engagement_rate_bp < 10_000
    for value in (profile.follower_count, profile.average_views, profile.engagement_rate_bp):
        assert type(value) is int
    assert profile.fetched_at.tzinfo is not None
    assert abs((datetime.now(UTC) - profile.fetched_at).total_seconds()) < 60


def test_profile_is_deterministic_for_a_handle(make_client: MakeClient, platform: str) -> None:
    client = make_client(platform)
    first, second = client.fetch_profile("steady"), client.fetch_profile("STEADY")

    assert (first.follower_count, first.average_views, first.engagement_rate_bp, first.bio) == (
        second.follower_count,
        second.average_views,
        second.engagement_rate_bp,
        second.bio,
    )


def test_overridden_account_figures_come_back_from_recent_posts(
    make_client: MakeClient, simulator: SimulatorControl, platform: str
) -> None:
    simulator.set_account(
        platform,
        "tuned",
        bio="New bio #ad",
        display_name="Tuned In",
        follower_count=10_000,
        average_views=4_321,
        engagement_rate_bp=345,
    )

    profile = make_client(platform).fetch_profile("tuned")

    assert profile.bio == "New bio #ad"
    assert profile.display_name == "Tuned In"
    assert profile.follower_count == 10_000
    assert profile.engagement_rate_bp == 345
    # Instagram's Business Discovery exposes no view counts.
    assert profile.average_views == (0 if platform == "instagram" else 4_321)


def test_account_without_posts_has_zero_averages(
    make_client: MakeClient, simulator: SimulatorControl, platform: str
) -> None:
    simulator.set_account(platform, "quiet", post_count=0)

    profile = make_client(platform).fetch_profile("quiet")

    assert (profile.posts_sampled, profile.average_views, profile.engagement_rate_bp) == (0, 0, 0)


def test_youtube_hidden_subscriber_count_reads_as_zero(
    make_client: MakeClient, simulator: SimulatorControl
) -> None:
    simulator.set_account("youtube", "shy", hidden_subscriber_count=True)

    profile = make_client("youtube").fetch_profile("shy")

    assert profile.follower_count == 0
    assert profile.engagement_rate_bp == 0
    assert profile.average_views > 0


def test_fetch_profile_accepts_a_profile_url(make_client: MakeClient) -> None:
    assert make_client("tiktok").fetch_profile("https://www.tiktok.com/@Foo").handle == "foo"
    assert make_client("instagram").fetch_profile("instagram.com/Foo/").handle == "foo"
    assert make_client("youtube").fetch_profile("https://youtube.com/@Foo/videos").handle == "foo"


def test_invalid_handle_raises_value_error_without_calling(
    make_client: MakeClient, simulator: SimulatorControl, platform: str
) -> None:
    with pytest.raises(ValueError, match="not a valid"):
        make_client(platform).fetch_profile("no spaces allowed")
    assert simulator.calls(platform) == 0


@pytest.mark.parametrize("handle", ["missing_person", "missing"])
def test_unknown_handle_raises_account_not_found(
    make_client: MakeClient, platform: str, handle: str
) -> None:
    with pytest.raises(AccountNotFound) as caught:
        make_client(platform).fetch_profile(handle)
    assert caught.value.platform == platform


def test_account_removed_through_control_api_is_not_found(
    make_client: MakeClient, simulator: SimulatorControl, platform: str
) -> None:
    client = make_client(platform)
    client.fetch_profile("fleeting")
    simulator.set_account(platform, "fleeting", exists=False)

    with pytest.raises(AccountNotFound):
        client.fetch_profile("fleeting")

    simulator.clear_account(platform, "fleeting")
    assert client.fetch_profile("fleeting").handle == "fleeting"


@pytest.mark.parametrize(
    ("platform_name", "expected_retry_after"),
    [("tiktok", 30), ("youtube", 30), ("instagram", 60)],  # Graph reports whole minutes
)
def test_rate_limit_raises_rate_limited_once_without_retrying(
    make_client: MakeClient,
    simulator: SimulatorControl,
    platform_name: str,
    expected_retry_after: int,
) -> None:
    simulator.fail("rate_limit", count=5, platform=platform_name, retry_after=30)
    client = make_client(platform_name)

    with pytest.raises(RateLimited) as caught:
        client.fetch_profile("busy")

    assert caught.value.retry_after_seconds == expected_retry_after
    assert simulator.calls(platform_name) == 1


def test_after_rate_limit_client_stops_calling_until_retry_after(
    make_client: MakeClient, simulator: SimulatorControl, platform: str
) -> None:
    simulator.fail("rate_limit", count=1, platform=platform, retry_after=120)
    client = make_client(platform)
    with pytest.raises(RateLimited):
        client.fetch_profile("busy")

    with pytest.raises(RateLimited) as again:
        client.fetch_profile("busy")

    assert again.value.code == "client_backoff"
    assert 0 < again.value.retry_after_seconds <= 120
    assert simulator.calls(platform) == 1  # the block is honoured locally, no hammering


def test_youtube_quota_exceeded_waits_for_pacific_midnight(
    make_client: MakeClient, simulator: SimulatorControl
) -> None:
    simulator.fail("quota", platform="youtube")

    with pytest.raises(RateLimited) as caught:
        make_client("youtube").fetch_profile("busy")

    assert caught.value.code == "quotaExceeded"
    assert 0 < caught.value.retry_after_seconds <= 25 * 3600


def test_instagram_app_throttle_is_rate_limited(
    make_client: MakeClient, simulator: SimulatorControl
) -> None:
    simulator.fail("quota", platform="instagram")

    with pytest.raises(RateLimited) as caught:
        make_client("instagram").fetch_profile("busy")

    assert caught.value.code == "4"


@pytest.mark.parametrize("kind", ["server_error", "unavailable"])
def test_transient_server_errors_are_retried_then_succeed(
    make_client: MakeClient, simulator: SimulatorControl, platform: str, kind: str
) -> None:
    simulator.fail(kind, count=2, platform=platform)

    profile = make_client(platform).fetch_profile("wobbly")

    assert profile.handle == "wobbly"
    assert simulator.state()["pending_failures"] == []


def test_persistent_server_errors_give_up_after_bounded_attempts(
    make_client: MakeClient, simulator: SimulatorControl, platform: str
) -> None:
    simulator.fail("server_error", count=50, platform=platform)

    with pytest.raises(PlatformUnavailable):
        make_client(platform, max_attempts=3).fetch_profile("down")

    assert simulator.calls(platform) == 3


@pytest.mark.parametrize("kind", ["malformed", "unexpected_shape"])
def test_unreadable_responses_raise_platform_error(
    make_client: MakeClient, simulator: SimulatorControl, platform: str, kind: str
) -> None:
    simulator.fail(kind, count=1, platform=platform)

    with pytest.raises(PlatformError) as caught:
        make_client(platform).fetch_profile("garbled")

    assert isinstance(caught.value, UnexpectedResponse)
    assert simulator.calls(platform) == 1  # not transient: no retry


@pytest.mark.parametrize("platform_name", ["instagram", "youtube"])
def test_rejected_credentials_raise_auth_error(
    make_client: MakeClient, simulator: SimulatorControl, platform_name: str
) -> None:
    simulator.fail("auth", platform=platform_name)

    with pytest.raises(AuthError):
        make_client(platform_name).fetch_profile("locked")


def test_tiktok_gets_a_new_client_token_when_the_old_one_is_rejected(
    make_client: MakeClient, simulator: SimulatorControl
) -> None:
    client = make_client("tiktok")
    client.fetch_profile("first")
    simulator.fail("auth", count=1, platform="tiktok")

    assert client.fetch_profile("second").handle == "second"

    simulator.fail("auth", count=2, platform="tiktok")
    with pytest.raises(AuthError):
        client.fetch_profile("third")


def test_tiktok_configured_token_falls_back_to_client_credentials(
    make_client: MakeClient,
) -> None:
    client = make_client(
        "tiktok",
        credentials={
            "access_token": "stale",
            "client_key": "k",
            "client_secret": "s",
            "research_api": "1",
        },
    )

    assert client.fetch_profile("fallback").handle == "fallback"


def test_missing_credentials_raise_auth_error(make_client: MakeClient, platform: str) -> None:
    with pytest.raises(AuthError):
        make_client(platform, credentials={}).fetch_profile("anyone")


def test_base_urls_may_carry_the_api_version(
    make_client: MakeClient, simulator: SimulatorControl
) -> None:
    instagram = make_client("instagram", base_url=simulator.platform_url("instagram") + "/v25.0")
    youtube = make_client("youtube", base_url=simulator.platform_url("youtube") + "/youtube/v3")

    assert instagram.fetch_profile("versioned").handle == "versioned"
    assert youtube.fetch_profile("versioned").handle == "versioned"


def test_misconfigured_base_url_raises_a_plain_platform_error(
    make_client: MakeClient, simulator: SimulatorControl, platform: str
) -> None:
    client = make_client(platform, base_url=f"{simulator.base_url}/nowhere")

    with pytest.raises(PlatformError) as caught:
        client.fetch_profile("anyone")

    assert type(caught.value) is PlatformError
    assert caught.value.status == 404


def test_unreachable_platform_raises_platform_unavailable(make_client: MakeClient) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    client = make_client("youtube", base_url=f"http://127.0.0.1:{port}", max_attempts=2)
    with pytest.raises(PlatformUnavailable):
        client.fetch_profile("anyone")


def test_one_client_serves_concurrent_threads(make_client: MakeClient, platform: str) -> None:
    client = make_client(platform)
    results: list[str] = []
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            results.append(client.fetch_profile(f"creator{index}").handle)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(results) == sorted(f"creator{i}" for i in range(8))


def test_tiktok_oauth_error_shape_maps_to_auth_error() -> None:
    # TikTok's OAuth endpoint answers a flat {"error": "...", "error_description": ...}.
    def reply(request: httpx.Request) -> httpx.Response:
        body = {"error": "invalid_client", "error_description": "bad secret", "log_id": "x"}
        return httpx.Response(401, json=body)

    client = TikTokClient(
        base_url="https://open.tiktokapis.test",
        client_key="k",
        client_secret="wrong",
        research_api=True,
        transport=httpx.MockTransport(reply),
    )
    with pytest.raises(AuthError) as caught:
        client.fetch_profile("anyone")

    assert caught.value.code == "invalid_client"
    assert caught.value.message == "bad secret"
