"""The API router: a trailing slash is optional (``/api/v1/brands`` and ``/api/v1/brands/``).

DRF's ``SimpleRouter(trailing_slash="/?")`` does not do that: it turns any true value into "/",
so a request without the slash is answered by Django's APPEND_SLASH with a 301 — and a POST
redirected that way loses its body (most clients then repeat it as a GET).
"""

from rest_framework.routers import SimpleRouter


class OptionalSlashRouter(SimpleRouter):
    def __init__(self) -> None:
        super().__init__()
        self.trailing_slash = "/?"
