"""The cross-tenant harness: every URL that names an object, tried by another tenant, answers 404.

It walks every URL pattern of the site (``tests/cross_tenant/routes.py``). For each pattern with a
kwarg that names an object, the attackers — the owner of organization A (a member of A only), an
admin API key of A, and for creator-facing routes another creator (below) — try the victim's object
(organization B and its creator, built by the builders of ``tests/cross_tenant/objects_<app>.py``)
with GET, POST, PUT, PATCH and DELETE, with an empty body and one with typical fields. ``org_slug``
is tried both ways: B's slug with B's ids, and A's own slug with B's ids. Every answer must be
404 (405 for a method the route does not take), and no row of any of our models may change.
DRF router routes take ``public_id`` from the builder ``api:<basename>``; creator-facing routes
prefer a builder named ``creator:<kwarg>`` when one is registered (see CREATOR_PREFIX).

Creator-facing routes — the creator portal (``/creator/…``) and the creator API
(``/api/v1/creator/…``) — hold a creator's rows, not a tenant's: their attacker is ANOTHER
CREATOR, signed in with a browser session, who must get 404 for the victim creator's objects.
On the creator API, organization members and organization API keys are also tried: they are
refused outright, before any lookup, with 403 ``not_a_creator`` / ``creator_only`` (a refusal
that does not depend on the object, so it reveals nothing) — and nothing may change either.

A pattern whose kwarg has no builder fails ``test_every_object_route_has_builders`` with the
exact registration to add. Patterns without kwargs name no object (lists, /healthz, /accounts/…,
the API schema and docs) and are skipped by rule; a pattern whose only kwarg is ``org_slug``
names the organization itself and is tried with B's slug. The few exemptions are in ``EXEMPT``.
Objects that are no tenant's (a creator: ``GLOBAL_OBJECTS``) are attacked too: 404 under B's
slug, and under A's slug (or A's key) a GET is served and must show none of B's data.

List pages and list endpoints (patterns without object kwargs) are requested by A and must not
contain B's ids or names; creator-facing ones are requested by the attacking creator and must not
contain the victim creator's rows (``creator_markers``). The tenant-scoping base and the
creator-scoping base are checked on every registered viewset.
"""

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import models, transaction
from django.http import HttpResponse
from django.test import Client
from rest_framework.test import APIRequestFactory

from creators.api_base import CreatorScopedViewSet
from organizations.api_base import OrgScopedViewSet
from organizations.models import Organization
from tests.cross_tenant import snapshot
from tests.cross_tenant.routes import ORG_SLUG, Route, all_routes
from tests.cross_tenant.world import World, build_world, import_builders, savepoint

import_builders()  # so a missing builder is reported at collection, by test id

# The only routes with object kwargs that the harness does not attack, each with its reason.
EXEMPT: dict[str, str] = {
    "admin": "Django admin (namespace 'admin'): staff only and outside every tenant; staff see all tenants by design.",
    "allauth.urls": (
        "allauth's account routes (e-mail confirmation key, password-reset uidb36/key): each key is a "
        "bearer secret for one user, checked by allauth; tests/organizations/test_accounts.py covers them."
    ),
    "analytics:tracking_redirect": (
        "a creator's public tracking link: anyone who has it may follow it, by design; it changes "
        "nothing but appending a click; tests/analytics/test_tracking_links.py covers it."
    ),
    "organizations:invitation_accept": (
        "its token is a bearer secret whose possession is the authorization; "
        "tests/organizations/test_invitations.py covers forged, expired, used, revoked and wrong-user tokens."
    ),
}

# Objects that are no tenant's: creators are global users that any organization may look up (as
# in the search). A route naming only such objects is still attacked: under B's slug it answers
# 404 like any other; under A's own slug (or with A's API key) GET answers 200 and must show
# nothing of B's (its tenant data, past work, comes from selectors scoped to the viewer's
# organization and brand limit), and every other method answers 404 or 405 and changes nothing.
# Keyed by builder name (see Route.builder_name).
GLOBAL_OBJECTS: dict[str, str] = {
    "creator_id": "a creator's page for brands (discovery:creator_profile)",
    "api:creator-search": "a creator as brands see them (GET /api/v1/creators/{id}/)",
}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# For creator-portal routes a builder registered as "creator:<kwarg>" wins over "<kwarg>": an
# object every creator may see (an open campaign in the marketplace) is no secret, so such a
# builder returns one the attacking creator must not reach (e.g. an invite-only campaign).
CREATOR_PREFIX = "creator:"
ACCEPTABLE = {404, 405}
TYPICAL_FIELDS: dict[str, Any] = {
    "name": "Hijacked by tenant A",
    "title": "Hijacked by tenant A",
    "email": "intruder@example.com",
    "role": "owner",
    "website": "https://intruder.example.com",
    "status": "archived",
    "message": "taken over",
    "pitch": "taken over",
    "note": "taken over",
    "reason": "taken over",
    "decision": "accept",
    "amount_cents": 100,
    "budget_cents": 100,
    "currency": "USD",
}


