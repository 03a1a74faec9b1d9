"""parse_handle: what people type becomes one normalised handle, or a clear ValueError."""

from __future__ import annotations

import pytest

from platforms.handles import parse_handle, profile_url
from platforms.types import Platform


@pytest.mark.parametrize(
    ("platform", "text", "expected"),
    [
        ("tiktok", "@Foo", "foo"),
        ("tiktok", "  foo.bar_9  ", "foo.bar_9"),
        ("tiktok", "https://www.tiktok.com/@foo", "foo"),
        ("tiktok", "https://www.tiktok.com/@Foo/video/7080213458555737986?lang=en", "foo"),
        ("tiktok", "tiktok.com/@foo", "foo"),
        ("instagram", "@Foo", "foo"),
        ("instagram", "https://www.instagram.com/foo.bar/", "foo.bar"),
        ("instagram", "instagram.com/Foo?igsh=abc", "foo"),
        ("instagram", "f", "f"),
        ("youtube", "@Foo", "foo"),
        ("youtube", "https://www.youtube.com/@Foo-Bar", "foo-bar"),
        ("youtube", "m.youtube.com/@foo/shorts", "foo"),
        ("youtube", "@Café.Olé", "café.olé"),
        (Platform.YOUTUBE, "foo_bar", "foo_bar"),
    ],
)
def test_parse_handle_normalises(platform: str, text: str, expected: str) -> None:
    assert parse_handle(platform, text) == expected


@pytest.mark.parametrize(
    ("platform", "text", "message"),
    [
        ("tiktok", "", "Enter a TikTok handle"),
        ("tiktok", "   ", "Enter a TikTok handle"),
        ("tiktok", "@", "not a valid TikTok handle"),
        ("tiktok", "foo bar", "not a valid TikTok handle"),
        ("tiktok", "foo.", "not a valid TikTok handle"),
        ("tiktok", "a" * 25, "not a valid TikTok handle"),
        ("tiktok", "https://www.instagram.com/foo", "not a TikTok profile address"),
        ("tiktok", "https://www.tiktok.com/foo", "use the one with the @handle"),
        ("tiktok", "https://vm.tiktok.com/ZMabc/", "short link"),
        ("tiktok", "https://www.tiktok.com/", "has no TikTok handle"),
        ("instagram", "foo..bar", "not a valid Instagram handle"),
        ("instagram", ".foo", "not a valid Instagram handle"),
        ("instagram", "foo)", "not a valid Instagram handle"),
        ("instagram", "x){id}", "not a valid Instagram handle"),
        ("instagram", "https://www.instagram.com/p/Cx12ab/", "not an Instagram profile"),
        ("instagram", "https://www.instagram.com/reel/Cx12ab/", "not an Instagram profile"),
        ("youtube", "ab", "not a valid YouTube handle"),
        ("youtube", "https://www.youtube.com/channel/UC123", "@handle"),
        ("youtube", "https://youtu.be/dQw4w9WgXcQ", "short link"),
        ("youtube", "https://evil.example/@foo", "not a YouTube profile address"),
        ("youtube", "http://[::1", "not a YouTube profile address"),
        ("youtube", "javascript:alert(1)", "not a valid YouTube handle"),
    ],
)
def test_parse_handle_rejects_garbage_with_a_clear_message(
    platform: str, text: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        parse_handle(platform, text)


def test_parse_handle_rejects_unknown_platform() -> None:
    with pytest.raises(ValueError):
        parse_handle("myspace", "foo")


def test_profile_urls() -> None:
    assert profile_url("tiktok", "foo") == "https://www.tiktok.com/@foo"
    assert profile_url("instagram", "foo") == "https://www.instagram.com/foo/"
    assert profile_url("youtube", "foo") == "https://www.youtube.com/@foo"
