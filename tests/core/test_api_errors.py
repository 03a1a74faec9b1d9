"""Every error the API answers is ``{code, message, fields}`` JSON — a 500, a database outage,
a 404 of the URL resolver — with DEBUG off and on."""

from typing import Any

import pytest
from django.test import Client

pytestmark = [pytest.mark.urls("tests.core.error_urls")]


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request: pytest.FixtureRequest, settings: Any) -> bool:
    settings.DEBUG = request.param
    return bool(request.param)


@pytest.fixture
def client() -> Client:
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("path", ["/api/v1/test-errors/plain/", "/api/v1/test-errors/drf/"])
def test_an_unhandled_error_is_a_json_500(client: Client, debug: bool, path: str, db: None) -> None:
    response = client.post(path)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "code": "server_error",
        "message": "Something went wrong on our side. We have been told; please try again.",
        "fields": {},
    }


def test_a_lost_database_is_a_json_503_with_retry_after(
    client: Client, debug: bool, db: None
) -> None:
    response = client.post("/api/v1/test-errors/database/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "database_unavailable"


def test_an_unknown_api_url_is_a_json_404(client: Client, debug: bool, db: None) -> None:
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "There is nothing here, or it is not yours to see.",
        "fields": {},
    }


def test_pages_outside_the_api_keep_their_html_errors(
    client: Client, debug: bool, db: None
) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