def exemption(route: Route) -> str | None:
    if route.namespace and route.namespace.split(":")[0] == "admin":
        return EXEMPT["admin"]
    if "allauth.urls" in route.urlconfs:
        return EXEMPT["allauth.urls"]
    return EXEMPT.get(route.name or "")


ROUTES = all_routes()
OBJECT_ROUTES = [r for r in ROUTES if r.kwargs and not exemption(r)]
NO_OBJECT_ROUTES = [r for r in ROUTES if not r.object_kwargs and not exemption(r)]


# Who attacks which route, by rule (not by list), so a new route is covered the day it appears:
# - a creator-facing route (portal or creator API): another creator, whose 404 is the check;
# - on the creator API, also a tenant member's session and a tenant API key, which are not
#   creators at all and must be turned away with the refusal code below, whatever the object;
# - any other API route: a member of the other tenant (session) and its API key;
# - any other browser route: a member of the other tenant.
CREATOR_API_REFUSALS: dict[str, str] = {"member": "not_a_creator", "api_key": "creator_only"}


def attackers_for(route: Route) -> tuple[str, ...]:
    if route.is_creator_portal:
        return ("creator",)
    if route.is_creator_api:
        return ("creator", *CREATOR_API_REFUSALS)
    if route.is_api:
        return ("member", "api_key")
    return ("member",)


def _error_code(response: HttpResponse) -> str:
    try:
        return str(json.loads(response.content).get("code", ""))
    except (ValueError, AttributeError):
        return ""


def acceptable(route: Route, attacker: str, response: HttpResponse) -> bool:
    """404 (or 405 for a method the route does not take); on the creator API, a non-creator's
    403 with the refusal code that every request of theirs gets, object or no object."""
    if response.status_code in ACCEPTABLE:
        return True
    expected = CREATOR_API_REFUSALS.get(attacker) if route.is_creator_api else None
    return (
        expected is not None and response.status_code == 403 and _error_code(response) == expected
    )


@dataclass(frozen=True)
class Case:
    route: Route
    method: str
    attacker: str

    def __str__(self) -> str:
        return f"{self.route.label}-{self.method}-{self.attacker}"


ATTACKS = [Case(r, m, a) for r in OBJECT_ROUTES for a in attackers_for(r) for m in METHODS]


def _missing_builder_message(route: Route, kwarg: str, name: str) -> str:
    what = (
        f"the {route.drf_basename!r} object of the router"
        if name.startswith("api:")
        else f"the object {kwarg!r} names"
    )
    return (
        f"Route {route.label} ({route.path}) has the URL kwarg {kwarg!r}, and no cross-tenant builder "
        f"is registered for {name!r}. Add to tests/cross_tenant/objects_{route.app}.py:\n\n"
        f"    @url_param({name!r})\n"
        f"    def {re.sub(r'\W', '_', name)}(owner: Owner) -> str:\n"
        f"        # {what}, belonging to owner.tenant.org (or, for the creator portal, to owner.creator)\n"
        f"        return ...public_id\n"
    )


def object_values(route: Route, world: World) -> dict[str, str]:
    """The victim's value for each object kwarg of ``route``; fails the test with what to add."""
    values: dict[str, str] = {}
    for kwarg in route.object_kwargs:
        name = route.builder_name(kwarg)
        portal_name = f"{CREATOR_PREFIX}{name}"
        if route.is_creator_facing and (
            portal_name in world.values or portal_name in world.builder_errors
        ):
            name = portal_name
        if name in world.builder_errors:
            pytest.fail(
                f"The builder for {name!r} (route {route.label}) raised:\n{world.builder_errors[name]}"
            )
        if name not in world.values:
            pytest.fail(_missing_builder_message(route, kwarg, name))
        values[kwarg] = world.values[name]
    return values


def names_only_global_objects(route: Route) -> bool:
    return bool(route.object_kwargs) and all(
        route.builder_name(k) in GLOBAL_OBJECTS for k in route.object_kwargs
    )


