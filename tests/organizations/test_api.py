"""The organizations REST API: resources, and errors that are JSON with a stable code."""

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from organizations.models import Brand, Invitation, Membership
from organizations.roles import Role
from tests.conftest import Tenant


@pytest.fixture
def admin_api(tenant_a: Tenant, api_client_for: Callable[..., APIClient]) -> APIClient:
    return api_client_for(tenant_a, Role.ADMIN)


def test_the_organization_of_the_key(admin_api: APIClient, tenant_a: Tenant) -> None:
    body = admin_api.get("/api/v1/organization/").json()
    assert body == {
        "id": tenant_a.org.public_id,
        "name": "Acme Agency",
        "slug": "acme",
        "kind": "agency",
        "created_at": body["created_at"],
    }
    renamed = admin_api.patch(
        "/api/v1/organization/", {"name": "Acme Group", "slug": "hijack"}, format="json"
    )
    assert renamed.status_code == 200
    tenant_a.org.refresh_from_db()
    assert (tenant_a.org.name, tenant_a.org.slug) == ("Acme Group", "acme"), "the slug is read-only"


def test_brands_are_created_listed_and_renamed(admin_api: APIClient, tenant_a: Tenant) -> None:
    created = admin_api.post(
        "/api/v1/brands/",
        {"name": "Acme Hats", "website": "https://hats.example.com"},
        format="json",
    )
    assert created.status_code == 201
    brand_id = created.json()["id"]
    assert brand_id.startswith("brd_")
    names = [b["name"] for b in admin_api.get("/api/v1/brands/").json()["results"]]
    assert names == ["Acme Hats", "Acme Shoes"]
    patched = admin_api.patch(f"/api/v1/brands/{brand_id}/", {"name": "Acme Caps"}, format="json")
    assert patched.json()["name"] == "Acme Caps"


def test_a_duplicate_brand_is_a_business_error_with_a_code(admin_api: APIClient) -> None:
    response = admin_api.post("/api/v1/brands/", {"name": "acme shoes"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "duplicate",
        "message": "There is already a brand called acme shoes.",
        "fields": {"name": ["Already used."]},
    }
    assert Brand.objects.count() == 1


def test_members_are_listed_filtered_and_their_roles_changed(
    admin_api: APIClient, tenant_a: Tenant
) -> None:
    listed = admin_api.get("/api/v1/members/?role=manager").json()["results"]
    assert [(m["email"], m["role"]) for m in listed] == [("bea@example.com", "manager")]
    member_id = listed[0]["id"]
    assert member_id.startswith("mem_")

    changed = admin_api.patch(f"/api/v1/members/{member_id}/", {"role": "reviewer"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["role"] == "reviewer"

    owner_id = Membership.objects.get(user=tenant_a.owner).public_id
    refused = admin_api.patch(f"/api/v1/members/{owner_id}/", {"role": "viewer"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "role_not_grantable"


def test_a_patch_without_a_role_changes_nothing_and_says_so(
    admin_api: APIClient, tenant_a: Tenant
) -> None:
    """PATCH is partial, as the schema says: a body naming no field is not an error."""
    bea = Membership.objects.get(user__email="bea@example.com", organization=tenant_a.org)
    answer = admin_api.patch(f"/api/v1/members/{bea.public_id}/", {"x": 1}, format="json")
    assert answer.status_code == 200
    assert answer.json()["role"] == "manager"
    bea.refresh_from_db()
    assert bea.role == "manager"


def test_an_admin_key_removes_a_member_but_not_the_owner(
    admin_api: APIClient, tenant_a: Tenant
) -> None:
    bea = Membership.objects.get(user__email="bea@example.com", organization=tenant_a.org)
    assert admin_api.delete(f"/api/v1/members/{bea.public_id}/").status_code == 204
    assert not Membership.objects.filter(pk=bea.pk).exists()
    owner = Membership.objects.get(user=tenant_a.owner)
    refused = admin_api.delete(f"/api/v1/members/{owner.public_id}/")
    assert refused.status_code == 403
    assert refused.json() == {
        "code": "owner_protected",
        "message": "Only an owner can remove an owner.",
        "fields": {},
    }


def test_an_invitation_is_revoked_with_delete_and_is_gone_afterwards(
    admin_api: APIClient,
) -> None:
    invitation_id = admin_api.post(
        "/api/v1/invitations/", {"email": "x@example.com", "role": "viewer"}, format="json"
    ).json()["id"]
    revoked = admin_api.delete(f"/api/v1/invitations/{invitation_id}/")
    assert revoked.status_code == 204
    assert Invitation.objects.get(public_id=invitation_id).revoked_at is not None
    assert admin_api.get(f"/api/v1/invitations/{invitation_id}/").status_code == 404
    listed = admin_api.get("/api/v1/invitations/").json()["results"]
    assert invitation_id not in [row["id"] for row in listed]
    again = admin_api.delete(f"/api/v1/invitations/{invitation_id}/")
    assert again.status_code == 404


def test_an_invitation_to_a_brand_of_another_organization_answers_as_a_missing_brand(
    admin_api: APIClient, tenant_b: Tenant
) -> None:
    response = admin_api.post(
        "/api/v1/invitations/",
        {"email": "x@example.com", "role": "viewer", "brand": tenant_b.brand.public_id},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "not_found",
        "message": "brand: No such brand.",
        "fields": {"brand": ["No such brand."]},
    }


# --- errors ---------------------------------------------------------------------------------------


def test_a_malformed_json_body_is_400_parse_error(admin_api: APIClient) -> None:
    response = admin_api.generic(
        "POST", "/api/v1/brands/", '{"name": "Acme', content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "parse_error"
    assert body["message"].startswith("JSON parse error")
    assert Brand.objects.count() == 1


def test_a_body_that_is_not_an_object_is_a_clear_400(admin_api: APIClient) -> None:
    response = admin_api.generic(
        "POST", "/api/v1/invitations/", "[1, 2]", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_validation_errors_name_the_field(admin_api: APIClient) -> None:
    response = admin_api.post(
        "/api/v1/invitations/", {"email": "not-an-address", "role": "emperor"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"email", "role"}
    assert body["fields"]["email"] == ["Enter a valid email address."]
    assert body["message"].startswith(("email: ", "role: "))


def test_a_missing_field_is_named(admin_api: APIClient) -> None:
    response = admin_api.post("/api/v1/brands/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {"name": ["This field is required."]}


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here/", "/api/v1/brands/brd_missing/", "/api/nope", "/api/v2/brands/"]
)
def test_an_unknown_route_or_object_under_api_is_json_404(admin_api: APIClient, path: str) -> None:
    response = admin_api.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


def test_a_method_the_route_does_not_take_is_json_405(admin_api: APIClient) -> None:
    response = admin_api.put("/api/v1/organization/", {}, format="json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_the_openapi_schema_and_docs_are_served(admin_api: APIClient) -> None:
    schema = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/members/" in schema.json()["paths"]
    assert "ApiKey" in schema.json()["components"]["securitySchemes"]
    docs = APIClient().get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content


@pytest.mark.parametrize("path", ["/api/v1/members", "/api/v1/members/", "/api/v1/organization"])
def test_the_trailing_slash_is_optional(admin_api: APIClient, path: str) -> None:
    assert admin_api.get(path).status_code == 200


def test_a_post_without_the_trailing_slash_is_not_redirected(admin_api: APIClient) -> None:
    response = admin_api.post(
        "/api/v1/invitations", {"email": "x@example.com", "role": "viewer"}, format="json"
    )
    assert response.status_code == 201
