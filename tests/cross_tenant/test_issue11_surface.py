"""Issue 11's surface across tenants and brands, where the generic harnesses did not reach.

- The API's ids in bodies and query strings (test_body_and_query_refs.py) were attacked by
  another organization only. Here a key and a member limited to one brand send the OTHER
  BRAND's ids (same organization) in every body field and filter the schema documents as an
  id; each answer must be exactly the answer to an id that names nothing, and change nothing.
  Every operation is attacked (not only issue 11's): a filter or body that forgets the brand
  limit is the same leak wherever it is.
- Lists (pages and endpoints without an object in their URL) were checked across
  organizations only; here a brand-limited key and member read every one and must find no id
  of the other brand's objects (its campaigns, posts and their figures, orders, stores…).
- Issue 11's own pages and endpoints are named here, so a refactor that drops one from the
  generic harnesses (a route renamed, an id no longer documented) fails loudly.
"""

from typing import Any

import pytest
from django.db import transaction

from organizations.models import Brand
from tests.conftest import Tenant
from tests.cross_tenant import snapshot
from tests.cross_tenant.routes import ORG_SLUG, Route, all_routes
from tests.cross_tenant.test_body_and_query_refs import (
    CASES,
    CREATOR_API,
    GLOBAL_PREFIXES,
    MISSING_SUFFIX,
    _body,
    _by_prefix,
    _masked,
    _own_builder_for,
    _send,
)
from tests.cross_tenant.test_brand_limited_attacker import LimitedWorld, limited  # noqa: F401
from tests.cross_tenant.test_harness import LIST_CASES
from tests.cross_tenant.test_page_refs import own_values
from tests.cross_tenant.test_page_refs_brand_limited import other_brand_ids
from tests.cross_tenant.world import import_builders, savepoint
from tests.factories.creators import CreatorProfileFactory
from tests.factories.organizations import UserFactory

ISSUE_11_ROUTES = {
    "web:organization_dashboard",
    "web:campaign_dashboard",
    "web:campaign_dashboard_csv",
    "web:creator_stats",
    "analytics:stores",
    "analytics:store_delete",
    "analytics:store_test_order",
    "analytics:tracking_redirect",
    "analytics:shopify_webhook",
    "api-v1:post-metrics-list",
    "api-v1:post-metrics-detail",
    "api-v1:conversion-list",
    "api-v1:conversion-detail",
    "api-v1:conversion-refunds",
    "api-v1:store-list",
    "api-v1:store-detail",
    "api-v1:store-rotate-secret",
    "api-v1:campaign-performance-list",
    "api-v1:campaign-performance-detail",
}
ISSUE_11_REFS = {
    "GET /api/v1/post-metrics/ query:campaign",
    "GET /api/v1/conversions/ query:campaign",
    "POST /api/v1/stores/ body:brand",
}
ISSUE_11_BUILDERS = {
    "api:post-metrics",
    "api:conversion",
    "api:store",
    "api:campaign-performance",
    "store_id",
    "campaign_id",
}


def test_issue_11_routes_are_all_walked_by_the_harness() -> None:
    names = {r.name for r in all_routes()}
    missing = sorted(ISSUE_11_ROUTES - names)
    assert not missing, f"renamed or gone — check the cross-tenant harness still covers: {missing}"


def test_issue_11_object_routes_have_builders() -> None:
    builders = set(import_builders())
    assert builders >= ISSUE_11_BUILDERS, sorted(ISSUE_11_BUILDERS - builders)


def test_issue_11_ids_in_bodies_and_filters_are_documented_so_they_are_attacked() -> None:
    documented = {str(c) for c in CASES}
    assert documented >= ISSUE_11_REFS, sorted(ISSUE_11_REFS - documented)


# -- a brand-limited key and member, the other brand's ids in bodies and filters ------------------

ORG_CASES = [
    c for c in CASES if not c.path.startswith(CREATOR_API) and c.prefix not in GLOBAL_PREFIXES
]


def _other_brand_ids_by_prefix(world: LimitedWorld) -> dict[str, list[str]]:
    """Every id of the other brand per prefix: each of its campaigns (a filter on a campaign
    with no rows would show nothing either way), every builder's object, else some row."""
    from campaigns.models import Campaign

    found: dict[str, set[str]] = {}
    for value in world.other_brand_values:
        found.setdefault(value.split("_", 1)[0], set()).add(value)
    for campaign in Campaign.objects.filter(brand=world.other_brand):
        found.setdefault("cmp", set()).add(campaign.public_id)
    for prefix, value in other_brand_ids(world).items():
        found.setdefault(prefix, set()).add(value)
    return {prefix: sorted(values) for prefix, values in found.items()}


