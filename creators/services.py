"""Operations on creator profiles and their social accounts.

Creator-side services take the acting ``creator: CreatorProfile``; an object that is not
theirs raises ``NotFound`` (same as missing). Platform calls (``platforms.registry``) happen
OUTSIDE database transactions, then the result is written in one short durable transaction.

Search columns: ``CreatorProfile.total_followers`` (sum), ``best_engagement_bp`` (max) and
``has_verified_account`` are computed over VERIFIED accounts only and recomputed by every
service that changes an account (``creator_stats_recompute``).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from core import files
from core.errors import ChorusError, NotFound
from core.ownership import require_owns
from core.taxonomy import COUNTRIES, LANGUAGES, Niche
from creators.connections import account_connected
from creators.models import (
    CREATOR_PHOTO,
    CreatorNiche,
    CreatorProfile,
    PortfolioItem,
    SocialAccount,
)
from creators.tokens import platform_access_token
from creators.validators import photo_problem
from platforms.errors import AccountNotFound, AuthError, PlatformError, RateLimited
from platforms.handles import parse_handle
from platforms.registry import get_client
from platforms.types import AccountProfile, Platform
from users.models import User

logger = logging.getLogger(__name__)

MAX_NICHES = 5
MAX_PORTFOLIO_ITEMS = 12
MAX_SOCIAL_ACCOUNTS = 10
# A creator may refresh an account's stats by hand at most this often (platform quotas).
MANUAL_REFRESH_INTERVAL = timedelta(minutes=5)
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to copy by hand

_PORTFOLIO_HOSTS: dict[str, Platform] = {
    "tiktok.com": Platform.TIKTOK,
    "instagram.com": Platform.INSTAGRAM,
    "youtube.com": Platform.YOUTUBE,
    "youtu.be": Platform.YOUTUBE,
}


class PlatformFetchError(ChorusError):
    """A platform call failed; ``retry_after_seconds`` is set when it is worth retrying."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        retry_after_seconds: int | None = None,
        status_code: int = 400,
    ) -> None:
        super().__init__(code, message, fields={"handle": [message]}, status_code=status_code)
        self.retry_after_seconds = retry_after_seconds


# --------------------------------------------------------------------------- profile


def creator_profile_create(*, user: User, display_name: str) -> CreatorProfile:
    """Start a creator's profile at sign-up; the rest is filled in later.

    Not durable: sign-up composes it with creating the user in one transaction.
    """
    display_name = display_name.strip()
    if not display_name:
        raise ChorusError(
            "invalid", "Tell brands what to call you.", fields={"display_name": ["Required."]}
        )
    with transaction.atomic():
        profile, _ = CreatorProfile.objects.get_or_create(
            user=user, defaults={"display_name": display_name}
        )
    return profile


def creator_profile_update(
    *,
    creator: CreatorProfile,
    display_name: str,
    bio: str,
    country: str,
    languages: list[str],
    niches: list[str],
) -> CreatorProfile:
    """Change what brands read about the creator; niches are synced to CreatorNiche rows."""
    display_name = (display_name or "").strip()
    bio = (bio or "").strip()
    country = (country or "").strip().upper()
    errors: dict[str, list[str]] = {}
    if not display_name:
        errors["display_name"] = ["Enter the name brands should see, e.g. your handle."]
    elif len(display_name) > 80:
        errors["display_name"] = [f"Use at most 80 characters (this has {len(display_name)})."]
    if len(bio) > 1000:
        errors["bio"] = [f"Keep your bio to 1,000 characters (this has {len(bio):,})."]
    if country and country not in COUNTRIES:
        errors["country"] = ["Pick your country from the list."]
    clean_languages = list(dict.fromkeys(languages or []))
    unknown_languages = [code for code in clean_languages if code not in LANGUAGES]
    if unknown_languages:
        errors["languages"] = [
            f"Unknown language: {', '.join(unknown_languages)}. Pick from the list."
        ]
    clean_niches = list(dict.fromkeys(niches or []))
    unknown_niches = [n for n in clean_niches if n not in Niche.values]
    if unknown_niches:
        errors["niches"] = [f"Unknown niche: {', '.join(unknown_niches)}. Pick from the list."]
    elif len(clean_niches) > MAX_NICHES:
        errors["niches"] = [f"Pick at most {MAX_NICHES} niches (you picked {len(clean_niches)})."]
    if errors:
        raise ChorusError("invalid", "Check the highlighted fields.", fields=errors)

    with transaction.atomic(durable=True):
        creator = _lock_creator(creator)
        creator.display_name = display_name
        creator.bio = bio
        creator.country = country
        creator.languages = clean_languages
        creator.save(update_fields=["display_name", "bio", "country", "languages", "updated_at"])
        current = set(CreatorNiche.objects.filter(creator=creator).values_list("niche", flat=True))
        wanted = set(clean_niches)
        if current - wanted:
            CreatorNiche.objects.filter(creator=creator, niche__in=current - wanted).delete()
        if wanted - current:
            CreatorNiche.objects.bulk_create(
                [CreatorNiche(creator=creator, niche=n) for n in sorted(wanted - current)],
                ignore_conflicts=True,
            )
    return creator


