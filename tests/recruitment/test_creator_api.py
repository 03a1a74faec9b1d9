"""The creator-facing REST API (/api/v1/creator/…): session-only, creator-scoped, deny by default.

Organization API keys get 403 creator_only; signed-in users without a creator profile get 403
not_a_creator; another creator's application, invitation or participation answers 404.
"""

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.crypto import get_random_string
from rest_framework import mixins
from rest_framework.test import APIClient

from campaigns.models import Campaign
from creators.api_base import CreatorScopedViewSet
from creators.models import CreatorProfile, SocialAccount
from organizations.roles import Role
from recruitment.creator_api import CreatorApplicationSerializer
from recruitment.models import Application, CampaignInvitation, Participation
from tests.conftest import Tenant
from tests.factories.campaigns import CampaignFactory
from tests.factories.organizations import UserFactory
from tests.factories.recruitment import (
    ApplicationFactory,
    CampaignInvitationFactory,
    ParticipationFactory,
)
from tests.recruitment.conftest import FEE, MakeCreator
from users.models import User

pytestmark = pytest.mark.django_db

BASE = "/api/v1/creator/"
PROFILE = f"{BASE}profile/"
CAMPAIGNS = f"{BASE}campaigns/"
APPS = f"{BASE}applications/"
INVS = f"{BASE}invitations/"
PARTS = f"{BASE}participations/"