SERVED_VARIANTS = ("victim's ids", "attacker's own organization, victim's ids")


def served_to_attacker(route: Route, method: str, variant: str) -> bool:
    """A GET of a global object in the attacker's own organization is served (and checked for
    leaks instead of answering 404)."""
    return names_only_global_objects(route) and method == "GET" and variant in SERVED_VARIANTS


def url_variants(route: Route, world: World) -> list[tuple[str, str]]:
    """(description, URL): with ``org_slug``, B's slug and B's ids, then A's own slug and B's ids."""
    values = object_values(route, world)
    if ORG_SLUG not in route.kwargs:
        return [("victim's ids", route.url(values))]
    variants = [("victim's organization", route.url({**values, ORG_SLUG: world.victim_slug}))]
    if route.object_kwargs:
        variants.append(
            (
                "attacker's own organization, victim's ids",
                route.url({**values, ORG_SLUG: world.attacker_slug}),
            )
        )
    return variants


def bodies_for(method: str) -> list[tuple[str, dict[str, Any] | None]]:
    if method in ("GET", "DELETE"):
        return [("no body", None)]
    return [("empty body", {}), ("typical fields", TYPICAL_FIELDS)]


def send(
    client: Client, method: str, url: str, body: dict[str, Any] | None, *, as_json: bool
) -> HttpResponse:
    call = getattr(client, method.lower())
    if body is None:
        return call(url)
    if as_json:
        return call(url, body, content_type="application/json")
    if method == "POST":
        return call(url, body)
    return call(url, urlencode(body), content_type="application/x-www-form-urlencoded")


def _explain(status: int, response: HttpResponse) -> str:
    if status == 403 and _error_code(response) in CREATOR_API_REFUSALS.values():
        return (
            f"refused with {_error_code(response)!r}, but that is the refusal of a different "
            "kind of caller: a creator must get 404, a member 'not_a_creator', a key 'creator_only'"
        )
    if status == 403:
        return "403 tells the attacker the object exists: answer 404 (look the object up in the tenant first)"
    if status in (301, 302, 303, 307, 308):
        return f"redirects to {response.get('Location')!r}: a signed-in member of another tenant must get 404"
    if status == 401:
        return "401 for an authenticated attacker: the object lookup must answer 404"
    if status < 300:
        return (
            "the other tenant's object was served or acted on (if every creator may see this object, "
            "e.g. an open campaign, register a 'creator:<kwarg>' builder that returns one they may not)"
        )
    return "expected 404"


def _leaks(response: HttpResponse, world: World) -> list[str]:
    """Problems with a page of a global object served to the attacker: not 200, or B's data."""
    if response.status_code != 200:
        return [f"answered {response.status_code}: a global object must be served to anyone"]
    body = response.content.decode(errors="replace")
    return [
        f"shows organization B's data: {marker!r} ({what})"
        for marker, what in world.markers.items()
        if marker in body
    ]


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Any:
    """Built once for the module inside a transaction; each test runs in a savepoint of it."""
    from django.test import TestCase

    with django_db_blocker.unblock():
        atomics = TestCase._enter_atomics()
        try:
            yield build_world()
        finally:
            TestCase._rollback_atomics(atomics)


def test_every_route_is_seen_by_the_harness() -> None:
    """The walk reaches both kinds of pattern: Django paths and DRF router regexes."""
    names = {r.name for r in ROUTES}
    assert "organizations:member_role" in names
    assert "api-v1:member-detail" in names
    drf = next(r for r in ROUTES if r.name == "api-v1:member-detail")
    assert drf.kwargs == ("public_id",)
    assert drf.builder_name("public_id") == "api:member"


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=lambda r: r.label)
def test_every_object_route_has_builders(route: Route, world: World) -> None:
    assert route.name, (
        f"The URL pattern {route.pattern!r} has no name: give it one so the harness can build it."
    )
    object_values(route, world)


def test_exemptions_name_existing_routes() -> None:
    """The exemption table does not rot: each entry still matches a route."""
    for key in EXEMPT:
        assert any(exemption(r) == EXEMPT[key] for r in ROUTES), (
            f"EXEMPT[{key!r}] matches no route any more"
        )


