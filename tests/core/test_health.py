"""/healthz reports the database, the cache and the broker — real PostgreSQL and Redis."""

from collections.abc import Iterator

import pytest
from celery import current_app
from django.conf import settings
from django.test import Client, override_settings

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens there: connections are refused at once


def test_healthz_reports_database_cache_and_broker_ok(db: None, client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    for name, check in body["checks"].items():
        assert check["ok"] is True, (name, check)
        assert isinstance(check["ms"], int)
    assert "no-cache" in response["Cache-Control"]


def test_healthz_needs_no_login_and_answers_json(db: None, client: Client) -> None:
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"


@pytest.fixture
def unreachable_broker() -> Iterator[None]:
    conf = current_app.conf
    saved = conf.broker_write_url
    conf.broker_write_url = CLOSED_PORT
    try:
        yield
    finally:
        conf.broker_write_url = saved


def test_healthz_is_503_and_names_the_broker_when_it_is_down(
    db: None, client: Client, unreachable_broker: None
) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["broker"]["error"]
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["cache"]["ok"] is True


def test_healthz_is_503_and_names_the_cache_when_it_is_down(db: None, client: Client) -> None:
    caches = {"default": {**settings.CACHES["default"], "LOCATION": CLOSED_PORT}}
    with override_settings(CACHES=caches, SESSION_ENGINE="django.contrib.sessions.backends.db"):
        response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["cache"]["ok"] is False
    assert "Connection" in checks["cache"]["error"] or "connect" in checks["cache"]["error"].lower()
    assert checks["database"]["ok"] is True
