"""Demo data for creators: niches, languages and 1-3 verified social accounts each.

Builds on ``web.demo.seed_demo`` (creator@demo.chorus.test and creator01..36). Idempotent:
it fills in what is missing and leaves what a person changed alone. No network: the stats
are written directly, taken from the platform simulator's deterministic accounts
(``platforms.simulator.accounts.generate``), so a later refresh against the simulator (the
embedded default) returns the same numbers. Handles are picked so followers fall within
1,000-100,000 and engagement within 2-9 %.
"""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone

from core.taxonomy import Niche
from creators.models import CreatorNiche, CreatorProfile, SocialAccount
from creators.services import creator_stats_recompute, new_verification_code
from platforms.handles import profile_url
from platforms.simulator.accounts import Account, generate

DEMO_DOMAIN = "demo.chorus.test"
PLATFORMS = ("tiktok", "instagram", "youtube")

# Most demo creators fit the demo brands (skincare, outdoors, coffee); the rest vary.
NICHE_POOL = [
    Niche.BEAUTY,
    Niche.OUTDOORS,
    Niche.FOOD,
    Niche.LIFESTYLE,
    Niche.FITNESS,
    Niche.TRAVEL,
    Niche.FASHION,
    Niche.TECH,
    Niche.HOME,
    Niche.PETS,
]
LANGUAGES_BY_COUNTRY: dict[str, list[str]] = {
    "US": ["en"],
    "GB": ["en"],
    "CA": ["en", "fr"],
    "AU": ["en"],
    "DE": ["de", "en"],
    "FR": ["fr"],
    "ES": ["es"],
    "MX": ["es"],
    "IT": ["it"],
    "NL": ["nl", "en"],
    "SE": ["sv", "en"],
    "BR": ["pt"],
}


def _pick(seed: str, index: int, modulo: int) -> int:
    digest = hashlib.sha256(f"{seed}:{index}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % modulo


def _handle_for(base: str, platform: str) -> tuple[str, Account]:
    """A handle whose simulated account has 1k-100k followers and 2-9 % engagement."""
    base = "".join(ch for ch in base.lower() if ch.isalnum() or ch in "._")[:20] or "creator"
    for attempt in range(200):
        handle = base if attempt == 0 else f"{base}.{attempt}"
        account = generate(platform, handle)
        if (
            account.exists
            and 1_000 <= account.follower_count <= 100_000
            and 200 <= account.engagement_rate_bp <= 900
        ):
            return handle, account
    raise RuntimeError(f"no demo handle found for {base} on {platform}")  # pragma: no cover


def _demo_profiles() -> list[CreatorProfile]:
    emails = [f"creator@{DEMO_DOMAIN}"] + [f"creator{i:02d}@{DEMO_DOMAIN}" for i in range(1, 100)]
    return list(
        CreatorProfile.objects.filter(user__email__in=emails)
        .select_related("user")
        .prefetch_related("niche_links", "social_accounts")
        .order_by("user__email")
    )


@transaction.atomic
def seed_creators_demo() -> int:
    """Give every demo creator niches, languages and verified accounts; returns how many."""
    now = timezone.now()
    profiles = _demo_profiles()
    for profile in profiles:
        seed = profile.user.email
        is_main = seed == f"creator@{DEMO_DOMAIN}"

        changed: list[str] = []
        if not profile.country:
            profile.country = "US"
            changed.append("country")
        if not profile.languages:
            profile.languages = LANGUAGES_BY_COUNTRY.get(profile.country, ["en"])
            changed.append("languages")
        if changed:
            profile.save(update_fields=[*changed, "updated_at"])

        if not list(profile.niche_links.all()):
            if is_main:
                niches = [Niche.BEAUTY, Niche.FOOD, Niche.OUTDOORS]
            else:
                count = 1 + _pick(seed, 0, 3)
                niches = list(
                    dict.fromkeys(
                        NICHE_POOL[_pick(seed, 1 + i, len(NICHE_POOL))] for i in range(count)
                    )
                )
            CreatorNiche.objects.bulk_create(
                [CreatorNiche(creator=profile, niche=n) for n in niches], ignore_conflicts=True
            )

        if not list(profile.social_accounts.all()):
            if is_main:
                platforms = ["tiktok", "instagram"]
            else:
                count = 1 + _pick(seed, 10, 3)
                first = _pick(seed, 11, len(PLATFORMS))
                platforms = [PLATFORMS[(first + i) % len(PLATFORMS)] for i in range(count)]
            for platform in platforms:
                handle, simulated = _handle_for(profile.display_name, platform)
                if SocialAccount.objects.filter(
                    platform=platform, handle=handle, verified_at__isnull=False
                ).exists():
                    continue  # someone verified it already: leave it to them
                SocialAccount.objects.get_or_create(
                    creator=profile,
                    platform=platform,
                    handle=handle,
                    defaults={
                        "profile_url": profile_url(platform, handle),
                        "external_id": simulated.external_id,
                        "display_name": simulated.display_name,
                        "follower_count": simulated.follower_count,
                        "average_views": simulated.average_views,
                        "engagement_rate_bp": simulated.engagement_rate_bp,
                        "last_refreshed_at": now,
                        "verified_at": now,
                        "verification_method": SocialAccount.VerificationMethod.BIO_CODE,
                        "verification_code": new_verification_code(),
                    },
                )
            creator_stats_recompute(creator=profile)
    return len(profiles)
