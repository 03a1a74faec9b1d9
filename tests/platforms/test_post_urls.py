"""Post URL parsing: every accepted form, and a clear error for everything else."""

from __future__ import annotations

import pytest

from platforms.errors import PlatformUnavailable
from platforms.post_urls import HttpShortLinkResolver, PostUrlError, parse_post_url
from platforms.simulator.client import SimulatorControl
from platforms.types import Platform

TT_ID = "7080213458555737986"
TT_CANON = f"https://www.tiktok.com/@jane.doe/video/{TT_ID}"
IG_SC = "C3xYz_AB-12"
YT_ID = "dQw4w9WgXcQ"
YT_CANON = f"https://www.youtube.com/watch?v={YT_ID}"


@pytest.mark.parametrize(
    ("text", "platform", "post_id", "canonical", "kind"),
    [
        # TikTok
        (f"https://www.tiktok.com/@jane.doe/video/{TT_ID}", "tiktok", TT_ID, TT_CANON, "video"),
        (f"https://www.tiktok.com/@Jane.Doe/video/{TT_ID}/", "tiktok", TT_ID, TT_CANON, "video"),
        (f"tiktok.com/@jane.doe/video/{TT_ID}", "tiktok", TT_ID, TT_CANON, "video"),
        (f"http://m.tiktok.com/@jane.doe/video/{TT_ID}", "tiktok", TT_ID, TT_CANON, "video"),
        (
            f"https://www.tiktok.com/@jane.doe/video/{TT_ID}?is_from_webapp=1&sender_device=pc"
            "&web_id=7312&_r=1&_t=8kX&utm_source=copy&utm_medium=android",
            "tiktok",
            TT_ID,
            TT_CANON,
            "video",
        ),
        (
            f"https://www.tiktok.com/@jane.doe/video/{TT_ID}#comments",
            "tiktok",
            TT_ID,
            TT_CANON,
            "video",
        ),
        (
            f"https://www.tiktok.com/@jane.doe/photo/{TT_ID}",
            "tiktok",
            TT_ID,
            f"https://www.tiktok.com/@jane.doe/photo/{TT_ID}",
            "photo",
        ),
        (
            f"https://m.tiktok.com/v/{TT_ID}.html?u_code=abc",
            "tiktok",
            TT_ID,
            f"https://m.tiktok.com/v/{TT_ID}.html",
            "video",
        ),
        (
            f"https://www.tiktok.com/embed/v2/{TT_ID}",
            "tiktok",
            TT_ID,
            f"https://m.tiktok.com/v/{TT_ID}.html",
            "video",
        ),
        (f"  {TT_CANON}  ", "tiktok", TT_ID, TT_CANON, "video"),
        # Instagram
        (
            f"https://www.instagram.com/p/{IG_SC}/",
            "instagram",
            IG_SC,
            f"https://www.instagram.com/p/{IG_SC}/",
            "post",
        ),
        (
            f"https://www.instagram.com/p/{IG_SC}/?igsh=MWQ1ZGUxMzBkMA==&utm_source=ig_web_copy_link",
            "instagram",
            IG_SC,
            f"https://www.instagram.com/p/{IG_SC}/",
            "post",
        ),
        (
            f"instagram.com/p/{IG_SC}",
            "instagram",
            IG_SC,
            f"https://www.instagram.com/p/{IG_SC}/",
            "post",
        ),
        (
            f"https://m.instagram.com/p/{IG_SC}/",
            "instagram",
            IG_SC,
            f"https://www.instagram.com/p/{IG_SC}/",
            "post",
        ),
        (
            f"https://instagr.am/p/{IG_SC}/",
            "instagram",
            IG_SC,
            f"https://www.instagram.com/p/{IG_SC}/",
            "post",
        ),
        (
            f"https://www.instagram.com/reel/{IG_SC}/?igsh=abc",
            "instagram",
            IG_SC,
            f"https://www.instagram.com/reel/{IG_SC}/",
            "reel",
        ),
        (
            f"https://www.instagram.com/reels/{IG_SC}/",
            "instagram",
            IG_SC,
            f"https://www.instagram.com/reel/{IG_SC}/",
            "reel",
        ),
        (
            f"https://www.instagram.com/tv/{IG_SC}/",
            "instagram",
            IG_SC,
            f"https://www.instagram.com/tv/{IG_SC}/",
            "tv",
        ),
        (
            f"https://www.instagram.com/jane.doe/p/{IG_SC}/",
            "instagram",
            IG_SC,
            f"https://www.instagram.com/p/{IG_SC}/",
            "post",
        ),
        (
            f"https://www.instagram.com/jane.doe/reel/{IG_SC}/",
            "instagram",
            IG_SC,
            f"https://www.instagram.com/reel/{IG_SC}/",
            "reel",
        ),
        # YouTube
        (f"https://www.youtube.com/watch?v={YT_ID}", "youtube", YT_ID, YT_CANON, "video"),
        (f"https://youtube.com/watch?v={YT_ID}&t=42s", "youtube", YT_ID, YT_CANON, "video"),
        (
            f"https://www.youtube.com/watch?feature=share&v={YT_ID}&list=PL123",
            "youtube",
            YT_ID,
            YT_CANON,
            "video",
        ),
        (f"https://m.youtube.com/watch?v={YT_ID}", "youtube", YT_ID, YT_CANON, "video"),
        (f"https://music.youtube.com/watch?v={YT_ID}&si=x", "youtube", YT_ID, YT_CANON, "video"),
        (f"https://youtu.be/{YT_ID}", "youtube", YT_ID, YT_CANON, "video"),
        (f"https://youtu.be/{YT_ID}?si=AbCdEfGh12345&t=10", "youtube", YT_ID, YT_CANON, "video"),
        (f"youtu.be/{YT_ID}", "youtube", YT_ID, YT_CANON, "video"),
        (f"https://www.youtube.com/shorts/{YT_ID}", "youtube", YT_ID, YT_CANON, "short"),
        (f"https://youtube.com/shorts/{YT_ID}?si=qwerty", "youtube", YT_ID, YT_CANON, "short"),
        (f"https://m.youtube.com/shorts/{YT_ID}/", "youtube", YT_ID, YT_CANON, "short"),
        (f"https://www.youtube.com/live/{YT_ID}?feature=share", "youtube", YT_ID, YT_CANON, "live"),
        (f"https://www.youtube.com/embed/{YT_ID}", "youtube", YT_ID, YT_CANON, "video"),
        (f"https://www.youtube-nocookie.com/embed/{YT_ID}", "youtube", YT_ID, YT_CANON, "video"),
        (f"HTTPS://WWW.YOUTUBE.COM/watch?v={YT_ID}", "youtube", YT_ID, YT_CANON, "video"),
    ],
)
def test_post_url_forms_parse_to_platform_id_and_canonical_url(
    text: str, platform: str, post_id: str, canonical: str, kind: str
) -> None:
    ref = parse_post_url(text)

    assert ref.platform == Platform(platform)
    assert ref.post_id == post_id
    assert ref.canonical_url == canonical
    assert ref.kind == kind
    assert ref.key == f"{platform}:{post_id}"


