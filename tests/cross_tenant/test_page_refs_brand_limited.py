"""Page forms and page query strings, attacked by a member limited to one brand.

Organization B has two brands; the attacker is an admin of B limited to "Bolt Cola" (the world
of test_brand_limited_attacker.py). They open every brand page of B, and each form field or query
parameter that takes an object's id (tests/cross_tenant/page_refs.py) is sent with an id of the
other brand, "Bolt Zero" (its brand, campaign, applications, deliverables…), and with an id that
names nothing: the answers must be the same. Organization-wide objects (a shortlist without a
brand) are the limited member's to use and are not attacked.
"""

from typing import Any

import pytest
from django.urls import reverse

from organizations.models import Brand
from tests.conftest import Tenant
from tests.cross_tenant import page_refs, snapshot
from tests.cross_tenant.test_brand_limited_attacker import LimitedWorld, limited  # noqa: F401
from tests.cross_tenant.test_page_refs import own_values
from tests.factories.creators import CreatorProfileFactory
from tests.factories.organizations import UserFactory

# Filters a limited member is not shown (one brand: no brand filter) but may still type.
UNSHOWN = [("campaigns:list", "brand", "brd")]
EXPECTED = {
    "GET campaigns:list query:brand",
    "GET recruitment:applications query:campaign",
    "GET discovery:search query:campaign",
    "POST discovery:search_selection form:campaign",
    "POST discovery:shortlist_invite form:campaign",
    "POST recruitment:applications_bulk_decide form:ids",
    "POST recruitment:applications_bulk_decide form:campaign_filter",
    "POST recruitment:application_decide (htmx) form:campaign_filter",
    "POST campaigns:edit form:deliverables-0-id",
}


def other_brand_ids(world: LimitedWorld) -> dict[str, str]:
    """One id of the other brand per prefix: a builder's value, else a row of one of its
    campaigns (a deliverable, say)."""
    chosen: dict[str, str] = {}
    for value in sorted(world.other_brand_values):
        chosen.setdefault(value.split("_", 1)[0], value)
    for model in snapshot.snapshot_models():
        prefix = str(getattr(model, "public_id_prefix", "") or "")
        fields = {f.name for f in model._meta.concrete_fields}
        if not prefix or prefix in chosen:
            continue
        rows = model._base_manager.all()
        if "brand" in fields:
            rows = rows.filter(brand=world.other_brand)
        elif "campaign" in fields:
            rows = rows.filter(campaign__brand=world.other_brand)
        else:
            continue
        row = rows.first()
        if row is not None:
            chosen[prefix] = str(getattr(row, "public_id"))  # noqa: B009
    return chosen


@pytest.fixture(scope="module")
def found(
    limited: LimitedWorld,  # noqa: F811
    django_db_blocker: Any,
) -> tuple[list[page_refs.PageRef], Any, dict[str, str]]:
    with django_db_blocker.unblock():
        org = limited.other_brand.organization
        own_brand = Brand.objects.get(organization=org, slug="bolt-cola")
        owner = org.memberships.get(brand__isnull=True, role="owner").user
        own = own_values(
            Tenant(org=org, brand=own_brand, owner=owner),
            CreatorProfileFactory(user=UserFactory(email="cola-creator@example.com")).user,
        )
        pages = [url for _route, url in page_refs.org_pages(own, limited.org_slug)]
        refs = page_refs.discover(limited.clients["limited_member"], pages)
        for name, param, prefix in UNSHOWN:
            url = reverse(name, args=[limited.org_slug])
            refs.append(page_refs.PageRef("GET", url, False, (), param, prefix, url))
        return refs, snapshot.take(), other_brand_ids(limited)


def test_the_pages_take_the_ids_we_know_of(found: Any) -> None:
    refs, _baseline, _victims = found
    seen = {str(r) for r in refs}
    missing = sorted(EXPECTED - seen)
    assert not missing, f"not found on the pages: {missing}\nfound: {sorted(seen)}"


def test_the_other_brands_id_in_a_page_form_or_query_answers_as_a_missing_one(
    found: Any,
    limited: LimitedWorld,  # noqa: F811
    db: None,
) -> None:
    refs, baseline, victims = found
    client = limited.clients["limited_member"]
    attacked, failures = [], []
    for ref in refs:
        victim_id = victims.get(ref.prefix)
        if victim_id is None:
            continue  # no object of this kind belongs to the other brand: organization-wide
        attacked.append(str(ref))
        problem = page_refs.attack(client, ref, victim_id, baseline)
        if problem:
            failures.append(problem)
    assert len(attacked) >= len(EXPECTED), attacked
    assert not failures, "\n\n".join(failures)
