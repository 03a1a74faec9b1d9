"""No route escapes the tenancy guards: every API route is served by one of the sealed bases
(``OrgScopedViewSet``, ``CreatorScopedViewSet``) and every ``/o/<org-slug>/`` page by the
``org_view`` decorator. A new route that is neither fails here, by name, the day it appears."""

from typing import Any

from django.urls import path
from rest_framework.views import APIView

from creators.api_base import CreatorScopedViewSet
from organizations.api_base import OrgScopedViewSet
from organizations.tenancy import ORG_VIEW_MARK, org_view
from tests.cross_tenant.routes import Route, _walk, all_routes

SEALED_BASES = (OrgScopedViewSet, CreatorScopedViewSet)
# API routes that hold no tenant's data, each with its reason.
API_EXEMPT = {
    "api-v1:schema": "the OpenAPI document: public, describes the API, holds no data",
    "api-v1:docs": "Swagger UI for the schema: static, holds no data",
    "api-v1:redoc": "ReDoc for the schema: static, holds no data",
}
ORG_PAGE_PREFIX = "o/<slug:org_slug>/"


def unsealed(routes: list[Route]) -> list[str]:
    """The routes under /api/v1/ or /o/<org-slug>/ that bypass the guards, with why."""
    problems = []
    for route in routes:
        if route.is_api and route.name not in API_EXEMPT:
            cls: Any = getattr(route.callback, "cls", None)
            if not (isinstance(cls, type) and issubclass(cls, SEALED_BASES)):
                served_by = cls.__qualname__ if cls else getattr(route.callback, "__name__", "?")
                problems.append(
                    f"{route.path} ({route.label}) is served by {served_by}, not by "
                    "OrgScopedViewSet or CreatorScopedViewSet"
                )
        elif (
            route.pattern.startswith(ORG_PAGE_PREFIX)
            and getattr(route.callback, ORG_VIEW_MARK, None) is None
        ):
            problems.append(
                f"{route.path} ({route.label}) is not wrapped in organizations.tenancy.org_view"
            )
    return problems


def test_every_api_route_and_org_page_is_served_through_the_guards() -> None:
    routes = all_routes()
    assert sum(r.is_api for r in routes) > 40
    assert sum(r.pattern.startswith(ORG_PAGE_PREFIX) for r in routes) > 30
    problems = unsealed(routes)
    assert not problems, "\n".join(problems)


# Routes whose base is named here so a refactor cannot quietly move them off it.
EXPECTED_BASES: dict[str, type] = {
    "api-v1:submission-list": OrgScopedViewSet,
    "api-v1:submission-detail": OrgScopedViewSet,
    "api-v1:submission-decision": OrgScopedViewSet,
    "api-v1:submission-bulk-decision": OrgScopedViewSet,
    "api-v1:content-library-list": OrgScopedViewSet,
    "api-v1:creator-slot-list": CreatorScopedViewSet,
    "api-v1:creator-slot-detail": CreatorScopedViewSet,
    "api-v1:creator-slot-upload-request": CreatorScopedViewSet,
    "api-v1:creator-slot-upload-confirm": CreatorScopedViewSet,
    "api-v1:creator-slot-live-post": CreatorScopedViewSet,
}


def test_the_submissions_api_is_served_by_its_sealed_base() -> None:
    by_name = {r.name: r for r in all_routes()}
    for name, base in EXPECTED_BASES.items():
        assert name in by_name, f"{name} is not routed"
        cls = getattr(by_name[name].callback, "cls", None)
        assert isinstance(cls, type), f"{name} is not served by a viewset"
        assert issubclass(cls, base), f"{name}: {cls} is not a {base}"


def test_the_exemptions_name_existing_routes() -> None:
    names = {r.name for r in all_routes()}
    assert set(API_EXEMPT) <= names


class _Resolver:
    """A stand-in URL resolver holding the given patterns (for the check's own test)."""

    def __init__(self, patterns: list[Any]) -> None:
        self.url_patterns = patterns
        self.urlconf_name = "fake"


def test_the_check_catches_a_route_that_escapes() -> None:
    """The check is not vacuous: a plain APIView under the API and an unguarded page fail it."""

    class Loose(APIView):
        pass

    def loose_page(request: Any, org_slug: str) -> Any:
        raise AssertionError("never called")

    @org_view("org:read")
    def guarded_page(request: Any, access: Any) -> Any:
        raise AssertionError("never called")

    routes = list(
        _walk(
            _Resolver(  # type: ignore[arg-type]
                [
                    path("api/v1/loose/", Loose.as_view(), name="loose"),
                    path("o/<slug:org_slug>/loose/", loose_page, name="loose-page"),
                    path("o/<slug:org_slug>/fine/", guarded_page, name="fine-page"),
                ]
            ),
            "",
            None,
            (),
            (),
        )
    )
    problems = unsealed(routes)
    assert len(problems) == 2
    assert "Loose" in problems[0]
    assert "/o/<org_slug>/loose/" in problems[1]
