"""Organization pages: the workspace picker, unknown slugs, role-gated pages, brands."""

import re
from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from organizations.models import Brand
from organizations.roles import Role
from tests.conftest import Tenant
from users.models import User


def test_o_without_a_slug_takes_a_single_workspace_member_straight_in(
    tenant_a: Tenant, client_for: Callable[..., Client]
) -> None:
    response = client_for(tenant_a.owner).get("/o/")
    assert response.status_code == 302
    assert response["Location"] == reverse("organizations:dashboard", args=["acme"])


def test_o_without_a_slug_lets_a_member_of_several_choose(
    tenant_a: Tenant, tenant_b: Tenant, member_a_owner_b: User, client_for: Callable[..., Client]
) -> None:
    response = client_for(member_a_owner_b).get("/o/")
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("organizations:dashboard", args=["acme"]) in body
    assert reverse("organizations:dashboard", args=["bolt"]) in body


def test_o_without_a_slug_tells_someone_without_a_workspace_what_to_do(
    stranger: User, client_for: Callable[..., Client]
) -> None:
    response = client_for(stranger).get("/o/")
    assert response.status_code == 200
    assert reverse("web:signup_brand") in response.content.decode()
    assert response.context["memberships"] == []


def test_an_unknown_organization_slug_is_a_clear_404(
    tenant_a: Tenant, client_for: Callable[..., Client]
) -> None:
    response = client_for(tenant_a.owner).get("/o/no-such-org/members/")
    assert response.status_code == 404
    assert "No such organization, or you are not a member of it." in response.content.decode()


def test_someone_elses_organization_looks_exactly_like_a_missing_one(
    tenant_a: Tenant, tenant_b: Tenant, client_for: Callable[..., Client]
) -> None:
    client = client_for(tenant_a.owner)
    theirs = client.get("/o/bolt/")
    missing = client.get("/o/no-such-org/")
    assert theirs.status_code == missing.status_code == 404

    def without_csrf(body: bytes) -> str:
        return re.sub(
            r'"X-CSRFToken": "[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"', "", body.decode()
        )

    assert without_csrf(theirs.content) == without_csrf(missing.content)


def test_an_anonymous_visitor_is_asked_to_log_in(tenant_a: Tenant, client: Client) -> None:
    response = client.get("/o/acme/members/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_dashboard_shows_the_workspace(
    tenant_a: Tenant, client_for: Callable[..., Client]
) -> None:
    response = client_for(tenant_a.owner).get("/o/acme/")
    assert response.status_code == 200
    assert response.context["member_count"] == 2
    assert "Acme Agency" in response.content.decode()


def test_dashboard_after_login_leads_each_kind_of_user_home(
    tenant_a: Tenant, stranger: User, client_for: Callable[..., Client]
) -> None:
    assert client_for(tenant_a.owner).get("/dashboard/")["Location"] == "/o/acme/"
    assert client_for(stranger).get("/dashboard/").status_code == 200


def test_a_viewer_sees_brands_but_cannot_create_or_edit_one(
    tenant_a: Tenant, client_for: Callable[..., Client]
) -> None:
    viewer = client_for(tenant_a.add_member(Role.VIEWER))
    page = viewer.get("/o/acme/brands/")
    assert page.status_code == 200
    assert page.context["can_edit"] is False
    for url in ("/o/acme/brands/", f"/o/acme/brands/{tenant_a.brand.public_id}/"):
        response = viewer.post(url, {"name": "Sneaky Brand"})
        assert response.status_code == 403
        assert "Your role (viewer) does not allow this (brands:write)." in response.content.decode()
    assert not Brand.objects.filter(name="Sneaky Brand").exists()


def test_an_admin_creates_and_edits_a_brand(
    tenant_a: Tenant, client_for: Callable[..., Client]
) -> None:
    admin = client_for(tenant_a.add_member(Role.ADMIN))
    response = admin.post("/o/acme/brands/", {"name": "Acme Hats", "website": "hats.example.com"})
    assert response.status_code == 302
    brand = Brand.objects.get(name="Acme Hats")
    assert brand.website == "https://hats.example.com"
    response = admin.post(
        f"/o/acme/brands/{brand.public_id}/", {"name": "Acme Caps", "website": ""}
    )
    assert response.status_code == 302
    brand.refresh_from_db()
    assert (brand.name, brand.website) == ("Acme Caps", "")


def test_a_duplicate_brand_name_is_a_form_error(
    tenant_a: Tenant, client_for: Callable[..., Client]
) -> None:
    response = client_for(tenant_a.owner).post("/o/acme/brands/", {"name": "ACME SHOES"})
    assert response.status_code == 400
    assert response.context["form"].errors["name"] == [
        "There is already a brand called ACME SHOES."
    ]
    assert Brand.objects.filter(organization=tenant_a.org).count() == 1