def creator_photo_set(*, creator: CreatorProfile, photo: UploadedFile | None) -> CreatorProfile:
    """Replace (or, with ``None``, remove) the profile photo. JPEG, PNG or WebP up to 5 MB,
    checked and stored by core.files under a key we choose (creators/creator-photo/…)."""
    old_name = creator.photo.name if creator.photo else ""
    if photo is not None:
        problem, _ = photo_problem(photo)
        if problem:
            raise ChorusError("invalid_photo", problem, fields={"photo": [problem]})
    stored: files.StoredUpload | None = None
    try:
        with transaction.atomic(durable=True):
            creator = _lock_creator(creator)
            if photo is None:
                creator.photo = ""
            else:
                stored = files.store_upload(photo, kind=CREATOR_PHOTO, owner="creators")
                creator.photo = stored.key
            creator.save(update_fields=["photo", "updated_at"])
            if old_name and old_name != creator.photo.name:
                transaction.on_commit(lambda: files.delete_stored(old_name))
    except BaseException:
        if stored is not None:
            files.delete_stored(stored.key)
        raise
    return creator


def portfolio_item_add(
    *, creator: CreatorProfile, url: str, title: str = "", platform: str = ""
) -> PortfolioItem:
    url = (url or "").strip()
    title = (title or "").strip()
    errors: dict[str, list[str]] = {}
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        errors["url"] = ["Enter a full web address starting with https://, e.g. a link to a post."]
    if len(url) > 500:
        errors["url"] = ["This address is too long (500 characters at most)."]
    if len(title) > 120:
        errors["title"] = [f"Use at most 120 characters (this has {len(title)})."]
    if platform and platform not in Platform.values:
        errors["platform"] = ["Pick TikTok, Instagram or YouTube, or leave it empty."]
    if errors:
        raise ChorusError("invalid", "Check the highlighted fields.", fields=errors)
    if not platform:
        host = (urlsplit(url).hostname or "").lower().removeprefix("www.").removeprefix("m.")
        platform = _PORTFOLIO_HOSTS.get(host, "")
    with transaction.atomic(durable=True):
        creator = _lock_creator(creator)
        stats = PortfolioItem.objects.filter(creator=creator).aggregate(
            n=Count("id"), last=Max("position")
        )
        if stats["n"] >= MAX_PORTFOLIO_ITEMS:
            message = (
                f"Your portfolio holds {MAX_PORTFOLIO_ITEMS} links; remove one to add another."
            )
            raise ChorusError("portfolio_full", message, fields={"url": [message]})
        if PortfolioItem.objects.filter(creator=creator, url=url).exists():
            message = "This link is already in your portfolio."
            raise ChorusError("duplicate", message, fields={"url": [message]})
        position = 0 if stats["last"] is None else stats["last"] + 1
        return PortfolioItem.objects.create(
            creator=creator, url=url, title=title, platform=platform, position=position
        )


def portfolio_item_remove(*, creator: CreatorProfile, item_id: str) -> None:
    with transaction.atomic(durable=True):
        deleted, _ = PortfolioItem.objects.filter(creator=creator, public_id=item_id).delete()
    if not deleted:
        raise NotFound("This portfolio link does not exist.")


# --------------------------------------------------------------------------- social accounts


def new_verification_code() -> str:
    return "CHORUS-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(4))


