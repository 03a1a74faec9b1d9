"""Demo data: an agency with two brands, a separate brand, members in every role, a few dozen creators.

Idempotent: running it again finds what exists and adds only what is missing.
"""

from dataclasses import dataclass
from functools import cache

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction

from creators.models import CreatorProfile
from organizations.models import Brand, Membership, Organization
from organizations.roles import Role
from users.models import User

DEMO_PASSWORD = "chorus-demo"
DEMO_DOMAIN = "demo.chorus.test"

COUNTRIES = ["US", "GB", "DE", "FR", "ES", "IT", "NL", "SE", "CA", "AU", "BR", "MX"]
FIRST = ["Ava", "Leo", "Mia", "Noah", "Zoe", "Eli", "Ivy", "Kai", "Lena", "Omar", "Rosa", "Theo"]
LAST = ["Bloom", "Rivera", "Stone", "Kim", "Novak", "Silva", "Berg", "Moreau"]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str


@cache
def _demo_password_hash() -> str:
    # Hashing is deliberately slow; every demo user shares one password, so hash it once.
    return make_password(DEMO_PASSWORD)


def _user(email: str, full_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(email=email, password=_demo_password_hash(), full_name=full_name)
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _org(slug: str, name: str, kind: str, brands: list[str]) -> Organization:
    org, _ = Organization.objects.get_or_create(slug=slug, defaults={"name": name, "kind": kind})
    for brand_name in brands:
        Brand.objects.get_or_create(
            organization=org,
            slug=brand_name.lower().replace(" ", "-"),
            defaults={
                "name": brand_name,
                "website": f"https://{brand_name.lower().replace(' ', '-')}.example",
            },
        )
    return org


def _member(org: Organization, user: User, role: str, brand: Brand | None = None) -> None:
    Membership.objects.get_or_create(
        organization=org, user=user, defaults={"role": role, "brand": brand}
    )


@transaction.atomic
def seed_demo(creator_count: int = 36) -> list[DemoLogin]:
    agency = _org(
        "northstar", "Northstar Agency", Organization.Kind.AGENCY, ["Glow Skincare", "Peak Outdoor"]
    )
    brightbrew = _org("brightbrew", "Brightbrew Coffee", Organization.Kind.BRAND, ["Brightbrew"])

    team = [
        ("owner", Role.OWNER, "Olivia Owner"),
        ("admin", Role.ADMIN, "Adam Admin"),
        ("manager", Role.MANAGER, "Maya Manager"),
        ("reviewer", Role.REVIEWER, "Rob Reviewer"),
        ("viewer", Role.VIEWER, "Vera Viewer"),
    ]
    for local, role, name in team:
        _member(agency, _user(f"{local}@{DEMO_DOMAIN}", name), role)
    glow = Brand.objects.get(organization=agency, slug="glow-skincare")
    _member(
        agency, _user(f"freelancer@{DEMO_DOMAIN}", "Fran Freelancer"), Role.REVIEWER, brand=glow
    )

    _member(brightbrew, _user(f"brightbrew-owner@{DEMO_DOMAIN}", "Bea Brightbrew"), Role.OWNER)
    _member(
        brightbrew, _user(f"brightbrew-reviewer@{DEMO_DOMAIN}", "Ray Brightbrew"), Role.REVIEWER
    )

    creator_user = _user(f"creator@{DEMO_DOMAIN}", "Casey Creator")
    CreatorProfile.objects.get_or_create(
        user=creator_user,
        defaults={
            "display_name": "caseycreates",
            "country": "US",
            "bio": "Coffee, trails and skincare.",
        },
    )
    for i in range(1, creator_count + 1):
        first, last = FIRST[i % len(FIRST)], LAST[i % len(LAST)]
        user = _user(f"creator{i:02d}@{DEMO_DOMAIN}", f"{first} {last}")
        CreatorProfile.objects.get_or_create(
            user=user,
            defaults={
                "display_name": f"{first.lower()}{last.lower()}{i:02d}",
                "country": COUNTRIES[i % len(COUNTRIES)],
                "bio": f"{first} makes short videos about everyday life.",
            },
        )
    return [
        DemoLogin("brand owner (agency)", f"owner@{DEMO_DOMAIN}"),
        DemoLogin("reviewer (agency)", f"reviewer@{DEMO_DOMAIN}"),
        DemoLogin("brand owner (Brightbrew)", f"brightbrew-owner@{DEMO_DOMAIN}"),
        DemoLogin("creator", f"creator@{DEMO_DOMAIN}"),
    ]
