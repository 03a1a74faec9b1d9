"""A brand-limited member (and a brand-limited API key) stays inside their brand: the other
brand's objects of the SAME organization answer 404 on every page and API route, and nothing
changes.

The world: organization B with two brands. The attacker is an admin of B limited to brand
"Bolt Cola"; the victim objects are built by the same registered builders as the cross-tenant
harness (tests/cross_tenant/objects_<app>.py), for brand "Bolt Zero". Routes are found by
walking every URL pattern (as the harness does); a route is attacked when each object kwarg has
a value and at least one names an object of the other brand (a brand row itself, or a row with
a ``brand`` or a ``campaign`` of that brand). Organization-wide objects (members, invitations
without a brand, API keys, notices) are the limited member's to see and are not attacked.
"""

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from organizations.models import Brand, Membership
from organizations.roles import Role
from organizations.services import api_key_create
from tests.conftest import Tenant
from tests.cross_tenant import snapshot
from tests.cross_tenant.registry import Owner
from tests.cross_tenant.routes import ORG_SLUG, Route, all_routes
from tests.cross_tenant.test_harness import (
    CREATOR_PREFIX,
    METHODS,
    bodies_for,
    exemption,
    names_only_global_objects,
    send,
)
from tests.cross_tenant.world import import_builders, savepoint
from tests.factories.creators import CreatorProfileFactory
from tests.factories.organizations import (
    BrandFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)

ATTACKERS = ("limited_member", "limited_key")


@dataclass
class LimitedWorld:
    org_slug: str
    other_brand: Brand
    values: dict[str, str] = field(default_factory=dict)
    other_brand_values: set[str] = field(default_factory=set)
    clients: dict[str, Client] = field(default_factory=dict)
    baseline: snapshot.Snapshot = field(default_factory=dict)


def _brand_of(value: str) -> int | None:
    """The brand an object (by public id) belongs to, if it belongs to one."""
    for model in snapshot.snapshot_models():
        if "public_id" not in {f.name for f in model._meta.concrete_fields}:
            continue
        obj = model._base_manager.filter(public_id=value).first()
        if obj is None:
            continue
        if isinstance(obj, Brand):
            return obj.pk
        if getattr(obj, "brand_id", None):
            return int(obj.brand_id)
        campaign = getattr(obj, "campaign", None)
        return int(campaign.brand_id) if campaign is not None else None
    return None


def _build() -> LimitedWorld:
    owner = UserFactory(email="bolt-owner@example.com")
    org = OrganizationFactory(name="Bolt Beverages", slug="bolt")
    own_brand = BrandFactory(organization=org, name="Bolt Cola", slug="bolt-cola")
    other_brand = BrandFactory(organization=org, name="Bolt Zero", slug="bolt-zero")
    MembershipFactory(organization=org, user=owner, role=Role.OWNER)
    attacker = UserFactory(email="limited@example.com")
    MembershipFactory(organization=org, user=attacker, role=Role.ADMIN, brand=own_brand)
    owner_tenant = Tenant(org=org, brand=own_brand, owner=owner)
    _key, raw = api_key_create(
        access=owner_tenant.access(), name="limited", role=Role.ADMIN, brand=own_brand
    )
    victim = Owner(
        tenant=Tenant(org=org, brand=other_brand, owner=owner),
        creator=CreatorProfileFactory(user=UserFactory(email="zero-creator@example.com")).user,
    )
    world = LimitedWorld(org_slug=org.slug, other_brand=other_brand)
    for name, builder in sorted(import_builders().items()):
        if name.startswith(CREATOR_PREFIX):
            continue
        cached = dict(victim.cache)
        try:
            with savepoint():
                world.values[name] = str(builder(victim))
        except Exception:
            victim.cache = cached
    world.other_brand_values = {v for v in world.values.values() if _brand_of(v) == other_brand.pk}
    member = Client()
    member.force_login(attacker)
    world.clients = {
        "limited_member": member,
        "limited_key": Client(headers={"Authorization": f"Bearer {raw}"}),
    }
    assert Membership.objects.get(user=attacker).brand_id == own_brand.pk
    world.baseline = snapshot.take()
    return world


