"""Post lookup and post metrics through the real clients, over HTTP, against the simulator."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from platforms import instagram as instagram_module
from platforms.errors import AuthError, PlatformUnavailable, RateLimited, UnexpectedResponse
from platforms.instagram import InstagramClient
from platforms.simulator.client import SimulatorControl
from platforms.simulator.posts import GROWTH_HALF_LIFE_SECONDS
from platforms.tiktok import TikTokClient
from platforms.types import (
    Platform,
    PlatformClient,
    PostInfo,
    PostMetrics,
    PostUnavailable,
    UnavailableReason,
    Visibility,
)

MakeClient = Callable[..., PlatformClient]
OWNER = "jane.doe"


def _token(platform: str, handle: str = OWNER) -> str:
    return SimulatorControl.user_token(platform, handle) if platform != "youtube" else ""


def _make(simulator: SimulatorControl, platform: str, n: int, **fields: Any) -> list[str]:
    """Create ``n`` posts by OWNER; Instagram answers with media ids (not shortcodes)."""
    return [simulator.create_post(platform, owner=OWNER, **fields)["id"] for _ in range(n)]


def test_lookup_describes_a_public_post(
    make_client: MakeClient, simulator: SimulatorControl, platform: str
) -> None:
    published = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
    post = simulator.create_post(
        platform,
        owner=OWNER,
        caption="#ad Loving my @brand serum #glow",
        title="Morning routine" if platform != "instagram" else "",
        published_at=published,
    )

    batch = make_client(platform).lookup_posts([post["id"]], access_token=_token(platform))

    info = batch.found[post["id"]]
    assert isinstance(info, PostInfo)
    assert batch.complete
    assert not batch.unavailable
    assert info.platform == Platform(platform)
    assert info.post_id == post["id"]
    assert "#ad Loving my @brand serum #glow" in info.caption
    assert info.published_at == published
    assert info.published_at.tzinfo is not None
    assert info.is_public
    assert info.visibility == Visibility.PUBLIC
    assert info.permalink.startswith("https://www.")
    assert info.author_id
    if platform != "youtube":  # videos.list names the channel, not its handle
        assert info.author_handle == OWNER
    if platform == "instagram":
        assert info.shortcode == post["shortcode"]
        assert info.media_type == "REELS"
    if platform == "youtube":
        assert info.caption.startswith("Morning routine\n")


def test_unlisted_youtube_video_is_found_but_not_public(
    make_client: MakeClient, simulator: SimulatorControl
) -> None:
    (video_id,) = _make(simulator, "youtube", 1, visibility="unlisted", media_type="short")

    info = make_client("youtube").lookup_posts([video_id]).found[video_id]

    assert info.visibility == Visibility.UNLISTED
    assert not info.is_public
    assert info.media_type == "short"


def test_deleted_private_and_missing_posts_are_permanent_and_the_batch_goes_on(
    make_client: MakeClient, simulator: SimulatorControl, platform: str
) -> None:
    public = _make(simulator, platform, 2)
    deleted = _make(simulator, platform, 1, visibility="deleted")[0]
    private = _make(simulator, platform, 1, visibility="private")[0]
    nowhere = {
        "tiktok": "7999999999999999999",
        "instagram": "18999999999999999",
        "youtube": "ZZZZZZZZZZZ",
    }[platform]
    asked = [public[0], deleted, private, nowhere, public[1], "bad id!"]

    for method in ("lookup_posts", "fetch_post_metrics"):
        batch = getattr(make_client(platform), method)(asked, access_token=_token(platform))

        assert set(batch.found) == set(public)
        assert set(batch.unavailable) == {deleted, private, nowhere, "bad id!"}
        assert not batch.failed
        assert batch.complete
        for gone in batch.unavailable.values():
            assert isinstance(gone, PostUnavailable)
            assert gone.reason == UnavailableReason.NOT_FOUND
            assert gone.message


def test_someone_elses_post_is_not_found_with_the_creators_token(
    make_client: MakeClient, simulator: SimulatorControl
) -> None:
    for platform in ("tiktok", "instagram"):
        theirs = simulator.create_post(platform, owner="someone.else")["id"]
        mine = _make(simulator, platform, 1)[0]

        batch = make_client(platform).lookup_posts([theirs, mine], access_token=_token(platform))

        assert set(batch.found) == {mine}
        assert set(batch.unavailable) == {theirs}


def test_tiktok_needs_the_creators_token(
    make_client: MakeClient, simulator: SimulatorControl
) -> None:
    (video_id,) = _make(simulator, "tiktok", 1)

    without = make_client("tiktok").fetch_post_metrics([video_id])
    wrong = make_client("tiktok").fetch_post_metrics([video_id], access_token="act.expired")

    assert isinstance(without.failed[video_id], AuthError)
    assert isinstance(wrong.failed[video_id], AuthError)
    assert not without.unavailable
    assert not wrong.unavailable


def test_instagram_lookup_by_shortcode_pages_the_creators_media(
    make_client: MakeClient, simulator: SimulatorControl, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(instagram_module, "LISTING_PAGE", 2)
    posts = [
        simulator.create_post(
            "instagram",
            owner=OWNER,
            published_at=datetime(2026, 11, 1, tzinfo=UTC) + timedelta(days=i),
        )
        for i in range(5)
    ]
    oldest, newest = posts[0], posts[-1]
    client = make_client("instagram")

    batch = client.lookup_posts(
        [oldest["shortcode"], newest["shortcode"], "NoSuchCode1"], access_token=_token("instagram")
    )

    assert batch.found[oldest["shortcode"]].post_id == oldest["id"]
    assert batch.found[newest["shortcode"]].post_id == newest["id"]
    assert set(batch.unavailable) == {"NoSuchCode1"}
    # 5 posts, 2 a page: 3 listing pages (cursor followed to the end), then 1 multi-id read.
    assert batch.calls == 4


def test_metrics_are_integers_and_grow_with_age(
    make_client: MakeClient, simulator: SimulatorControl, platform: str
) -> None:
    now = datetime.now(UTC)
    (post_id,) = _make(
        simulator, platform, 1, published_at=now - timedelta(hours=2), final_views=100_000
    )
    client = make_client(platform)

    first = client.fetch_post_metrics([post_id], access_token=_token(platform)).found[post_id]
    simulator.advance_clock(GROWTH_HALF_LIFE_SECONDS)
    later = client.fetch_post_metrics([post_id], access_token=_token(platform)).found[post_id]

    assert isinstance(first, PostMetrics)
    assert first.retrieved_at.tzinfo is not None
    assert first.views is not None
    assert later.views is not None
    assert 0 < first.views < later.views < 100_000
    assert later.views >= 50_000  # past one half-life
    for metrics in (first, later):
        for value in (metrics.views, metrics.likes, metrics.comments):
            assert type(value) is int
    assert first.likes is not None
    assert later.likes is not None
    assert later.likes > first.likes
    if platform == "youtube":
        assert (first.shares, first.saves) == (None, None)  # not in the Data API
        assert first.extra == {"favorites": 0}
    if platform == "tiktok":
        assert type(first.shares) is int
        assert first.saves is None
    if platform == "instagram":
        assert type(first.shares) is int
        assert type(first.saves) is int
        assert set(first.extra) == {"reach", "total_interactions"}


def test_hidden_like_counts_are_none_not_zero(
    make_client: MakeClient, simulator: SimulatorControl
) -> None:
    for platform in ("youtube", "instagram"):
        (post_id,) = _make(simulator, platform, 1, hide_likes=True)

        metrics = make_client(platform).fetch_post_metrics([post_id], access_token=_token(platform))

        assert metrics.found[post_id].likes is None
        assert metrics.found[post_id].views is not None


def test_youtube_counts_arrive_as_strings_on_the_wire(simulator: SimulatorControl) -> None:
    (video_id,) = _make(simulator, "youtube", 1)
    response = httpx.get(
        f"{simulator.platform_url('youtube')}/youtube/v3/videos",
        params={"part": "statistics", "id": video_id},
        headers={"X-Goog-Api-Key": "k"},
    )

    stats = response.json()["items"][0]["statistics"]
    assert all(isinstance(value, str) for value in stats.values())


@pytest.mark.parametrize(("platform", "calls"), [("youtube", 1), ("tiktok", 3), ("instagram", 1)])
def test_api_calls_per_pull_are_at_the_platforms_batch_floor(
    make_client: MakeClient, simulator: SimulatorControl, platform: str, calls: int
) -> None:
    ids = _make(simulator, platform, 45)
    client = make_client(platform)
    before = simulator.calls(platform)

    batch = client.fetch_post_metrics(ids, access_token=_token(platform))

    assert len(batch.found) == 45
    assert batch.calls == calls
    assert simulator.calls(platform) - before == calls  # counted by the simulator too


def test_instagram_unreadable_id_in_a_batch_costs_one_retry_not_the_batch(
    make_client: MakeClient, simulator: SimulatorControl
) -> None:
    ids = _make(simulator, "instagram", 4)
    simulator.update_post("instagram", ids[1], visibility="deleted")

    batch = make_client("instagram").fetch_post_metrics(ids, access_token=_token("instagram"))

    assert set(batch.found) == {ids[0], ids[2], ids[3]}
    assert set(batch.unavailable) == {ids[1]}
    assert batch.calls == 2


def test_instagram_never_asks_for_retired_metrics(
    make_client: MakeClient, simulator: SimulatorControl
) -> None:
    ids = _make(simulator, "instagram", 1)
    make_client("instagram").fetch_post_metrics(ids, access_token=_token("instagram"))
    retired = httpx.get(
        f"{simulator.platform_url('instagram')}/v25.0/{ids[0]}/insights",
        params={"metric": "impressions,reach"},
        headers={"Authorization": f"Bearer {_token('instagram')}"},
    )

    assert retired.status_code == 400
    assert retired.json()["error"]["code"] == 100
    assert "views" in retired.json()["error"]["message"]


def test_a_platform_failure_mid_batch_is_temporary_and_the_other_chunks_go_on(
    make_client: MakeClient, simulator: SimulatorControl
) -> None:
    ids = _make(simulator, "tiktok", 45)  # 3 chunks: 20, 20, 5
    client = make_client("tiktok", max_attempts=1)  # no in-call retry: the chunk fails
    simulator.fail("server_error", platform="tiktok")

    batch = client.fetch_post_metrics(ids, access_token=_token("tiktok"))

    assert set(batch.failed) == set(ids[:20])  # the failed chunk: to retry, no verdict
    assert all(isinstance(e, PlatformUnavailable) for e in batch.failed.values())
    assert set(batch.found) == set(ids[20:])
    assert not batch.unavailable
    assert not batch.complete


def test_tiktok_error_inside_a_200_is_an_error(
    make_client: MakeClient, simulator: SimulatorControl
) -> None:
    ids = _make(simulator, "tiktok", 2)
    simulator.fail("error_in_ok", platform="tiktok")

    batch = make_client("tiktok", max_attempts=1).lookup_posts(ids, access_token=_token("tiktok"))

    assert set(batch.failed) == set(ids)
    assert not batch.found
    assert not batch.unavailable


def test_rate_limit_parks_the_client_and_is_never_a_verdict(
    make_client: MakeClient, simulator: SimulatorControl, platform: str
) -> None:
    ids = _make(simulator, platform, 3)
    simulator.fail("rate_limit", platform=platform, retry_after=120)
    client = make_client(platform)

    batch = client.fetch_post_metrics(ids, access_token=_token(platform))
    calls = simulator.calls(platform)
    again = client.fetch_post_metrics(ids, access_token=_token(platform))

    for result in (batch, again):
        assert set(result.failed) == set(ids)
        assert all(isinstance(e, RateLimited) for e in result.failed.values())
        assert not result.unavailable
        assert result.retry_after_seconds is not None
        assert result.retry_after_seconds >= 60
    assert simulator.calls(platform) == calls  # parked: the second pull sent nothing


def test_instagram_lookup_with_the_configured_token(
    make_client: MakeClient, simulator: SimulatorControl
) -> None:
    (media_id,) = _make(simulator, "instagram", 1)
    client = make_client("instagram")
    assert isinstance(client, InstagramClient)

    batch = client.lookup_posts([media_id])

    assert batch.found[media_id].author_handle == OWNER


@pytest.mark.parametrize("kind", ["server_error", "unavailable", "malformed"])
def test_temporary_or_unreadable_answers_leave_posts_to_retry(
    make_client: MakeClient, simulator: SimulatorControl, platform: str, kind: str
) -> None:
    ids = _make(simulator, platform, 2)
    simulator.fail(kind, platform=platform, count=5)

    for method in ("lookup_posts", "fetch_post_metrics"):
        batch = getattr(make_client(platform, max_attempts=1), method)(
            ids, access_token=_token(platform)
        )

        assert set(batch.failed) == set(ids)
        assert not batch.found
        assert not batch.unavailable
        assert batch.retry_after_seconds is None


def test_instagram_counts_as_strings_nulls_and_empty_insights() -> None:
    """Insights can be empty ("no data yet", up to 48 h late): None, never 0."""

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "18000000000000001": {
                    "id": "18000000000000001",
                    "like_count": "12",
                    "comments_count": None,
                    "insights": {"data": []},
                },
                "18000000000000002": {
                    "id": "18000000000000002",
                    "like_count": 3,
                    "comments_count": 1,
                    "insights": {
                        "data": [
                            {"name": "views", "period": "lifetime", "values": [{"value": "250"}]},
                            {"name": "saved", "period": "lifetime", "values": []},
                        ]
                    },
                },
            },
        )

    client = InstagramClient(
        base_url="https://graph.example/v25.0",
        access_token="t",
        ig_user_id="1",
        transport=httpx.MockTransport(answer),
    )
    batch = client.fetch_post_metrics(["18000000000000001", "18000000000000002"])

    empty, full = batch.found["18000000000000001"], batch.found["18000000000000002"]
    assert (empty.views, empty.likes, empty.comments, empty.saves) == (None, 12, None, None)
    assert (full.views, full.likes, full.comments, full.saves) == (250, 3, 1, None)


def test_tiktok_junk_in_a_200_is_unreadable_not_a_crash() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        video = {"id": "7000000000000000001", "view_count": "\u00b2", "create_time": 10**20}
        return httpx.Response(
            200,
            json={
                "data": {"videos": [video], "cursor": 0, "has_more": False},
                "error": {"code": "ok", "message": "", "log_id": "x"},
            },
        )

    client = TikTokClient(base_url="https://tt.example", transport=httpx.MockTransport(answer))
    for method in ("fetch_post_metrics", "lookup_posts"):
        batch = getattr(client, method)(["7000000000000000001"], access_token="act.x")

        assert isinstance(batch.failed["7000000000000000001"], UnexpectedResponse)


def test_instagram_shortcode_without_the_creators_token_is_not_a_verdict(
    make_client: MakeClient, simulator: SimulatorControl
) -> None:
    post = simulator.create_post("instagram", owner=OWNER)

    batch = make_client("instagram").lookup_posts([post["shortcode"], post["id"]])

    assert isinstance(batch.failed[post["shortcode"]], AuthError)
    assert batch.failed[post["shortcode"]].code == "creator_token_required"
    assert batch.found[post["id"]].shortcode == post["shortcode"]  # ids need no creator token
    assert not batch.unavailable


def test_instagram_insights_refused_for_one_post_cost_only_its_insights() -> None:
    """Graph fails a whole multiple-id read when one media's insights are refused
    ("(#10) Not enough viewers"): counts come back for all, insights for the others."""
    seen: list[str] = []
    ok, shy = "18000000000000001", "18000000000000002"

    def refused() -> httpx.Response:
        error = {
            "message": "(#10) Not enough viewers for the media to show insights",
            "type": "OAuthException",
            "code": 10,
        }
        return httpx.Response(400, json={"error": error})

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path.endswith("/insights"):
            if shy in request.url.path:
                return refused()
            return httpx.Response(
                200,
                json={"data": [{"name": "views", "period": "lifetime", "values": [{"value": 77}]}]},
            )
        if "insights" in request.url.params["fields"]:
            return refused()
        return httpx.Response(
            200,
            json={i: {"id": i, "like_count": 5, "comments_count": 1} for i in (ok, shy)},
        )

    client = InstagramClient(
        base_url="https://graph.example/v25.0",
        access_token="t",
        ig_user_id="1",
        transport=httpx.MockTransport(answer),
    )
    batch = client.fetch_post_metrics([ok, shy])

    assert not batch.failed
    assert (batch.found[ok].views, batch.found[ok].likes) == (77, 5)
    assert (batch.found[shy].views, batch.found[shy].likes) == (None, 5)
    assert batch.calls == 4  # the combined read, counts only, then each insights edge


def test_instagram_creator_tokens_go_to_graph_instagram_com() -> None:
    """Instagram Login (creator) tokens work on graph.instagram.com only; our Facebook Login
    token stays on graph.facebook.com."""
    seen: list[tuple[str, str, str]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.host, request.url.path, request.headers["authorization"]))
        if request.url.path.endswith("/media"):
            return httpx.Response(200, json={"data": [{"id": MEDIA, "shortcode": "Abc123"}]})
        return httpx.Response(200, json={MEDIA: {"id": MEDIA, "like_count": 1}})

    client = InstagramClient(
        base_url="https://graph.facebook.com/v25.0",
        access_token="app-token",
        ig_user_id="1",
        transport=httpx.MockTransport(answer),
    )
    client.fetch_post_metrics([MEDIA], access_token="IGcreator")
    client.fetch_post_metrics(["Abc123"], access_token="IGcreator")
    client.fetch_post_metrics([MEDIA])

    assert seen == [
        ("graph.instagram.com", "/v25.0/", "Bearer IGcreator"),
        ("graph.instagram.com", "/v25.0/me/media", "Bearer IGcreator"),
        ("graph.instagram.com", "/v25.0/", "Bearer IGcreator"),
        ("graph.facebook.com", "/v25.0/", "Bearer app-token"),
    ]


MEDIA = "18000000000000009"


def test_an_instagram_post_made_with_its_own_shortcode_is_found_by_it(
    make_client: MakeClient, simulator: SimulatorControl
) -> None:
    # Demo seeding gives a reel its address first (the shortcode) and its API id (media id).
    made = simulator.create_post(
        "instagram", owner=OWNER, id="17900000000000042", shortcode="DemoReel_42"
    )
    assert (made["id"], made["shortcode"]) == ("17900000000000042", "DemoReel_42")
    assert made["url"] == "https://www.instagram.com/reel/DemoReel_42/"

    batch = make_client("instagram").lookup_posts(["DemoReel_42"], access_token=_token("instagram"))

    assert batch.found["DemoReel_42"].post_id == "17900000000000042"
    assert batch.found["DemoReel_42"].permalink == made["url"]
    metrics = make_client("instagram").fetch_post_metrics(
        ["17900000000000042"], access_token=_token("instagram")
    )
    assert "17900000000000042" in metrics.found
    # Only a reel has a shortcode, and only one that fits in its address.
    for platform, shortcode in [("tiktok", "DemoReel_43"), ("instagram", "not/a/code")]:
        with pytest.raises(RuntimeError, match="400"):
            simulator.create_post(platform, owner=OWNER, shortcode=shortcode)
