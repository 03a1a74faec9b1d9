"""DRF authentication by organization API key: ``Authorization: Bearer chorus_…``."""

from typing import Any

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from organizations.access import api_key_is_usable
from organizations.api_throttling import failed_auth_check, failed_auth_record
from organizations.models import ApiKey
from organizations.secrets import hash_secret, looks_like_api_key
from organizations.services import api_key_touch


class ApiKeyUser:
    """The request.user of an API-key request: authenticated, but not a person."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    pk = None
    id = None

    def __init__(self, api_key: ApiKey) -> None:
        self.api_key = api_key

    def __str__(self) -> str:
        return f"API key {self.api_key.prefix}…"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiKey] | None:
        header = authentication.get_authorization_header(request).decode(
            "latin-1", errors="replace"
        )
        if not header:
            return None
        parts = header.split()
        if not parts or parts[0].lower() != self.keyword.lower():
            return None
        # An address that keeps failing is refused before we even look (guessing keys is slow).
        failed_auth_check(request)
        if len(parts) != 2:
            self._fail(request, "Malformed Authorization header: use 'Bearer <key>'.")
        raw = parts[1]
        if not looks_like_api_key(raw):
            self._fail(request, "Malformed API key: keys start with 'chorus_'.")
        api_key = (
            ApiKey.objects.select_related("organization").filter(key_hash=hash_secret(raw)).first()
        )
        if api_key is None:
            self._fail(request, "Unknown API key.")
        assert api_key is not None
        if not api_key_is_usable(api_key):
            self._fail(request, "This API key has been revoked or has expired.")
        api_key_touch(api_key)
        return ApiKeyUser(api_key), api_key

    def _fail(self, request: Request, message: str) -> None:
        failed_auth_record(request)
        raise exceptions.AuthenticationFailed(message)

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="chorus"'