def social_account_add(
    *, creator: CreatorProfile, platform: str, handle_or_url: str
) -> SocialAccount:
    """Add an account by handle or profile URL, with its current stats; verification pending."""
    if platform not in Platform.values:
        message = "Pick TikTok, Instagram or YouTube."
        raise ChorusError("invalid", message, fields={"platform": [message]})
    platform_label = Platform(platform).label
    try:
        handle = parse_handle(platform, handle_or_url)
    except ValueError as exc:
        raise ChorusError("invalid_handle", str(exc), fields={"handle": [str(exc)]}) from exc
    _check_can_add(creator=creator, platform=platform, handle=handle, label=platform_label)

    profile = _fetch_profile(platform, handle)

    with transaction.atomic(durable=True):
        creator = _lock_creator(creator)
        _check_can_add(creator=creator, platform=platform, handle=handle, label=platform_label)
        account = SocialAccount(creator=creator, verification_code=new_verification_code())
        _apply_profile(account, profile)
        try:
            with transaction.atomic():
                account.save()
        except IntegrityError as exc:
            message = f"You already added {platform_label} @{handle}."
            raise ChorusError("duplicate", message, fields={"handle": [message]}) from exc
    return account


def _check_can_add(*, creator: CreatorProfile, platform: str, handle: str, label: str) -> None:
    mine = SocialAccount.objects.filter(creator=creator)
    if mine.filter(platform=platform, handle=handle).exists():
        message = f"You already added {label} @{handle}."
        raise ChorusError("duplicate", message, fields={"handle": [message]})
    if _verified_elsewhere(creator=creator, platform=platform, handle=handle):
        raise _taken_error(label, handle)
    if mine.count() >= MAX_SOCIAL_ACCOUNTS:
        message = (
            f"You can connect up to {MAX_SOCIAL_ACCOUNTS} accounts; remove one to add another."
        )
        raise ChorusError("too_many_accounts", message, fields={"handle": [message]})


def _verified_elsewhere(*, creator: CreatorProfile, platform: str, handle: str) -> bool:
    return (
        SocialAccount.objects.filter(platform=platform, handle=handle, verified_at__isnull=False)
        .exclude(creator=creator)
        .exists()
    )


def _taken_error(label: str, handle: str) -> ChorusError:
    message = (
        f"{label} @{handle} is already verified by another creator on Chorus. "
        "If it is yours, contact support."
    )
    return ChorusError("handle_taken", message, fields={"handle": [message]}, status_code=409)


def social_account_verify_by_bio(
    *, creator: CreatorProfile, account: SocialAccount
) -> SocialAccount:
    """Verified when the account's public bio contains its verification code."""
    require_owns(creator, account, what="account")
    if account.is_verified:
        return account
    label = account.get_platform_display()
    if _verified_elsewhere(creator=creator, platform=account.platform, handle=account.handle):
        raise _taken_error(label, account.handle)

    profile = _fetch_profile(account.platform, account.handle, account=account)
    code = account.verification_code
    if not code or code.upper() not in profile.bio.upper():
        message = (
            f"We could not find {code} in the bio of {label} @{account.handle} yet. "
            "Paste it into your bio, save it there, then tap “Check now”. "
            "Changes can take a minute to show."
        )
        raise ChorusError("code_not_in_bio", message, fields={"code": [message]})

    with transaction.atomic(durable=True):
        locked = _lock_account(creator=creator, public_id=account.public_id)
        if locked.is_verified:
            return locked
        if _verified_elsewhere(creator=creator, platform=locked.platform, handle=locked.handle):
            raise _taken_error(label, locked.handle)
        _apply_profile(locked, profile)
        locked.verified_at = timezone.now()
        locked.verification_method = SocialAccount.VerificationMethod.BIO_CODE
        try:
            with transaction.atomic():
                locked.save(
                    update_fields=[
                        *_PROFILE_FIELDS,
                        "verified_at",
                        "verification_method",
                        "updated_at",
                    ]
                )
        except IntegrityError as exc:  # another creator verified it a moment ago
            raise _taken_error(label, locked.handle) from exc
        creator_stats_recompute(creator=creator)
    return locked


