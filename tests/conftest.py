"""Shared fixtures: the three personas of DESIGN.md and their organizations.

- ``owner_a``: owner of organization A (an agency with one brand).
- ``member_a_owner_b``: a manager in A who owns organization B.
- ``stranger``: signed up, member of nothing.
"""

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from organizations.access import OrgAccess
from organizations.models import Brand, Membership, Organization
from organizations.roles import Role
from organizations.services import api_key_create
from tests.factories.organizations import (
    BrandFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)
from users.models import User

if TYPE_CHECKING:
    from tests.s3server import S3Bucket


@dataclass
class Tenant:
    org: Organization
    brand: Brand
    owner: User

    def access(self, role: str = Role.OWNER, user: User | None = None) -> OrgAccess:
        user = user or self.owner
        membership = Membership.objects.filter(organization=self.org, user=user).first()
        return OrgAccess(organization=self.org, role=role, user=user, membership=membership)

    def add_member(self, role: str, **user_kwargs: object) -> User:
        user = UserFactory(**user_kwargs)
        MembershipFactory(organization=self.org, user=user, role=role)
        return user


@pytest.fixture(autouse=True, scope="session")
def _every_task_registered() -> None:
    """Load every app's tasks module, as a worker does at start: eager outbox runs look tasks up
    by name, so a test run alone must not depend on another test having imported them."""
    from celery import current_app

    current_app.loader.import_default_modules()


@pytest.fixture(autouse=True)
def _fresh_api_throttle_counters(settings: Any) -> None:
    """Each test counts API requests and failed authentications from zero (organizations.
    api_throttling keeps them in the shared Redis, per client address)."""
    settings.CHORUS_API_THROTTLE_NAMESPACE = uuid.uuid4().hex


@pytest.fixture
def owner_a(db: None) -> User:
    return UserFactory(email="owner-a@example.com", full_name="Ada Owner")


@pytest.fixture
def member_a_owner_b(db: None) -> User:
    return UserFactory(email="bea@example.com", full_name="Bea Both")


@pytest.fixture
def stranger(db: None) -> User:
    return UserFactory(email="stranger@example.com", full_name="Sam Stranger")


@pytest.fixture
def tenant_a(owner_a: User, member_a_owner_b: User) -> Tenant:
    org = OrganizationFactory(name="Acme Agency", slug="acme", kind=Organization.Kind.AGENCY)
    brand = BrandFactory(organization=org, name="Acme Shoes", slug="acme-shoes")
    MembershipFactory(organization=org, user=owner_a, role=Role.OWNER)
    MembershipFactory(organization=org, user=member_a_owner_b, role=Role.MANAGER)
    return Tenant(org=org, brand=brand, owner=owner_a)


@pytest.fixture
def tenant_b(member_a_owner_b: User) -> Tenant:
    org = OrganizationFactory(name="Bolt Beverages", slug="bolt", kind=Organization.Kind.BRAND)
    brand = BrandFactory(organization=org, name="Bolt Cola", slug="bolt-cola")
    MembershipFactory(organization=org, user=member_a_owner_b, role=Role.OWNER)
    return Tenant(org=org, brand=brand, owner=member_a_owner_b)


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def api_client_for() -> Callable[[Tenant, str], APIClient]:
    """An API client authenticated with a fresh key of the tenant's organization."""

    def make(tenant: Tenant, role: str = Role.ADMIN) -> APIClient:
        _, raw = api_key_create(access=tenant.access(), name=f"test key {role}", role=role)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return make


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """A local S3-compatible server (moto's server mode) for the whole run; its endpoint URL."""
    from tests import s3server  # moto takes seconds to import: only for tests that use it

    yield from s3server.run_s3_server()


@pytest.fixture
def s3_bucket(settings: Any, s3_server: str) -> "S3Bucket":
    """A fresh bucket on the local S3 server, made the default storage for this test."""
    from tests import s3server

    bucket = s3server.new_bucket(s3_server)
    settings.STORAGES = {**settings.STORAGES, "default": bucket.storage_settings()}
    return bucket
