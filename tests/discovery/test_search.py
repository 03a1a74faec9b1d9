"""Creator search: every filter and every sort changes the result; the queries stay fixed."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.errors import ChorusError
from creators.models import CreatorProfile
from discovery import search as search_module
from discovery.forms import CreatorSearchForm
from discovery.search import CreatorSearchParams, search_creators
from organizations.roles import Role
from tests.conftest import Tenant
from tests.discovery.conftest import Cast, make_creator
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import SocialAccountFactory
from tests.factories.recruitment import ParticipationFactory


def names(tenant: Tenant, **params: Any) -> list[str]:
    page = search_creators(access=tenant.access(Role.VIEWER), params=CreatorSearchParams(**params))
    return [c.display_name for c in page.items]


def test_no_filter_lists_everyone_most_followers_first(tenant_a: Tenant, cast: Cast) -> None:
    # Totals count verified accounts only: Dan's unverified 90k TikTok does not count.
    assert names(tenant_a) == ["Cara", "Ana", "Dan", "Ben", "Eve"]


def test_platform_filter_keeps_creators_with_an_account_there(tenant_a: Tenant, cast: Cast) -> None:
    assert names(tenant_a, platform="instagram") == ["Cara", "Ana"]
    assert names(tenant_a, platform="youtube") == ["Dan"]
    # On a platform, the account's own figures rank the creators (unverified ones included).
    assert names(tenant_a, platform="tiktok") == ["Dan", "Ana", "Eve", "Ben"]


def test_verified_only_drops_unverified_accounts_and_creators(tenant_a: Tenant, cast: Cast) -> None:
    assert names(tenant_a, platform="tiktok", verified_only=True) == ["Ana", "Ben"]
    assert names(tenant_a, verified_only=True) == ["Cara", "Ana", "Dan", "Ben"]


def test_follower_range_filters_on_totals_or_on_the_platform_account(
    tenant_a: Tenant, cast: Cast
) -> None:
    assert names(tenant_a, min_followers=10_000) == ["Cara", "Ana", "Dan"]
    assert names(tenant_a, min_followers=10_000, max_followers=60_000) == ["Ana", "Dan"]
    assert names(tenant_a, platform="tiktok", min_followers=10_000, max_followers=60_000) == [
        "Ana",
        "Eve",
    ]


def test_min_engagement_filters_on_best_rate_or_platform_rate(tenant_a: Tenant, cast: Cast) -> None:
    assert names(tenant_a, min_engagement_bp=600) == ["Ana", "Ben"]  # Ana's Instagram 7 %
    assert names(tenant_a, platform="tiktok", min_engagement_bp=600) == ["Dan", "Ben"]


def test_niche_filter(tenant_a: Tenant, cast: Cast) -> None:
    assert names(tenant_a, niche="beauty") == ["Cara", "Ana"]
    assert names(tenant_a, niche="food", platform="tiktok") == ["Dan"]


def test_country_filter(tenant_a: Tenant, cast: Cast) -> None:
    assert names(tenant_a, country="US") == ["Cara", "Ana", "Eve"]
    assert names(tenant_a, country="GB", platform="tiktok") == ["Ben"]


def test_three_filters_and_a_sort_combine(tenant_a: Tenant, cast: Cast) -> None:
    assert names(
        tenant_a, platform="tiktok", country="US", min_followers=1_000, sort="followers_asc"
    ) == ["Eve", "Ana"]


def test_worked_with_us_keeps_only_our_past_participants(
    tenant_a: Tenant, tenant_b: Tenant, cast: Cast
) -> None:
    ours = CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand)
    theirs = CampaignFactory(organization=tenant_b.org, brand=tenant_b.brand)
    ParticipationFactory(campaign=ours, creator=cast.ben, social_account=None)
    ParticipationFactory(campaign=theirs, creator=cast.cara, social_account=None)

    assert names(tenant_a, worked_with_us=True) == ["Ben"]
    assert names(tenant_b, worked_with_us=True) == ["Cara"]
    assert names(tenant_a, worked_with_us=True, platform="instagram") == []

    page = search_creators(access=tenant_a.access(), params=CreatorSearchParams())
    badges = {c.display_name: c.worked_with_us for c in page.items}
    assert badges == {"Cara": False, "Ana": False, "Dan": False, "Ben": True, "Eve": False}


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("followers_desc", ["Cara", "Ana", "Dan", "Ben", "Eve"]),
        ("followers_asc", ["Eve", "Ben", "Dan", "Ana", "Cara"]),
        ("engagement_desc", ["Ben", "Ana", "Dan", "Cara", "Eve"]),
        ("newest", ["Eve", "Dan", "Cara", "Ben", "Ana"]),
    ],
)
def test_each_sort_orders_the_creators(
    tenant_a: Tenant, cast: Cast, sort: str, expected: list[str]
) -> None:
    assert names(tenant_a, sort=sort) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("followers_desc", ["Dan", "Ana", "Eve", "Ben"]),
        ("followers_asc", ["Ben", "Eve", "Ana", "Dan"]),
        ("engagement_desc", ["Dan", "Ben", "Ana", "Eve"]),
        ("newest", ["Eve", "Dan", "Ben", "Ana"]),
    ],
)
def test_each_sort_orders_by_the_platform_account(
    tenant_a: Tenant, cast: Cast, sort: str, expected: list[str]
) -> None:
    assert names(tenant_a, platform="tiktok", sort=sort) == expected


def test_creator_with_two_matching_accounts_is_listed_once(tenant_a: Tenant, cast: Cast) -> None:
    SocialAccountFactory(
        creator=cast.ben, platform="tiktok", handle="ben.second", follower_count=70_000
    )
    page = search_creators(
        access=tenant_a.access(), params=CreatorSearchParams(platform="tiktok", verified_only=True)
    )
    assert [c.display_name for c in page.items] == ["Ben", "Ana"]  # ranked by his best account
    ben = page.items[0]
    assert {a.handle for a in ben.matching_accounts} == {"ben.tt", "ben.second"}


def test_page_carries_accounts_niches_and_matching_accounts(tenant_a: Tenant, cast: Cast) -> None:
    page = search_creators(
        access=tenant_a.access(), params=CreatorSearchParams(platform="instagram")
    )
    ana = next(c for c in page.items if c.display_name == "Ana")
    assert [a.handle for a in ana.matching_accounts] == ["ana.ig"]
    assert {a.handle for a in ana.accounts} == {"ana.tt", "ana.ig"}
    assert ana.niches == ["beauty"]


def test_pages_and_has_next(tenant_a: Tenant, cast: Cast) -> None:
    first = search_creators(access=tenant_a.access(), params=CreatorSearchParams(page_size=2))
    second = search_creators(
        access=tenant_a.access(), params=CreatorSearchParams(page_size=2, page=2)
    )
    last = search_creators(
        access=tenant_a.access(), params=CreatorSearchParams(page_size=2, page=3)
    )
    assert [c.display_name for c in first.items] == ["Cara", "Ana"]
    assert [c.display_name for c in second.items] == ["Dan", "Ben"]
    assert [c.display_name for c in last.items] == ["Eve"]
    assert first.has_next
    assert second.has_next
    assert not last.has_next
    assert (second.start_index, second.end_index, second.total) == (3, 4, 5)


def test_count_is_capped_for_broad_searches(
    tenant_a: Tenant, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_module, "COUNT_CAP", 3)
    page = search_creators(access=tenant_a.access(), params=CreatorSearchParams(page_size=2))
    assert page.total_is_capped
    assert page.total_label == "3+"
    narrow = search_creators(access=tenant_a.access(), params=CreatorSearchParams(niche="beauty"))
    assert not narrow.total_is_capped
    assert narrow.total_label == "2"


def _fill(count: int) -> None:
    for n in range(count):
        make_creator(
            f"Filler {n}",
            niches=["beauty", "food"],
            accounts=[
                {"platform": "tiktok", "follower_count": 10_000 + n},
                {"platform": "instagram", "follower_count": 20_000 + n, "verified": False},
            ],
        )


def _read_page(page: Any) -> None:
    """What the page template and the API read of each creator."""
    for c in page.items:
        _ = (c.niches, [a.handle for a in c.accounts], c.matching_accounts, c.worked_with_us)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"platform": "tiktok", "niche": "beauty", "sort": "engagement_desc"},
        {"worked_with_us": True, "country": "US", "min_followers": 1},
    ],
    ids=["no-filter", "platform", "worked-with-us"],
)
def test_search_runs_the_same_number_of_queries_for_5_or_30_creators(
    tenant_a: Tenant, django_assert_num_queries: Any, params: dict[str, Any]
) -> None:
    campaign = CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand)
    access = tenant_a.access()

    def worked_with_everyone() -> None:
        for creator in CreatorProfile.objects.filter(participations__isnull=True):
            ParticipationFactory(campaign=campaign, creator=creator, social_account=None)

    _fill(5)
    worked_with_everyone()
    with CaptureQueriesContext(connection) as five:
        page = search_creators(access=access, params=CreatorSearchParams(page_size=5, **params))
        _read_page(page)
    assert len(page.items) == 5

    _fill(25)
    worked_with_everyone()
    with django_assert_num_queries(len(five.captured_queries)):
        page = search_creators(access=access, params=CreatorSearchParams(page_size=30, **params))
        _read_page(page)
    assert len(page.items) == 30


def test_search_params_refuse_bad_values_with_field_errors() -> None:
    with pytest.raises(ChorusError) as exc:
        CreatorSearchParams(min_followers=50_000, max_followers=1_000)
    assert "max_followers" in exc.value.fields
    with pytest.raises(ChorusError) as exc:
        CreatorSearchParams(sort="cheapest")
    assert "sort" in exc.value.fields
    with pytest.raises(ChorusError):
        CreatorSearchParams(page_size=101)


def test_search_form_reads_query_strings_as_meant() -> None:
    form = CreatorSearchForm(
        {"verified_only": "0", "worked_with_us": "true", "country": "gb", "platform": "tiktok"}
    )
    assert form.is_valid(), form.errors
    params = form.to_params()
    assert params.verified_only is False
    assert params.worked_with_us is True
    assert params.country == "GB"
    assert params.page_size == 25
    assert params.sort == "followers_desc"


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"min_followers": "50000", "max_followers": "1000"}, "max_followers", "below the minimum"),
        ({"country": "XX"}, "country", "Unknown country"),
        ({"verified_only": "maybe"}, "verified_only", "true or false"),
        ({"page_size": "500"}, "page_size", "less than or equal to 100"),
        ({"sort": "cheapest"}, "sort", "valid choice"),
        ({"min_followers": "lots"}, "min_followers", "whole number"),
        ({"platform": "myspace"}, "platform", "valid choice"),
    ],
)
def test_search_form_says_what_to_fix(data: dict[str, str], field: str, words: str) -> None:
    form = CreatorSearchForm(data)
    assert not form.is_valid()
    assert words in " ".join(form.errors[field])
