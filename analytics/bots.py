"""Which requests of a tracking link are not people: they are redirected but not counted.

Link-preview fetchers (chat apps, social networks), crawlers, uptime checks, HTTP libraries,
browser prefetch/prerender (``Sec-Purpose``/``Purpose: prefetch``) and ``HEAD`` requests. In-app
browsers of TikTok, Instagram, Pinterest or LinkedIn are people and are counted: only their
crawlers' names (``…bot``) match.
"""

import functools
import re

from django.http import HttpRequest

# Plain substrings of the lower-cased agent: ``in`` is ~50x cheaper than one regex alternation
# scanned at every position (this runs on every click).
_BOT_WORDS = (
    "robot", "crawl", "spider", "slurp", "archiver", "facebookexternalhit", "facebookcatalog",
    "meta-externalagent", "embedly", "preview", "whatsapp/", "slack-imgproxy", "skypeuripreview",
    "vkshare", "googleother", "google-inspectiontool", "feedfetcher", "mediapartners",
    "lighthouse", "pingdom", "uptime", "statuscake", "curl/", "wget/", "python-requests",
    "python-httpx", "python-urllib", "aiohttp", "go-http-client", "okhttp", "java/", "libwww",
    "httpclient", "node-fetch", "axios/", "scrapy",
)  # fmt: skip
# "…bot" as a word ("Googlebot/2.1", "TelegramBot (", "Slackbot-…"), not inside one.
_BOT_SUFFIX = re.compile(r"bot\b|bot/")
_PREFETCH_HEADERS = ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ")


def is_automated(request: HttpRequest) -> bool:
    """True for a request that should not count as a click."""
    if request.method == "HEAD":
        return True
    meta = request.META  # not request.headers: this runs on every click, keep it cheap
    for header in _PREFETCH_HEADERS:
        if header in meta:
            value = meta[header].lower()
            if "prefetch" in value or "prerender" in value or "preview" in value:
                return True
    return _is_bot_agent(meta.get("HTTP_USER_AGENT", ""))


@functools.lru_cache(maxsize=4096)  # a few browser versions make most of the traffic
def _is_bot_agent(agent: str) -> bool:
    agent = agent.strip().lower()
    # Browsers always send one; an empty agent is a script.
    if not agent or ("bot" in agent and _BOT_SUFFIX.search(agent)):
        return True
    return any(word in agent for word in _BOT_WORDS)