@pytest.fixture(scope="module")
def limited(django_db_setup: None, django_db_blocker: Any) -> Any:
    from django.test import TestCase

    with django_db_blocker.unblock():
        atomics = TestCase._enter_atomics()
        try:
            yield _build()
        finally:
            TestCase._rollback_atomics(atomics)


ROUTES = [
    r for r in all_routes() if r.object_kwargs and not exemption(r) and not r.is_creator_facing
]


def _values(route: Route, world: LimitedWorld) -> dict[str, str] | None:
    values = {}
    for kwarg in route.object_kwargs:
        name = route.builder_name(kwarg)
        if name not in world.values:
            return None
        values[kwarg] = world.values[name]
    if not set(values.values()) & world.other_brand_values:
        return None  # an organization-wide object: the limited member may see it
    if ORG_SLUG in route.kwargs:
        values[ORG_SLUG] = world.org_slug
    return values


def test_the_other_brand_has_objects_to_attack(limited: LimitedWorld, db: None) -> None:
    """The check means something: campaigns, their rows and shortlists of the other brand."""
    attacked = [r.label for r in ROUTES if _values(r, limited) is not None]
    assert len(attacked) >= 20, attacked
    assert any(r.startswith("api-v1:") for r in attacked)
    assert any(r.startswith("campaigns:") for r in attacked)
    for name in ("api-v1:submission-detail", "api-v1:submission-decision"):
        assert name in attacked, name


@pytest.mark.parametrize("attacker", ATTACKERS)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.label)
def test_a_brand_limited_member_gets_404_for_the_other_brand(
    route: Route, attacker: str, limited: LimitedWorld, db: None
) -> None:
    if attacker == "limited_key" and not route.is_api:
        return  # a key has no browser session
    values = _values(route, limited)
    if values is None:
        return  # nothing of the other brand in this route (see the module docstring)
    url = route.url(values)
    client = limited.clients[attacker]
    failures = []
    for method in METHODS:
        for label, body in bodies_for(method):
            with savepoint():
                counters = snapshot.write_counters()
                response = send(client, method, url, body, as_json=route.is_api)
                if response.status_code not in (404, 405):
                    failures.append(f"{method} {url} [{label}] answered {response.status_code}")
                changes = snapshot.changes_since(limited.baseline, counters)
                if changes:
                    failures.append(f"{method} {url} [{label}] changed: {changes[:3]}")
                transaction.set_rollback(True)
    assert not failures, f"as {attacker}:\n" + "\n".join(failures)


GLOBAL_ROUTES = [r for r in ROUTES if names_only_global_objects(r)]


def test_there_are_global_object_routes_to_check() -> None:
    labels = {r.label for r in GLOBAL_ROUTES}
    assert {"discovery:creator_profile", "api-v1:creator-search-detail"} <= labels, labels


@pytest.mark.parametrize("attacker", ATTACKERS)
@pytest.mark.parametrize("route", GLOBAL_ROUTES, ids=lambda r: r.label)
def test_a_global_objects_page_shows_nothing_of_the_other_brand(
    route: Route, attacker: str, limited: LimitedWorld, db: None
) -> None:
    """A creator is no brand's, so the limited member may open their page; the creator's work
    with the other brand (its campaigns, applications, participations, invitations) never shows."""
    if attacker == "limited_key" and not route.is_api:
        return  # a key has no browser session
    values = {k: limited.values[route.builder_name(k)] for k in route.object_kwargs}
    if ORG_SLUG in route.kwargs:
        values[ORG_SLUG] = limited.org_slug
    response = limited.clients[attacker].get(route.url(values))
    assert response.status_code == 200, response.content[:300]
    body = response.content.decode()
    leaks = sorted(v for v in limited.other_brand_values if v in body)
    assert not leaks, f"{route.url(values)} as {attacker} shows the other brand's {leaks}"
    # The check means something: the creator did work with the other brand.
    assert any(v.startswith(("par_", "app_")) for v in limited.other_brand_values)