@pytest.mark.parametrize("case", ATTACKS, ids=str)
def test_other_tenant_gets_404_and_nothing_changes(case: Case, world: World, db: None) -> None:
    client = world.clients[case.attacker]
    failures: list[str] = []
    for variant, url in url_variants(case.route, world):
        for body_label, body in bodies_for(case.method):
            attempt = f"{case.method} {url} [{variant}; {body_label}] as {case.attacker}"
            with savepoint():
                counters = snapshot.write_counters()
                try:
                    response = send(client, case.method, url, body, as_json=case.route.is_api)
                except Exception as exc:  # a 500: report it with the route, keep going
                    failures.append(f"{attempt}: raised {type(exc).__name__}: {exc}")
                    transaction.set_rollback(True)
                    continue
                if served_to_attacker(case.route, case.method, variant):
                    failures.extend(f"{attempt}: {p}" for p in _leaks(response, world))
                elif not acceptable(case.route, case.attacker, response):
                    failures.append(
                        f"{attempt}: answered {response.status_code} — {_explain(response.status_code, response)}"
                    )
                try:
                    changes = snapshot.changes_since(world.baseline, counters)
                except Exception as exc:
                    changes = [f"could not read the database afterwards: {exc}"]
                if changes:
                    failures.append(
                        f"{attempt}: changed the database:\n      " + "\n      ".join(changes)
                    )
                transaction.set_rollback(True)
    assert not failures, "\n".join(failures)


def _lists_something(route: Route) -> bool:
    return not (route.drf_actions and "get" not in route.drf_actions)  # a DRF POST-only action


LIST_CASES = [
    (r, a)
    for r in NO_OBJECT_ROUTES
    # Creator-facing lists are checked per creator below: the marketplace shows organizations'
    # open campaigns to every creator by design.
    if not r.is_creator_facing and _lists_something(r)
    for a in (("member", "api_key") if r.is_api else ("member",))
]
CREATOR_LIST_ROUTES = [r for r in NO_OBJECT_ROUTES if r.is_creator_facing and _lists_something(r)]
CREATOR_API_REFUSAL_CASES = [
    Case(r, m, a)
    for r in NO_OBJECT_ROUTES
    if r.is_creator_api
    for a in CREATOR_API_REFUSALS
    for m in METHODS
]


@pytest.mark.parametrize(
    ("route", "attacker"), LIST_CASES, ids=[f"{r.label}-{a}" for r, a in LIST_CASES]
)
def test_lists_do_not_show_other_tenants_rows(
    route: Route, attacker: str, world: World, db: None
) -> None:
    kwargs = {ORG_SLUG: world.attacker_slug} if ORG_SLUG in route.kwargs else {}
    url = route.url(kwargs)
    response = world.clients[attacker].get(url)
    assert response.status_code < 400 or response.status_code == 405, (
        f"GET {url} as {attacker} of organization A answered {response.status_code}: "
        "A's own page must work for this check to mean anything"
    )
    body = response.content.decode(errors="replace")
    leaks = [f"{marker!r} ({what})" for marker, what in world.markers.items() if marker in body]
    assert not leaks, (
        f"GET {url} as {attacker} of organization A shows organization B's data: "
        + ", ".join(leaks)
    )


def creator_markers(world: World) -> dict[str, str]:
    """Strings only the victim creator's own pages may show: marker -> where it comes from.

    The public id of every row that points at the victim creator (a foreign key to their user or
    to their creator profile: applications, invitations, participations, accounts, notices, …),
    the campaigns of those rows that the marketplace does not list to everyone (an invite-only
    campaign), and the victim creator's profile id, e-mail, name and display name.
    """
    from campaigns.models import Campaign
    from campaigns.rules import campaign_is_listed
    from creators.models import CreatorProfile
    from users.models import User

    user = world.victim.creator
    profile = CreatorProfile.objects.filter(user=user).first()
    markers = {user.email: "the victim creator's e-mail"}
    if user.full_name:
        markers[user.full_name] = "the victim creator's name"
    if profile is not None:
        markers[profile.public_id] = "the victim creator's profile id"
        markers[profile.display_name] = "the victim creator's display name"
    owners: dict[type, Any] = {User: user, CreatorProfile: profile}
    for model in snapshot.snapshot_models():
        fields = {f.name: f for f in model._meta.concrete_fields}
        links = [
            f.name
            for f in fields.values()
            if isinstance(f, models.ForeignKey) and owners.get(f.related_model) is not None
        ]
        if not links or "public_id" not in fields:
            continue
        query = models.Q()
        for name in links:
            query |= models.Q(**{name: owners[fields[name].related_model]})
        for row in model._base_manager.filter(query):
            markers[row.public_id] = f"the id of a {model._meta.label} of the victim creator"
            campaign = getattr(row, "campaign", None)
            if isinstance(campaign, Campaign) and not campaign_is_listed(campaign):
                markers[campaign.public_id] = (
                    f"the id of a campaign the victim creator reaches through a "
                    f"{model._meta.label} and the marketplace does not list"
                )
    return markers


