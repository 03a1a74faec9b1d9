import logging

import pytest


@pytest.mark.django_db
def test_every_response_carries_the_request_id_that_the_logs_carry(client, caplog):
    caplog.set_level(logging.INFO, logger="django_structlog")
    response = client.get("/healthz", HTTP_X_REQUEST_ID="req-abc-123")
    assert response["X-Request-ID"] == "req-abc-123"
    logged = [r for r in caplog.records if r.name.startswith("django_structlog")]
    assert logged, "django-structlog logged nothing for the request"
    assert any("req-abc-123" in str(r.msg) for r in logged)


@pytest.mark.django_db
def test_a_request_without_an_id_gets_a_fresh_one(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert first
    assert second
    assert first != second
