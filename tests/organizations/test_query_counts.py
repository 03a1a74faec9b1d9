"""List pages and list endpoints run a fixed number of SQL queries, however many rows they show.

Each list is requested with 2 rows, then with 10: the second request must run exactly as many
queries as the first (django_assert_num_queries prints the SQL when it does not).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from organizations.models import ApiKey, Brand, Invitation, Membership
from organizations.roles import Role
from organizations.services import api_key_create, invitation_create
from tests.conftest import Tenant
from tests.factories.organizations import BrandFactory, MembershipFactory


def _grow(tenant: Tenant, n: int) -> None:
    """Give the organization ``n`` members (some brand-limited), invitations, brands and API keys."""
    org = tenant.org
    while Brand.objects.filter(organization=org).count() < n:
        BrandFactory(organization=org)
    brand = Brand.objects.filter(organization=org).first()
    while (count := Membership.objects.filter(organization=org).count()) < n:
        MembershipFactory(organization=org, role=Role.REVIEWER, brand=brand if count % 2 else None)
    while (count := Invitation.objects.filter(organization=org).count()) < n:
        invitation_create(
            access=tenant.access(),
            email=f"invitee{count}@example.com",
            role=Role.VIEWER,
            brand=brand if count % 2 else None,
        )
    while (count := ApiKey.objects.filter(organization=org).count()) < n:
        api_key_create(access=tenant.access(), name=f"key {count}", role=Role.VIEWER)


@dataclass(frozen=True)
class ListTarget:
    name: str
    url: str
    api: bool
    rows: Callable[[Any], int]

    def __str__(self) -> str:
        return self.name


TARGETS = [
    ListTarget("members page", "/o/acme/members/", False, lambda r: len(r.context["members"])),
    ListTarget(
        "invitations on the members page",
        "/o/acme/members/",
        False,
        lambda r: len(r.context["invitations"]),
    ),
    ListTarget("brands page", "/o/acme/brands/", False, lambda r: len(r.context["brands"])),
    ListTarget(
        "api keys page", "/o/acme/settings/api-keys/", False, lambda r: len(r.context["keys"])
    ),
    ListTarget("members endpoint", "/api/v1/members/", True, lambda r: len(r.json()["results"])),
    ListTarget(
        "invitations endpoint", "/api/v1/invitations/", True, lambda r: len(r.json()["results"])
    ),
    ListTarget("brands endpoint", "/api/v1/brands/", True, lambda r: len(r.json()["results"])),
]


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_a_list_runs_a_fixed_number_of_queries(
    target: ListTarget,
    tenant_a: Tenant,
    client_for: Callable[..., Client],
    api_client_for: Callable[..., APIClient],
    django_assert_num_queries: Any,
) -> None:
    client: Any = api_client_for(tenant_a, Role.ADMIN) if target.api else client_for(tenant_a.owner)
    _grow(tenant_a, 2)
    client.get(target.url)  # warm-up: the API key's first use records its last-used time
    with CaptureQueriesContext(connection) as small:
        response = client.get(target.url)
    assert response.status_code == 200
    assert target.rows(response) == 2

    _grow(tenant_a, 10)
    with django_assert_num_queries(len(small)):
        response = client.get(target.url)
    assert response.status_code == 200
    assert target.rows(response) == 10
