"""A body past Django's upload limit (``DATA_UPLOAD_MAX_MEMORY_SIZE``) sent to any API endpoint
answers JSON 413 ``payload_too_large``, logged as a client's mistake, and writes nothing."""

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from campaigns.models import Campaign
from tests.conftest import Tenant

pytestmark = pytest.mark.django_db


def test_a_body_past_the_upload_limit_is_a_json_413_and_writes_nothing(
    tenant_a: Tenant,
    api_client_for: Callable[[Tenant], APIClient],
    settings: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    api = api_client_for(tenant_a)
    api.raise_request_exception = False
    body = json.dumps({"name": "x" * 20_000, "brand": tenant_a.brand.public_id})
    before = Campaign.objects.count()

    with caplog.at_level(logging.ERROR):
        response = api.post("/api/v1/campaigns/", body, content_type="application/json")

    assert response.status_code == 413
    assert response.json() == {
        "code": "payload_too_large",
        "message": "The request is too large.",
        "fields": {},
    }
    assert Campaign.objects.count() == before
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_body_within_the_limit_is_read_as_usual(
    tenant_a: Tenant, api_client_for: Callable[[Tenant], APIClient], settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    api = api_client_for(tenant_a)
    response = api.post("/api/v1/campaigns/", {"name": ""}, format="json")
    assert response.status_code == 400  # read and validated as usual, not refused for its size
    assert response.json()["code"] != "payload_too_large"