@pytest.fixture(scope="module")
def victim_creator_markers(world: World, django_db_blocker: Any) -> dict[str, str]:
    with django_db_blocker.unblock():
        return creator_markers(world)


@pytest.mark.parametrize("route", CREATOR_LIST_ROUTES, ids=lambda r: r.label)
def test_creator_lists_do_not_show_another_creators_rows(
    route: Route, world: World, victim_creator_markers: dict[str, str], db: None
) -> None:
    url = route.url({})
    response = world.clients["creator"].get(url)
    assert response.status_code < 400 or response.status_code == 405, (
        f"GET {url} as another creator answered {response.status_code}: "
        "their own page must work for this check to mean anything"
    )
    body = response.content.decode(errors="replace")
    leaks = [f"{m!r} ({what})" for m, what in victim_creator_markers.items() if m in body]
    assert not leaks, f"GET {url} as another creator shows the victim creator's data: " + ", ".join(
        leaks
    )


def test_victim_creator_has_objects_to_leak(victim_creator_markers: dict[str, str]) -> None:
    """The creator list check means something: the victim creator has rows of every kind."""
    markers = victim_creator_markers.values()
    for label in (
        "recruitment.Application",
        "recruitment.CampaignInvitation",
        "recruitment.Participation",
        "creators.SocialAccount",
    ):
        assert any(f"a {label} of the victim creator" in m for m in markers), label
    assert any("the marketplace does not list" in m for m in markers)


@pytest.mark.parametrize("case", CREATOR_API_REFUSAL_CASES, ids=str)
def test_creator_api_turns_organizations_away_and_nothing_changes(
    case: Case, world: World, db: None
) -> None:
    """List and create routes of the creator API, tried by a tenant member and a tenant API key:
    refused outright (or 405), and no row changes — not even with a plausible body."""
    client = world.clients[case.attacker]
    url = case.route.url({})
    failures: list[str] = []
    for body_label, body in bodies_for(case.method):
        attempt = f"{case.method} {url} [{body_label}] as {case.attacker}"
        with savepoint():
            counters = snapshot.write_counters()
            response = send(client, case.method, url, body, as_json=True)
            if not acceptable(case.route, case.attacker, response):
                failures.append(
                    f"{attempt}: answered {response.status_code} {response.content[:200]!r}; "
                    f"expected 403 {CREATOR_API_REFUSALS[case.attacker]!r} (or 405)"
                )
            changes = snapshot.changes_since(world.baseline, counters)
            if changes:
                failures.append(
                    f"{attempt}: changed the database:\n      " + "\n      ".join(changes)
                )
            transaction.set_rollback(True)
    assert not failures, "\n".join(failures)


def test_victim_has_objects_to_leak(world: World, db: None) -> None:
    """The list check means something: B holds members, invitations, keys and brands of its own."""
    markers = world.markers.values()
    for kind in ("Membership", "Invitation", "ApiKey", "Brand"):
        assert any(f"organizations.{kind} of organization B" in m for m in markers), kind


def _scoped_viewsets() -> list[type[OrgScopedViewSet]]:
    found: dict[str, type[OrgScopedViewSet]] = {}
    for route in ROUTES:
        cls = getattr(route.callback, "cls", None)
        if isinstance(cls, type) and issubclass(cls, OrgScopedViewSet):
            found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return [found[k] for k in sorted(found)]


