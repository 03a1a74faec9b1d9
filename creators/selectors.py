"""Read queries for the creator side. A creator reaches only their own rows.

``social_account_for_creator`` / ``portfolio_item_for_creator`` raise ``NotFound`` for a
missing id and for another creator's alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse

from core import files
from core.errors import NotFound
from creators.models import CreatorProfile, PortfolioItem, SocialAccount
from organizations.access import request_is_org_member
from users.models import User


def creator_profile_for_user(user: User) -> CreatorProfile | None:
    if not user.is_authenticated:
        return None
    return CreatorProfile.objects.filter(user=user).first()


def creator_profile_with_details(creator: CreatorProfile) -> CreatorProfile:
    """The profile with niches, portfolio and accounts prefetched (fixed query count)."""
    return (
        CreatorProfile.objects.prefetch_related("niche_links", "portfolio", "social_accounts")
        .select_related("user")
        .get(pk=creator.pk)
    )


def social_accounts_for_creator(creator: CreatorProfile) -> QuerySet[SocialAccount]:
    return SocialAccount.objects.filter(creator=creator).order_by("created_at", "id")


def social_account_for_creator(creator: CreatorProfile, account_id: str) -> SocialAccount:
    account = SocialAccount.objects.filter(creator=creator, public_id=account_id).first()
    if account is None:
        raise NotFound("This account does not exist.")
    return account


def portfolio_item_for_creator(creator: CreatorProfile, item_id: str) -> PortfolioItem:
    item = PortfolioItem.objects.filter(creator=creator, public_id=item_id).first()
    if item is None:
        raise NotFound("This portfolio link does not exist.")
    return item


def stale_social_account_ids(*, refreshed_before: datetime, limit: int) -> list[int]:
    """Verified accounts whose stats are older than ``refreshed_before`` (oldest first)."""
    return list(
        SocialAccount.objects.filter(verified_at__isnull=False)
        .filter(Q(last_refreshed_at__lt=refreshed_before) | Q(last_refreshed_at__isnull=True))
        .order_by("last_refreshed_at", "id")
        .values_list("id", flat=True)[:limit]
    )


@dataclass(frozen=True)
class ChecklistStep:
    key: str
    label: str
    done: bool
    hint: str
    url: str


def profile_checklist(
    creator: CreatorProfile, accounts: list[SocialAccount]
) -> list[ChecklistStep]:
    """What a creator still has to do before brands can find and pick them.

    Reads ``creator.niche_links`` and ``creator.portfolio``: pass a profile from
    ``creator_profile_with_details`` to keep it query-free.
    """
    profile_url = reverse("creators:profile")
    accounts_url = reverse("creators:accounts")
    has_account = bool(accounts)
    has_verified = any(a.is_verified for a in accounts)
    return [
        ChecklistStep(
            "photo",
            "Add a profile photo",
            bool(creator.photo),
            "Brands pick faces they can trust.",
            profile_url,
        ),
        ChecklistStep(
            "bio",
            "Write a short bio",
            bool(creator.bio.strip()),
            "One or two sentences about what you make.",
            profile_url,
        ),
        ChecklistStep(
            "country",
            "Set your country",
            bool(creator.country),
            "Many campaigns are for one market.",
            profile_url,
        ),
        ChecklistStep(
            "niches",
            "Pick your niches",
            bool(creator.niches),
            "Campaigns look for creators by niche.",
            profile_url,
        ),
        ChecklistStep(
            "languages",
            "Pick your languages",
            bool(creator.languages),
            "So brands know who you speak to.",
            profile_url,
        ),
        ChecklistStep(
            "account",
            "Add a social account",
            has_account,
            "TikTok, Instagram or YouTube.",
            accounts_url,
        ),
        ChecklistStep(
            "verified",
            "Verify an account",
            has_verified,
            "Only verified accounts can apply to campaigns.",
            accounts_url,
        ),
        ChecklistStep(
            "portfolio",
            "Share your best work",
            bool(list(creator.portfolio.all())),
            "Links to a few posts you are proud of.",
            profile_url,
        ),
    ]


def creator_photo_for_request(request: HttpRequest, public_id: str) -> files.ServedFile | None:
    """File authorizer for profile photos: the creator themself, and members (or API keys) of
    any organization — every organization can find every creator in search, photo included.
    Not signed in, or another creator: None (404)."""
    profile = CreatorProfile.objects.filter(public_id=str(public_id)).exclude(photo="").first()
    if profile is None:
        return None
    user = getattr(request, "user", None)
    is_owner = bool(user and user.is_authenticated and profile.user_id == user.pk)
    if not (is_owner or request_is_org_member(request)):
        return None
    key = profile.photo.name or ""
    return files.ServedFile(
        key=key,
        content_type=files.content_type_for_key(key),
        download_name="photo",
    )
