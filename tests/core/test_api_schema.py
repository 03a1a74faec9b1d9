"""The OpenAPI schema documents what the API answers (core/api/schema.py, core/api/pagination.py)."""

import json
from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from core.api.schema import ERROR_COMPONENT, NO_NUL_PATTERN


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    raw = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(raw))


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict) and "responses" in op
    ]


def test_every_error_answer_has_the_error_shape(document: dict[str, Any]) -> None:
    assert ERROR_COMPONENT in document["components"]["schemas"]
    ref = f"#/components/schemas/{ERROR_COMPONENT}"
    for method, path, op in _operations(document):
        for status in ("400", "403", "429"):
            assert status in op["responses"], f"{method} {path} does not document {status}"
        for status, response in op["responses"].items():
            if status.startswith("4"):
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": ref}, f"{method} {path} {status}"
        assert "Retry-After" in op["responses"]["429"]["headers"]


def test_statuses_follow_what_an_operation_can_answer(document: dict[str, Any]) -> None:
    paths = document["paths"]
    assert "409" in paths["/api/v1/shortlists/"]["post"]["responses"]  # duplicate_name
    assert "403" in paths["/api/v1/members/{public_id}/"]["patch"]["responses"]
    assert "404" in paths["/api/v1/campaigns/"]["get"]["responses"]  # ?page=999
    assert "401" in paths["/api/v1/campaigns/"]["get"]["responses"]  # API keys
    assert "401" not in paths["/api/v1/creator/applications/"]["get"]["responses"]  # sessions
    deleted = paths["/api/v1/invitations/{public_id}/"]["delete"]["responses"]
    assert "204" in deleted
    assert "200" not in deleted


def test_bodies_are_json_except_uploads(document: dict[str, Any]) -> None:
    uploads = {
        ("post", "/api/v1/campaigns/{public_id}/assets/"),
        ("post", "/api/v1/invite-batches/upload/"),
    }
    for method, path, op in _operations(document):
        if "requestBody" not in op:
            continue
        kinds = set(op["requestBody"]["content"])
        expected = {"multipart/form-data"} if (method, path) in uploads else {"application/json"}
        assert kinds == expected, f"{method} {path}: {kinds}"


def test_creator_search_answers_one_page_object(document: dict[str, Any]) -> None:
    ok = document["paths"]["/api/v1/creators/"]["get"]["responses"]["200"]
    schema = ok["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/CreatorSearchPage"}


def test_parameters_carry_their_constraints(document: dict[str, Any]) -> None:
    params = {
        p["name"]: p["schema"] for p in document["paths"]["/api/v1/campaigns/"]["get"]["parameters"]
    }
    assert params["page"]["minimum"] == 1
    assert (params["page_size"]["minimum"], params["page_size"]["maximum"]) == (1, 200)
    assert params["brand"]["pattern"] == NO_NUL_PATTERN
    search = {
        p["name"]: p["schema"] for p in document["paths"]["/api/v1/creators/"]["get"]["parameters"]
    }
    assert search["page"]["minimum"] == 1
    assert "" in search["platform"]["enum"]  # blank means "any platform", as the form takes it
    row = document["components"]["schemas"]["InviteBatchRow"]["properties"]["platform"]
    assert row.get("nullable") or any(
        s.get("$ref", "").endswith("NullEnum") for s in row.get("oneOf", [])
    )
