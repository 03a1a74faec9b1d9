"""Fixtures: the real platform clients over HTTP against a local simulator, and creators."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from creators.models import CreatorProfile
from platforms.simulator.client import SimulatorControl
from platforms.simulator.server import platform_base_urls, running_simulator
from tests.factories.creators import CreatorProfileFactory
from users.models import User


@pytest.fixture(scope="session")
def simulator_url() -> Iterator[str]:
    with running_simulator() as url:
        yield url


@pytest.fixture
def simulator(simulator_url: str, settings: Any) -> Iterator[SimulatorControl]:
    """Point PLATFORM_BASE_URLS at the simulator (fresh state) for one test."""
    settings.PLATFORM_BASE_URLS = platform_base_urls(simulator_url)
    settings.PLATFORM_CREDENTIALS = {}  # the simulator's placeholder credentials
    control = SimulatorControl(simulator_url)
    control.reset()
    yield control
    control.reset()
    control.close()


@pytest.fixture
def creator(db: None) -> CreatorProfile:
    return CreatorProfileFactory(display_name="Casey")


@pytest.fixture
def other_creator(db: None) -> CreatorProfile:
    return CreatorProfileFactory(display_name="Robin")


@pytest.fixture
def creator_client(creator: CreatorProfile, client_for: Callable[[User], Client]) -> Client:
    return client_for(creator.user)


@pytest.fixture
def media_root(settings: Any, tmp_path: object) -> object:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path
