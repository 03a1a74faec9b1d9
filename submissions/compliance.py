"""Caption checks for a live post: required hashtags, required mentions, a disclosure that is
not buried. Pure functions (no database, no network) so the live-post checks, the draft page
and the API can all show the same item-by-item results.

Disclosure rule (our reading of the FTC's "Disclosures 101 for Social Media Influencers" and
the Endorsement Guides, see ../shared/reference/platform-apis.md §6): a disclosure must be
"hard to miss" — not only at the end, not where a reader must click "more", and not mixed
into a group of hashtags. The FTC's 2017 Instagram letters asked for it above "more", i.e.
within the first lines. So a clear disclosure (``#ad``, ``#sponsored``, ``#advertisement``,
``#paidpartnership``, "paid partnership", "sponsored by", or the words "ad"/"sponsored" opening
the caption) passes only when it is:

1. within the first ``PROMINENT_CHARS`` (125) characters — what Instagram and TikTok show
   before "more" — and
2. not after a run of 3 or more hashtags, and not inside such a run unless it leads it
   (``#ad #skincare #glow`` passes; ``#skincare #glow #ad`` does not).

Ambiguous tags the FTC called unclear (``#sp``, ``#spon``, ``#collab``, ``#partner``,
``#ambassador``, ``#thanks``) never count. The platform's own paid-partnership label (Instagram
"Paid partnership", TikTok's content disclosure, YouTube "Includes paid promotion") counts when
the platform reports it: the FTC says to use it *in addition to* one's own words, so the
message still recommends ``#ad`` in the caption.

Matching is case-insensitive and unicode-safe (NFKC, casefold, zero-width characters removed),
hashtags match whole tags only (``#ad`` does not match ``#adventure``), and Instagram mentions
may come back without their ``@`` (Graph strips it for non-admin apps), so there a bare handle
as a whole word counts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

PROMINENT_CHARS = 125
HASHTAG_RUN = 3  # this many hashtags in a row make a "group of hashtags"
OPENING_WORDS = 3  # "Ad:", "[AD]", "Sponsored |" … within the first words

DISCLOSURE_TAGS = frozenset(
    {
        "ad",
        "advert",
        "advertisement",
        "sponsored",
        "sponsoredpost",
        "paidpartnership",
        "paidpromotion",
        # common non-English equivalents
        "anzeige",
        "werbung",
        "publicidad",
        "publicité",
        "publicite",
    }
)
DISCLOSURE_WORDS = frozenset(
    {"ad", "advert", "advertisement", "sponsored", "anzeige", "werbung", "publicidad"}
)
DISCLOSURE_PHRASES = ("paid partnership", "sponsored by", "paid promotion", "advertisement")
AMBIGUOUS_TAGS = frozenset({"sp", "spon", "collab", "partner", "ambassador", "thanks"})
PLATFORM_LABELS = {
    "instagram": "Instagram's “Paid partnership” label",
    "tiktok": "TikTok's paid-partnership disclosure",
    "youtube": "YouTube's “Includes paid promotion” label",
}

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_HASHTAGS = re.compile(r"(?<![\w#&])((?:#\w+)+)")  # "#a#b" is two tags, "x#a" none
_MENTION = re.compile(r"(?<![\w@.])@([\w.]+)")
_TOKEN = re.compile(r"\S+")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class CheckItem:
    """One line of the results: ``key`` is stable (``hashtag:#glow``, ``mention:@brand``,
    ``disclosure``), ``message`` says in plain words what was found or what to fix."""

    key: str
    passed: bool
    message: str


def normalize(text: str) -> str:
    """NFKC + casefold, invisible characters removed: fullwidth ``#AD`` → ``#ad``."""
    return unicodedata.normalize("NFKC", text or "").translate(_INVISIBLE).casefold()


def _clean_tag(tag: str) -> str:
    return normalize(tag).strip().lstrip("#").strip()


def _clean_handle(handle: str) -> str:
    return normalize(handle).strip().lstrip("@").strip().rstrip(".")


def check_caption(
    *,
    caption: str,
    required_hashtags: Sequence[str] = (),
    required_mentions: Sequence[str] = (),
    disclosure_required: bool = True,
    platform: str = "",
    paid_partnership: bool | None = None,
) -> list[CheckItem]:
    """Item-by-item results for a caption. They inform; the reviewer decides."""
    text = normalize(caption)
    found = [_hashtag_item(text, tag) for tag in dict.fromkeys(map(_clean_tag, required_hashtags))]
    found += [
        _mention_item(text, handle, platform)
        for handle in dict.fromkeys(map(_clean_handle, required_mentions))
    ]
    items = [item for item in found if item is not None]
    if disclosure_required:
        items.append(_disclosure_item(text, platform, paid_partnership))
    return items


