"""The simulator itself: control API, real response shapes, deterministic accounts."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from platforms.simulator import SIMULATOR_CREDENTIALS
from platforms.simulator.accounts import generate, posts, with_overrides
from platforms.simulator.app import make_app
from platforms.simulator.client import SimulatorControl
from platforms.simulator.posts import build_post
from platforms.simulator.state import SimulatorState, add_posts_to_file

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("platform", ["tiktok", "instagram", "youtube"])
def test_generated_accounts_stay_in_range_and_differ(platform: str) -> None:
    accounts = [generate(platform, f"creator{i}") for i in range(300)]

    assert all(500 <= a.follower_count <= 250_000 for a in accounts)
    assert all(a.average_views > 0 and 150 <= a.engagement_rate_bp <= 1000 for a in accounts)
    assert len({a.follower_count for a in accounts}) > 250
    assert generate(platform, "creator1") == accounts[1]


def test_generated_posts_reproduce_the_account_averages() -> None:
    account = with_overrides(
        generate("tiktok", "maths"),
        {"follower_count": 10_000, "average_views": 7_777, "engagement_rate_bp": 421},
    )

    recent = posts(account, datetime.now(UTC))

    assert sum(p.views for p in recent) == 7_777 * len(recent)
    interactions = sum(p.likes + p.comments + p.shares for p in recent)
    assert interactions * 10_000 == 421 * 10_000 * len(recent)
    assert len({p.views for p in recent}) > 1  # posts are not all identical
    assert [p.created_at for p in recent] == sorted((p.created_at for p in recent), reverse=True)


def test_handles_starting_with_missing_do_not_exist() -> None:
    assert not generate("youtube", "missing_anyone").exists
    assert generate("youtube", "mission").exists


def test_control_api_sets_reads_and_clears_overrides(simulator: SimulatorControl) -> None:
    original = simulator.get_account("instagram", "ctrl")

    changed = simulator.set_account("instagram", "@CTRL", bio="Hello", follower_count=1234)

    assert (changed["bio"], changed["follower_count"]) == ("Hello", 1234)
    assert simulator.get_account("instagram", "ctrl")["bio"] == "Hello"
    assert simulator.state()["overrides"] == [
        {"platform": "instagram", "handle": "ctrl", "bio": "Hello", "follower_count": 1234}
    ]
    simulator.clear_account("instagram", "ctrl")
    assert simulator.get_account("instagram", "ctrl") == original


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/accounts/tiktok/foo", {"followers": 3}, 400),
        ("/accounts/tiktok/foo", {"follower_count": -1}, 400),
        ("/accounts/tiktok/foo", {"follower_count": True}, 400),
        ("/accounts/tiktok/foo", {"exists": "no"}, 400),
        ("/accounts/tiktok/foo", [], 400),
        ("/accounts/myspace/foo", {"bio": "x"}, 404),
        ("/fail", {"kind": "explode"}, 400),
        ("/fail", {"kind": "quota", "count": 0}, 400),
        ("/fail", {"kind": "quota", "platform": "myspace"}, 400),
        ("/fail", {"kind": "quota", "retry_after": "soon"}, 400),
        ("/nowhere", {}, 404),
    ],
)
def test_control_api_rejects_bad_requests(
    simulator: SimulatorControl, path: str, body: Any, status: int
) -> None:
    response = httpx.post(f"{simulator.base_url}/_control{path}", json=body)

    assert response.status_code == status
    assert "error" in response.json()


def test_queued_failures_target_their_platform(simulator: SimulatorControl) -> None:
    simulator.fail("server_error", platform="youtube")
    tiktok = _tiktok_user_info(simulator, "someone")
    assert tiktok.status_code == 200

    youtube = httpx.get(
        f"{simulator.platform_url('youtube')}/youtube/v3/channels",
        params={"part": "id", "forHandle": "@someone", "key": "k"},
    )
    assert youtube.status_code == 500
    assert youtube.json()["error"]["errors"][0]["reason"] == "backendError"


def test_reset_forgets_everything(simulator: SimulatorControl) -> None:
    simulator.set_account("tiktok", "foo", bio="x")
    simulator.fail("quota", count=3)
    _tiktok_user_info(simulator, "foo")

    simulator.reset()

    state = simulator.state()
    assert (state["overrides"], state["pending_failures"], state["calls"]) == ([], [], {})


def test_tiktok_speaks_the_v2_envelope(simulator: SimulatorControl) -> None:
    ok = _tiktok_user_info(simulator, "envelope")
    assert ok.json()["error"]["code"] == "ok"
    assert set(ok.json()["data"]) == {"display_name", "follower_count"}

    missing = _tiktok_user_info(simulator, "missing_envelope")
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "invalid_params"

    no_token = httpx.post(
        f"{simulator.platform_url('tiktok')}/v2/research/user/info/",
        params={"fields": "display_name"},
        json={"username": "x"},
    )
    assert no_token.status_code == 401
    assert no_token.json()["error"]["code"] == "access_token_invalid"


def test_tiktok_research_query_refuses_more_than_30_days(simulator: SimulatorControl) -> None:
    response = httpx.post(
        f"{simulator.platform_url('tiktok')}/v2/research/video/query/",
        params={"fields": "id"},
        headers={"Authorization": "Bearer clt.test"},
        json={
            "query": {
                "and": [{"operation": "EQ", "field_name": "username", "field_values": ["a"]}]
            },
            "start_date": "20260101",
            "end_date": "20260215",
        },
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_params"


def test_tiktok_oauth_errors_use_the_flat_shape(simulator: SimulatorControl) -> None:
    response = httpx.post(
        f"{simulator.platform_url('tiktok')}/v2/oauth/token/",
        data={"grant_type": "client_credentials", "client_key": "", "client_secret": ""},
    )

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_graph_rejects_fields_business_discovery_lacks(simulator: SimulatorControl) -> None:
    response = httpx.get(
        f"{simulator.platform_url('instagram')}/v25.0/17841400000000000",
        params={"fields": "business_discovery.username(foo){media{view_count}}"},
        headers={"Authorization": "Bearer t"},
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == 100
    assert "view_count" in response.json()["error"]["message"]


def test_graph_returns_only_requested_fields(simulator: SimulatorControl) -> None:
    response = httpx.get(
        f"{simulator.platform_url('instagram')}/v25.0/17841400000000000",
        params={
            "fields": (
                "business_discovery.username(Foo){followers_count,media.limit(2){like_count}}"
            ),
            "access_token": "t",
        },
    )

    body = response.json()
    assert body["id"] == "17841400000000000"
    discovery = body["business_discovery"]
    assert set(discovery) == {"followers_count", "media", "id"}
    assert [set(m) for m in discovery["media"]["data"]] == [{"like_count"}, {"like_count"}]


def test_youtube_counts_are_strings_and_unknown_handles_have_no_items(
    simulator: SimulatorControl,
) -> None:
    url = f"{simulator.platform_url('youtube')}/youtube/v3/channels"
    found = httpx.get(
        url, params={"part": "statistics", "forHandle": "@Tube"}, headers={"X-Goog-Api-Key": "k"}
    )
    missing = httpx.get(url, params={"part": "statistics", "forHandle": "missing_tube", "key": "k"})
    no_key = httpx.get(url, params={"part": "statistics", "forHandle": "tube"})

    assert isinstance(found.json()["items"][0]["statistics"]["subscriberCount"], str)
    assert missing.status_code == 200
    assert "items" not in missing.json()
    assert missing.json()["pageInfo"]["totalResults"] == 0
    assert no_key.status_code == 403


def test_unknown_paths_answer_json_404(simulator: SimulatorControl) -> None:
    response = httpx.get(f"{simulator.base_url}/twitter/v2/users")

    assert response.status_code == 404
    assert "error" in response.json()


def test_wsgi_application_works_in_process() -> None:
    app = make_app()
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        captured["status"] = status

    environ = {
        "REQUEST_METHOD": "GET",
        # UTF-8 "café", handed over as latin-1 text the way PEP 3333 requires
        "PATH_INFO": "/_control/accounts/youtube/caf\u00c3\u00a9",
        "QUERY_STRING": "",
        "wsgi.input": io.BytesIO(),
    }
    body = b"".join(app(environ, start_response))

    assert captured["status"] == "200 OK"
    assert '"handle": "café"' in body.decode()


def test_module_entry_point_serves_the_simulator(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "platforms.simulator", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        response = _wait_for(f"http://127.0.0.1:{port}/_control/state")
        assert response.status_code == 200
        assert set(response.json()) >= {"calls", "overrides", "pending_failures"}
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_placeholder_credentials_cover_every_platform() -> None:
    assert set(SIMULATOR_CREDENTIALS) == {"tiktok", "instagram", "youtube"}


def _tiktok_user_info(simulator: SimulatorControl, username: str) -> httpx.Response:
    return httpx.post(
        f"{simulator.platform_url('tiktok')}/v2/research/user/info/",
        params={"fields": "display_name,follower_count"},
        headers={"Authorization": "Bearer clt.test"},
        json={"username": username},
    )


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(url: str, timeout: float = 10.0) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return httpx.get(url, timeout=1.0)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_posts_file_keeps_created_posts_across_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "posts.json"
    first = SimulatorState(posts_file=path)
    post = build_post(
        {"platform": "tiktok", "owner": "jane.doe", "caption": "#ad hi"},
        serial=1,
        now=first.now(),
    )
    assert not isinstance(post, str)
    first.save_post(post)

    second = SimulatorState(posts_file=path)
    make_app(second)

    assert second.post("tiktok", post.id) == post
    assert second.short_link(post.short_code)


@pytest.mark.parametrize(
    "fields",
    [
        {"visibility": "friends"},
        {"published_at": "yesterday"},
        {"published_at": "2026-11-01T10:00:00"},  # no zone
        {"final_views": -1},
        {"final_views": True},
        {"colour": "red"},
    ],
)
def test_control_api_refuses_bad_posts_with_a_message(
    simulator: SimulatorControl, fields: dict[str, Any]
) -> None:
    with pytest.raises(RuntimeError, match="400"):
        simulator.create_post("tiktok", owner="jane.doe", **fields)
    with pytest.raises(RuntimeError, match="400"):
        simulator.create_post("myspace", owner="jane.doe")


def test_metrics_grow_deterministically_with_the_simulator_clock(
    simulator: SimulatorControl,
) -> None:
    post = simulator.create_post(
        "youtube", owner="jane.doe", final_views=1_000_000, published_at=datetime.now(UTC)
    )
    simulator.advance_clock(86_400)
    day = simulator.get_post("youtube", post["id"])["metrics"]
    simulator.advance_clock(8 * 86_400)
    nine_days = simulator.get_post("youtube", post["id"])["metrics"]

    # views = final * age / (age + 1 day): a half after a day, 90 % after nine.
    assert 499_000 <= day["views"] <= 501_000
    assert 899_000 <= nine_days["views"] <= 901_000
    assert nine_days["likes"] > day["likes"] > 0


def test_demo_posts_written_to_the_file_are_served_once_the_simulator_starts(
    tmp_path: Path,
) -> None:
    path = tmp_path / "posts.json"
    made = add_posts_to_file(
        path,
        [
            {"platform": "youtube", "owner": "demo.one", "title": "Hi"},
            {"platform": "youtube", "owner": "demo.one", "title": "Again"},
        ],
    )
    more = add_posts_to_file(path, [{"platform": "youtube", "owner": "demo.one"}])
    with pytest.raises(ValueError, match="visibility"):
        add_posts_to_file(path, [{"platform": "youtube", "owner": "x", "visibility": "?"}])

    state = SimulatorState(posts_file=path)
    assert len({p.id for p in [*made, *more]}) == 3  # a later seeding never reuses an id
    assert [p.id for p in state.posts_of("youtube", "demo.one")] != []
    assert len(state.posts_of("youtube", "demo.one")) == 3