def test_canonical_url_parses_back_to_the_same_post() -> None:
    for text in (TT_CANON, f"https://www.instagram.com/reel/{IG_SC}/", f"https://youtu.be/{YT_ID}"):
        ref = parse_post_url(text)
        assert parse_post_url(ref.canonical_url) == ref


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("not a url at all", "not_a_url"),
        ("ftp://www.tiktok.com/@a/video/7080213458555737986", "not_a_url"),
        ("javascript:alert(1)", "not_a_url"),
        ("https://", "not_a_url"),
        ("https://www.tiktok.com:99999/@a/video/1", "not_a_url"),
        ("https://example.com/watch?v=dQw4w9WgXcQ", "unsupported_site"),
        ("https://www.facebook.com/reel/123", "unsupported_site"),
        ("https://tiktok.com.evil.example/@a/video/7080213458555737986", "unsupported_site"),
        ("https://vimeo.com/123456", "unsupported_site"),
        # profiles and other pages
        ("https://www.tiktok.com/@jane.doe", "not_a_post"),
        ("https://www.tiktok.com/@jane.doe/", "not_a_post"),
        ("https://www.tiktok.com/foryou", "not_a_post"),
        ("https://www.instagram.com/jane.doe/", "not_a_post"),
        ("https://www.instagram.com/stories/jane.doe/3123/", "not_a_post"),
        ("https://www.instagram.com/", "not_a_post"),
        ("https://www.youtube.com/@JaneDoe", "not_a_post"),
        ("https://www.youtube.com/channel/UC1234567890", "not_a_post"),
        ("https://www.youtube.com/", "not_a_post"),
        ("https://www.youtube.com/playlist?list=PL123", "not_a_post"),
        # malformed ids
        ("https://www.tiktok.com/@jane.doe/video/12345", "malformed_id"),
        ("https://www.tiktok.com/@jane.doe/video/7080213458555737986abc", "malformed_id"),
        ("https://www.instagram.com/p/ab/", "malformed_id"),
        ("https://www.instagram.com/p/", "malformed_id"),
        ("https://www.instagram.com/reel/abc$def/", "malformed_id"),
        ("https://www.youtube.com/watch?v=short", "malformed_id"),
        ("https://www.youtube.com/watch?v=", "malformed_id"),
        ("https://www.youtube.com/watch", "malformed_id"),
        ("https://youtu.be/", "malformed_id"),
        ("https://youtu.be/dQw4w9WgXcQextra", "malformed_id"),
        ("https://www.youtube.com/shorts/dQw4w9WgXc%21", "malformed_id"),
        ("https://vm.tiktok.com/", "malformed_id"),
        # a short link with no resolver
        ("https://vm.tiktok.com/ZMabc123/", "short_link_unresolved"),
    ],
)
def test_anything_else_is_refused_with_a_code_and_plain_words(text: str, code: str) -> None:
    with pytest.raises(PostUrlError) as caught:
        parse_post_url(text)

    assert caught.value.code == code
    assert caught.value.message
    assert isinstance(caught.value, ValueError)