def social_account_verify_oauth(
    *, creator: CreatorProfile, platform: str, handle: str, external_id: str = ""
) -> SocialAccount:
    """Mark (or add and mark) an account verified because the creator connected it by OAuth.

    Called by the allauth hook in ``creators.oauth``. Stats are fetched through the
    platform client when it answers; a failed fetch still verifies (OAuth proved ownership)
    and the periodic refresh fills the numbers in later.
    """
    if platform not in Platform.values:
        raise ChorusError("invalid", "Unsupported platform.")
    label = Platform(platform).label
    handle = parse_handle(platform, handle)
    if _verified_elsewhere(creator=creator, platform=platform, handle=handle):
        raise _taken_error(label, handle)
    profile: AccountProfile | None
    try:
        profile = _fetch_profile(platform, handle)
    except PlatformFetchError as exc:
        logger.warning(
            "oauth verify: stats fetch failed for %s @%s: %s", platform, handle, exc.message
        )
        profile = None
    with transaction.atomic(durable=True):
        creator = _lock_creator(creator)
        account = SocialAccount.objects.filter(
            creator=creator, platform=platform, handle=handle
        ).first()
        if account is None:
            account = SocialAccount(
                creator=creator,
                platform=platform,
                handle=handle,
                verification_code=new_verification_code(),
            )
        if profile is not None:
            _apply_profile(account, profile)
        if external_id:
            account.external_id = external_id[:128]
        if not account.profile_url:
            from platforms.handles import profile_url

            account.profile_url = profile_url(platform, handle)
        account.verified_at = account.verified_at or timezone.now()
        account.verification_method = SocialAccount.VerificationMethod.OAUTH
        # A fresh token: a later refusal is news again, worth a new notice.
        account.reconnect_notified_at = None
        try:
            with transaction.atomic():
                account.save()
        except IntegrityError as exc:
            raise _taken_error(label, handle) from exc
        creator_stats_recompute(creator=creator)
        account_connected(account=account)
    return account


@dataclass(frozen=True)
class RefreshResult:
    account: SocialAccount | None
    error: str = ""
    retry_after_seconds: int | None = None


def social_account_refresh(*, account_id: int) -> RefreshResult:
    """Refresh an account's stats from its platform (tasks and the periodic sweep).

    Never raises for a platform problem: the failure is recorded on the account
    (``last_refresh_error``) and returned, with ``retry_after_seconds`` when a retry is due.
    A deleted account is a no-op.
    """
    account = SocialAccount.objects.filter(pk=account_id).first()
    if account is None:
        return RefreshResult(account=None)
    try:
        profile = _fetch_profile(account.platform, account.handle, account=account)
    except PlatformFetchError as exc:
        with transaction.atomic(durable=True):
            SocialAccount.objects.filter(pk=account_id).update(
                last_refresh_error=exc.message[:300], updated_at=timezone.now()
            )
        return RefreshResult(
            account=account, error=exc.message, retry_after_seconds=exc.retry_after_seconds
        )
    with transaction.atomic(durable=True):
        locked = SocialAccount.objects.select_for_update().filter(pk=account_id).first()
        if locked is None:
            return RefreshResult(account=None)
        _apply_profile(locked, profile)
        locked.last_refresh_error = ""
        locked.save(update_fields=[*_PROFILE_FIELDS, "last_refresh_error", "updated_at"])
        if locked.is_verified:
            creator_stats_recompute(creator=CreatorProfile.objects.get(pk=locked.creator_id))
    return RefreshResult(account=locked)


def social_account_refresh_now(*, creator: CreatorProfile, account: SocialAccount) -> SocialAccount:
    """The creator's "Refresh" button: like ``social_account_refresh`` but errors are shown."""
    require_owns(creator, account, what="account")
    if account.last_refreshed_at is not None:
        wait = account.last_refreshed_at + MANUAL_REFRESH_INTERVAL - timezone.now()
        if wait.total_seconds() > 0:
            minutes = max(1, round(wait.total_seconds() / 60))
            message = f"These numbers are fresh (updated moments ago); try again in {minutes} min."
            raise ChorusError("too_soon", message, status_code=429)
    result = social_account_refresh(account_id=account.pk)
    if result.account is None:
        raise NotFound("This account does not exist.")
    if result.error:
        raise ChorusError("refresh_failed", result.error, status_code=503)
    return result.account


def social_account_remove(*, creator: CreatorProfile, account: SocialAccount) -> None:
    require_owns(creator, account, what="account")
    with transaction.atomic(durable=True):
        creator = _lock_creator(creator)
        deleted, _ = SocialAccount.objects.filter(creator=creator, pk=account.pk).delete()
        if not deleted:
            raise NotFound("This account does not exist.")
        creator_stats_recompute(creator=creator)


