"""Caption compliance: required hashtags and mentions, and a disclosure that is not buried."""

from __future__ import annotations

import pytest

from submissions.compliance import PROMINENT_CHARS, CheckItem, check_caption


def _by_key(items: list[CheckItem]) -> dict[str, CheckItem]:
    return {item.key: item for item in items}


def _disclosure(caption: str, **kwargs: object) -> CheckItem:
    items = check_caption(caption=caption, disclosure_required=True, **kwargs)  # type: ignore[arg-type]
    return _by_key(items)["disclosure"]


@pytest.mark.parametrize(
    ("caption", "passed"),
    [
        # clear and up front
        ("#ad Loving this serum from @glowco", True),
        ("#AD Loving this serum", True),
        ("#Sponsored: my new favourite serum", True),
        ("#advertisement my morning routine", True),
        ("#paidpartnership with @glowco", True),
        ("Loving this serum from @glowco #ad", True),
        ("Ad: my morning routine with @glowco", True),
        ("[AD] my morning routine", True),
        ("Sponsored | my morning routine", True),
        ("Paid partnership with @glowco. My routine!", True),
        ("My routine, sponsored by @glowco", True),
        ("Morning routine\n#ad with @glowco", True),
        ("#ad #skincare #glow #routine love it", True),  # leads the group
        ("Love it #ad #skincare #glow #routine", True),
        ("\uff03\uff21\uff24 my routine", True),  # fullwidth
        ("#a\u200bd my routine", True),  # zero-width space inside the tag
        ("(#ad) my routine", True),
        ("#ad, my routine", True),
        ("#Werbung Meine Routine", True),
        ("#publicité ma routine", True),
        # buried
        ("my routine #skincare #glow #ad", False),
        ("my routine #skincare #glow #care\n\n#ad", False),
        ("#skincare #glow #routine then a word #ad", False),
        ("x" * PROMINENT_CHARS + " #ad", False),
        ("Great day " * 20 + "paid partnership with @glowco", False),
        # not a disclosure
        ("Loving my #adventure with @glowco", False),
        ("#adidas fit check", False),
        ("#ads are everywhere", False),
        ("my #sp routine", False),
        ("my #spon routine", False),
        ("#collab with @glowco", False),
        ("#partner @glowco", False),
        ("#ambassador life", False),
        ("Thanks @glowco for the serum", False),
        ("email me at ad@example.com", False),
        ("my road trip", False),
        ("a bad day", False),
        ("I made this video for my channel, it is not an ad at all, ok", False),
        ("", False),
    ],
)
def test_disclosure_must_be_clear_and_up_front(caption: str, passed: bool) -> None:
    item = _disclosure(caption)

    assert item.passed is passed, item.message
    assert item.message


def test_buried_disclosure_says_where_it_is_and_what_to_do() -> None:
    item = _disclosure("my routine #skincare #glow #ad")

    assert "#ad is buried" in item.message
    assert "start of the caption" in item.message


def test_ambiguous_tag_is_named_in_the_message() -> None:
    item = _disclosure("my #spon routine")

    assert "#spon is not a clear disclosure" in item.message


@pytest.mark.parametrize(
    ("platform", "label_words"),
    [
        ("instagram", "Paid partnership"),
        ("tiktok", "TikTok"),
        ("youtube", "Includes paid promotion"),
    ],
)
def test_the_platforms_paid_partnership_label_counts_but_ad_is_still_advised(
    platform: str, label_words: str
) -> None:
    labelled = _disclosure("my routine", platform=platform, paid_partnership=True)
    unknown = _disclosure("my routine", platform=platform, paid_partnership=None)
    off = _disclosure("my routine", platform=platform, paid_partnership=False)

    assert labelled.passed
    assert label_words in labelled.message
    assert "#ad" in labelled.message
    assert not unknown.passed
    assert not off.passed


def test_no_disclosure_item_when_the_campaign_does_not_require_one() -> None:
    items = check_caption(caption="my routine", disclosure_required=False)

    assert items == []


@pytest.mark.parametrize(
    ("caption", "tag", "passed"),
    [
        ("Morning #GlowUp routine", "glowup", True),
        ("Morning #glowup routine", "#GlowUp", True),
        ("Morning #glowup, routine", "glowup", True),
        ("Morning #glowupper routine", "glowup", False),
        ("Morning glowup routine", "glowup", False),
        ("Morning #glow #up routine", "glowup", False),
        ("Morning foo#glowup routine", "glowup", False),
        ("#café time", "Café", True),
        ("#CAFÉ time", "café", True),
        ("#\uff47\uff4c\uff4f\uff57\uff55\uff50 fullwidth", "glowup", True),
        ("#straße", "STRASSE", True),  # casefold: ß is ss
        ("#東京 trip", "東京", True),
        ("#glowup#skincare stuck together", "skincare", True),
    ],
)
def test_required_hashtags_match_whole_tags_case_insensitively(
    caption: str, tag: str, passed: bool
) -> None:
    items = check_caption(caption=caption, required_hashtags=[tag], disclosure_required=False)

    (item,) = items
    assert item.key.startswith("hashtag:#")
    assert item.passed is passed, (caption, tag, item.message)
    assert ("Add #" in item.message) is not passed


@pytest.mark.parametrize(
    ("caption", "handle", "platform", "passed"),
    [
        ("thanks @GlowCo!", "glowco", "tiktok", True),
        ("thanks @glowco.", "@GlowCo", "youtube", True),
        ("thanks @glow.co for this", "glow.co", "instagram", True),
        ("thanks @glowcosmetics", "glowco", "tiktok", False),
        ("thanks glowco", "glowco", "tiktok", False),  # TikTok keeps the @: missing
        ("thanks glowco", "glowco", "instagram", True),  # Graph hides the @ from apps
        ("thanks glowcosmetics", "glowco", "instagram", False),
        ("mail me: me@glowco.com", "glowco", "tiktok", False),
        (
            "thanks \uff20\uff27\uff4c\uff4f\uff57\uff23\uff4f",
            "glowco",
            "tiktok",
            True,
        ),  # fullwidth @
    ],
)
def test_required_mentions(caption: str, handle: str, platform: str, passed: bool) -> None:
    (item,) = check_caption(
        caption=caption,
        required_mentions=[handle],
        disclosure_required=False,
        platform=platform,
    )

    assert item.key == f"mention:@{handle.lstrip('@').lower()}"
    assert item.passed is passed, (caption, handle, item.message)


def test_results_are_item_by_item_in_a_stable_order() -> None:
    items = check_caption(
        caption="#ad Morning #GlowUp with @glowco",
        required_hashtags=["glowup", "#GlowUp", "spf"],
        required_mentions=["@glowco", "sunbrand"],
        disclosure_required=True,
        platform="tiktok",
        paid_partnership=None,
    )

    assert [(i.key, i.passed) for i in items] == [
        ("hashtag:#glowup", True),
        ("hashtag:#spf", False),
        ("mention:@glowco", True),
        ("mention:@sunbrand", False),
        ("disclosure", True),
    ]
    assert all(i.message for i in items)


def test_blank_requirements_are_ignored() -> None:
    items = check_caption(
        caption="hi",
        required_hashtags=["", "#"],
        required_mentions=[" ", "@"],
        disclosure_required=False,
    )

    assert items == []
