"""Odd payloads from the platforms, read per post: a count as "1,234" or "12K", a null, a
negative or a figure past PostgreSQL's bigint, an item that is no object or has no id, an
answer without its ``data``/``items``, an error inside a 200. Each odd post fails on its own —
to be retried, never a verdict — and the rest of its call keeps its figures.

The platform answers come from ``httpx.MockTransport`` (the network edge), as in
``test_platform_posts.py``: the simulator serves well-formed payloads only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from platforms.errors import PlatformUnavailable, UnexpectedResponse
from platforms.instagram import InstagramClient
from platforms.simulator.client import SimulatorControl
from platforms.tiktok import TikTokClient
from platforms.types import PostBatch
from platforms.youtube import YouTubeClient

Answer = Callable[[httpx.Request], httpx.Response]
OK = {"code": "ok", "message": "", "log_id": "x"}
BIGINT_PAST = 2**63  # one more than PostgreSQL's bigint holds

# (label, raw count) → read as that figure (None: no figure), or unreadable (FAILS).
FAILS = object()
TIKTOK_COUNTS: list[tuple[str, Any, Any]] = [
    ("number", 1234, 1234),
    ("null", None, None),
    ("digits as text", "1234", 1234),
    ("thousands separator", "1,234", FAILS),
    ("abbreviated", "12K", FAILS),
    ("negative", -5, FAILS),
    ("past bigint", BIGINT_PAST, FAILS),
    ("fraction", 12.5, FAILS),
    ("boolean", True, FAILS),
    ("object", {"value": 1}, FAILS),
    ("superscript digit", "\u00b2", FAILS),
]


def tiktok_id(n: int) -> str:
    return f"70000000000000{n:05d}"


def youtube_id(n: int) -> str:
    return f"vid{n:08d}"


def ig_id(n: int) -> str:
    return f"180000000000{n:05d}"


def _tiktok(answer: Answer) -> TikTokClient:
    return TikTokClient(
        base_url="https://tt.example", transport=httpx.MockTransport(answer), max_attempts=1
    )


def _youtube(answer: Answer) -> YouTubeClient:
    return YouTubeClient(
        base_url="https://yt.example",
        api_key="k",
        transport=httpx.MockTransport(answer),
        max_attempts=1,
    )


def _instagram(answer: Answer) -> InstagramClient:
    return InstagramClient(
        base_url="https://graph.example/v25.0",
        access_token="t",
        ig_user_id="1",
        transport=httpx.MockTransport(answer),
        max_attempts=1,
    )


def _each_id_once(batch: PostBatch[Any], ids: list[str]) -> None:
    groups = (set(batch.found), set(batch.unavailable), set(batch.failed))
    assert set().union(*groups) == set(ids)
    assert sum(len(g) for g in groups) == len(ids)


def _assert_per_post(batch: PostBatch[Any], ids: list[str], expected: list[Any]) -> None:
    _each_id_once(batch, ids)
    for post_id, want in zip(ids, expected, strict=True):
        if want is FAILS:
            assert isinstance(batch.failed.get(post_id), UnexpectedResponse), post_id
        else:
            assert batch.found[post_id].views == want, post_id
    assert not batch.unavailable  # an odd count is never "the post is gone"


def test_tiktok_odd_counts_fail_only_their_own_post() -> None:
    ids = [tiktok_id(i) for i in range(len(TIKTOK_COUNTS))]
    videos = [
        {"id": i, "view_count": raw, "like_count": 1, "comment_count": 0, "share_count": 0}
        for i, (_, raw, _) in zip(ids, TIKTOK_COUNTS, strict=True)
    ]

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": {"videos": videos}, "error": OK})

    batch = _tiktok(answer).fetch_post_metrics(ids, access_token="act.x")

    _assert_per_post(batch, ids, [want for _, _, want in TIKTOK_COUNTS])
    assert batch.calls == 1


def test_youtube_odd_counts_fail_only_their_own_post_and_a_deleted_one_is_gone() -> None:
    # YouTube sends uint64 counts as strings; numbers are read too.
    counts = [*TIKTOK_COUNTS, ("past bigint as text", str(BIGINT_PAST), FAILS)]
    ids = [youtube_id(i) for i in range(len(counts))]
    deleted = youtube_id(99)
    items = [
        {"kind": "youtube#video", "id": i, "statistics": {"viewCount": raw, "likeCount": "1"}}
        for i, (_, raw, _) in zip(ids, counts, strict=True)
    ]

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"kind": "youtube#videoListResponse", "items": items})

    batch = _youtube(answer).fetch_post_metrics([*ids, deleted])

    assert set(batch.unavailable) == {deleted}
    del batch.unavailable[deleted]
    _assert_per_post(batch, ids, [want for _, _, want in counts])


def test_instagram_odd_counts_and_a_media_that_is_no_object_fail_only_their_post() -> None:
    good, text, negative, huge_insight, junk = (ig_id(i) for i in range(5))

    def insight(value: Any) -> dict[str, Any]:
        return {"data": [{"name": "views", "period": "lifetime", "values": [{"value": value}]}]}

    payload = {
        good: {"id": good, "like_count": 3, "insights": insight(250)},
        text: {"id": text, "like_count": "1,234", "insights": insight(5)},
        negative: {"id": negative, "like_count": 1, "comments_count": -1},
        huge_insight: {"id": huge_insight, "like_count": 1, "insights": insight(BIGINT_PAST)},
        junk: "not an object",
    }

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=payload)

    ids = list(payload)
    batch = _instagram(answer).fetch_post_metrics(ids)

    _each_id_once(batch, ids)
    assert batch.found[good].views == 250
    assert set(batch.failed) == {text, negative, huge_insight, junk}
    assert all(isinstance(e, UnexpectedResponse) for e in batch.failed.values())
    assert not batch.unavailable


def test_instagram_lookup_of_a_media_that_is_no_object_is_no_crash() -> None:
    good, junk = ig_id(1), ig_id(2)
    media = {
        "id": good,
        "username": "jane",
        "timestamp": "2026-11-01T10:00:00+0000",
        "permalink": "https://www.instagram.com/p/Abc/",
    }

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={good: media, junk: ["no"]})

    batch = _instagram(answer).lookup_posts([good, junk])

    assert set(batch.found) == {good}
    assert isinstance(batch.failed[junk], UnexpectedResponse)


@pytest.mark.parametrize(
    "item",
    [
        pytest.param("a string", id="not an object"),
        pytest.param({"view_count": 5}, id="no id"),
        pytest.param({"id": None, "view_count": 5}, id="null id"),
        pytest.param({"id": True, "view_count": 5}, id="boolean id"),
    ],
)
def test_an_unreadable_item_makes_the_posts_left_out_a_retry_not_a_verdict(item: Any) -> None:
    """A TikTok video left out is gone for good, unless the answer held a video we could not
    name: it may be one of them, so those are retried (and the readable one is found)."""
    found, left_out = tiktok_id(1), tiktok_id(2)

    def answer(request: httpx.Request) -> httpx.Response:
        videos = [{"id": found, "view_count": 10}, item]
        return httpx.Response(200, json={"data": {"videos": videos}, "error": OK})

    batch = _tiktok(answer).fetch_post_metrics([found, left_out], access_token="act.x")

    assert batch.found[found].views == 10
    assert isinstance(batch.failed[left_out], UnexpectedResponse)
    assert not batch.unavailable


def test_youtube_unreadable_item_makes_the_videos_left_out_a_retry() -> None:
    found, left_out = youtube_id(1), youtube_id(2)

    def answer(request: httpx.Request) -> httpx.Response:
        items = [{"id": found, "statistics": {"viewCount": "7"}}, {"statistics": {}}]
        return httpx.Response(200, json={"kind": "youtube#videoListResponse", "items": items})

    batch = _youtube(answer).fetch_post_metrics([found, left_out])

    assert batch.found[found].views == 7
    assert isinstance(batch.failed[left_out], UnexpectedResponse)
    assert not batch.unavailable


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"error": OK}, id="no data"),
        pytest.param({"data": None, "error": OK}, id="null data"),
        pytest.param({"data": [], "error": OK}, id="data is a list"),
        pytest.param({"data": {"videos": "none"}, "error": OK}, id="videos not a list"),
    ],
)
def test_tiktok_answer_without_its_data_is_no_verdict_on_the_posts(body: dict[str, Any]) -> None:
    ids = [tiktok_id(1), tiktok_id(2)]

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=body)

    for method in ("fetch_post_metrics", "lookup_posts"):
        batch = getattr(_tiktok(answer), method)(ids, access_token="act.x")

        assert set(batch.failed) == set(ids), method
        assert not batch.unavailable  # not "deleted": the answer said nothing about them
        assert not batch.found


def test_youtube_answer_that_is_no_video_list_is_no_verdict_but_an_empty_list_is() -> None:
    ids = [youtube_id(1), youtube_id(2)]
    bodies: list[dict[str, Any]] = [{}]

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=bodies[0])

    client = _youtube(answer)
    for method in ("fetch_post_metrics", "lookup_posts"):
        batch = getattr(client, method)(ids)
        assert set(batch.failed) == set(ids), method
        assert not batch.unavailable

    # A real empty answer (every id deleted): Google may leave ``items`` out altogether.
    bodies[0] = {"kind": "youtube#videoListResponse", "pageInfo": {"totalResults": 0}}
    batch = client.fetch_post_metrics(ids)
    assert set(batch.unavailable) == set(ids)


def test_graph_error_object_inside_a_200_is_an_error_not_figures() -> None:
    ids = [ig_id(1), ig_id(2)]

    def answer(request: httpx.Request) -> httpx.Response:
        error = {"message": "An unexpected error has occurred.", "code": 2, "is_transient": True}
        return httpx.Response(200, json={"error": error})

    batch = _instagram(answer).fetch_post_metrics(ids)

    assert set(batch.failed) == set(ids)
    assert all(isinstance(e, PlatformUnavailable) for e in batch.failed.values())
    assert not batch.found
    assert not batch.unavailable


def test_youtube_error_object_inside_a_200_is_an_error_not_a_deletion() -> None:
    ids = [youtube_id(1)]

    def answer(request: httpx.Request) -> httpx.Response:
        error = {"code": 503, "message": "Backend Error", "errors": [{"reason": "backendError"}]}
        return httpx.Response(200, json={"error": error})

    batch = _youtube(answer).fetch_post_metrics(ids)

    assert set(batch.failed) == set(ids)
    assert not batch.unavailable


def test_a_huge_simulated_post_fails_alone_over_http(simulator: SimulatorControl) -> None:
    """The same through the simulator: a post whose views pass bigint, among normal ones."""
    owner = "edge.case"
    normal = [simulator.create_post("tiktok", owner=owner)["id"] for _ in range(2)]
    huge = simulator.create_post("tiktok", owner=owner, final_views=10**30)["id"]
    client = TikTokClient(base_url=simulator.platform_url("tiktok"), max_attempts=1)

    batch = client.fetch_post_metrics(
        [*normal, huge], access_token=SimulatorControl.user_token("tiktok", owner)
    )

    assert set(batch.found) == set(normal)
    assert isinstance(batch.failed[huge], UnexpectedResponse)
    assert "out of range" in str(batch.failed[huge])
