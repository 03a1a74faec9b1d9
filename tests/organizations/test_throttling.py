"""The API is throttled per key, per user, and failed authentication per client address."""

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from organizations.roles import Role
from tests.conftest import Tenant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def one_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Counters are per fixed window; a burst that crossed a minute boundary would start afresh
    half-way. Hold the throttle's clock 30 s into one window so each burst counts in one."""
    from types import SimpleNamespace

    from organizations import api_throttling

    monkeypatch.setattr(api_throttling, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))


def assert_throttled(response: Any) -> None:
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "throttled"
    assert set(body) == {"code", "message", "fields"}
    assert "retry in" in body["message"]
    assert 1 <= int(response["Retry-After"]) <= 60


def test_a_burst_from_one_key_gets_429s_and_other_keys_are_unaffected(
    tenant_a: Tenant, api_client_for: Callable[..., APIClient], settings: Any
) -> None:
    settings.CHORUS_API_THROTTLE_RATES = {**settings.CHORUS_API_THROTTLE_RATES, "key": "20/min"}
    api = api_client_for(tenant_a, Role.VIEWER)
    statuses = [api.get("/api/v1/brands/").status_code for _ in range(25)]
    assert statuses[:20] == [200] * 20
    assert statuses[20:] == [429] * 5
    assert_throttled(api.get("/api/v1/brands/"))
    other = api_client_for(tenant_a, Role.VIEWER)
    assert other.get("/api/v1/brands/").status_code == 200


def test_a_signed_in_user_is_throttled_per_user(tenant_a: Tenant, settings: Any) -> None:
    settings.CHORUS_API_THROTTLE_RATES = {**settings.CHORUS_API_THROTTLE_RATES, "user": "5/min"}
    api = APIClient()
    api.force_login(tenant_a.owner)
    statuses = [
        api.get("/api/v1/brands/", HTTP_X_CHORUS_ORGANIZATION="acme").status_code for _ in range(7)
    ]
    assert statuses == [200] * 5 + [429] * 2


def test_300_bad_keys_from_one_address_get_429(
    tenant_a: Tenant, api_client_for: Callable[..., APIClient]
) -> None:
    """Default rates: guessing keys from one address is cut off with 429s."""
    api = APIClient(REMOTE_ADDR="203.0.113.7")
    statuses = []
    for n in range(300):
        api.credentials(HTTP_AUTHORIZATION=f"Bearer chorus_guess{n:040d}")
        statuses.append(api.get("/api/v1/brands/").status_code)
    assert statuses[0] == 401
    assert statuses.count(429) >= 200
    assert set(statuses) == {401, 429}
    assert_throttled(api.get("/api/v1/brands/"))
    # Another address is not blocked by that one.
    elsewhere = APIClient(REMOTE_ADDR="198.51.100.9")
    elsewhere.credentials(HTTP_AUTHORIZATION="Bearer chorus_guess-from-elsewhere-0000000000")
    assert elsewhere.get("/api/v1/brands/").status_code == 401


def test_the_schema_documents_the_429_answer_and_the_limits(tenant_a: Tenant) -> None:
    schema = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    assert "1,000 a minute" in schema["info"]["description"]
    assert "Retry-After" in schema["info"]["description"]
    answer = schema["paths"]["/api/v1/brands/"]["get"]["responses"]["429"]
    if "$ref" in answer:
        answer = schema["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    assert "Retry-After" in answer["headers"]


def test_a_cache_outage_lets_api_requests_through_instead_of_answering_500(
    tenant_a, client, settings
):
    """Redis down: throttle counters cannot be read, and the API still answers (issue 8: a
    broker or cache outage never turns a request into an error)."""
    from organizations.services import api_key_create

    _, raw = api_key_create(access=tenant_a.access(), name="outage")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there: refused at once
            "KEY_PREFIX": "outage",
        }
    }
    response = client.get("/api/v1/brands/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200, response.content
    bad = client.get("/api/v1/brands/", HTTP_AUTHORIZATION="Bearer chorus_not_a_real_key")
    assert bad.status_code == 401
