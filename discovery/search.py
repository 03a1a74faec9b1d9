"""Creator search: filters and sorting over every creator on Chorus, fast over 100,000 of them.

Creators are global, so any organization may search them all; only "worked with us" needs the
organization. ``search_creators`` runs a fixed number of queries whatever the page size:

1. a capped count (``COUNT(*)`` over at most ``COUNT_CAP + 1`` matching rows, so a broad search
   never counts 100,000 rows: the page says "500+");
2. the page itself (``page_size + 1`` rows, the extra one says whether there is a next page);
   with a platform, the page of creator ids comes from ``SocialAccount`` and a second query loads
   those creators;
3. every social account and niche of the page's creators (two prefetches);
4. which of them worked with the organization (one query, for the badge).

How the query uses the indexes (PostgreSQL):

- With a platform, the query is driven by ``SocialAccount``: ``(platform, follower_count)`` or
  ``(platform, engagement_rate_bp)`` is walked in the sort order and stops after one page; the
  follower range and engagement floor are range conditions on the same index. A creator with
  two matching accounts on the platform is listed once, through their best account (a
  ``NOT EXISTS`` probe on the ``(creator, platform, handle)`` unique index).
- Without a platform, the denormalised columns of ``CreatorProfile`` are used. Sorting is
  ``(has_verified_account, total_followers)`` / ``(has_verified_account, best_engagement_bp)``
  in index order: the search columns count VERIFIED accounts only, so a creator without one has
  0 followers and 0 engagement, and putting them after (or, ascending, before) everybody with the
  same figures changes nothing visible while letting PostgreSQL read the existing indexes in
  order instead of sorting the whole table.
- "Newest" is the creator id, descending: ids are handed out in creation order and the primary
  key is an index already.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from core.errors import ChorusError
from core.taxonomy import COUNTRIES, Niche
from creators.models import CreatorNiche, CreatorProfile, SocialAccount
from organizations.access import OrgAccess
from organizations.roles import Scope
from platforms.types import Platform
from recruitment.selectors import creator_ids_who_worked_with_org

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 25
MAX_PAGE = 400  # OFFSET grows with the page; nobody reads 10,000 creators page by page
Q_MAX = 100
COUNT_CAP = 500  # "500+" rather than counting every match of a broad search (20 pages of 25)

SORT_CHOICES: list[tuple[str, str]] = [
    ("followers_desc", "Most followers"),
    ("followers_asc", "Fewest followers"),
    ("engagement_desc", "Highest engagement"),
    ("newest", "Newest on Chorus"),
]
SORTS = frozenset(value for value, _ in SORT_CHOICES)


@dataclass(frozen=True)
class CreatorSearchParams:
    """What a brand searches for. Build it from ``discovery.forms.CreatorSearchForm`` (which
    validates user input with clear errors); direct construction is checked too."""

    platform: str | None = None
    q: str | None = None  # part of a name or handle
    min_followers: int | None = None
    max_followers: int | None = None
    min_engagement_bp: int | None = None
    niche: str | None = None
    country: str | None = None
    verified_only: bool = False
    worked_with_us: bool = False
    sort: str = "followers_desc"
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE

    def __post_init__(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.platform and self.platform not in Platform.values:
            errors["platform"] = [f"Choose one of {', '.join(Platform.values)}."]
        for name in ("min_followers", "max_followers", "min_engagement_bp"):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = ["Must be 0 or more."]
        if (
            self.min_followers is not None
            and self.max_followers is not None
            and self.min_followers > self.max_followers
        ):
            errors["max_followers"] = ["Must be at least the minimum followers."]
        if self.niche and self.niche not in Niche.values:
            errors["niche"] = [f"Unknown niche {self.niche!r}."]
        if self.country and self.country not in COUNTRIES:
            errors["country"] = [f"Unknown country {self.country!r}."]
        if self.q is not None and len(self.q) > Q_MAX:
            errors["q"] = [f"At most {Q_MAX} characters."]
        if self.sort not in SORTS:
            errors["sort"] = [f"Choose one of {', '.join(sorted(SORTS))}."]
        if not 1 <= self.page <= MAX_PAGE:
            errors["page"] = [f"Between 1 and {MAX_PAGE}."]
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            errors["page_size"] = [f"Between 1 and {MAX_PAGE_SIZE}."]
        if errors:
            name, messages = next(iter(errors.items()))
            raise ChorusError("invalid", f"{name}: {messages[0]}", fields=errors)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass
class Page:
    """One page of creators. Each item carries ``accounts`` (all its social accounts, best first
    per platform), ``matching_accounts`` (those the filters matched) and ``worked_with_us``."""

    items: list[CreatorProfile]
    number: int
    page_size: int
    has_next: bool
    total: int  # capped at COUNT_CAP + 1
    total_is_capped: bool
    params: CreatorSearchParams | None = field(default=None, repr=False)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.page_size + 1 if self.items else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.page_size + len(self.items)

    @property
    def total_label(self) -> str:
        """'500+' when capped, '37' otherwise."""
        return f"{COUNT_CAP:,}+" if self.total_is_capped else f"{self.total:,}"


# -- the queries ----------------------------------------------------------------------------------


def _account_q(params: CreatorSearchParams, prefix: str = "") -> Q:
    """The conditions on one social account when a platform is chosen."""
    q = Q(**{f"{prefix}platform": params.platform})
    if params.min_followers is not None:
        q &= Q(**{f"{prefix}follower_count__gte": params.min_followers})
    if params.max_followers is not None:
        q &= Q(**{f"{prefix}follower_count__lte": params.max_followers})
    if params.min_engagement_bp:
        q &= Q(**{f"{prefix}engagement_rate_bp__gte": params.min_engagement_bp})
    if params.verified_only:
        q &= Q(**{f"{prefix}verified_at__isnull": False})
    return q


def account_matches(params: CreatorSearchParams, account: SocialAccount) -> bool:
    """Python twin of the account conditions, to mark the matching accounts of a page."""
    if params.platform is None:
        return account.is_verified  # the search columns count verified accounts only
    return (
        account.platform == params.platform
        and (params.min_followers is None or account.follower_count >= params.min_followers)
        and (params.max_followers is None or account.follower_count <= params.max_followers)
        and (not params.min_engagement_bp or account.engagement_rate_bp >= params.min_engagement_bp)
        and (not params.verified_only or account.is_verified)
    )


# Per sort (with a platform): the ORDER BY on SocialAccount, and when another matching account of
# the same creator ranks before this one (so each creator is listed once, by their best account).
def _better_account_q(sort: str) -> Q:
    if sort == "followers_asc":
        return Q(follower_count__lt=OuterRef("follower_count")) | Q(
            follower_count=OuterRef("follower_count"), id__lt=OuterRef("id")
        )
    if sort == "engagement_desc":
        return Q(engagement_rate_bp__gt=OuterRef("engagement_rate_bp")) | Q(
            engagement_rate_bp=OuterRef("engagement_rate_bp"), id__gt=OuterRef("id")
        )
    return Q(follower_count__gt=OuterRef("follower_count")) | Q(
        follower_count=OuterRef("follower_count"), id__gt=OuterRef("id")
    )


_ACCOUNT_ORDER: dict[str, tuple[str, ...]] = {
    "followers_desc": ("-follower_count", "-id"),
    "followers_asc": ("follower_count", "id"),
    "engagement_desc": ("-engagement_rate_bp", "-id"),
    "newest": ("-creator_id", "-id"),
}

_CREATOR_ORDER: dict[str, tuple[str, ...]] = {
    # has_verified_account first: see the module docstring (same order, index-friendly).
    "followers_desc": ("-has_verified_account", "-total_followers", "-id"),
    "followers_asc": ("has_verified_account", "total_followers", "id"),
    "engagement_desc": ("-has_verified_account", "-best_engagement_bp", "-id"),
    "newest": ("-id",),
}


def _niche_exists(niche: str, creator_ref: str) -> Exists:
    return Exists(CreatorNiche.objects.filter(creator_id=OuterRef(creator_ref), niche=niche))


def _name_or_handle_q(text: str, creator_ref: str, profile_prefix: str) -> Q:
    """Part of the display name, or of any account's handle ("@mia" finds mia.makes)."""
    needle = text.strip().lstrip("@")
    handle = Exists(
        SocialAccount.objects.filter(creator_id=OuterRef(creator_ref), handle__icontains=needle)
    )
    return Q(**{f"{profile_prefix}display_name__icontains": needle}) | Q(handle)


