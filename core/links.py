"""Absolute links that follow the address the site is served at.

With a request (a page, an API call) the link is built from the request's own scheme and host,
so ``make run`` on any port hands out links to that port. Without one (a Celery worker sending
an e-mail) it falls back to ``settings.SITE_URL``, which ``scripts/run.sh`` sets from ``PORT``.
"""

from django.conf import settings
from django.http import HttpRequest


def absolute_url(path: str, request: HttpRequest | None = None) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    if request is not None:
        return request.build_absolute_uri(path)
    return str(settings.SITE_URL).rstrip("/") + path