@pytest.mark.parametrize("viewset", _scoped_viewsets(), ids=lambda c: c.__qualname__)
def test_api_key_never_sees_other_tenants_rows_through_viewset_queryset(
    viewset: type[OrgScopedViewSet], world: World, db: None
) -> None:
    """Every registered OrgScopedViewSet's queryset, for A's API key, holds A's rows only."""
    from organizations.access import access_for_api_key
    from organizations.models import ApiKey
    from organizations.secrets import hash_secret

    api_key = ApiKey.objects.select_related("organization").get(
        key_hash=hash_secret(world.attacker_key)
    )
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {world.attacker_key}")
    view = viewset()
    view.action_map = {"get": "list"}
    view.args, view.kwargs, view.format_kwarg = (), {}, None
    view.request = view.initialize_request(request)
    view.access = view.scope_owner = access_for_api_key(api_key)
    queryset = view.get_queryset()
    model = queryset.model
    org_a, org_b = world.attacker_tenant.org, world.victim.tenant.org
    if model is Organization:
        assert list(queryset.values_list("pk", flat=True)) == [org_a.pk]
        return
    if "organization" not in {f.name for f in model._meta.concrete_fields}:
        # A global table (creators are global users, not tenant members): no tenant's rows to hide.
        assert model._meta.app_label not in {"organizations"}, model._meta.label
        return
    assert model._base_manager.filter(organization=org_b).exists(), (
        f"organization B has no {model._meta.label} rows, so this check proves nothing: register "
        f"a builder (e.g. @url_param('api:<basename>') in tests/cross_tenant/objects_<app>.py) that creates one"
    )
    assert not queryset.exclude(organization=org_a).exists(), (
        f"{viewset.__qualname__}'s queryset for A's API key holds other organizations' rows"
    )


def _creator_viewsets() -> list[type[CreatorScopedViewSet]]:
    found: dict[str, type[CreatorScopedViewSet]] = {}
    for route in ROUTES:
        cls = getattr(route.callback, "cls", None)
        if isinstance(cls, type) and issubclass(cls, CreatorScopedViewSet):
            found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return [found[k] for k in sorted(found)]


def test_every_creator_api_route_uses_the_creator_base() -> None:
    """A viewset under /api/v1/creator/ that is not creator-scoped would skip the refusals."""
    for route in ROUTES:
        cls = getattr(route.callback, "cls", None)
        if route.is_creator_api and cls is not None:
            assert issubclass(cls, CreatorScopedViewSet), (
                f"{route.label} is served by {cls.__qualname__}, which is not a "
                "creators.api_base.CreatorScopedViewSet"
            )
    assert _creator_viewsets(), "no creator API viewset found: the checks below would prove nothing"


@pytest.mark.parametrize("viewset", _creator_viewsets(), ids=lambda c: c.__qualname__)
def test_another_creator_never_sees_the_victims_rows_through_viewset_queryset(
    viewset: type[CreatorScopedViewSet], world: World, db: None
) -> None:
    """Every creator viewset's queryset, for the attacking creator, holds none of the victim
    creator's rows (and, for campaigns, only what the marketplace lists to everyone)."""
    from campaigns.models import Campaign
    from campaigns.rules import campaign_is_listed
    from creators.models import CreatorProfile

    attacker = CreatorProfile.objects.get(user=world.attacker_creator)
    victim = CreatorProfile.objects.get(user=world.victim.creator)
    request = APIRequestFactory().get("/")
    request.user = world.attacker_creator
    view = viewset()
    view.action_map = {"get": "list"}
    view.args, view.kwargs, view.format_kwarg = (), {}, None
    view.request = view.initialize_request(request)
    view.creator = attacker
    view.scope_owner = attacker  # what the sealed base's initial() resolves
    queryset = view.get_queryset()
    model = queryset.model
    if model is CreatorProfile:
        assert list(queryset.values_list("pk", flat=True)) == [attacker.pk]
        return
    if model is Campaign:
        # The marketplace is shared by design; nothing unlisted (invite-only, draft) may be in it.
        unlisted = [c.public_id for c in queryset if not campaign_is_listed(c)]
        assert not unlisted, f"{viewset.__qualname__} lists campaigns the marketplace hides"
        return
    fields = {f.name for f in model._meta.concrete_fields}
    if "recipient" in fields:  # a notification: the creator's user is its recipient
        assert model._base_manager.filter(recipient=victim.user).exists(), (
            f"the victim creator has no {model._meta.label} rows: register a builder that makes one"
        )
        assert not queryset.exclude(recipient=attacker.user).exists(), (
            f"{viewset.__qualname__}'s queryset for one creator holds another person's rows"
        )
        return
    assert "creator" in fields, (
        f"{viewset.__qualname__} serves {model._meta.label}, which has no creator column: "
        "teach this test how that table is scoped"
    )
    assert model._base_manager.filter(creator=victim).exists(), (
        f"the victim creator has no {model._meta.label} rows, so this check proves nothing: "
        "register a builder that makes one (tests/cross_tenant/objects_<app>.py)"
    )
    assert not queryset.exclude(creator=attacker).exists(), (
        f"{viewset.__qualname__}'s queryset for one creator holds another creator's rows"
    )