def _hashtag_item(text: str, tag: str) -> CheckItem | None:
    if not tag:
        return None
    found = tag in _hashtags(text)
    if found:
        return CheckItem(f"hashtag:#{tag}", True, f"#{tag} is in the caption.")
    return CheckItem(f"hashtag:#{tag}", False, f"Add #{tag} to the caption.")


def _mention_item(text: str, handle: str, platform: str) -> CheckItem | None:
    if not handle:
        return None
    key = f"mention:@{handle}"
    mentions = {m.group(1).rstrip(".") for m in _MENTION.finditer(text)}
    if handle in mentions:
        return CheckItem(key, True, f"@{handle} is mentioned.")
    if platform == "instagram" and re.search(rf"(?<![\w@.]){re.escape(handle)}(?![\w])", text):
        # Instagram's API hides the "@" from apps that do not manage the account.
        return CheckItem(key, True, f"@{handle} is mentioned (Instagram shows it without the @).")
    return CheckItem(key, False, f"Mention @{handle} in the caption.")


def _disclosure_item(text: str, platform: str, paid_partnership: bool | None) -> CheckItem:
    found, buried, ambiguous = _find_disclosure(text)
    label = PLATFORM_LABELS.get(platform, "the platform's paid-partnership label")
    if found:
        return CheckItem(
            "disclosure", True, f"The caption discloses the partnership up front ({found})."
        )
    if paid_partnership:
        return CheckItem(
            "disclosure",
            True,
            f"Disclosed by {label}. Adding #ad at the start of the caption as well is safer.",
        )
    if buried:
        return CheckItem(
            "disclosure",
            False,
            f"{buried} is buried (after the first {PROMINENT_CHARS} characters or in a group of "
            "hashtags). Put #ad or #sponsored at the start of the caption.",
        )
    if ambiguous:
        return CheckItem(
            "disclosure",
            False,
            f"#{ambiguous} is not a clear disclosure. Put #ad or #sponsored at the start of the "
            "caption.",
        )
    return CheckItem(
        "disclosure",
        False,
        "No disclosure found. Put #ad or #sponsored at the start of the caption.",
    )


def _find_disclosure(text: str) -> tuple[str, str, str]:
    """(prominent disclosure, buried disclosure, ambiguous tag) — each "" when absent."""
    tokens = list(_TOKEN.finditer(text))
    hashtags_only = [_is_hashtag_token(t.group()) for t in tokens]
    # Position in its hashtag run and that run's length, for every token.
    run_start = [0] * len(tokens)
    run_length = [0] * len(tokens)
    i = 0
    while i < len(tokens):
        j = i
        while j < len(tokens) and hashtags_only[j]:
            j += 1
        for k in range(i, j):
            run_start[k], run_length[k] = i, j - i
        i = max(j, i + 1)
    first_group_end = next(
        (run_start[k] + run_length[k] for k in range(len(tokens)) if run_length[k] >= HASHTAG_RUN),
        None,
    )

    def prominent(index: int) -> bool:
        if tokens[index].start() >= PROMINENT_CHARS:
            return False  # behind "more"
        if run_length[index] >= HASHTAG_RUN and run_start[index] != index:
            return False  # mixed into a group of hashtags (leading one is fine)
        return first_group_end is None or index < first_group_end  # not after a group

    prominent_hit = buried_hit = ambiguous_hit = ""
    for index, token in enumerate(tokens):
        for tag in _hashtags(token.group()):
            if tag in DISCLOSURE_TAGS:
                if prominent(index):
                    return f"#{tag}", "", ""
                buried_hit = buried_hit or f"#{tag}"
            elif tag in AMBIGUOUS_TAGS:
                ambiguous_hit = ambiguous_hit or tag
        if index < OPENING_WORDS and not token.group().startswith("#"):
            words = _WORD.findall(token.group())
            if words and words[0] in DISCLOSURE_WORDS:
                return f"“{words[0]}” at the start", "", ""
    for phrase in DISCLOSURE_PHRASES:
        for match in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", text):
            index = next(k for k, t in enumerate(tokens) if t.end() > match.start())
            if prominent(index):
                prominent_hit = prominent_hit or f"“{phrase}”"
            else:
                buried_hit = buried_hit or f"“{phrase}”"
    return prominent_hit, buried_hit, ambiguous_hit


def _hashtags(text: str) -> list[str]:
    return [tag for m in _HASHTAGS.finditer(text) for tag in m.group(1).split("#") if tag]


def _is_hashtag_token(token: str) -> bool:
    """A token made only of hashtags (``#a``, ``#a#b``, ``#a,``)."""
    stripped = token.strip(".,;:!?…)(")
    return (
        bool(stripped)
        and stripped.startswith("#")
        and all(part and _WORD.fullmatch(part) for part in stripped[1:].split("#"))
    )
