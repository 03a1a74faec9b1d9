"""The tenant-scoping base of the API, tested once, generically (PostHog's TeamAndOrgViewSetMixin)."""

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework import mixins
from rest_framework.test import APIClient, APIRequestFactory

from core.api.sealed import BASE_HOOKS, SEALED_METHODS, SealedViewSet
from core.errors import NotFound
from creators.api_base import CreatorScopedViewSet
from organizations import selectors
from organizations.access import OrgAccess
from organizations.api import BrandSerializer
from organizations.api_base import ORG_HEADER, OrgScopedViewSet
from organizations.roles import Role, Scope
from organizations.services import api_key_create
from tests.conftest import Tenant


@pytest.mark.parametrize("method", ["get_queryset", "get_object", "get_permissions"])
def test_overriding_a_sealed_method_fails_at_class_creation(method: str) -> None:
    with pytest.raises(TypeError, match=method):
        type("LeakyViewSet", (OrgScopedViewSet,), {method: lambda self: None})


def test_a_viewset_that_does_not_scope_its_queryset_fails_loudly() -> None:
    class Unscoped(OrgScopedViewSet):
        pass

    with pytest.raises(TypeError, match="scoped_queryset"):
        Unscoped().scoped_queryset(None)  # type: ignore[arg-type]


class BrandsWithAGap(OrgScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """A viewset that forgot to declare the scope of one of its actions (retrieve)."""

    serializer_class = BrandSerializer
    required_scopes = {"list": Scope.BRANDS_READ}

    def scoped_queryset(self, access: OrgAccess) -> Any:
        return selectors.brands_for_org(access)


def _bearer(tenant: Tenant, role: str = Role.ADMIN) -> str:
    _, raw = api_key_create(access=tenant.access(), name=f"{role} key", role=role)
    return f"Bearer {raw}"


def test_an_action_without_a_declared_scope_is_denied(tenant_a: Tenant) -> None:
    factory = APIRequestFactory()
    auth = _bearer(tenant_a)
    listing = BrandsWithAGap.as_view({"get": "list"})(factory.get("/", HTTP_AUTHORIZATION=auth))
    assert listing.status_code == 200, "the declared action works"

    detail = BrandsWithAGap.as_view({"get": "retrieve"})(
        factory.get("/", HTTP_AUTHORIZATION=auth), public_id=tenant_a.brand.public_id
    )
    assert detail.status_code == 403, (
        "an undeclared action is denied, even to an admin key of the owner"
    )
    assert detail.data["code"] == "permission_denied"


def test_a_method_the_route_does_not_take_is_405_not_403(tenant_a: Tenant) -> None:
    view = BrandsWithAGap.as_view({"get": "retrieve"})
    response = view(
        APIRequestFactory().delete("/", HTTP_AUTHORIZATION=_bearer(tenant_a)), public_id="brd_x"
    )
    assert response.status_code == 405


def test_an_unauthenticated_request_is_401_json(tenant_a: Tenant) -> None:
    response = APIClient().get("/api/v1/brands/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_key_never_reaches_another_organizations_object(
    tenant_a: Tenant, tenant_b: Tenant
) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=_bearer(tenant_a))
    response = client.get(f"/api/v1/brands/{tenant_b.brand.public_id}/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found.", "fields": {}}
    assert client.get(f"/api/v1/brands/{tenant_a.brand.public_id}/").status_code == 200


def test_a_session_user_names_the_organization_in_a_header(
    tenant_a: Tenant,
    tenant_b: Tenant,
    owner_a: Any,
    member_a_owner_b: Any,
    client_for: Callable[..., Any],
) -> None:
    both = client_for(member_a_owner_b)
    ambiguous = both.get("/api/v1/brands/")
    assert ambiguous.status_code == 400
    assert ORG_HEADER in ambiguous.json()["fields"]

    in_b = both.get("/api/v1/brands/", headers={ORG_HEADER: "bolt"})
    assert [b["name"] for b in in_b.json()["results"]] == ["Bolt Cola"]

    # owner_a is not a member of B: naming it looks exactly like naming nothing.
    not_member = client_for(owner_a).get("/api/v1/brands/", headers={ORG_HEADER: "bolt"})
    missing = client_for(owner_a).get("/api/v1/brands/", headers={ORG_HEADER: "no-such-org"})
    assert not_member.status_code == missing.status_code == 404
    assert not_member.json()["code"] == missing.json()["code"] == "not_found"


# -- one sealing mechanism for both scoped bases ------------------------------------------------

SCOPED_BASES = [OrgScopedViewSet, CreatorScopedViewSet]


def test_both_scoped_bases_share_one_sealing_mechanism() -> None:
    for base in SCOPED_BASES:
        assert issubclass(base, SealedViewSet)
        assert base.sealed == SEALED_METHODS | BASE_HOOKS
        # Neither base re-implements what the shared base seals: nothing to drift.
        assert not (SEALED_METHODS & set(vars(base))), base.__name__


@pytest.mark.parametrize("base", SCOPED_BASES, ids=lambda b: b.__name__)
@pytest.mark.parametrize("name", sorted(SEALED_METHODS | BASE_HOOKS))
def test_every_sealed_name_is_refused_on_both_bases(base: type, name: str) -> None:
    with pytest.raises(TypeError, match=name):
        type("Leaky", (base,), {name: lambda self: None})


@pytest.mark.parametrize("base", SCOPED_BASES, ids=lambda b: b.__name__)
def test_a_subclass_cannot_unseal(base: type) -> None:
    with pytest.raises(TypeError, match="unseal"):
        type("Unsealed", (base,), {"sealed": frozenset()})


@pytest.mark.parametrize("base", SCOPED_BASES, ids=lambda b: b.__name__)
def test_without_an_owner_the_queryset_is_refused_not_guessed(base: type) -> None:
    class Plain(base):  # type: ignore[misc, valid-type]
        def scoped_queryset(self, owner: Any) -> Any:
            raise AssertionError("never called without an owner")

    view = Plain()
    view.scope_owner = None
    with pytest.raises(NotFound):
        view.get_queryset()
