"""One business-error type, one API exception handler, friendly error pages."""

import json
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.test import Client, RequestFactory
from rest_framework import exceptions

from core.api.errors import api_exception_handler
from core.errors import ChorusError, Forbidden, NotFound
from core.middleware import ChorusErrorMiddleware
from tests.conftest import Tenant
from web.errors import server_error


def test_a_business_error_carries_a_code_a_message_and_the_fields() -> None:
    error = ChorusError(
        "budget_too_small",
        "The budget must cover one creator.",
        fields={"budget_cents": ["Too small."]},
    )
    assert error.status_code == 400
    assert error.as_dict() == {
        "code": "budget_too_small",
        "message": "The budget must cover one creator.",
        "fields": {"budget_cents": ["Too small."]},
    }
    assert NotFound().as_dict() == {"code": "not_found", "message": "Not found.", "fields": {}}
    assert NotFound().status_code == 404
    assert (Forbidden("No.").code, Forbidden("No.").status_code) == ("permission_denied", 403)
    assert ChorusError("gone", "Gone.", status_code=410).status_code == 410


def _handle(exc: Exception) -> Any:
    return api_exception_handler(exc, {})


@pytest.mark.parametrize(
    ("exc", "status", "code", "message"),
    [
        (
            ChorusError("duplicate", "Already there.", fields={"name": ["Already used."]}),
            400,
            "duplicate",
            "Already there.",
        ),
        (Http404("gone"), 404, "not_found", "Not found."),
        (
            PermissionDenied(),
            403,
            "permission_denied",
            "You do not have permission to perform this action.",
        ),
        (exceptions.ParseError(), 400, "parse_error", "Malformed request."),
        (
            exceptions.NotAuthenticated(),
            401,
            "not_authenticated",
            "Authentication credentials were not provided.",
        ),
        (
            exceptions.MethodNotAllowed("PUT"),
            405,
            "method_not_allowed",
            'Method "PUT" not allowed.',
        ),
    ],
)
def test_the_api_handler_turns_every_error_into_code_message_fields(
    db: None, exc: Exception, status: int, code: str, message: str
) -> None:
    response = _handle(exc)
    assert response.status_code == status
    assert response.data["code"] == code
    assert response.data["message"] == message
    assert isinstance(response.data["fields"], dict)


def test_validation_errors_name_each_field_and_the_message_names_the_first(db: None) -> None:
    response = _handle(
        exceptions.ValidationError({"email": ["Enter a valid email address."], "role": ["Bad."]})
    )
    assert response.status_code == 400
    assert response.data == {
        "code": "invalid",
        "message": "email: Enter a valid email address.",
        "fields": {"email": ["Enter a valid email address."], "role": ["Bad."]},
    }


def test_a_django_validation_error_becomes_a_field_error(db: None) -> None:
    response = _handle(DjangoValidationError({"ends_on": ["Must be after the start."]}))
    assert response.status_code == 400
    assert response.data["fields"] == {"ends_on": ["Must be after the start."]}
    plain = _handle(DjangoValidationError("Something is off."))
    assert plain.data["fields"] == {"non_field_errors": ["Something is off."]}
    assert plain.data["message"] == "Something is off."


def test_nested_validation_errors_are_flattened_into_readable_messages(db: None) -> None:
    response = _handle(
        exceptions.ValidationError({"deliverables": [{"quantity": ["Must be at least 1."]}]})
    )
    assert response.data["fields"] == {"deliverables": ["quantity: Must be at least 1."]}


def test_throttling_says_when_to_retry(db: None) -> None:
    response = _handle(exceptions.Throttled(wait=12))
    assert response.status_code == 429
    assert response["Retry-After"] == "12"


def test_a_real_bug_is_left_to_django_500_handling(db: None) -> None:
    assert _handle(ZeroDivisionError()) is None


def _middleware_response(path: str, error: ChorusError) -> HttpResponse:
    middleware = ChorusErrorMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    response = middleware.process_exception(request, error)
    assert response is not None
    return response


def test_a_business_error_escaping_a_page_becomes_a_clear_page(db: None) -> None:
    response = _middleware_response(
        "/o/acme/", ChorusError("closed", "This campaign is closed.", status_code=409)
    )
    assert response.status_code == 409
    assert "This campaign is closed." in response.content.decode()


def test_a_business_error_escaping_an_api_view_becomes_json(db: None) -> None:
    response = _middleware_response("/api/v1/x/", ChorusError("closed", "Closed.", status_code=409))
    assert response.status_code == 409
    assert json.loads(response.content) == {"code": "closed", "message": "Closed.", "fields": {}}


def test_other_exceptions_are_not_swallowed_by_the_middleware() -> None:
    middleware = ChorusErrorMiddleware(lambda request: HttpResponse())
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("bug")) is None


def test_a_missing_object_in_a_page_is_a_404_page_with_the_reason(
    tenant_a: Tenant, client_for: Any
) -> None:
    response = client_for(tenant_a.owner).post(
        "/o/acme/members/mem_doesnotexist/role/", {"role": "viewer"}
    )
    assert response.status_code == 404
    assert "No such member." in response.content.decode()


def test_an_unknown_page_is_a_friendly_404(db: None, client: Client) -> None:
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "There is nothing here, or it is not yours to see." in response.content.decode()


def test_a_server_error_under_api_is_json_and_elsewhere_a_page() -> None:
    api = server_error(RequestFactory().get("/api/v1/brands/"))
    assert api.status_code == 500
    assert json.loads(api.content)["code"] == "server_error"
    page = server_error(RequestFactory().get("/o/acme/"))
    assert page.status_code == 500
    assert b"Something went wrong on our side" in page.content
