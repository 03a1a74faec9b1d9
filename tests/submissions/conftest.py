"""Fixtures for submissions: the platform simulator behind the real clients, creators with a
verified account, and organization access for the personas."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from organizations.access import OrgAccess
from organizations.models import Membership
from platforms.registry import clear_client_cache
from platforms.simulator.client import SimulatorControl
from platforms.simulator.server import platform_base_urls, running_simulator
from tests.factories.organizations import MembershipFactory


@pytest.fixture(scope="session")
def simulator_url() -> Iterator[str]:
    with running_simulator() as url:
        yield url


@pytest.fixture
def simulator(simulator_url: str, settings: Any) -> Iterator[SimulatorControl]:
    """The real platform clients aimed at a fresh simulator (short links included)."""
    settings.PLATFORM_SIMULATOR_URL = simulator_url
    settings.PLATFORM_BASE_URLS = platform_base_urls(simulator_url)
    control = SimulatorControl(simulator_url)
    settings.PLATFORM_SHORT_LINK_BASE_URLS = control.short_link_base_urls()
    settings.PLATFORM_CREDENTIALS = {}
    clear_client_cache()
    control.reset()
    yield control
    control.reset()
    control.close()
    clear_client_cache()


def access_for(organization: Any, role: str = "owner", brand: Any = None) -> OrgAccess:
    """A member of ``organization`` with ``role`` (limited to ``brand`` when given)."""
    membership: Membership = MembershipFactory(organization=organization, role=role, brand=brand)
    return OrgAccess(
        organization=organization, role=role, user=membership.user, membership=membership
    )


def verify(account: Any) -> Any:
    account.verified_at = timezone.now()
    account.save(update_fields=["verified_at"])
    return account
