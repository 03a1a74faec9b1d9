"""The submissions API in the OpenAPI schema: every operation, the statuses it can answer (each
with the error shape), and one name per decision choice set."""

import json
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

ERROR_REF = {"$ref": "#/components/schemas/Error"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    raw = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(raw))


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