@pytest.fixture(scope="module")
def limited_refs(
    limited: LimitedWorld,  # noqa: F811
    django_db_blocker: Any,
) -> tuple[dict[str, str], snapshot.Snapshot, dict[str, list[str]]]:
    """The limited attacker's own objects (in their brand), the baseline, the other brand's ids."""
    with django_db_blocker.unblock():
        org = limited.other_brand.organization
        own_brand = Brand.objects.get(organization=org, slug="bolt-cola")
        owner = org.memberships.get(brand__isnull=True, role="owner").user
        own = own_values(
            Tenant(org=org, brand=own_brand, owner=owner),
            CreatorProfileFactory(user=UserFactory(email="cola-api-creator@example.com")).user,
        )
        return own, snapshot.take(), _other_brand_ids_by_prefix(limited)


@pytest.mark.parametrize("attacker", ["limited_key", "limited_member"])
def test_the_other_brands_id_in_a_body_or_filter_answers_as_a_missing_one(
    attacker: str,
    limited: LimitedWorld,  # noqa: F811
    limited_refs: Any,
    db: None,
) -> None:
    own_by_builder, baseline, victims = limited_refs
    own = _by_prefix(own_by_builder, creator_side=False)
    client = limited.clients[attacker]
    attacked, failures = set(), []
    for case in ORG_CASES:
        for victim_id in victims.get(case.prefix, []):  # none: an organization-wide kind
            attacked.add(str(case))
            failures += _attack(client, case, own_by_builder, own, victim_id, baseline)
    assert attacked >= ISSUE_11_REFS, sorted(ISSUE_11_REFS - attacked)
    assert len(attacked) >= 20, attacked
    assert not failures, f"as {attacker}:\n" + "\n".join(failures)


def _attack(
    client: Any,
    case: Any,
    own_by_builder: dict[str, str],
    own: dict[str, str],
    victim_id: str,
    baseline: snapshot.Snapshot,
) -> list[str]:
    """The request with the other brand's id, then with an id of nothing: what differed."""
    path = case.path
    if "{public_id}" in path:
        own_id = own_by_builder.get(_own_builder_for(path))
        assert own_id, f"no object of the attacker's own for {path}"
        path = path.replace("{public_id}", own_id)
    body = _body(case, own) if case.where == "body" else {}
    missing_id = f"{case.prefix}{MISSING_SUFFIX}"
    failures, answers = [], []
    for ref in (victim_id, missing_id):
        with savepoint():
            counters = snapshot.write_counters()
            response = _send(client, case, path, body, ref)
            changes = snapshot.changes_since(baseline, counters)
            transaction.set_rollback(True)
        if changes and response.status_code >= 300:
            failures.append(f"{case}: a refused request changed {changes[:3]}")
        answers.append(_masked(response, victim_id, missing_id))
    if answers[0] != answers[1]:
        (fs, fb), (ms, mb) = answers
        failures.append(
            f"{case} ({victim_id}): the other brand's id answered {fs} {fb[:300]}\n"
            f"    a missing id answered {ms} {mb[:300]}"
        )
    return failures


# -- lists seen by a brand-limited key and member -------------------------------------------------

_LIST_ROUTES = {route.label: route for route, _ in LIST_CASES}
LIMITED_LIST_CASES = [
    (route, attacker)
    for route in _LIST_ROUTES.values()
    for attacker in (("limited_member", "limited_key") if route.is_api else ("limited_member",))
]
ISSUE_11_LISTS = {
    "web:organization_dashboard",
    "analytics:stores",
    "api-v1:post-metrics-list",
    "api-v1:conversion-list",
    "api-v1:store-list",
    "api-v1:campaign-performance-list",
}


def test_issue_11_lists_are_checked_for_the_brand_limited() -> None:
    labels = {route.label for route, _ in LIMITED_LIST_CASES}
    assert labels >= ISSUE_11_LISTS, sorted(ISSUE_11_LISTS - labels)


@pytest.mark.parametrize(
    ("route", "attacker"),
    LIMITED_LIST_CASES,
    ids=[f"{r.label}-{a}" for r, a in LIMITED_LIST_CASES],
)
def test_lists_of_a_brand_limited_member_show_nothing_of_the_other_brand(
    route: Route,
    attacker: str,
    limited: LimitedWorld,  # noqa: F811
    db: None,
) -> None:
    """The other brand's objects (campaigns, posts with their figures, orders, stores…) never
    appear in a list, page or endpoint, of a key or member limited to their own brand."""
    kwargs = {ORG_SLUG: limited.org_slug} if ORG_SLUG in route.kwargs else {}
    url = route.url(kwargs)
    response = limited.clients[attacker].get(url)
    assert response.status_code < 400 or response.status_code in (403, 405), (
        f"GET {url} as {attacker} answered {response.status_code}"
    )
    body = response.content.decode(errors="replace")
    leaks = sorted(v for v in limited.other_brand_values if v in body)
    assert not leaks, f"GET {url} as {attacker} shows the other brand's {leaks}"
