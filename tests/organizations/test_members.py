"""Members: changing roles, removing, leaving, the last owner, brand-limited members."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from core.errors import ChorusError, Forbidden
from organizations.models import AuditEvent, Membership
from organizations.roles import Role
from organizations.services import membership_change_role, membership_remove
from tests.conftest import Tenant
from tests.factories.organizations import BrandFactory
from users.models import User


def _membership(tenant: Tenant, user: User) -> Membership:
    return Membership.objects.get(organization=tenant.org, user=user)


def _role_url(tenant: Tenant, membership: Membership) -> str:
    return reverse("organizations:member_role", args=[tenant.org.slug, membership.public_id])


def _remove_url(tenant: Tenant, membership: Membership) -> str:
    return reverse("organizations:member_remove", args=[tenant.org.slug, membership.public_id])


# --- changing roles ---------------------------------------------------------------------------------


def test_an_admin_changes_a_managers_role_from_the_members_page(
    tenant_a: Tenant, client_for: Callable[..., Client]
) -> None:
    admin = tenant_a.add_member(Role.ADMIN)
    target = _membership(tenant_a, tenant_a.add_member(Role.MANAGER, email="mo@example.com"))

    response = client_for(admin).post(
        _role_url(tenant_a, target), {"role": "reviewer"}, follow=True
    )

    assert "mo@example.com is now reviewer." in response.content.decode()
    target.refresh_from_db()
    assert target.role == Role.REVIEWER
    event = AuditEvent.objects.get(action="member.role_changed")
    assert (event.actor, event.data) == (admin, {"from": "manager", "to": "reviewer"})


@pytest.mark.parametrize(
    ("actor_role", "target_role", "new_role", "code"),
    [
        (
            Role.MANAGER,
            Role.REVIEWER,
            Role.VIEWER,
            "permission_denied",
        ),  # managers do not manage members
        (Role.ADMIN, Role.MANAGER, Role.OWNER, "role_not_grantable"),  # only owners make owners
        (
            Role.ADMIN,
            Role.OWNER,
            Role.VIEWER,
            "role_not_grantable",
        ),  # an admin cannot demote an owner
    ],
)
def test_role_changes_beyond_ones_rights_are_refused(
    tenant_a: Tenant, actor_role: str, target_role: str, new_role: str, code: str
) -> None:
    actor = tenant_a.add_member(actor_role)
    target = _membership(tenant_a, tenant_a.add_member(target_role))
    with pytest.raises(ChorusError) as exc:
        membership_change_role(
            access=tenant_a.access(actor_role, user=actor), membership=target, role=new_role
        )
    assert exc.value.code == code
    assert exc.value.status_code == 403
    target.refresh_from_db()
    assert target.role == target_role


def test_a_refused_role_change_shows_why_on_the_members_page(
    tenant_a: Tenant, client_for: Callable[..., Client]
) -> None:
    admin = tenant_a.add_member(Role.ADMIN)
    owner = _membership(tenant_a, tenant_a.owner)
    response = client_for(admin).post(_role_url(tenant_a, owner), {"role": "viewer"}, follow=True)
    assert "Only an owner can change an owner&#x27;s role." in response.content.decode()
    owner.refresh_from_db()
    assert owner.role == Role.OWNER


def test_an_unknown_role_is_refused_with_a_message(
    tenant_a: Tenant, client_for: Callable[..., Client]
) -> None:
    target = _membership(tenant_a, tenant_a.add_member(Role.VIEWER))
    response = client_for(tenant_a.owner).post(
        _role_url(tenant_a, target), {"role": "emperor"}, follow=True
    )
    assert "Choose a valid role." in response.content.decode()
    target.refresh_from_db()
    assert target.role == Role.VIEWER


def test_an_owner_makes_another_owner_and_then_one_can_step_down(tenant_a: Tenant) -> None:
    second = _membership(tenant_a, tenant_a.add_member(Role.ADMIN))
    membership_change_role(access=tenant_a.access(), membership=second, role=Role.OWNER)
    first = _membership(tenant_a, tenant_a.owner)
    membership_change_role(access=tenant_a.access(), membership=first, role=Role.ADMIN)
    first.refresh_from_db()
    assert first.role == Role.ADMIN


def test_the_last_owner_cannot_be_demoted(tenant_a: Tenant) -> None:
    only_owner = _membership(tenant_a, tenant_a.owner)
    with pytest.raises(ChorusError) as exc:
        membership_change_role(access=tenant_a.access(), membership=only_owner, role=Role.ADMIN)
    assert exc.value.code == "last_owner"
    only_owner.refresh_from_db()
    assert only_owner.role == Role.OWNER


# --- removing and leaving --------------------------------------------------------------------------


def test_an_admin_removes_a_reviewer(tenant_a: Tenant, client_for: Callable[..., Client]) -> None:
    admin = tenant_a.add_member(Role.ADMIN)
    target = _membership(tenant_a, tenant_a.add_member(Role.REVIEWER, email="rex@example.com"))
    response = client_for(admin).post(_remove_url(tenant_a, target), follow=True)
    assert "rex@example.com was removed." in response.content.decode()
    assert not Membership.objects.filter(pk=target.pk).exists()
    assert User.objects.filter(email="rex@example.com").exists(), "the person keeps their account"
    assert AuditEvent.objects.filter(action="member.removed", target_id=target.public_id).exists()


def test_only_an_owner_removes_an_owner(
    tenant_a: Tenant, client_for: Callable[..., Client]
) -> None:
    co_owner = _membership(tenant_a, tenant_a.add_member(Role.OWNER))
    admin = tenant_a.add_member(Role.ADMIN)

    response = client_for(admin).post(_remove_url(tenant_a, co_owner), follow=True)
    assert "Only an owner can remove an owner." in response.content.decode()
    assert Membership.objects.filter(pk=co_owner.pk).exists()

    membership_remove(access=tenant_a.access(), membership=co_owner)
    assert not Membership.objects.filter(pk=co_owner.pk).exists()


def test_a_member_without_admin_rights_cannot_remove_others(tenant_a: Tenant) -> None:
    reviewer = tenant_a.add_member(Role.REVIEWER)
    target = _membership(tenant_a, tenant_a.add_member(Role.VIEWER))
    with pytest.raises(Forbidden):
        membership_remove(access=tenant_a.access(Role.REVIEWER, user=reviewer), membership=target)
    assert Membership.objects.filter(pk=target.pk).exists()


def test_the_last_owner_cannot_leave(tenant_a: Tenant, client_for: Callable[..., Client]) -> None:
    mine = _membership(tenant_a, tenant_a.owner)
    response = client_for(tenant_a.owner).post(_remove_url(tenant_a, mine), follow=True)
    assert (
        "The last owner cannot leave. Make someone else an owner first."
        in response.content.decode()
    )
    assert Membership.objects.filter(pk=mine.pk).exists()


def test_a_member_leaves_and_lands_outside_the_workspace(
    tenant_a: Tenant, client_for: Callable[..., Client]
) -> None:
    viewer = tenant_a.add_member(Role.VIEWER)
    mine = _membership(tenant_a, viewer)
    client = client_for(viewer)
    response = client.post(_remove_url(tenant_a, mine))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:dashboard")
    assert not Membership.objects.filter(pk=mine.pk).exists()
    assert AuditEvent.objects.filter(action="member.left", actor=viewer).exists()
    assert client.get(reverse("organizations:dashboard", args=["acme"])).status_code == 404


def test_an_owner_leaves_when_another_owner_remains(tenant_a: Tenant) -> None:
    tenant_a.add_member(Role.OWNER)
    membership_remove(access=tenant_a.access(), membership=_membership(tenant_a, tenant_a.owner))
    assert not Membership.objects.filter(organization=tenant_a.org, user=tenant_a.owner).exists()


# --- brand-limited members ---------------------------------------------------------------------------


def test_a_brand_limited_member_sees_only_their_brand(
    tenant_a: Tenant, client_for: Callable[..., Client]
) -> None:
    other_brand = BrandFactory(organization=tenant_a.org, name="Acme Hats")
    freelancer = tenant_a.add_member(Role.REVIEWER)
    Membership.objects.filter(organization=tenant_a.org, user=freelancer).update(
        brand=tenant_a.brand
    )
    client = client_for(freelancer)

    page = client.get(reverse("organizations:brands", args=["acme"]))
    assert [b.name for b in page.context["brands"]] == ["Acme Shoes"]
    assert (
        client.get(
            reverse("organizations:brand_edit", args=["acme", other_brand.public_id])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("organizations:brand_edit", args=["acme", tenant_a.brand.public_id])
        ).status_code
        == 200
    )

    api = client.get("/api/v1/brands/", headers={"X-Chorus-Organization": "acme"})
    assert [b["name"] for b in api.json()["results"]] == ["Acme Shoes"]

    everyone = client_for(tenant_a.owner).get(reverse("organizations:brands", args=["acme"]))
    assert [b.name for b in everyone.context["brands"]] == ["Acme Hats", "Acme Shoes"]
