"""Page forms and page query strings, attacked by an org-wide member of another organization.

The owner of organization A opens every brand page of A, and each form field or query parameter
that takes an object's id (found by reading the pages: tests/cross_tenant/page_refs.py) is sent
with organization B's id and with an id that names nothing: the two answers must be the same
(status, redirects, the page shown with its messages, the rows changed).
"""

import traceback
from typing import Any

import pytest

from tests.conftest import Tenant
from tests.cross_tenant import page_refs, snapshot
from tests.cross_tenant.registry import Owner
from tests.cross_tenant.test_harness import world  # noqa: F401  (the module-scoped fixture)
from tests.cross_tenant.world import World, import_builders, savepoint

# Each of these must be found on the pages (so a page that stops showing it, or a reader that
# stops finding it, fails here instead of silently attacking less).
EXPECTED = {
    "GET campaigns:list query:brand",
    "GET recruitment:applications query:campaign",
    "GET discovery:search query:campaign",
    "POST discovery:search_selection form:campaign",
    "POST discovery:search_selection form:shortlist",
    "POST discovery:shortlists form:brand",
    "POST discovery:shortlist_invite form:campaign",
    "POST discovery:invite form:shortlist",
    "POST recruitment:applications_bulk_decide form:ids",
    "POST recruitment:applications_bulk_decide form:campaign_filter",
    "POST recruitment:application_decide form:campaign_filter",
    "POST recruitment:application_decide (htmx) form:campaign_filter",
    "POST organizations:members form:brand",
    "POST organizations:api_keys form:brand",
    "POST campaigns:create form:brand",
}


def own_values(tenant: Tenant, creator: Any) -> dict[str, str]:
    """The attacker's own objects, made by the same builders as the victim's (builder → id)."""
    attacker = Owner(tenant=tenant, creator=creator)
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name, builder in sorted(import_builders().items()):
        cached = dict(attacker.cache)
        try:
            with savepoint():
                values[name] = str(builder(attacker))
        except Exception:  # a builder made for the victim only
            attacker.cache = cached
            errors[name] = traceback.format_exc(limit=3)
    assert "campaign_id" in values, errors
    _enrich(tenant, values)
    return values


def _enrich(tenant: Tenant, values: dict[str, str]) -> None:
    """What the shared builders cannot make twice (a creator's account handle is unique), and
    what only some pages show: a pending application (the queue's decide forms), and a second
    brand (the brand filters and pickers appear with two)."""
    from campaigns.models import Campaign
    from tests.factories.creators import CreatorProfileFactory
    from tests.factories.discovery import ShortlistEntryFactory, ShortlistFactory
    from tests.factories.organizations import BrandFactory
    from tests.factories.recruitment import ApplicationFactory

    campaign = Campaign.objects.get(public_id=values["campaign_id"])
    if "shortlist_id" not in values:
        shortlist: Any = ShortlistFactory(
            organization=tenant.org, brand=tenant.brand, name="Own list"
        )
        ShortlistEntryFactory(shortlist=shortlist, creator=CreatorProfileFactory())
        values["shortlist_id"] = str(shortlist.public_id)
    ApplicationFactory(campaign=campaign, creator=CreatorProfileFactory(display_name="Own Pick"))
    if tenant.org.brands.count() < 2:
        BrandFactory(organization=tenant.org, name=f"{tenant.brand.name} Two")


def victims_by_prefix(values: dict[str, str], organization: Any) -> dict[str, str]:
    """One victim id per prefix: a builder's value, else any row of the victim organization
    (a deliverable of its campaign, say) of the model with that prefix."""
    chosen: dict[str, str] = {}
    for name, value in sorted(values.items()):
        prefix = value.split("_", 1)[0]
        if not name.startswith("creator:"):
            chosen.setdefault(prefix, value)
    for model in snapshot.snapshot_models():
        prefix = str(getattr(model, "public_id_prefix", "") or "")
        fields = {f.name for f in model._meta.concrete_fields}
        if prefix and prefix not in chosen and "organization" in fields:
            row = model._base_manager.filter(organization=organization).first()
            if row is not None:
                chosen[prefix] = str(getattr(row, "public_id"))  # noqa: B009
    return chosen


@pytest.fixture(scope="module")
def found(world: World, django_db_blocker: Any) -> tuple[list[page_refs.PageRef], Any]:  # noqa: F811
    with django_db_blocker.unblock():
        own = own_values(world.attacker_tenant, world.attacker_creator)
        pages = [url for _route, url in page_refs.org_pages(own, world.attacker_slug)]
        refs = page_refs.discover(world.clients["member"], pages)
        return refs, snapshot.take()


def test_the_pages_take_the_ids_we_know_of(found: Any) -> None:
    refs, _baseline = found
    seen = {str(r) for r in refs}
    missing = sorted(EXPECTED - seen)
    assert not missing, f"not found on the pages: {missing}\nfound: {sorted(seen)}"


def test_a_foreign_id_in_a_page_form_or_query_answers_as_a_missing_one(
    found: Any,
    world: World,  # noqa: F811
    db: None,
) -> None:
    refs, baseline = found
    victims = victims_by_prefix(world.values, world.victim.tenant.org)
    failures = []
    for ref in refs:
        victim_id = victims.get(ref.prefix)
        if victim_id is None:
            failures.append(f"{ref}: no victim object with the prefix {ref.prefix}_ (a builder)")
            continue
        problem = page_refs.attack(world.clients["member"], ref, victim_id, baseline)
        if problem:
            failures.append(problem)
    assert not failures, "\n\n".join(failures)
