"""Shortlists: tenant-owned lists of global creators."""

import pytest

from core.errors import ChorusError
from discovery import selectors
from discovery.models import SHORTLIST_MAX_ENTRIES, Shortlist, ShortlistEntry
from discovery.services import (
    shortlist_add_creators,
    shortlist_create,
    shortlist_delete,
    shortlist_remove_creators,
    shortlist_rename,
)
from organizations.models import AuditEvent, Membership
from organizations.roles import Role
from tests.conftest import Tenant
from tests.discovery.conftest import Cast
from tests.factories.discovery import ShortlistEntryFactory, ShortlistFactory
from tests.factories.organizations import BrandFactory


def test_create_add_remove_rename_delete(tenant_a: Tenant, cast: Cast) -> None:
    access = tenant_a.access()
    shortlist = shortlist_create(access=access, name="  Spring   launch ")
    assert shortlist.name == "Spring launch"
    assert shortlist.public_id.startswith("shl_")

    added = shortlist_add_creators(
        access=access, shortlist=shortlist, creators=[cast.ana, cast.ben, cast.ana], note="great"
    )
    assert added == 2
    again = shortlist_add_creators(
        access=access, shortlist=shortlist, creators=[cast.ben, cast.cara]
    )
    assert again == 1  # Ben was on it already
    assert set(
        ShortlistEntry.objects.filter(shortlist=shortlist).values_list(
            "creator__display_name", flat=True
        )
    ) == {"Ana", "Ben", "Cara"}

    assert shortlist_remove_creators(access=access, shortlist=shortlist, creators=[cast.ben]) == 1
    shortlist_rename(access=access, shortlist=shortlist, name="Spring picks")
    shortlist.refresh_from_db()
    assert shortlist.name == "Spring picks"

    shortlist_delete(access=access, shortlist=shortlist)
    assert not Shortlist.objects.exists()
    assert not ShortlistEntry.objects.exists()
    actions = list(
        AuditEvent.objects.filter(organization=tenant_a.org)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "shortlist.created",
        "shortlist.creators_added",
        "shortlist.creators_added",
        "shortlist.creators_removed",
        "shortlist.renamed",
        "shortlist.deleted",
    ]


def test_names_are_unique_per_organization_ignoring_case(
    tenant_a: Tenant, tenant_b: Tenant
) -> None:
    shortlist_create(access=tenant_a.access(), name="Beauty")
    with pytest.raises(ChorusError) as exc:
        shortlist_create(access=tenant_a.access(), name="beauty")
    assert exc.value.code == "duplicate_name"
    assert "name" in exc.value.fields
    shortlist_create(access=tenant_b.access(), name="Beauty")  # another tenant may


def test_blank_name_says_what_to_fix(tenant_a: Tenant) -> None:
    with pytest.raises(ChorusError) as exc:
        shortlist_create(access=tenant_a.access(), name="   ")
    assert exc.value.fields == {"name": ["Required."]}


def test_another_tenants_shortlist_is_not_found(
    tenant_a: Tenant, tenant_b: Tenant, cast: Cast
) -> None:
    theirs = ShortlistFactory(organization=tenant_b.org, name="Theirs")
    with pytest.raises(ChorusError) as exc:
        selectors.shortlist_get_for_org(tenant_a.access(), theirs.public_id)
    assert exc.value.status_code == 404
    with pytest.raises(ChorusError) as exc:
        shortlist_add_creators(access=tenant_a.access(), shortlist=theirs, creators=[cast.ana])
    assert exc.value.status_code == 404
    with pytest.raises(ChorusError):
        shortlist_delete(access=tenant_a.access(), shortlist=theirs)
    assert Shortlist.objects.filter(pk=theirs.pk).exists()
    assert [s.name for s in selectors.shortlists_for_org(tenant_a.access())] == []


def test_brand_limited_member_sees_and_creates_only_their_brands_lists(tenant_a: Tenant) -> None:
    other_brand = BrandFactory(organization=tenant_a.org, name="Other brand")
    ShortlistFactory(organization=tenant_a.org, brand=tenant_a.brand, name="Shoes list")
    ShortlistFactory(organization=tenant_a.org, brand=other_brand, name="Other list")
    ShortlistFactory(organization=tenant_a.org, brand=None, name="Org-wide list")
    freelancer = tenant_a.add_member(Role.MANAGER)
    Membership.objects.filter(user=freelancer).update(brand=tenant_a.brand)
    access = tenant_a.access(Role.MANAGER, user=freelancer)

    assert [s.name for s in selectors.shortlists_for_org(access)] == ["Shoes list"]
    mine = shortlist_create(access=access, name="Freelancer list")
    assert mine.brand_id == tenant_a.brand.pk
    with pytest.raises(ChorusError) as exc:
        shortlist_create(access=access, name="Sneaky", brand=other_brand)
    assert exc.value.status_code == 404


def test_viewer_cannot_change_shortlists(tenant_a: Tenant, cast: Cast) -> None:
    shortlist = ShortlistFactory(organization=tenant_a.org)
    viewer = tenant_a.add_member(Role.VIEWER)
    access = tenant_a.access(Role.VIEWER, user=viewer)
    with pytest.raises(ChorusError) as exc:
        shortlist_add_creators(access=access, shortlist=shortlist, creators=[cast.ana])
    assert exc.value.status_code == 403
    with pytest.raises(ChorusError):
        shortlist_create(access=access, name="Nope")


def test_a_shortlist_holds_at_most_1000_creators(
    tenant_a: Tenant, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from discovery import services

    monkeypatch.setattr(services, "SHORTLIST_MAX_ENTRIES", 2)
    shortlist = ShortlistFactory(organization=tenant_a.org, name="Tiny")
    ShortlistEntryFactory(shortlist=shortlist, creator=cast.ana)
    with pytest.raises(ChorusError) as exc:
        shortlist_add_creators(
            access=tenant_a.access(), shortlist=shortlist, creators=[cast.ben, cast.cara]
        )
    assert exc.value.code == "shortlist_full"
    assert "has 1 and you are adding 2" in exc.value.message
    assert ShortlistEntry.objects.filter(shortlist=shortlist).count() == 1
    assert SHORTLIST_MAX_ENTRIES == 1000


def test_unknown_creator_ids_are_listed(cast: Cast) -> None:
    with pytest.raises(ChorusError) as exc:
        selectors.creators_get_many([cast.ana.public_id, "cre_nope", "cre_nada"])
    assert exc.value.code == "unknown_creators"
    assert "cre_nope, cre_nada" in exc.value.message
    found = selectors.creators_get_many([cast.ben.public_id, cast.ana.public_id])
    assert [c.display_name for c in found] == ["Ben", "Ana"]


def test_shortlist_entries_run_fixed_queries(
    tenant_a: Tenant, cast: Cast, django_assert_num_queries: object
) -> None:
    shortlist = ShortlistFactory(organization=tenant_a.org)
    for creator in (cast.ana, cast.ben):
        ShortlistEntryFactory(shortlist=shortlist, creator=creator)

    access = tenant_a.access()

    def read() -> int:
        entries = list(selectors.shortlist_entries(access, shortlist))
        return sum(len(e.creator.niches) + len(e.creator.social_accounts.all()) for e in entries)

    with django_assert_num_queries(3):  # type: ignore[operator]
        read()
    for creator in (cast.cara, cast.dan, cast.eve):
        ShortlistEntryFactory(shortlist=shortlist, creator=creator)
    with django_assert_num_queries(3):  # type: ignore[operator]
        read()
