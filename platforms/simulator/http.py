"""Minimal request/response helpers for the WSGI simulator (no framework)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

MAX_BODY_BYTES = 1_000_000


@dataclass
class Request:
    method: str
    path: str  # below the platform prefix, e.g. "/v2/research/user/info/"
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes

    @classmethod
    def from_environ(cls, environ: dict[str, Any]) -> Request:
        # PEP 3333 hands PATH_INFO over as latin-1; undo that to get the UTF-8 text back.
        path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")
        query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        headers = {
            key[5:].replace("_", "-").lower(): str(value)
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        try:
            length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_BODY_BYTES)
        except ValueError:
            length = 0
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        return cls(environ.get("REQUEST_METHOD", "GET").upper(), path, query, headers, body)

    def json(self) -> Any:
        """Decoded JSON body; None when absent or invalid."""
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None

    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode("utf-8", "replace")).items()}

    def bearer_token(self) -> str:
        scheme, _, token = self.headers.get("authorization", "").partition(" ")
        return token.strip() if scheme.lower() in {"bearer", "oauth"} else ""


@dataclass
class Response:
    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def status_line(self) -> str:
        return f"{self.status} {HTTPStatus(self.status).phrase}"


def json_response(
    status: int, payload: Any, headers: list[tuple[str, str]] | None = None
) -> Response:
    body = json.dumps(payload, ensure_ascii=False).encode()
    return Response(
        status, body, [("Content-Type", "application/json; charset=UTF-8"), *(headers or [])]
    )


def raw_response(
    status: int, body: bytes, content_type: str, headers: list[tuple[str, str]] | None = None
) -> Response:
    return Response(status, body, [("Content-Type", content_type), *(headers or [])])


def html_error(status: int) -> Response:
    """What a load balancer in front of an API answers: HTML, not the API's JSON."""
    phrase = HTTPStatus(status).phrase
    return raw_response(
        status, f"<html><body><h1>{status} {phrase}</h1></body></html>".encode(), "text/html"
    )


def retry_after(seconds: int | None) -> list[tuple[str, str]]:
    return [("Retry-After", str(seconds))] if seconds else []


def new_log_id() -> str:
    return uuid.uuid4().hex.upper()[:32]
