"""The submissions API in the OpenAPI schema: every operation, the statuses it can answer (each
with the error shape), and one name per decision choice set."""

import json
from collections.abc import Iterator
from functools import cache
from typing import Any

import httpx
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.utils.crypto import get_random_string
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from config.wsgi import application

ERROR_REF = {"$ref": "#/components/schemas/Error"}
DETAIL = "/api/v1/creator/slots/{public_id}/"


@cache
def _document_for_schemathesis() -> dict[str, Any]:
    raw = SchemaGenerator().get_schema(request=None, public=True)
    return dict(json.loads(OpenApiJsonRenderer().render(raw)))


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return json.loads(json.dumps(_document_for_schemathesis()))


@pytest.mark.parametrize(
    ("path", "method", "statuses"),
    [
        ("/api/v1/submissions/", "get", {"200", "400", "401", "403", "404", "429"}),
        ("/api/v1/submissions/{public_id}/", "get", {"200", "400", "401", "403", "404", "429"}),
        (
            "/api/v1/submissions/{public_id}/decision/",
            "post",
            {"200", "400", "401", "403", "404", "409", "415", "429"},
        ),
        (
            "/api/v1/submissions/bulk-decision/",
            "post",
            {"200", "400", "401", "403", "409", "415", "429"},
        ),
        ("/api/v1/content-library/", "get", {"200", "400", "401", "403", "404", "429"}),
        ("/api/v1/creator/slots/", "get", {"200", "400", "403", "404", "429"}),
        ("/api/v1/creator/slots/{public_id}/", "get", {"200", "400", "403", "404", "429"}),
        (
            "/api/v1/creator/slots/{public_id}/upload-request/",
            "post",
            {"201", "400", "403", "404", "409", "415", "429"},
        ),
        (
            "/api/v1/creator/slots/{public_id}/upload-confirm/",
            "post",
            {"201", "400", "403", "404", "409", "415", "429"},
        ),
        (
            "/api/v1/creator/slots/{public_id}/live-post/",
            "post",
            {"201", "400", "403", "404", "409", "415", "429", "503"},
        ),
    ],
)
def test_each_operation_documents_what_it_answers(
    document: dict[str, Any], path: str, method: str, statuses: set[str]
) -> None:
    responses = document["paths"][path][method]["responses"]
    assert set(responses) == statuses
    for status, response in responses.items():
        if status[0] in "45":
            assert response["content"]["application/json"]["schema"] == ERROR_REF, status


def test_the_two_decision_choice_sets_have_one_name_each(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert schemas["ReviewDecisionEnum"]["enum"] == ["approve", "request_changes", "reject"]
    assert schemas["DecisionEnum"]["enum"] == ["accept", "decline", "waitlist"]
    body = schemas["SubmissionDecisionRequest"]["properties"]["decision"]
    assert body == {"$ref": "#/components/schemas/ReviewDecisionEnum"}


def test_the_direct_upload_form_is_described(document: dict[str, Any]) -> None:
    form = document["components"]["schemas"]["DirectUpload"]
    assert set(form["properties"]) == {"key", "url", "method", "fields", "expires_at", "max_bytes"}
    request = document["components"]["schemas"]["UploadRequestRequest"]["properties"]
    assert request["size"]["minimum"] == 1
    assert request["size"]["maximum"] == 1024 * 1024 * 1024


# -- the creator API's answers match the schema ------------------------------------------------------
# schemathesis (tests/api_contract) calls with an organization API key, which the creator API
# refuses: here a creator's session calls it through the WSGI app, and schemathesis validates
# each answer against the operation's documented response.


@pytest.fixture
def wsgi_in_test_transaction() -> Iterator[None]:
    """The WSGI handler closes the connection after each request (ending the test's
    transaction); Django's test client disconnects the same handler."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_the_creator_api_answers_as_its_schema_says(
    wsgi_in_test_transaction: None, tenant_a: Any
) -> None:
    from submissions.models import LivePost
    from tests.factories.campaigns import CampaignFactory
    from tests.factories.recruitment import ParticipationFactory
    from tests.factories.submissions import submission_in_review

    campaign = CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand)
    participation = ParticipationFactory(campaign=campaign)
    reviewed = participation.slots.order_by("id").first()
    submission = submission_in_review(target="post", slot=reviewed)
    LivePost.objects.filter(pk=submission.current_post.pk).update(
        check_results=[{"key": "public", "status": "passed", "message": "Public."}]
    )
    other = ParticipationFactory(campaign=CampaignFactory(), creator=participation.creator)
    waiting = other.slots.order_by("id").first()  # no submission yet

    django_client = Client()
    django_client.force_login(participation.creator.user)
    csrf = get_random_string(32)  # what a browser holds in its csrftoken cookie
    cookies = {**{k: v.value for k, v in django_client.cookies.items()}, "csrftoken": csrf}
    schema = schemathesis.openapi.from_dict(_document_for_schemathesis())
    http = httpx.Client(
        transport=httpx.WSGITransport(app=application), base_url="http://testserver"
    )
    http.cookies.update(cookies)
    calls = [
        ("GET", "/api/v1/creator/slots/", "/api/v1/creator/slots/", None),
        ("GET", DETAIL, f"/api/v1/creator/slots/{reviewed.public_id}/", None),
        ("GET", DETAIL, f"/api/v1/creator/slots/{waiting.public_id}/", None),
        ("GET", DETAIL, "/api/v1/creator/slots/slt_missing/", None),
        (
            "POST",
            "/api/v1/creator/slots/{public_id}/upload-request/",
            f"/api/v1/creator/slots/{waiting.public_id}/upload-request/",
            {"content_type": "image/png", "size": 999_999_999},
        ),
        (
            "POST",
            "/api/v1/creator/slots/{public_id}/live-post/",
            f"/api/v1/creator/slots/{waiting.public_id}/live-post/",
            {"url": "https://www.tiktok.com/@x/video/7311111111111111111"},
        ),
    ]
    for method, template, path, body in calls:
        response = http.request(method, path, json=body, headers={"X-CSRFToken": csrf})
        assert response.status_code < 500, response.text
        operation = schema[template][method]
        operation.validate_response(schemathesis.Response.from_httpx(response, verify=False))
