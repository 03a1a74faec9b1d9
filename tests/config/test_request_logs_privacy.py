"""Request logs carry no visitor address unless an operator turns it on."""

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, override_settings


class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.msg, dict):  # structlog's event dict, before rendering
            self.events.append(record.msg)


@pytest.fixture
def request_events() -> Iterator[list[dict[str, Any]]]:
    handler = _Keep()
    target = logging.getLogger("django_structlog")
    target.addHandler(handler)
    try:
        yield handler.events
    finally:
        target.removeHandler(handler)


def _started(events: list[dict[str, Any]]) -> dict[str, Any]:
    return next(e for e in events if e.get("event") == "request_started")


@pytest.mark.django_db
def test_request_log_leaves_out_the_client_address(
    client: Client, request_events: list[dict[str, Any]]
) -> None:
    client.get("/healthz", REMOTE_ADDR="203.0.113.9")
    event = _started(request_events)
    assert "ip" not in event
    assert "203.0.113.9" not in repr(request_events)


@pytest.mark.django_db
@override_settings(DJANGO_STRUCTLOG_IP_LOGGING_ENABLED=True)
def test_operator_can_opt_in_to_client_addresses(
    client: Client, request_events: list[dict[str, Any]]
) -> None:
    client.get("/healthz", REMOTE_ADDR="203.0.113.9")
    assert _started(request_events).get("ip") == "203.0.113.9"