def session_client(user: User, *, csrf: bool = False) -> APIClient:
    client = APIClient(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


@pytest.fixture
def api(creator: CreatorProfile) -> APIClient:
    return session_client(creator.user)


def assert_error(response: Any, status: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}, body
    assert body["code"] == code, body
    assert body["message"]
    if field:
        assert field in body["fields"], body
    return body


def count_queries(client: APIClient, url: str, **params: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
        assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


# -- who may call ---------------------------------------------------------------------------------


def test_an_organization_api_key_gets_403_creator_only_on_every_creator_route(
    tenant_a: Tenant,
    api_client_for: Callable[..., APIClient],
    campaign: Campaign,
    creator: CreatorProfile,
    creator_account: SocialAccount,
) -> None:
    key = api_client_for(tenant_a, Role.ADMIN)
    application = ApplicationFactory(
        campaign=campaign, creator=creator, social_account=creator_account
    )
    for url in (PROFILE, CAMPAIGNS, APPS, INVS, PARTS, f"{CAMPAIGNS}{campaign.public_id}/",
                f"{APPS}{application.public_id}/"):  # fmt: skip
        body = assert_error(key.get(url), 403, "creator_only")
        assert "organization API keys" in body["message"]
    before = Application.objects.count()
    payload = {"campaign": campaign.public_id, "social_account": creator_account.public_id,
               "pitch": "Let me in"}  # fmt: skip
    assert_error(key.post(APPS, payload, format="json"), 403, "creator_only")
    assert_error(key.post(f"{APPS}{application.public_id}/withdraw/"), 403, "creator_only")
    assert Application.objects.count() == before
    application.refresh_from_db()
    assert application.status == Application.Status.PENDING


def test_an_api_key_sent_along_with_a_creator_session_is_still_refused(
    tenant_a: Tenant, creator: CreatorProfile
) -> None:
    from organizations.services import api_key_create

    _, raw = api_key_create(access=tenant_a.access(), name="mixed", role=Role.ADMIN)
    client = session_client(creator.user)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert_error(client.get(APPS), 403, "creator_only")


def test_a_signed_in_user_without_a_creator_profile_gets_403_not_a_creator(
    owner_a: User, campaign: Campaign, creator: CreatorProfile, creator_account: SocialAccount
) -> None:
    application = ApplicationFactory(
        campaign=campaign, creator=creator, social_account=creator_account
    )
    client = session_client(owner_a)
    for url in (PROFILE, CAMPAIGNS, APPS, INVS, PARTS, f"{APPS}{application.public_id}/"):
        assert_error(client.get(url), 403, "not_a_creator")
    assert_error(client.post(f"{APPS}{application.public_id}/withdraw/"), 403, "not_a_creator")
    application.refresh_from_db()
    assert application.status == Application.Status.PENDING


def test_nobody_signed_in_gets_403_not_authenticated() -> None:
    body = assert_error(APIClient().get(APPS), 403, "not_authenticated")
    assert "Sign in" in body["message"]


def test_a_method_the_route_does_not_take_is_405(api: APIClient) -> None:
    assert api.delete(APPS).status_code == 405
    assert api.put(PROFILE, {}, format="json").status_code == 405
    assert api.post(PARTS, {}, format="json").status_code == 405


def test_writes_need_the_csrf_token_of_the_session(
    creator: CreatorProfile, creator_account: SocialAccount, campaign: Campaign
) -> None:
    client = session_client(creator.user, csrf=True)
    payload = {"campaign": campaign.public_id, "social_account": creator_account.public_id,
               "pitch": "Morning routines are my thing."}  # fmt: skip
    refused = client.post(APPS, payload, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["message"]
    assert not Application.objects.filter(creator=creator).exists()

    assert client.get(PROFILE).status_code == 200  # reads need no token
    token = get_random_string(32)  # what the portal's csrftoken cookie holds
    client.cookies[django_settings.CSRF_COOKIE_NAME] = token
    ok = client.post(APPS, payload, format="json", HTTP_X_CSRFTOKEN=token)
    assert ok.status_code == 201, ok.content


# -- the base itself ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method", ["get_queryset", "get_object", "get_permissions", "get_authenticators"]
)
def test_overriding_a_sealed_method_fails_at_class_creation(method: str) -> None:
    with pytest.raises(TypeError, match=method):
        type("LeakyViewSet", (CreatorScopedViewSet,), {method: lambda self: None})


def test_a_viewset_that_does_not_scope_its_queryset_fails_loudly() -> None:
    class Unscoped(CreatorScopedViewSet):
        pass

    with pytest.raises(TypeError, match="scoped_queryset"):
        Unscoped().scoped_queryset(None)  # type: ignore[arg-type]


class ApplicationsWithAGap(CreatorScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Forgot to declare one of its actions (retrieve)."""

    serializer_class = CreatorApplicationSerializer
    creator_actions = frozenset({"list"})

    def scoped_queryset(self, creator: CreatorProfile) -> Any:
        return Application.objects.filter(creator=creator)


def test_an_undeclared_action_is_denied_even_to_the_owner(
    campaign: Campaign, creator: CreatorProfile, creator_account: SocialAccount
) -> None:
    from rest_framework.test import APIRequestFactory, force_authenticate

    application = ApplicationFactory(
        campaign=campaign, creator=creator, social_account=creator_account
    )
    factory = APIRequestFactory()
    request = factory.get("/")
    force_authenticate(request, user=creator.user)
    listing = ApplicationsWithAGap.as_view({"get": "list"})(request)
    assert listing.status_code == 200
    assert [r["id"] for r in listing.data["results"]] == [application.public_id]

    request = factory.get("/")
    force_authenticate(request, user=creator.user)
    detail = ApplicationsWithAGap.as_view({"get": "retrieve"})(
        request, public_id=application.public_id
    )
    assert detail.status_code == 403
    assert detail.data["code"] == "permission_denied"


# -- profile --------------------------------------------------------------------------------------


def test_profile_shows_the_creator_and_their_accounts(
    api: APIClient, creator: CreatorProfile, make_creator: MakeCreator
) -> None:
    from tests.factories.creators import SocialAccountFactory

    SocialAccountFactory(creator=creator, platform="instagram", handle="ava.gram", verified=False)
    make_creator(display_name="Someone Else")
    body = api.get(PROFILE).json()
    assert body["id"] == creator.public_id
    assert body["display_name"] == "Ava Bloom"
    assert body["email"] == creator.user.email
    assert body["total_followers"] == 12_000
    assert body["has_verified_account"] is True
    accounts = {a["platform"]: a for a in body["accounts"]}
    assert set(accounts) == {"tiktok", "instagram"}
    assert accounts["tiktok"]["verified"] is True
    assert accounts["tiktok"]["follower_count"] == 12_000
    assert accounts["tiktok"]["id"].startswith("soc_")
    assert accounts["instagram"]["verified"] is False


# -- the marketplace ------------------------------------------------------------------------------


def test_marketplace_lists_open_campaigns_with_eligibility_and_reasons(
    api: APIClient, tenant_a: Tenant, tenant_b: Tenant, campaign: Campaign, creator: CreatorProfile
) -> None:
    reels = CampaignFactory(
        brand=tenant_b.brand, name="Reels Only", deliverables=[("instagram", "reel", 1, 20_000)]
    )
    hidden = [
        CampaignFactory(brand=tenant_b.brand, visibility=Campaign.Visibility.INVITE_ONLY),
        CampaignFactory(brand=tenant_b.brand, status=Campaign.Status.DRAFT),
        CampaignFactory(brand=tenant_b.brand, status=Campaign.Status.COMPLETED),
    ]
    body = api.get(CAMPAIGNS).json()
    ids = [r["id"] for r in body["results"]]
    assert ids == [campaign.public_id, reels.public_id], "qualified first"
    assert body["count"] == 2
    assert not {c.public_id for c in hidden} & set(ids)

    mine, other = body["results"]
    assert mine["eligible"] is True
    assert mine["eligibility_reasons"] == []
    assert mine["eligible_account"] == creator.social_accounts.get().public_id
    assert mine["brand"] == "Acme Shoes"
    assert mine["per_creator_fee_cents"] == FEE
    assert mine["deliverables"][0]["format"] == "video"
    assert mine["pay_by_days"] == 14
    assert mine["application_status"] == ""
    assert other["eligible"] is False
    assert other["eligible_account"] is None
    assert any("Instagram" in reason for reason in other["eligibility_reasons"])
    assert "budget_cents" not in mine, "a brand's budget is not the creator's business"

    only = api.get(CAMPAIGNS, {"eligible": "true"}).json()
    assert [r["id"] for r in only["results"]] == [campaign.public_id]
    not_ = api.get(CAMPAIGNS, {"eligible": "false"}).json()
    assert [r["id"] for r in not_["results"]] == [reels.public_id]
    assert_error(api.get(CAMPAIGNS, {"eligible": "maybe"}), 400, "invalid", "eligible")


def test_marketplace_shows_where_the_creator_stands(
    api: APIClient, campaign: Campaign, creator: CreatorProfile, creator_account: SocialAccount
) -> None:
    ApplicationFactory(campaign=campaign, creator=creator, social_account=creator_account)
    row = api.get(CAMPAIGNS).json()["results"][0]
    assert row["application_status"] == "pending"
    assert row["invited"] is False
    assert row["participating"] is False


def test_marketplace_runs_a_fixed_number_of_queries(
    api: APIClient, tenant_b: Tenant, campaign: Campaign
) -> None:
    api.get(CAMPAIGNS)  # warm up the session
    few = count_queries(api, CAMPAIGNS)
    for n in range(8):
        CampaignFactory(
            brand=tenant_b.brand,
            deliverables=[("tiktok", "video", 1, 10_000), ("instagram", "reel", n % 2 + 1, 5_000)],
        )
    assert count_queries(api, CAMPAIGNS) == few
    assert few <= 10


def test_campaign_detail_has_brief_deliverables_pay_and_dates(
    api: APIClient, campaign: Campaign, creator: CreatorProfile
) -> None:
    campaign.brief = "Show the **serum**. <script>alert(1)</script>"
    campaign.bonus_per_1k_views_cents = 200
    campaign.save(update_fields=["brief", "bonus_per_1k_views_cents"])
    body = api.get(f"{CAMPAIGNS}{campaign.public_id}/").json()
    assert body["name"] == "Glow Launch"
    assert body["brief"].startswith("Show the **serum**")
    assert "<strong>serum</strong>" in body["brief_html"]
    assert "<script>" not in body["brief_html"]
    assert body["deliverables"] == [
        {
            "id": campaign.deliverables.get().public_id,
            "platform": "tiktok",
            "format": "video",
            "quantity": 1,
            "fee_cents": FEE,
            "notes": "",
        }
    ]
    assert body["per_creator_fee_cents"] == FEE
    assert body["bonus_per_1k_views_cents"] == 200
    assert body["pay_by_days"] == 14
    assert body["application_deadline"] == campaign.application_deadline.isoformat()
    assert body["required_hashtags"] == ["glowserum"]
    assert body["accepts_applications"] is True
    assert body["eligible"] is True
    assert body["application"] is None
    assert body["participation"] is None
    assert "budget_cents" not in body
    assert "committed_cents" not in body


def test_an_invite_only_campaign_is_404_unless_the_creator_is_invited(
    tenant_b: Tenant, creator: CreatorProfile, make_creator: MakeCreator
) -> None:
    private = CampaignFactory(brand=tenant_b.brand, visibility=Campaign.Visibility.INVITE_ONLY)
    draft = CampaignFactory(brand=tenant_b.brand, status=Campaign.Status.DRAFT)
    CampaignInvitationFactory(campaign=private, creator=creator)
    outsider = session_client(make_creator(display_name="Not Invited")[0].user)

    assert_error(outsider.get(f"{CAMPAIGNS}{private.public_id}/"), 404, "not_found")
    assert_error(outsider.get(f"{CAMPAIGNS}{draft.public_id}/"), 404, "not_found")
    assert_error(outsider.get(f"{CAMPAIGNS}cmp_doesnotexist/"), 404, "not_found")
    invited = session_client(creator.user).get(f"{CAMPAIGNS}{private.public_id}/")
    assert invited.status_code == 200
    assert invited.json()["invitation"]["status"] == "pending"


# -- applications --------------------------------------------------------------------------------


def apply(client: APIClient, campaign: Campaign, account: SocialAccount, pitch: str = "") -> Any:
    payload = {
        "campaign": campaign.public_id,
        "social_account": account.public_id,
        "pitch": pitch or "I film a skincare routine every morning for 12k followers.",
    }
    return client.post(APPS, payload, format="json")


def test_apply_creates_a_pending_application(
    api: APIClient, campaign: Campaign, creator: CreatorProfile, creator_account: SocialAccount
) -> None:
    response = apply(api, campaign, creator_account)
    assert response.status_code == 201, response.content
    body = response.json()
    application = Application.objects.get(creator=creator, campaign=campaign)
    assert body["id"] == application.public_id
    assert body["status"] == "pending"
    assert body["campaign"] == {
        "id": campaign.public_id,
        "name": "Glow Launch",
        "brand": "Acme Shoes",
        "status": "recruiting",
        "currency": "USD",
        "pay_by_days": 14,
    }
    assert body["social_account"]["id"] == creator_account.public_id
    assert body["participation"] is None
    assert api.get(f"{APPS}{application.public_id}/").json()["id"] == application.public_id


def test_applying_twice_is_a_409_duplicate_application(
    api: APIClient, campaign: Campaign, creator_account: SocialAccount
) -> None:
    assert apply(api, campaign, creator_account).status_code == 201
    body = assert_error(apply(api, campaign, creator_account), 409, "duplicate_application")
    assert "already applied" in body["message"]
    assert Application.objects.filter(campaign=campaign).count() == 1


def test_applying_without_qualifying_is_not_eligible_with_the_reasons(
    campaign: Campaign, make_creator: MakeCreator
) -> None:
    small, account = make_creator(display_name="Tiny", follower_count=400)
    body = assert_error(
        apply(session_client(small.user), campaign, account), 400, "not_eligible", "eligibility"
    )
    assert "400 followers" in body["message"]
    assert "1,000" in body["message"]
    assert not Application.objects.filter(creator=small).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "campaign"),
        ({"campaign": "cmp_x"}, "social_account"),
        ({"campaign": "cmp_x", "social_account": "soc_x"}, "pitch"),
        ({"campaign": ["cmp_x"], "social_account": "soc_x", "pitch": "hi"}, "campaign"),
        ({"campaign": "c" * 41, "social_account": "soc_x", "pitch": "hi"}, "campaign"),
        ({"campaign": "cmp_x", "social_account": "soc_x", "pitch": "p" * 1001}, "pitch"),
    ],
)
def test_bad_apply_payloads_name_the_field(api: APIClient, payload: dict, field: str) -> None:
    assert_error(api.post(APPS, payload, format="json"), 400, "invalid", field)
    assert not Application.objects.exists()


def test_apply_errors_say_what_is_wrong(
    api: APIClient,
    tenant_b: Tenant,
    campaign: Campaign,
    creator_account: SocialAccount,
    make_creator: MakeCreator,
) -> None:
    _, someone_elses = make_creator(display_name="Other")
    assert_error(apply(api, campaign, someone_elses), 400, "not_found", "social_account")
    private = CampaignFactory(brand=tenant_b.brand, visibility=Campaign.Visibility.INVITE_ONLY)
    assert_error(apply(api, private, creator_account), 400, "not_found", "campaign")
    assert_error(apply(api, campaign, creator_account, pitch="   "), 400, "invalid", "pitch")
    malformed = api.post(APPS, "{not json", content_type="application/json")
    assert malformed.status_code == 400
    assert api.post(APPS, [1, 2], format="json").status_code == 400
    assert not Application.objects.exists()


def test_applying_after_the_deadline_is_refused(
    api: APIClient, campaign: Campaign, creator_account: SocialAccount
) -> None:
    campaign.application_deadline = timezone.localdate() - datetime.timedelta(days=1)
    campaign.save(update_fields=["application_deadline"])
    assert_error(apply(api, campaign, creator_account), 409, "deadline_passed")


def test_withdraw_an_application(
    api: APIClient, campaign: Campaign, creator: CreatorProfile, creator_account: SocialAccount
) -> None:
    application = ApplicationFactory(
        campaign=campaign, creator=creator, social_account=creator_account
    )
    response = api.post(f"{APPS}{application.public_id}/withdraw/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "withdrawn"
    assert_error(api.post(f"{APPS}{application.public_id}/withdraw/"), 409, "cannot_withdraw")


def test_another_creators_application_is_404_and_untouched(
    api: APIClient, campaign: Campaign, make_creator: MakeCreator
) -> None:
    other, account = make_creator(display_name="Other")
    theirs = ApplicationFactory(campaign=campaign, creator=other, social_account=account)
    assert_error(api.get(f"{APPS}{theirs.public_id}/"), 404, "not_found")
    assert_error(api.post(f"{APPS}{theirs.public_id}/withdraw/"), 404, "not_found")
    assert api.get(APPS).json()["count"] == 0
    theirs.refresh_from_db()
    assert theirs.status == Application.Status.PENDING


def test_applications_list_is_filtered_paged_and_runs_a_fixed_number_of_queries(
    api: APIClient, tenant_b: Tenant, creator: CreatorProfile, creator_account: SocialAccount
) -> None:
    def add(status: str = Application.Status.PENDING) -> Application:
        return ApplicationFactory(
            campaign=CampaignFactory(brand=tenant_b.brand),
            creator=creator,
            social_account=creator_account,
            status=status,
        )

    accepted = add(Application.Status.ACCEPTED)
    ParticipationFactory(
        campaign=accepted.campaign, creator=creator, social_account=creator_account,
        application=accepted,
    )  # fmt: skip
    add()
    api.get(APPS)
    few = count_queries(api, APPS)
    for _ in range(10):
        add()
    assert count_queries(api, APPS) == few
    body = api.get(APPS, {"status": "accepted"}).json()
    assert [r["id"] for r in body["results"]] == [accepted.public_id]
    assert body["results"][0]["participation"].startswith("par_")
    page = api.get(APPS, {"page_size": 5, "page": 2}).json()
    assert page["count"] == 12
    assert len(page["results"]) == 5
    assert_error(api.get(APPS, {"status": "maybe"}), 400, "invalid", "status")


# -- invitations ---------------------------------------------------------------------------------


def test_accepting_an_invitation_creates_the_participation(
    api: APIClient, campaign: Campaign, creator: CreatorProfile
) -> None:
    invitation = CampaignInvitationFactory(campaign=campaign, creator=creator)
    listed = api.get(INVS, {"status": "pending"}).json()
    assert [r["id"] for r in listed["results"]] == [invitation.public_id]
    assert listed["results"][0]["per_creator_fee_cents"] == FEE

    assert_error(
        api.post(f"{INVS}{invitation.public_id}/respond/", {}, format="json"),
        400,
        "invalid",
        "accept",
    )
    response = api.post(f"{INVS}{invitation.public_id}/respond/", {"accept": True}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "accepted"
    participation = Participation.objects.get(creator=creator, campaign=campaign)
    assert body["participation"] == participation.public_id
    campaign.refresh_from_db()
    assert campaign.committed_cents == FEE

    again = api.post(f"{INVS}{invitation.public_id}/respond/", {"accept": False}, format="json")
    assert_error(again, 409, "invitation_not_pending")


def test_declining_an_invitation(
    api: APIClient, campaign: Campaign, creator: CreatorProfile
) -> None:
    invitation = CampaignInvitationFactory(campaign=campaign, creator=creator)
    response = api.post(f"{INVS}{invitation.public_id}/respond/", {"accept": False}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "declined"
    assert response.json()["participation"] is None
    assert not Participation.objects.exists()


def test_accepting_with_someone_elses_account_is_refused(
    api: APIClient, campaign: Campaign, creator: CreatorProfile, make_creator: MakeCreator
) -> None:
    invitation = CampaignInvitationFactory(campaign=campaign, creator=creator)
    _, theirs = make_creator(display_name="Other")
    response = api.post(
        f"{INVS}{invitation.public_id}/respond/",
        {"accept": True, "social_account": theirs.public_id},
        format="json",
    )
    assert_error(response, 400, "not_found", "social_account")
    invitation.refresh_from_db()
    assert invitation.status == CampaignInvitation.Status.PENDING


def test_another_creators_invitation_is_404_and_untouched(
    api: APIClient, campaign: Campaign, make_creator: MakeCreator
) -> None:
    theirs = CampaignInvitationFactory(campaign=campaign, creator=make_creator()[0])
    assert_error(api.get(f"{INVS}{theirs.public_id}/"), 404, "not_found")
    response = api.post(f"{INVS}{theirs.public_id}/respond/", {"accept": True}, format="json")
    assert_error(response, 404, "not_found")
    assert api.get(INVS).json()["count"] == 0
    theirs.refresh_from_db()
    assert theirs.status == CampaignInvitation.Status.PENDING
    assert not Participation.objects.exists()


def test_invitations_list_runs_a_fixed_number_of_queries(
    api: APIClient, tenant_b: Tenant, creator: CreatorProfile
) -> None:
    CampaignInvitationFactory(campaign=CampaignFactory(brand=tenant_b.brand), creator=creator)
    api.get(INVS)
    few = count_queries(api, INVS)
    for _ in range(8):
        CampaignInvitationFactory(
            campaign=CampaignFactory(
                brand=tenant_b.brand,
                deliverables=[("tiktok", "video", 1, 9_000), ("youtube", "short", 2, 4_000)],
            ),
            creator=creator,
        )
    assert count_queries(api, INVS) == few


# -- participations ------------------------------------------------------------------------------


def test_participations_show_the_tracking_link_and_promo_code(
    api: APIClient,
    settings: Any,
    campaign: Campaign,
    creator: CreatorProfile,
    creator_account: SocialAccount,
    make_creator: MakeCreator,
) -> None:
    settings.SITE_URL = "https://chorus.example.com/"
    mine = ParticipationFactory(
        campaign=campaign, creator=creator, social_account=creator_account,
        tracking_code="abc234defg", promo_code="ACME-AVA7K2",
    )  # fmt: skip
    other, account = make_creator(display_name="Other")
    theirs = ParticipationFactory(campaign=campaign, creator=other, social_account=account)

    body = api.get(PARTS).json()
    assert [r["id"] for r in body["results"]] == [mine.public_id]
    row = body["results"][0]
    assert row["tracking_code"] == "abc234defg"
    # Built from the address the API was called on, not from SITE_URL (issue 7).
    assert row["tracking_url"] == "http://testserver/r/abc234defg"
    assert mine.tracking_url == "https://chorus.example.com/r/abc234defg", "e-mails: SITE_URL"
    assert row["promo_code"] == "ACME-AVA7K2"
    assert row["agreed_total_cents"] == FEE
    assert row["agreed_fees"] == [
        {"platform": "tiktok", "format": "video", "quantity": 1, "fee_cents": FEE}
    ]
    assert row["campaign"]["id"] == campaign.public_id
    assert api.get(f"{PARTS}{mine.public_id}/").json()["promo_code"] == "ACME-AVA7K2"
    assert_error(api.get(f"{PARTS}{theirs.public_id}/"), 404, "not_found")


def test_participations_list_runs_a_fixed_number_of_queries(
    api: APIClient, tenant_b: Tenant, creator: CreatorProfile, creator_account: SocialAccount
) -> None:
    def add() -> Participation:
        return ParticipationFactory(
            campaign=CampaignFactory(brand=tenant_b.brand),
            creator=creator,
            social_account=creator_account,
        )

    add()
    api.get(PARTS)
    few = count_queries(api, PARTS)
    for _ in range(10):
        add()
    assert count_queries(api, PARTS) == few


def test_profile_and_detail_endpoints_run_few_queries(
    api: APIClient,
    campaign: Campaign,
    creator: CreatorProfile,
    django_assert_max_num_queries: Any,
) -> None:
    api.get(PROFILE)
    with django_assert_max_num_queries(8):
        assert api.get(PROFILE).status_code == 200
    with django_assert_max_num_queries(12):
        assert api.get(f"{CAMPAIGNS}{campaign.public_id}/").status_code == 200


# -- schema --------------------------------------------------------------------------------------


def test_the_openapi_schema_describes_the_creator_endpoints_as_session_only() -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    expected = {
        "/api/v1/creator/profile/": ["get"],
        "/api/v1/creator/campaigns/": ["get"],
        "/api/v1/creator/campaigns/{public_id}/": ["get"],
        "/api/v1/creator/applications/": ["get", "post"],
        "/api/v1/creator/applications/{public_id}/withdraw/": ["post"],
        "/api/v1/creator/invitations/": ["get"],
        "/api/v1/creator/invitations/{public_id}/respond/": ["post"],
        "/api/v1/creator/participations/": ["get"],
    }
    for path, methods in expected.items():
        assert path in paths, path
        for method in methods:
            operation = paths[path][method]
            assert operation["security"] == [{"cookieAuth": []}], (path, method)
            assert operation.get("summary"), (path, method)
    params = {p["name"] for p in paths["/api/v1/creator/campaigns/"]["get"]["parameters"]}
    assert {"eligible", "page"} <= params
    assert "MarketplaceCampaign" in schema["components"]["schemas"]


def test_a_new_user_signed_up_as_creator_can_use_the_api_at_once(
    campaign: Campaign,
) -> None:
    """A fresh creator with no accounts yet: the marketplace answers with reasons, not errors."""
    user = UserFactory()
    CreatorProfile.objects.create(user=user, display_name="Newbie")
    body = session_client(user).get(CAMPAIGNS).json()
    assert body["results"][0]["eligible"] is False
    assert "Add your TikTok account" in body["results"][0]["eligibility_reasons"][0]
