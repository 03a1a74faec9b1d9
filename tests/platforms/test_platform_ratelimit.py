"""Rate limits shared by every worker (Redis), jittered backoff and usage headers.

"Workers" are separate clients, each with its own Redis connection (as separate processes
would have), aimed at the same simulator: what one learns, the others must honour.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import redis

from platforms import registry
from platforms.base import CLIENT_BACKOFF
from platforms.errors import RateLimited
from platforms.instagram import InstagramClient
from platforms.ratelimit import MemoryThrottle, RedisThrottle, token_scope
from platforms.simulator.client import SimulatorControl
from platforms.tiktok import TikTokClient
from platforms.types import PlatformClient
from platforms.youtube import YouTubeClient, seconds_until_quota_reset

MakeClient = Callable[..., PlatformClient]
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def prefix() -> Iterator[str]:
    name = f"test-park-{uuid.uuid4().hex[:12]}"
    yield name
    RedisThrottle.from_url(REDIS_URL, key_prefix=name).forget_all()


@pytest.fixture
def worker(make_client: MakeClient, prefix: str) -> Callable[[str], PlatformClient]:
    """A client as one worker process would have it: its own connection to the shared Redis."""

    def make(platform: str, **options: Any) -> PlatformClient:
        throttle = RedisThrottle.from_url(REDIS_URL, key_prefix=prefix)
        return make_client(platform, throttle=throttle, **options)

    return make


def _token(platform: str, handle: str) -> str:
    return SimulatorControl.user_token(platform, handle) if platform != "youtube" else ""


def test_a_429_seen_by_one_worker_parks_that_token_for_every_worker(
    worker: Callable[[str], PlatformClient], simulator: SimulatorControl
) -> None:
    mine = simulator.create_post("tiktok", owner="alice")["id"]
    theirs = simulator.create_post("tiktok", owner="bob")["id"]
    simulator.fail("rate_limit", platform="tiktok", retry_after=120)
    first, second = worker("tiktok"), worker("tiktok")

    told = first.fetch_post_metrics([mine], access_token=_token("tiktok", "alice"))
    calls = simulator.calls("tiktok")
    refrained = second.fetch_post_metrics([mine], access_token=_token("tiktok", "alice"))
    other_token = second.fetch_post_metrics([theirs], access_token=_token("tiktok", "bob"))

    assert isinstance(told.failed[mine], RateLimited)
    error = refrained.failed[mine]
    assert isinstance(error, RateLimited)
    assert error.code == CLIENT_BACKOFF
    assert 100 <= error.retry_after_seconds <= 121
    assert other_token.found[theirs].views is not None  # another token goes on
    assert simulator.calls("tiktok") == calls + 1  # only bob's call was sent


def test_park_keys_hold_a_hash_of_the_token_never_the_token(
    worker: Callable[[str], PlatformClient], simulator: SimulatorControl, prefix: str
) -> None:
    token = _token("instagram", "carol")
    media = simulator.create_post("instagram", owner="carol")["id"]
    simulator.fail("rate_limit", platform="instagram", retry_after=600)

    worker("instagram").fetch_post_metrics([media], access_token=token)

    keys = [k.decode() for k in redis.Redis.from_url(REDIS_URL).keys(f"{prefix}:*")]
    assert keys == [f"{prefix}:instagram:{token_scope(token)}"]
    assert "carol" not in keys[0]
    ttl = redis.Redis.from_url(REDIS_URL).pttl(keys[0])
    assert 500_000 < ttl <= 600_000  # estimated_time_to_regain_access: 10 minutes


def test_graph_app_limit_parks_every_token_of_the_app(
    worker: Callable[[str], PlatformClient], simulator: SimulatorControl
) -> None:
    mine = simulator.create_post("instagram", owner="dave")["id"]
    theirs = simulator.create_post("instagram", owner="erin")["id"]
    simulator.fail("quota", platform="instagram")  # (#4) Application request limit reached

    worker("instagram").fetch_post_metrics([mine], access_token=_token("instagram", "dave"))
    calls = simulator.calls("instagram")
    batch = worker("instagram").fetch_post_metrics(
        [theirs], access_token=_token("instagram", "erin")
    )

    assert batch.failed[theirs].code == CLIENT_BACKOFF
    assert simulator.calls("instagram") == calls


def test_youtube_quota_parks_the_key_until_pacific_midnight_for_every_worker(
    worker: Callable[[str], PlatformClient], simulator: SimulatorControl
) -> None:
    video = simulator.create_post("youtube", owner="frank")["id"]
    simulator.fail("quota", platform="youtube")

    worker("youtube").fetch_post_metrics([video])
    calls = simulator.calls("youtube")
    parked = worker("youtube").fetch_post_metrics([video])
    other_key = worker("youtube", credentials={"api_key": "another-project-key"})

    error = parked.failed[video]
    assert isinstance(error, RateLimited)
    assert error.code == CLIENT_BACKOFF
    assert abs(error.retry_after_seconds - seconds_until_quota_reset()) <= 5
    assert simulator.calls("youtube") == calls
    assert video in other_key.fetch_post_metrics([video]).found  # another project's key goes on


def test_without_shared_memory_a_second_worker_would_call_again(
    make_client: MakeClient, simulator: SimulatorControl
) -> None:
    """The fallback (no Redis): parks live in one process, as the throttle it was given."""
    video = simulator.create_post("tiktok", owner="gina")["id"]
    simulator.fail("rate_limit", platform="tiktok", retry_after=120)
    shared = MemoryThrottle()
    token = _token("tiktok", "gina")

    make_client("tiktok", throttle=shared).fetch_post_metrics([video], access_token=token)
    same_process = make_client("tiktok", throttle=shared).fetch_post_metrics(
        [video], access_token=token
    )
    other_process = make_client("tiktok", throttle=MemoryThrottle()).fetch_post_metrics(
        [video], access_token=token
    )

    assert same_process.failed[video].code == CLIENT_BACKOFF
    assert video in other_process.found


def test_a_longer_park_is_never_shortened(prefix: str) -> None:
    throttle = RedisThrottle.from_url(REDIS_URL, key_prefix=prefix)
    other = RedisThrottle.from_url(REDIS_URL, key_prefix=prefix)

    throttle.park("youtube", "tok:abc", 3600)
    other.park("youtube", "tok:abc", 60)

    assert (
        RedisThrottle.from_url(REDIS_URL, key_prefix=prefix).remaining("youtube", ["tok:abc"])
        > 3500
    )


def test_unreachable_redis_falls_back_to_this_process(caplog: pytest.LogCaptureFixture) -> None:
    throttle = RedisThrottle.from_url("redis://127.0.0.1:1/0", key_prefix="nowhere")

    throttle.park("tiktok", "tok:x", 30)

    assert 25 < throttle.remaining("tiktok", ["app", "tok:x"]) <= 30
    assert throttle.remaining("tiktok", ["app", "tok:y"]) == 0
    assert "Redis" in caplog.text
    # One failure, then Redis is left alone for a while (no timeout on every call).
    assert caplog.text.count("Redis") == 1


def test_registry_shares_redis_parks_when_configured_and_process_memory_otherwise(
    monkeypatch: pytest.MonkeyPatch, simulator: SimulatorControl, prefix: str
) -> None:
    stand_in = SimpleNamespace(
        PLATFORM_BASE_URLS={p: simulator.platform_url(p) for p in ("tiktok", "youtube")},
        PLATFORM_RATE_LIMIT_REDIS_URL="",
    )
    monkeypatch.setattr(registry, "settings", stand_in)
    registry.clear_client_cache()
    try:
        local = registry.get_throttle()
        assert isinstance(local, MemoryThrottle)
        assert registry.get_client("tiktok")._throttle is local  # type: ignore[attr-defined]
        assert registry.get_client("youtube")._throttle is local  # type: ignore[attr-defined]

        stand_in.PLATFORM_RATE_LIMIT_REDIS_URL = REDIS_URL
        stand_in.PLATFORM_RATE_LIMIT_KEY_PREFIX = prefix
        shared = registry.get_throttle()
        assert isinstance(shared, RedisThrottle)
        assert registry.get_client("tiktok")._throttle is shared  # type: ignore[attr-defined]
        shared.park("tiktok", "app", 60)
        assert RedisThrottle.from_url(REDIS_URL, key_prefix=prefix).remaining("tiktok", ["app"])
    finally:
        registry.clear_client_cache()


# Backoff -------------------------------------------------------------------------------


def test_server_errors_are_retried_with_jittered_backoff() -> None:
    sent: list[int] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(1)
        return httpx.Response(503 if len(sent) < 3 else 200, json={"items": []})

    client = YouTubeClient(
        base_url="https://yt.example",
        api_key="k",
        transport=httpx.MockTransport(answer),
        backoff_seconds=0.001,
    )
    batch = client.fetch_post_metrics(["abcdefghijk"])
    assert len(sent) == 3
    assert "abcdefghijk" in batch.unavailable

    waits = {client._wait(SimpleNamespace(attempt_number=5, outcome=None)) for _ in range(50)}  # type: ignore[arg-type]
    assert len(waits) > 40  # random, not a fixed schedule every worker would share
    assert all(0 <= w <= 0.016 for w in waits)  # multiplier * 2**4 at most


def test_a_short_429_is_waited_out_inside_the_call_and_a_long_one_fails_fast() -> None:
    sent: list[str] = []
    retry_after = {"value": "1"}

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        if len(sent) == 1:
            return httpx.Response(
                429,
                headers={"Retry-After": retry_after["value"]},
                json={"data": {}, "error": {"code": "rate_limit_exceeded", "message": "slow"}},
            )
        return httpx.Response(
            200,
            json={"data": {"videos": []}, "error": {"code": "ok", "message": "", "log_id": ""}},
        )

    def client() -> TikTokClient:
        return TikTokClient(
            base_url="https://tt.example",
            transport=httpx.MockTransport(answer),
            backoff_seconds=0,
            max_inline_wait_seconds=1,
        )

    short = client().fetch_post_metrics(["7000000000000000001"], access_token="act.a")
    assert len(sent) == 2
    assert "7000000000000000001" in short.unavailable

    sent.clear()
    retry_after["value"] = "30"
    long = client().fetch_post_metrics(["7000000000000000001"], access_token="act.a")
    assert len(sent) == 1
    assert long.retry_after_seconds == 30


def test_tiktok_rate_limit_inside_a_200_parks_the_token() -> None:
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["authorization"])
        return httpx.Response(
            200, json={"data": {}, "error": {"code": "rate_limit_exceeded", "message": "x"}}
        )

    client = TikTokClient(base_url="https://tt.example", transport=httpx.MockTransport(answer))
    first = client.fetch_post_metrics(["7000000000000000001"], access_token="act.a")
    second = client.fetch_post_metrics(["7000000000000000001"], access_token="act.a")

    assert first.failed["7000000000000000001"].code == "rate_limit_exceeded"
    assert second.failed["7000000000000000001"].code == CLIENT_BACKOFF
    assert sent == ["Bearer act.a"]


# Usage headers ------------------------------------------------------------------------------


def _graph(headers: dict[str, str]) -> tuple[InstagramClient, list[str]]:
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["authorization"])
        ids = request.url.params["ids"].split(",")
        body = {i: {"id": i, "like_count": 1, "comments_count": 0} for i in ids}
        return httpx.Response(200, json=body, headers=headers)

    client = InstagramClient(
        base_url="https://graph.example/v25.0",
        access_token="app-token",
        ig_user_id="1",
        transport=httpx.MockTransport(answer),
    )
    return client, sent


MEDIA = "18000000000000001"


def test_business_use_case_usage_parks_the_token_for_the_time_meta_names() -> None:
    usage = {
        "17841400000000000": [
            {
                "type": "instagram",
                "call_count": 40,
                "total_cputime": 10,
                "total_time": 20,
                "estimated_time_to_regain_access": 7,
            }
        ]
    }
    client, sent = _graph({"X-Business-Use-Case-Usage": json.dumps(usage)})

    ok = client.fetch_post_metrics([MEDIA], access_token="creator-a")
    parked = client.fetch_post_metrics([MEDIA], access_token="creator-a")
    other = client.fetch_post_metrics([MEDIA], access_token="creator-b")

    assert MEDIA in ok.found  # the answer itself is good
    assert parked.failed[MEDIA].code == CLIENT_BACKOFF
    assert 400 < (parked.retry_after_seconds or 0) <= 421
    assert MEDIA in other.found
    assert sent == ["Bearer creator-a", "Bearer creator-b"]


@pytest.mark.parametrize(
    ("header", "parks"),
    [
        ({"call_count": 96, "total_time": 10, "total_cputime": 5}, True),
        ({"call_count": 10, "total_time": 10, "total_cputime": 99}, True),
        ({"call_count": 60, "total_time": 50, "total_cputime": 40}, False),
    ],
)
def test_app_usage_near_the_limit_parks_the_whole_app(header: dict[str, int], parks: bool) -> None:
    client, sent = _graph({"X-App-Usage": json.dumps(header)})

    client.fetch_post_metrics([MEDIA], access_token="creator-a")
    other = client.fetch_post_metrics([MEDIA], access_token="creator-b")

    assert (MEDIA in other.failed) is parks
    assert len(sent) == (1 if parks else 2)


def test_unreadable_usage_headers_are_ignored() -> None:
    client, sent = _graph({"X-App-Usage": "{call_count: 99 // not JSON"})

    client.fetch_post_metrics([MEDIA], access_token="a")
    client.fetch_post_metrics([MEDIA], access_token="a")

    assert len(sent) == 2
