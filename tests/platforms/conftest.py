"""Fixtures: one simulator per test session (per xdist worker), reset around every test.

These tests need no database and no Django settings: clients are built explicitly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from platforms.registry import build_client
from platforms.simulator import SIMULATOR_CREDENTIALS
from platforms.simulator.client import SimulatorControl
from platforms.simulator.server import running_simulator
from platforms.types import PlatformClient

ALL_PLATFORMS = ("tiktok", "instagram", "youtube")


@pytest.fixture(scope="session")
def simulator_url() -> Iterator[str]:
    with running_simulator() as url:
        yield url


@pytest.fixture
def simulator(simulator_url: str) -> Iterator[SimulatorControl]:
    control = SimulatorControl(simulator_url)
    control.reset()
    yield control
    control.reset()
    control.close()


MakeClient = Callable[..., PlatformClient]


@pytest.fixture
def make_client(simulator: SimulatorControl) -> Iterator[MakeClient]:
    """Build a real client for a platform, aimed at the simulator, with no backoff sleeps."""
    clients: list[PlatformClient] = []

    def make(platform: str, **overrides: Any) -> PlatformClient:
        options: dict[str, Any] = {"backoff_seconds": 0, "timeout": 5.0}
        base_url = overrides.pop("base_url", simulator.platform_url(platform))
        credentials = overrides.pop("credentials", SIMULATOR_CREDENTIALS[platform])
        options.update(overrides)
        client = build_client(platform, base_url=base_url, credentials=credentials, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture(params=ALL_PLATFORMS)
def platform(request: pytest.FixtureRequest) -> str:
    return str(request.param)