def test_unicode_and_very_long_input_is_refused_cleanly() -> None:
    for text in (
        "https://www.tiktok.com/@jäne/video/" + "\uff17" * 19,  # fullwidth digits
        "x" * 5000,
    ):
        with pytest.raises(PostUrlError):
            parse_post_url(text)


class _StubResolver:
    def __init__(self, answers: dict[str, str | None]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    def location(self, url: str) -> str | None:
        self.asked.append(url)
        return self.answers.get(url)


def test_short_links_follow_the_redirect_chain() -> None:
    resolver = _StubResolver(
        {
            "https://vt.tiktok.com/ZSabc123/": "https://vm.tiktok.com/ZMdef456/",
            "https://vm.tiktok.com/ZMdef456/": f"{TT_CANON}?_r=1&_t=8abc",
        }
    )

    ref = parse_post_url("vt.tiktok.com/ZSabc123/", resolver=resolver)

    assert (ref.platform, ref.post_id, ref.canonical_url) == (Platform.TIKTOK, TT_ID, TT_CANON)
    assert len(resolver.asked) == 2


def test_short_link_to_a_profile_or_nowhere_is_refused() -> None:
    resolver = _StubResolver({"https://vm.tiktok.com/ZMprof1/": "https://www.tiktok.com/@jane.doe"})

    with pytest.raises(PostUrlError) as to_profile:
        parse_post_url("https://vm.tiktok.com/ZMprof1/", resolver=resolver)
    with pytest.raises(PostUrlError) as dead:
        parse_post_url("https://vm.tiktok.com/ZMgone1/", resolver=resolver)

    assert to_profile.value.code == "not_a_post"
    assert dead.value.code == "short_link_unresolved"


def test_short_link_loop_is_refused() -> None:
    resolver = _StubResolver(
        {
            "https://vm.tiktok.com/ZMloop1/": "https://vt.tiktok.com/ZSloop2/",
            "https://vt.tiktok.com/ZSloop2/": "https://vm.tiktok.com/ZMloop1/",
        }
    )

    with pytest.raises(PostUrlError) as caught:
        parse_post_url("https://vm.tiktok.com/ZMloop1/", resolver=resolver)

    assert caught.value.code == "short_link_unresolved"


def _sim_resolver(simulator: SimulatorControl) -> HttpShortLinkResolver:
    return HttpShortLinkResolver(simulator.short_link_base_urls(), timeout=5.0)


def test_short_links_resolve_over_http_against_the_simulator(simulator: SimulatorControl) -> None:
    post = simulator.create_post("tiktok", owner="jane.doe", caption="#ad hello")
    resolver = _sim_resolver(simulator)

    try:
        for host in ("vm.tiktok.com", "vt.tiktok.com"):
            ref = parse_post_url(f"https://{host}/{post['short_code']}/", resolver=resolver)
            assert ref.post_id == post["id"]
            assert ref.handle == "jane.doe"
        with pytest.raises(PostUrlError) as unknown:
            parse_post_url("https://vm.tiktok.com/ZMnothere/", resolver=resolver)
    finally:
        resolver.close()

    assert unknown.value.code == "short_link_unresolved"


def test_short_link_host_down_is_temporary_not_a_verdict(simulator: SimulatorControl) -> None:
    resolver = HttpShortLinkResolver({"vm.tiktok.com": "http://127.0.0.1:1"}, timeout=1.0)

    try:
        with pytest.raises(PlatformUnavailable):
            parse_post_url("https://vm.tiktok.com/ZMabc123/", resolver=resolver)
    finally:
        resolver.close()
