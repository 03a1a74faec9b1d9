"""Safety nets: a business error that escapes a view becomes a clear page, not a 500; every
error the API answers is ``{code, message, fields}`` JSON, whatever the settings (DEBUG too)."""

import json
import logging
from collections.abc import Callable

import structlog
from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from core.errors import ChorusError

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
# How long a client should wait before retrying after the database went away (a reconnect and a
# failover take seconds).
DATABASE_RETRY_AFTER_SECONDS = 5
_STATUS_CODES = {
    400: ("bad_request", "The request could not be understood."),
    401: ("not_authenticated", "Authentication credentials were not provided or are invalid."),
    403: ("permission_denied", "You do not have permission to do this."),
    404: ("not_found", "There is nothing here, or it is not yours to see."),
    405: ("method_not_allowed", "This method is not allowed here."),
    413: ("payload_too_large", "The request is too large."),
    429: ("throttled", "Too many requests; try again later."),
    500: ("server_error", "Something went wrong on our side. We have been told; please try again."),
    503: ("unavailable", "The service is briefly unavailable; please try again in a few seconds."),
}


def _error_json(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "fields": {}}, status=status)


def api_error_for_exception(exception: Exception) -> JsonResponse | None:
    """The JSON answer for an unhandled exception on the API (None: Django's handlers answer,
    e.g. a 404, and ApiJsonErrorsMiddleware makes that JSON)."""
    if isinstance(exception, ChorusError):
        return JsonResponse(exception.as_dict(), status=exception.status_code)
    if isinstance(exception, RequestDataTooBig):
        # A body past DATA_UPLOAD_MAX_MEMORY_SIZE is the client's to shrink, not a bad request
        # nor a security event worth an error-level log line.
        return _error_json(413, *_STATUS_CODES[413])
    if isinstance(exception, Http404 | PermissionDenied | SuspiciousOperation | BadRequest):
        return None
    if isinstance(exception, OperationalError | InterfaceError):
        # The database connection was lost (killed, restarted, failed over): nothing was
        # committed by this request after the failure; retrying is safe and soon succeeds.
        logger.error("database unavailable during an API request", exc_info=exception)
        response = _error_json(503, "database_unavailable", _STATUS_CODES[503][1])
        response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
        return response
    level = "database error" if isinstance(exception, DatabaseError) else "unhandled error"
    logger.error("%s during an API request", level, exc_info=exception)
    return _error_json(500, *_STATUS_CODES[500])


class ApiJsonErrorsMiddleware:
    """Outermost: an error response under /api/ that is not JSON (Django's DEBUG pages, a 404 of
    the URL resolver, a 500 raised in another middleware) is answered as JSON instead."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not request.path.startswith(API_PREFIX)
            or response.status_code < 400
            or response.get("Content-Type", "").startswith("application/json")
            or getattr(response, "streaming", False)
        ):
            return response
        code, message = _STATUS_CODES.get(
            response.status_code,
            ("error", "The request failed.") if response.status_code < 500 else _STATUS_CODES[500],
        )
        replacement = HttpResponse(
            json.dumps({"code": code, "message": message, "fields": {}}),
            status=response.status_code,
            content_type="application/json",
        )
        replacement.cookies = response.cookies
        for header in ("Retry-After", "WWW-Authenticate", "Allow", "X-Request-ID", "Vary"):
            if header in response:
                replacement[header] = response[header]
        return replacement


class NulPathMiddleware:
    """A path holding a NUL character (``/…/%00/``) names nothing: 404 before any view looks
    an id up, since PostgreSQL text cannot hold NUL and the driver would raise (a 500)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            raise Http404("No such page.")
        return self.get_response(request)


class ChorusErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith(API_PREFIX):
            return api_error_for_exception(exception)
        if not isinstance(exception, ChorusError):
            return None
        return render(
            request,
            "errors/business_error.html",
            {"error": exception},
            status=exception.status_code,
        )


class RequestIdHeaderMiddleware:
    """Echo the request id (bound into every log line by django-structlog) to the client,
    so a user's bug report can be matched to our logs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        if request_id:
            response["X-Request-ID"] = str(request_id)
        return response
