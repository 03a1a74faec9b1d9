"""Which requests of a tracking link are not people: they are redirected but not counted.

Link-preview fetchers (chat apps, social networks), crawlers, uptime checks, HTTP libraries,
browser prefetch/prerender (``Sec-Purpose``/``Purpose: prefetch``) and ``HEAD`` requests. In-app
browsers of TikTok, Instagram, Pinterest or LinkedIn are people and are counted: only their
crawlers' names (``…bot``) match.
"""

import re

from django.http import HttpRequest

_BOT_AGENT = re.compile(
    r"bot\b|bot/|robot|crawl|spider|slurp|archiver|facebookexternalhit|facebookcatalog"
    r"|meta-externalagent|embedly|preview|whatsapp/|slack-imgproxy|skypeuripreview|bitlybot"
    r"|vkshare|googleother|google-inspectiontool|feedfetcher|mediapartners|lighthouse"
    r"|pingdom|uptime|statuscake|curl/|wget/|python-requests|python-httpx|python-urllib"
    r"|aiohttp|go-http-client|okhttp|java/|libwww|httpclient|node-fetch|axios/|scrapy",
    re.IGNORECASE,
)
_PREFETCH_HEADERS = ("Sec-Purpose", "Purpose", "X-Purpose", "X-Moz")


def is_automated(request: HttpRequest) -> bool:
    """True for a request that should not count as a click."""
    if request.method == "HEAD":
        return True
    for header in _PREFETCH_HEADERS:
        value = request.headers.get(header, "").lower()
        if "prefetch" in value or "prerender" in value or "preview" in value:
            return True
    agent = request.headers.get("User-Agent", "")
    # Browsers always send one; an empty agent is a script.
    return not agent.strip() or _BOT_AGENT.search(agent) is not None
