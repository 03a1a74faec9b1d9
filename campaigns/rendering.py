"""The brief is markdown written by a brand and read by creators: render it, then sanitise it.

markdown-it-py turns the text into HTML (raw HTML in the source is *not* passed through), and
nh3 (the Rust ``ammonia`` sanitiser) keeps only a small allow-list of tags and safe link
schemes, so nothing a brand types can run script in a creator's browser.
"""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "a",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
MAX_BRIEF_CHARS = 20_000


def render_brief(text: str | None) -> SafeString:
    """Markdown → sanitised HTML, safe to put in a template as is."""
    if not text:
        return mark_safe("")
    html = _md.render(text[:MAX_BRIEF_CHARS])
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow ugc",
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above
