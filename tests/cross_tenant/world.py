"""The harness's world, built once per run: a victim with every kind of object, and the attackers.

- Organization A ("acme"): ``owner_a`` (owner, member of A only — the attacker), ``member_a_owner_b``
  (a manager, as in tests/conftest.py), an admin API key (the other attacker).
- Organization B ("bolt", the victim): owned by ``member_a_owner_b``, plus every object that the
  registered builders make (``tests/cross_tenant/objects_<app>.py``), for B and its creator.
- Two creators: the victim creator (``Owner.creator``) and an attacker creator.
"""

import importlib
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import models, transaction
from django.test import Client

from organizations.models import Membership, Organization
from organizations.roles import Role
from organizations.services import api_key_create
from tests.conftest import Tenant
from tests.cross_tenant import registry, snapshot
from tests.cross_tenant.registry import Owner
from tests.factories.creators import CreatorProfileFactory
from tests.factories.organizations import (
    BrandFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)
from users.models import User

HERE = Path(__file__).resolve().parent


def import_builders() -> dict[str, registry.Builder]:
    """Import every ``objects_<app>.py`` beside this file: each registers its builders."""
    for module in sorted(HERE.glob("objects_*.py")):
        importlib.import_module(f"tests.cross_tenant.{module.stem}")
    return registry.URL_PARAM_BUILDERS


@contextmanager
def savepoint() -> Iterator[None]:
    """A savepoint that lets durable services run inside it, as django.test.TestCase's do."""
    atomic = transaction.atomic()
    atomic._from_testcase = True  # same flag TestCase sets on its own atomics
    with atomic:
        yield


@dataclass
class World:
    attacker_tenant: Tenant
    victim: Owner
    attacker_creator: User
    attacker_key: str
    values: dict[str, str] = field(default_factory=dict)  # builder name -> URL value
    builder_errors: dict[str, str] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)
    baseline: snapshot.Snapshot = field(default_factory=dict)
    markers: dict[str, str] = field(default_factory=dict)  # see victim_markers()

    @property
    def attacker_slug(self) -> str:
        return self.attacker_tenant.org.slug

    @property
    def victim_slug(self) -> str:
        return self.victim.tenant.org.slug

    def victim_markers(self) -> dict[str, str]:
        """Strings that only the victim organization's pages may show: marker -> where it comes from.

        Every public id of a row owned by organization B (any model with an ``organization``
        foreign key), B's own id, name and slug, its brands' names, and the e-mail and name of
        people who are members of B but not of A.
        """
        victim_org = self.victim.tenant.org
        markers: dict[str, str] = {
            victim_org.public_id: "organization B's id",
            victim_org.name: "organization B's name",
            f"/o/{victim_org.slug}/": "a link into organization B",
        }
        for model in snapshot.snapshot_models():
            fields = {f.name: f for f in model._meta.concrete_fields}
            org_field = fields.get("organization")
            if (
                not isinstance(org_field, models.ForeignKey)
                or org_field.related_model is not Organization
            ):
                continue
            label = model._meta.label
            rows = model._base_manager.filter(organization=victim_org)
            if "public_id" in fields:
                for public_id in rows.values_list("public_id", flat=True):
                    markers[public_id] = f"the id of a {label} of organization B"
        for brand in victim_org.brands.all():
            markers[brand.name] = "the name of a brand of organization B"
        attacker_users = Membership.objects.filter(organization=self.attacker_tenant.org).values(
            "user"
        )
        for member in (
            Membership.objects.filter(organization=victim_org)
            .exclude(user__in=attacker_users)
            .select_related("user")
        ):
            markers[member.user.email] = "the e-mail of a member of organization B only"
            if member.user.full_name:
                markers[member.user.full_name] = "the name of a member of organization B only"
        return markers


def _run_builders(world: World, builders: dict[str, registry.Builder]) -> None:
    for name, builder in sorted(builders.items()):
        try:
            with savepoint():
                world.values[name] = str(builder(world.victim))
        except Exception:  # reported by every test that needs this value
            world.builder_errors[name] = traceback.format_exc()


def build_world() -> World:
    """Create the personas, run every registered builder for the victim, log the attackers in."""
    owner_a = UserFactory(email="owner-a@example.com", full_name="Ada Owner")
    both = UserFactory(email="bea@example.com", full_name="Bea Both")
    org_a = OrganizationFactory(name="Acme Agency", slug="acme", kind=Organization.Kind.AGENCY)
    brand_a = BrandFactory(organization=org_a, name="Acme Shoes", slug="acme-shoes")
    MembershipFactory(organization=org_a, user=owner_a, role=Role.OWNER)
    MembershipFactory(organization=org_a, user=both, role=Role.MANAGER)
    tenant_a = Tenant(org=org_a, brand=brand_a, owner=owner_a)

    org_b = OrganizationFactory(name="Bolt Beverages", slug="bolt", kind=Organization.Kind.BRAND)
    brand_b = BrandFactory(organization=org_b, name="Bolt Cola", slug="bolt-cola")
    MembershipFactory(organization=org_b, user=both, role=Role.OWNER)
    tenant_b = Tenant(org=org_b, brand=brand_b, owner=both)

    victim_creator = CreatorProfileFactory(
        user=UserFactory(email="victim-creator@example.com", full_name="Vic Creator"),
        display_name="vic.creates",
    ).user
    attacker_creator = CreatorProfileFactory(
        user=UserFactory(email="attacker-creator@example.com", full_name="Al Creator"),
        display_name="al.creates",
    ).user
    _key, raw_key = api_key_create(access=tenant_a.access(), name="Attacker's key", role=Role.ADMIN)

    world = World(
        attacker_tenant=tenant_a,
        victim=Owner(tenant=tenant_b, creator=victim_creator),
        attacker_creator=attacker_creator,
        attacker_key=raw_key,
    )
    _run_builders(world, import_builders())

    member = Client()
    member.force_login(owner_a)
    creator = Client()
    creator.force_login(attacker_creator)
    world.clients = {
        "member": member,
        "api_key": Client(headers={"Authorization": f"Bearer {raw_key}"}),
        "creator": creator,
    }
    world.baseline = snapshot.take()
    world.markers = world.victim_markers()
    return world
