"""A brand-limited member (or API key) stays inside their brand: a role by brand-limit matrix.

Every write of the permission table (organization, brands, invitations, members, API keys,
campaigns) is tried by each role, unlimited and limited to brand A, on the pages and on the API
(as an API key of that role and limit; pages as the member). A write is allowed exactly
when the role has the scope AND (the actor is unlimited OR the target lies inside their brand);
what a limited actor creates is limited to their brand. A refused write changes nothing.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from campaigns.models import Campaign
from organizations.models import ApiKey, Brand, Invitation, Membership, Organization
from organizations.roles import Role, role_has_scope
from organizations.services import api_key_create, invitation_create
from tests.conftest import Tenant
from tests.factories.campaigns import CampaignFactory
from tests.factories.organizations import BrandFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = [Role.OWNER, Role.ADMIN, Role.MANAGER, Role.REVIEWER, Role.VIEWER]
REFUSED_API = {400, 403, 404}
REFUSED_PAGE = {302, 400, 403, 404}  # pages refuse with a message (redirect), 400, 403 or 404


@dataclass
class World:
    org: Organization
    own: Brand  # the brand the limited actor is limited to
    other: Brand
    owner_access: Any
    targets: dict[str, Any]


@pytest.fixture
def world(tenant_a: Tenant) -> World:
    other = BrandFactory(organization=tenant_a.org, name="Other Brand", slug="other-brand")
    access = tenant_a.access()

    def member(brand: Brand | None) -> Membership:
        return MembershipFactory(organization=tenant_a.org, user=UserFactory(), role=Role.VIEWER, brand=brand)  # fmt: skip

    inv_unlimited, _ = invitation_create(access=access, email="u@example.com", role=Role.VIEWER)
    inv_own, _ = invitation_create(access=access, email="o@example.com", role=Role.VIEWER, brand=tenant_a.brand)  # fmt: skip
    key_unlimited, _ = api_key_create(access=access, name="all", role=Role.VIEWER)
    key_own, _ = api_key_create(access=access, name="own", role=Role.VIEWER, brand=tenant_a.brand)
    targets = {
        "member_unlimited": member(None),
        "member_own": member(tenant_a.brand),
        "invitation_unlimited": inv_unlimited,
        "invitation_own": inv_own,
        "key_unlimited": key_unlimited,
        "key_own": key_own,
        "campaign_other": CampaignFactory(brand=other, name="Other campaign"),
        "campaign_own": CampaignFactory(brand=tenant_a.brand, name="Own campaign"),
    }
    return World(tenant_a.org, tenant_a.brand, other, access, targets)


@dataclass(frozen=True)
class Write:
    name: str
    scope: str
    within_brand: bool  # is the target inside the limited actor's brand?
    page: Callable[[Client, World], Any] | None
    api: Callable[[APIClient, World], Any] | None
    done: Callable[[World], bool]  # did the write happen (with a limit kept, where it creates)?
    creates_limited: Callable[[World], bool] | None = None  # what a limited actor made is limited


def _slug(w: World) -> str:
    return w.org.slug


def _t(w: World, name: str) -> Any:
    return w.targets[name]


def _campaign_body(brand: Brand) -> dict[str, Any]:
    day = datetime.date.today()
    return {
        "brand": brand.public_id,
        "name": "Sneaky",
        "objective": "Reach",
        "brief": "Brief.",
        "currency": "USD",
        "budget_cents": 500_000,
        "application_deadline": (day + datetime.timedelta(days=10)).isoformat(),
        "draft_due": (day + datetime.timedelta(days=15)).isoformat(),
        "posting_starts": (day + datetime.timedelta(days=20)).isoformat(),
        "posting_ends": (day + datetime.timedelta(days=30)).isoformat(),
        "max_creators": 5,
        "deliverables": [
            {"platform": "tiktok", "format": "video", "quantity": 1, "fee_cents": 15_000}
        ],
    }


def _reloaded(obj: Any) -> Any:
    return type(obj).objects.filter(pk=obj.pk).first()


WRITES = [
    Write(
        "organization_update",
        "org:write",
        False,
        None,
        lambda c, w: c.patch("/api/v1/organization/", {"name": "Renamed"}, format="json"),
        lambda w: Organization.objects.get(pk=w.org.pk).name == "Renamed",
    ),
    Write(
        "brand_create",
        "brands:write",
        False,
        lambda c, w: c.post(
            reverse("organizations:brands", args=[_slug(w)]), {"name": "Brand New"}
        ),
        lambda c, w: c.post("/api/v1/brands/", {"name": "Brand New"}, format="json"),
        lambda w: Brand.objects.filter(organization=w.org, name="Brand New").exists(),
    ),
    Write(
        "brand_edit_other",
        "brands:write",
        False,
        lambda c, w: c.post(
            reverse("organizations:brand_edit", args=[_slug(w), w.other.public_id]),
            {"name": "Edited"},
        ),
        lambda c, w: c.patch(
            f"/api/v1/brands/{w.other.public_id}/", {"name": "Edited"}, format="json"
        ),
        lambda w: Brand.objects.get(pk=w.other.pk).name == "Edited",
    ),
    Write(
        "brand_edit_own",
        "brands:write",
        True,
        lambda c, w: c.post(
            reverse("organizations:brand_edit", args=[_slug(w), w.own.public_id]),
            {"name": "Edited"},
        ),
        lambda c, w: c.patch(
            f"/api/v1/brands/{w.own.public_id}/", {"name": "Edited"}, format="json"
        ),
        lambda w: Brand.objects.get(pk=w.own.pk).name == "Edited",
    ),
    Write(
        # Unlimited actors create an unlimited invitation; a limited one's is limited to their brand.
        "invite_without_brand",
        "members:invite",
        True,
        lambda c, w: c.post(
            reverse("organizations:members", args=[_slug(w)]),
            {"email": "n@example.com", "role": "viewer", "brand": w.own.public_id},
        ),
        lambda c, w: c.post(
            "/api/v1/invitations/", {"email": "n@example.com", "role": "viewer"}, format="json"
        ),
        lambda w: Invitation.objects.filter(organization=w.org, email="n@example.com").exists(),
        creates_limited=lambda w: (
            Invitation.objects.get(email="n@example.com").brand_id == w.own.pk
        ),
    ),
    Write(
        "invite_to_other_brand",
        "members:invite",
        False,
        lambda c, w: c.post(
            reverse("organizations:members", args=[_slug(w)]),
            {"email": "n@example.com", "role": "viewer", "brand": w.other.public_id},
        ),
        lambda c, w: c.post(
            "/api/v1/invitations/",
            {"email": "n@example.com", "role": "viewer", "brand": w.other.public_id},
            format="json",
        ),
        lambda w: Invitation.objects.filter(organization=w.org, email="n@example.com").exists(),
    ),
    Write(
        "invitation_revoke_unlimited",
        "members:invite",
        False,
        lambda c, w: c.post(
            reverse(
                "organizations:invitation_revoke",
                args=[_slug(w), _t(w, "invitation_unlimited").public_id],
            )
        ),
        lambda c, w: c.delete(f"/api/v1/invitations/{_t(w, 'invitation_unlimited').public_id}/"),
        lambda w: _reloaded(_t(w, "invitation_unlimited")).revoked_at is not None,
    ),
    Write(
        "invitation_revoke_own",
        "members:invite",
        True,
        lambda c, w: c.post(
            reverse(
                "organizations:invitation_revoke",
                args=[_slug(w), _t(w, "invitation_own").public_id],
            )
        ),
        lambda c, w: c.delete(f"/api/v1/invitations/{_t(w, 'invitation_own').public_id}/"),
        lambda w: _reloaded(_t(w, "invitation_own")).revoked_at is not None,
    ),
    Write(
        "member_role_unlimited",
        "members:admin",
        False,
        lambda c, w: c.post(
            reverse(
                "organizations:member_role", args=[_slug(w), _t(w, "member_unlimited").public_id]
            ),
            {"role": "reviewer"},
        ),
        lambda c, w: c.patch(
            f"/api/v1/members/{_t(w, 'member_unlimited').public_id}/",
            {"role": "reviewer"},
            format="json",
        ),
        lambda w: _reloaded(_t(w, "member_unlimited")).role == Role.REVIEWER,
    ),
    Write(
        "member_role_own",
        "members:admin",
        True,
        lambda c, w: c.post(
            reverse("organizations:member_role", args=[_slug(w), _t(w, "member_own").public_id]),
            {"role": "reviewer"},
        ),
        lambda c, w: c.patch(
            f"/api/v1/members/{_t(w, 'member_own').public_id}/", {"role": "reviewer"}, format="json"
        ),
        lambda w: _reloaded(_t(w, "member_own")).role == Role.REVIEWER,
    ),
    Write(
        "member_remove_unlimited",
        "members:admin",
        False,
        lambda c, w: c.post(
            reverse(
                "organizations:member_remove", args=[_slug(w), _t(w, "member_unlimited").public_id]
            )
        ),
        lambda c, w: c.delete(f"/api/v1/members/{_t(w, 'member_unlimited').public_id}/"),
        lambda w: _reloaded(_t(w, "member_unlimited")) is None,
    ),
    Write(
        "member_remove_own",
        "members:admin",
        True,
        lambda c, w: c.post(
            reverse("organizations:member_remove", args=[_slug(w), _t(w, "member_own").public_id])
        ),
        lambda c, w: c.delete(f"/api/v1/members/{_t(w, 'member_own').public_id}/"),
        lambda w: _reloaded(_t(w, "member_own")) is None,
    ),
    Write(
        "api_key_create_unlimited",
        "apikeys:manage",
        False,
        lambda c, w: c.post(
            reverse("organizations:api_keys", args=[_slug(w)]),
            {"name": "New key", "role": "viewer", "brand": ""},
        ),
        None,
        lambda w: ApiKey.objects.filter(name="New key", brand__isnull=True).exists(),
    ),
    Write(
        "api_key_create_other_brand",
        "apikeys:manage",
        False,
        lambda c, w: c.post(
            reverse("organizations:api_keys", args=[_slug(w)]),
            {"name": "New key", "role": "viewer", "brand": w.other.public_id},
        ),
        None,
        lambda w: ApiKey.objects.filter(name="New key").exists(),
    ),
    Write(
        "api_key_create_own_brand",
        "apikeys:manage",
        True,
        lambda c, w: c.post(
            reverse("organizations:api_keys", args=[_slug(w)]),
            {"name": "New key", "role": "viewer", "brand": w.own.public_id},
        ),
        None,
        lambda w: ApiKey.objects.filter(name="New key", brand=w.own).exists(),
    ),
    Write(
        "api_key_revoke_unlimited",
        "apikeys:manage",
        False,
        lambda c, w: c.post(
            reverse(
                "organizations:api_key_revoke", args=[_slug(w), _t(w, "key_unlimited").public_id]
            )
        ),
        None,
        lambda w: _reloaded(_t(w, "key_unlimited")).revoked_at is not None,
    ),
    Write(
        "api_key_revoke_own",
        "apikeys:manage",
        True,
        lambda c, w: c.post(
            reverse("organizations:api_key_revoke", args=[_slug(w), _t(w, "key_own").public_id])
        ),
        None,
        lambda w: _reloaded(_t(w, "key_own")).revoked_at is not None,
    ),
    Write(
        "campaign_edit_other_brand",
        "campaigns:write",
        False,
        lambda c, w: c.post(
            reverse("campaigns:archive", args=[_slug(w), _t(w, "campaign_other").public_id])
        ),
        lambda c, w: c.patch(
            f"/api/v1/campaigns/{_t(w, 'campaign_other').public_id}/",
            {"name": "Edited"},
            format="json",
        ),
        lambda w: (
            (c := _reloaded(_t(w, "campaign_other"))).name == "Edited"
            or c.status == Campaign.Status.ARCHIVED
        ),
    ),
    Write(
        "campaign_edit_own_brand",
        "campaigns:write",
        True,
        lambda c, w: c.post(
            reverse("campaigns:archive", args=[_slug(w), _t(w, "campaign_own").public_id])
        ),
        lambda c, w: c.patch(
            f"/api/v1/campaigns/{_t(w, 'campaign_own').public_id}/",
            {"name": "Edited"},
            format="json",
        ),
        lambda w: (
            (c := _reloaded(_t(w, "campaign_own"))).name == "Edited"
            or c.status == Campaign.Status.ARCHIVED
        ),
    ),
    Write(
        "campaign_create_in_other_brand",
        "campaigns:write",
        False,
        None,
        lambda c, w: c.post("/api/v1/campaigns/", _campaign_body(w.other), format="json"),
        lambda w: Campaign.objects.filter(name="Sneaky").exists(),
    ),
]


def expected(write: Write, role: str, limited: bool) -> bool:
    return role_has_scope(role, write.scope) and (not limited or write.within_brand)


def _actor(world: World, role: str, limited: bool) -> Any:
    user = UserFactory()
    MembershipFactory(
        organization=world.org, user=user, role=role, brand=world.own if limited else None
    )
    return user


def _check(write: Write, world: World, role: str, limited: bool, response: Any, refused: set[int]) -> None:  # fmt: skip
    allowed = expected(write, role, limited)
    assert response.status_code < 500
    assert write.done(world) == allowed, (
        f"{write.name} by {role} {'limited' if limited else 'unlimited'}: "
        f"{response.status_code} {getattr(response, 'content', b'')[:300]!r}"
    )
    if allowed and limited and write.creates_limited is not None:
        assert write.creates_limited(world), (
            f"{write.name}: a limited actor created an unlimited row"
        )
    if not allowed:
        assert response.status_code in refused, (write.name, response.status_code)


CASES = [
    pytest.param(w, role, limited, id=f"{w.name}-{role}-{'limited' if limited else 'all'}")
    for w in WRITES
    for role in ROLES
    for limited in (False, True)
]


@pytest.mark.parametrize(("write", "role", "limited"), [c for c in CASES if c.values[0].page])
def test_page_write(world: World, write: Write, role: str, limited: bool) -> None:
    client = Client()
    client.force_login(_actor(world, role, limited))
    assert write.page is not None
    response = write.page(client, world)
    _check(write, world, role, limited, response, REFUSED_PAGE)


@pytest.mark.parametrize(
    ("write", "role", "limited"),
    [c for c in CASES if c.values[0].api and c.values[1] != Role.OWNER],
)
def test_api_write_as_key(world: World, write: Write, role: str, limited: bool) -> None:
    _, raw = api_key_create(
        access=world.owner_access, name="actor", role=role, brand=world.own if limited else None
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert write.api is not None
    response = write.api(client, world)
    _check(write, world, role, limited, response, REFUSED_API)


# -- keys created by limited members ------------------------------------------------------------


def test_limited_member_creates_only_keys_limited_to_their_brand_at_or_below_their_role(
    world: World,
) -> None:
    client = Client()
    client.force_login(_actor(world, Role.ADMIN, limited=True))
    url = reverse("organizations:api_keys", args=[world.org.slug])
    page = client.get(url).content.decode()
    assert "All brands</option>" not in page
    assert world.other.name not in page
    response = client.post(url, {"name": "Mine", "role": "admin", "brand": world.own.public_id})
    assert response.status_code == 200
    key = ApiKey.objects.get(name="Mine")
    assert (key.brand_id, key.role) == (world.own.pk, Role.ADMIN)
    # Its campaigns: only the brand's.
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {response.context['new_key']}")
    names = {c["name"] for c in api.get("/api/v1/campaigns/").json()["results"]}
    assert names == {"Own campaign"}
    other = _t(world, "campaign_other").public_id
    assert api.get(f"/api/v1/campaigns/{other}/").status_code == 404
    assert {b["id"] for b in api.get("/api/v1/brands/").json()["results"]} == {world.own.public_id}


def test_a_limited_managers_invitation_is_limited_to_their_brand(world: World) -> None:
    client = APIClient()
    client.force_login(_actor(world, Role.MANAGER, limited=True))
    response = client.post(
        "/api/v1/invitations/",
        {"email": "x@example.com", "role": "viewer"},
        format="json",
        HTTP_X_CHORUS_ORGANIZATION=world.org.slug,
    )
    assert response.status_code == 201
    assert response.json()["brand"] == world.own.public_id