def creator_stats_recompute(*, creator: CreatorProfile) -> CreatorProfile:
    """Refresh the search columns from the creator's VERIFIED accounts (not durable)."""
    stats = SocialAccount.objects.filter(creator=creator, verified_at__isnull=False).aggregate(
        total=Sum("follower_count"), best=Max("engagement_rate_bp"), verified=Count("id")
    )
    creator.total_followers = stats["total"] or 0
    creator.best_engagement_bp = stats["best"] or 0
    creator.has_verified_account = bool(stats["verified"])
    creator.save(
        update_fields=[
            "total_followers",
            "best_engagement_bp",
            "has_verified_account",
            "updated_at",
        ]
    )
    return creator


# --------------------------------------------------------------------------- helpers

_PROFILE_FIELDS = [
    "platform",
    "handle",
    "profile_url",
    "external_id",
    "display_name",
    "follower_count",
    "average_views",
    "engagement_rate_bp",
    "last_refreshed_at",
]


def _apply_profile(account: SocialAccount, profile: AccountProfile) -> None:
    account.platform = str(profile.platform)
    account.handle = profile.handle
    account.profile_url = profile.profile_url[:500]
    account.external_id = profile.external_id[:128]
    account.display_name = profile.display_name[:150]
    account.follower_count = profile.follower_count
    account.average_views = profile.average_views
    account.engagement_rate_bp = profile.engagement_rate_bp
    account.last_refreshed_at = profile.fetched_at


def _fetch_profile(
    platform: str, handle: str, *, account: SocialAccount | None = None
) -> AccountProfile:
    """The account as its platform reports it; platform failures become clear messages.

    With ``account``, the creator's own OAuth token goes along: TikTok's Display API (the
    production path) reads a profile only with the owner's token."""
    label = Platform(platform).label
    token = platform_access_token(account) if account is not None else ""
    try:
        return get_client(platform).fetch_profile(handle, access_token=token)
    except AccountNotFound as exc:
        hint = (
            " Instagram only shows Business and Creator accounts: switch yours in the app's settings."
            if platform == Platform.INSTAGRAM
            else ""
        )
        message = f"We could not find a public {label} account @{handle}. Check the spelling.{hint}"
        raise PlatformFetchError("account_not_found", message) from exc
    except RateLimited as exc:
        seconds = exc.retry_after_seconds
        message = (
            f"{label} is limiting how often we can ask right now; try again in {_wait(seconds)}."
        )
        raise PlatformFetchError(
            "rate_limited", message, retry_after_seconds=seconds, status_code=429
        ) from exc
    except AuthError as exc:
        if exc.code == "creator_token_required":
            message = (
                f"{label} shares an account's stats only with its owner's permission: "
                f"connect @{handle} with “Connect with {label}” on your accounts page."
            )
            raise PlatformFetchError("connect_account", message, status_code=400) from exc
        logger.error("platform credentials rejected: %s", exc)
        message = f"We could not reach {label} just now; try again later."
        raise PlatformFetchError("platform_unavailable", message, status_code=503) from exc
    except PlatformError as exc:
        logger.warning("platform call failed: %s", exc)
        message = f"We could not reach {label} just now; try again in a minute."
        raise PlatformFetchError(
            "platform_unavailable", message, retry_after_seconds=60, status_code=503
        ) from exc
    except ValueError as exc:
        raise PlatformFetchError("invalid_handle", str(exc)) from exc


def _wait(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{round(seconds / 60)} min"
    return f"{round(seconds / 3600)} h"


def _lock_creator(creator: CreatorProfile) -> CreatorProfile:
    """Lock the creator's row (serialises one creator's changes); returns the same object.

    Fields are written with ``update_fields`` only, so a stale copy of other columns is harmless.
    """
    if not CreatorProfile.objects.select_for_update().filter(pk=creator.pk).exists():
        raise NotFound("This creator profile does not exist.")
    return creator


def _lock_account(*, creator: CreatorProfile, public_id: str) -> SocialAccount:
    account = (
        SocialAccount.objects.select_for_update()
        .select_related("creator")
        .filter(creator=creator, public_id=public_id)
        .first()
    )
    if account is None:
        raise NotFound("This account does not exist.")
    return account