def account_search_queryset(access: OrgAccess, params: CreatorSearchParams) -> QuerySet[Any]:
    """With a platform: one matching SocialAccount per creator, in the sort order."""
    assert params.platform
    qs = SocialAccount.objects.filter(_account_q(params))
    better = SocialAccount.objects.filter(
        _account_q(params), _better_account_q(params.sort), creator_id=OuterRef("creator_id")
    )
    qs = qs.filter(~Exists(better))
    if params.q:
        qs = qs.filter(_name_or_handle_q(params.q, "creator_id", "creator__"))
    if params.country:
        qs = qs.filter(creator__country=params.country)
    if params.niche:
        qs = qs.filter(_niche_exists(params.niche, "creator_id"))
    if params.worked_with_us:
        qs = qs.filter(creator_id__in=creator_ids_who_worked_with_org(access.organization))
    return qs.order_by(*_ACCOUNT_ORDER[params.sort])


def creator_search_queryset(access: OrgAccess, params: CreatorSearchParams) -> QuerySet[Any]:
    """Without a platform: creators by their denormalised search columns, in the sort order."""
    assert not params.platform
    qs = CreatorProfile.objects.all()
    if params.min_followers is not None:
        qs = qs.filter(total_followers__gte=params.min_followers)
    if params.max_followers is not None:
        qs = qs.filter(total_followers__lte=params.max_followers)
    if params.min_engagement_bp:
        qs = qs.filter(best_engagement_bp__gte=params.min_engagement_bp)
    if params.verified_only:
        qs = qs.filter(has_verified_account=True)
    if params.q:
        qs = qs.filter(_name_or_handle_q(params.q, "id", ""))
    if params.country:
        qs = qs.filter(country=params.country)
    if params.niche:
        qs = qs.filter(_niche_exists(params.niche, "id"))
    if params.worked_with_us:
        qs = qs.filter(id__in=creator_ids_who_worked_with_org(access.organization))
    return qs.order_by(*_CREATOR_ORDER[params.sort])


