"""Issue 3, "the same through the API": a brand creates and publishes an open campaign with its
organization API key; a creator, signed in to the portal like anyone else (login form, session
cookie, CSRF token), finds it in the marketplace and applies; the brand accepts; both see the
participation with its tracking link and promo code, and the campaign's committed budget grows
by the creator's fees. Plus the refusals a creator meets on the way.
"""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from creators.models import CreatorProfile, SocialAccount
from organizations.roles import Role
from recruitment.models import Application, Participation
from tests.conftest import Tenant
from tests.factories.creators import CreatorProfileFactory, SocialAccountFactory
from tests.factories.organizations import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

CAMPAIGNS = "/api/v1/campaigns/"
APPLICATIONS = "/api/v1/applications/"
PARTICIPATIONS = "/api/v1/participations/"
CREATOR = "/api/v1/creator/"
FEES = 1 * 15_000 + 2 * 5_000  # one TikTok video and two TikTok photo posts


def _days(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


class Creator:
    """A creator using the API from the portal's browser session, as a browser would."""

    def __init__(self, profile: CreatorProfile) -> None:
        self.profile = profile
        self.client = APIClient(enforce_csrf_checks=True)
        login = self.client.get("/accounts/login/")
        assert login.status_code == 200
        signed_in = self.client.post(
            "/accounts/login/",
            {
                "login": profile.user.email,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self._csrf(),
            },
        )
        assert signed_in.status_code == 302, signed_in.content
        assert self.client.get(f"{CREATOR}profile/").status_code == 200

    def _csrf(self) -> str:
        return str(self.client.cookies[settings.CSRF_COOKIE_NAME].value)

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(f"{CREATOR}{path}", params or {})

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.post(
            f"{CREATOR}{path}", body, format="json", HTTP_X_CSRFTOKEN=self._csrf()
        )


def make_creator(*, followers: int = 24_000, country: str = "US") -> tuple[Creator, SocialAccount]:
    profile = CreatorProfileFactory(
        user=UserFactory(), display_name="Mia Makes", country=country, niches=["beauty"]
    )
    account = SocialAccountFactory(
        creator=profile,
        platform="tiktok",
        handle=f"mia.makes.{followers}",
        follower_count=followers,
        engagement_rate_bp=520,
    )
    return Creator(profile), account


def publish_open_campaign(brand: APIClient, tenant: Tenant) -> dict[str, Any]:
    created = brand.post(
        CAMPAIGNS,
        {
            "brand": tenant.brand.public_id,
            "name": "Glow Serum Launch",
            "objective": "Authentic morning-routine reviews",
            "brief": "Show the serum in your **morning routine**.",
            "landing_url": "https://example.com/glow",
            "visibility": "open",
            "currency": "USD",
            "budget_cents": 500_000,
            "application_deadline": _days(10),
            "draft_due": _days(15),
            "posting_starts": _days(20),
            "posting_ends": _days(30),
            "pay_by_days": 21,
            "required_hashtags": ["glowserum"],
            "niches": ["beauty"],
            "countries": ["US"],
            "min_followers": 5_000,
            "max_followers": 50_000,
            "max_creators": 10,
            "deliverables": [
                {"platform": "tiktok", "format": "video", "quantity": 1, "fee_cents": 15_000},
                {"platform": "tiktok", "format": "photo", "quantity": 2, "fee_cents": 5_000},
            ],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "draft"
    published = brand.post(f"{CAMPAIGNS}{created.json()['id']}/publish/")
    assert published.status_code == 200, published.content
    campaign = published.json()
    assert campaign["status"] == "recruiting"
    assert campaign["committed_cents"] == 0
    assert campaign["per_creator_fee_cents"] == FEES
    return campaign


@pytest.fixture
def brand(tenant_a: Tenant, api_client_for: Callable[..., APIClient]) -> APIClient:
    """An API key made by the brand's owner (keys carry at most the admin role)."""
    return api_client_for(tenant_a, Role.ADMIN)


def test_campaign_to_participation_through_the_api(tenant_a: Tenant, brand: APIClient) -> None:
    # The brand creates an open campaign with deliverables and publishes it.
    campaign = publish_open_campaign(brand, tenant_a)
    cid = campaign["id"]

    # A creator finds it in the marketplace, eligible, with the account to apply with.
    mia, account = make_creator()
    market = mia.get("campaigns/").json()
    entry = next(row for row in market["results"] if row["id"] == cid)
    assert entry["eligible"] is True, entry["eligibility_reasons"]
    assert entry["eligible_account"] == account.public_id
    assert entry["brand"] == "Acme Shoes"
    assert entry["per_creator_fee_cents"] == FEES
    assert entry["pay_by_days"] == 21
    assert mia.get("campaigns/", {"eligible": "true"}).json()["count"] == 1

    detail = mia.get(f"campaigns/{cid}/").json()
    assert "<strong>morning routine</strong>" in detail["brief_html"]
    assert [(d["format"], d["quantity"], d["fee_cents"]) for d in detail["deliverables"]] == [
        ("video", 1, 15_000),
        ("photo", 2, 5_000),
    ]
    assert detail["accepts_applications"] is True

    # The creator applies.
    applied = mia.post(
        "applications/",
        {
            "campaign": cid,
            "social_account": account.public_id,
            "pitch": "My 24k followers watch my morning routine every day.",
        },
    )
    assert applied.status_code == 201, applied.content
    application_id = applied.json()["id"]
    assert applied.json()["status"] == "pending"

    # The brand sees it in its queue, with the creator's stats, and accepts.
    queue = brand.get(APPLICATIONS, {"campaign": cid}).json()
    assert [row["id"] for row in queue["results"]] == [application_id]
    row = queue["results"][0]
    assert row["creator"]["display_name"] == "Mia Makes"
    assert row["social_account"]["follower_count"] == 24_000
    assert row["pitch"].startswith("My 24k followers")
    decided = brand.post(
        f"{APPLICATIONS}{application_id}/decide/", {"decision": "accept"}, format="json"
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "accepted"
    participation_id = decided.json()["participation"]
    assert participation_id.startswith("par_")

    # The creator sees the participation with the tracking link and the promo code.
    mine = mia.get("participations/").json()
    assert [p["id"] for p in mine["results"]] == [participation_id]
    part = mine["results"][0]
    assert part["tracking_url"] == f"http://testserver/r/{part['tracking_code']}"
    assert part["promo_code"]
    assert part["agreed_total_cents"] == FEES
    assert part["campaign"]["id"] == cid
    assert mia.get(f"applications/{application_id}/").json()["status"] == "accepted"
    assert mia.get(f"applications/{application_id}/").json()["participation"] == participation_id

    # The brand sees the same codes, and the campaign's committed budget grew by the fees.
    theirs = brand.get(PARTICIPATIONS, {"campaign": cid}).json()
    assert [p["id"] for p in theirs["results"]] == [participation_id]
    assert theirs["results"][0]["tracking_code"] == part["tracking_code"]
    assert theirs["results"][0]["tracking_url"] == part["tracking_url"]
    assert theirs["results"][0]["promo_code"] == part["promo_code"]
    after = brand.get(f"{CAMPAIGNS}{cid}/").json()
    assert after["committed_cents"] == campaign["committed_cents"] + FEES

    # And the marketplace now says the creator takes part.
    entry = next(r for r in mia.get("campaigns/").json()["results"] if r["id"] == cid)
    assert entry["participating"] is True
    assert entry["application_status"] == "accepted"


def test_applying_twice_is_refused_with_duplicate_application(
    tenant_a: Tenant, brand: APIClient
) -> None:
    cid = publish_open_campaign(brand, tenant_a)["id"]
    mia, account = make_creator()
    body = {"campaign": cid, "social_account": account.public_id, "pitch": "Pick me!"}
    assert mia.post("applications/", body).status_code == 201

    again = mia.post("applications/", body)
    assert again.status_code == 409, again.content
    error = again.json()
    assert error["code"] == "duplicate_application"
    assert "already applied to Glow Serum Launch" in error["message"]
    assert Application.objects.filter(creator=mia.profile).count() == 1
    assert brand.get(APPLICATIONS, {"campaign": cid}).json()["count"] == 1


def test_applying_without_qualifying_is_refused_with_the_reasons(
    tenant_a: Tenant, brand: APIClient
) -> None:
    cid = publish_open_campaign(brand, tenant_a)["id"]
    small, account = make_creator(followers=2_000, country="GB")

    entry = next(r for r in small.get("campaigns/").json()["results"] if r["id"] == cid)
    assert entry["eligible"] is False
    reasons = entry["eligibility_reasons"]
    assert any("2,000 followers" in r for r in reasons), reasons
    assert any("US" in r for r in reasons), reasons

    refused = small.post(
        "applications/",
        {"campaign": cid, "social_account": account.public_id, "pitch": "Let me try."},
    )
    assert refused.status_code == 400, refused.content
    error = refused.json()
    assert error["code"] == "not_eligible"
    assert "2,000 followers; this campaign needs 5,000" in error["message"]
    assert "This campaign is for creators in US." in error["message"]
    assert error["fields"]["eligibility"] == reasons
    assert not Application.objects.filter(creator=small.profile).exists()
    assert not Participation.objects.exists()
    assert brand.get(f"{CAMPAIGNS}{cid}/").json()["committed_cents"] == 0


def test_the_brand_key_cannot_act_as_a_creator_and_the_creator_cannot_decide(
    tenant_a: Tenant, brand: APIClient
) -> None:
    cid = publish_open_campaign(brand, tenant_a)["id"]
    mia, account = make_creator()
    body = {"campaign": cid, "social_account": account.public_id, "pitch": "Pick me!"}
    key_applies = brand.post(f"{CREATOR}applications/", body, format="json")
    assert key_applies.status_code == 403
    assert key_applies.json()["code"] == "creator_only"

    application_id = mia.post("applications/", body).json()["id"]
    # The creator's session names no organization they belong to: the brand API is closed.
    self_accept = mia.client.post(
        f"{APPLICATIONS}{application_id}/decide/",
        {"decision": "accept"},
        format="json",
        HTTP_X_CSRFTOKEN=mia._csrf(),
    )
    assert self_accept.status_code == 400, self_accept.content  # "name the organization"
    naming_it = mia.client.post(
        f"{APPLICATIONS}{application_id}/decide/",
        {"decision": "accept"},
        format="json",
        HTTP_X_CSRFTOKEN=mia._csrf(),
        HTTP_X_CHORUS_ORGANIZATION=tenant_a.org.slug,
    )
    assert naming_it.status_code == 404, naming_it.content  # not a member: nothing there
    assert not Participation.objects.exists()
    assert Application.objects.get(public_id=application_id).status == Application.Status.PENDING