def _with_page_data(qs: QuerySet[CreatorProfile]) -> QuerySet[CreatorProfile]:
    return qs.prefetch_related(
        Prefetch(
            "social_accounts",
            queryset=SocialAccount.objects.order_by("platform", "-follower_count", "id"),
        ),
        "niche_links",
    )


def _capped_count(qs: QuerySet[Any]) -> int:
    """COUNT(*) over at most COUNT_CAP + 1 rows (a sliced queryset counts in a subquery)."""
    return qs.order_by().values("pk")[: COUNT_CAP + 1].count()


def search_creators(*, access: OrgAccess, params: CreatorSearchParams) -> Page:
    """One page of creators matching ``params``, with accounts and niches loaded (fixed queries)."""
    access.require(Scope.CREATORS_READ)
    start, stop = params.offset, params.offset + params.page_size + 1
    if params.platform:
        accounts = account_search_queryset(access, params)
        total = _capped_count(accounts)
        ids = list(accounts.values_list("creator_id", flat=True)[start:stop])
        by_id = {c.pk: c for c in _with_page_data(CreatorProfile.objects.filter(pk__in=ids))}
        creators = [by_id[i] for i in ids if i in by_id]
    else:
        profiles = creator_search_queryset(access, params)
        total = _capped_count(profiles)
        creators = list(_with_page_data(profiles)[start:stop])
    has_next = len(creators) > params.page_size
    creators = creators[: params.page_size]

    worked: set[int] = set()
    if creators:
        worked = set(
            creator_ids_who_worked_with_org(access.organization).filter(
                creator_id__in=[c.pk for c in creators]
            )
        )
    for creator in creators:
        accounts_list = list(creator.social_accounts.all())
        creator.accounts = accounts_list  # type: ignore[attr-defined]
        creator.matching_accounts = [  # type: ignore[attr-defined]
            a for a in accounts_list if account_matches(params, a)
        ]
        creator.worked_with_us = creator.pk in worked  # type: ignore[attr-defined]
    return Page(
        items=creators,
        number=params.page,
        page_size=params.page_size,
        has_next=has_next,
        total=total,
        total_is_capped=total > COUNT_CAP,
        params=params,
    )
