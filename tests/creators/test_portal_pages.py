"""Creator portal pages: home, accounts, verify flow; only one's own accounts; fixed queries."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from creators.models import CreatorProfile, SocialAccount
from creators.portal import register_home_section, unregister_home_section
from platforms.simulator.client import SimulatorControl
from tests.factories.creators import SocialAccountFactory
from users.models import User

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_home_shows_greeting_checklist_and_accounts(
    creator: CreatorProfile, creator_client: Client
) -> None:
    SocialAccountFactory(creator=creator, handle="casey.cooks", verified=False)
    response = creator_client.get(reverse("creators:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hi Casey" in html
    assert "Finish your profile" in html
    assert "Verify an account" in html
    assert "@casey.cooks" in html
    assert (
        reverse("creators:account_verify", args=[creator.social_accounts.get().public_id]) in html
    )


def test_home_renders_sections_registered_by_downstream_apps(
    creator: CreatorProfile, creator_client: Client
) -> None:
    def section(request: object, profile: CreatorProfile) -> tuple[str, dict[str, object]]:
        return "creators/_avatar.html", {"big": False}

    register_home_section("test.section", section)
    try:
        html = creator_client.get(reverse("creators:home")).content.decode()
    finally:
        unregister_home_section("test.section")
    assert html.count('class="cr-avatar') == 2  # the greeting's avatar and the section's


def test_users_without_a_creator_profile_are_sent_to_their_dashboard(
    stranger: User, client_for: Callable[[User], Client], other_creator: CreatorProfile
) -> None:
    client = client_for(stranger)
    for name in ("creators:home", "creators:profile", "creators:accounts"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url == reverse("web:dashboard")
    account = SocialAccountFactory(creator=other_creator)
    assert (
        client.get(reverse("creators:account_verify", args=[account.public_id])).status_code == 404
    )


def test_anonymous_visitors_are_asked_to_log_in(client: Client) -> None:
    response = client.get(reverse("creators:accounts"))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_adding_an_account_leads_to_its_verification_page(
    simulator: SimulatorControl, creator: CreatorProfile, creator_client: Client
) -> None:
    response = creator_client.post(
        reverse("creators:accounts"),
        {"platform": "tiktok", "handle": "https://www.tiktok.com/@Casey"},
    )
    account = SocialAccount.objects.get(creator=creator)
    assert response.status_code == 302
    assert response.url == reverse("creators:account_verify", args=[account.public_id])
    page = creator_client.get(response.url).content.decode()
    assert account.verification_code in page
    assert "Check now" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"platform": "tiktok", "handle": ""}, "Enter your handle"),
        ({"platform": "friendster", "handle": "casey"}, "Pick TikTok, Instagram or YouTube."),
        (
            {"platform": "instagram", "handle": "https://www.tiktok.com/@casey"},
            "is not a Instagram profile address",
        ),
    ],
)
def test_the_add_account_form_says_what_to_fix(
    creator_client: Client, data: dict[str, str], message: str
) -> None:
    response = creator_client.post(reverse("creators:accounts"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SocialAccount.objects.exists()


def test_an_unknown_account_is_explained_on_the_form(
    simulator: SimulatorControl, creator_client: Client
) -> None:
    simulator.set_account("youtube", "nobody.here", exists=False)
    response = creator_client.post(
        reverse("creators:accounts"), {"platform": "youtube", "handle": "@nobody.here"}
    )
    assert response.status_code == 400
    assert "could not find a public YouTube account @nobody.here" in response.content.decode()


def test_check_now_verifies_through_htmx(
    simulator: SimulatorControl, creator: CreatorProfile, creator_client: Client
) -> None:
    account = SocialAccountFactory(creator=creator, handle="casey", verified=False)
    url = reverse("creators:account_verify", args=[account.public_id])

    response = creator_client.post(url, **HTMX)
    assert response.status_code == 200  # htmx swaps only 2xx: the error is in the partial
    assert "could not find" in response.content.decode()
    assert 'id="verify-card"' in response.content.decode()

    simulator.set_account("tiktok", "casey", bio=f"hello {account.verification_code}")
    response = creator_client.post(url, **HTMX)
    assert "is verified" in response.content.decode()
    account.refresh_from_db()
    assert account.is_verified


def test_check_now_without_htmx_redirects_with_a_message(
    simulator: SimulatorControl, creator: CreatorProfile, creator_client: Client
) -> None:
    account = SocialAccountFactory(creator=creator, handle="casey", verified=False)
    simulator.set_account("tiktok", "casey", bio=account.verification_code)
    response = creator_client.post(
        reverse("creators:account_verify", args=[account.public_id]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("creators:accounts")
    assert "is verified" in response.content.decode()


def test_refresh_through_htmx_returns_the_updated_card(
    simulator: SimulatorControl, creator: CreatorProfile, creator_client: Client
) -> None:
    account = SocialAccountFactory(creator=creator, handle="casey", last_refreshed_at=None)
    simulator.set_account("tiktok", "casey", follower_count=77_700)
    response = creator_client.post(
        reverse("creators:account_refresh", args=[account.public_id]), **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="acct-{account.public_id}"' in html
    assert "77.7k" in html
    assert "Stats updated." in html


def test_removing_an_account(creator: CreatorProfile, creator_client: Client) -> None:
    account = SocialAccountFactory(creator=creator)
    response = creator_client.post(reverse("creators:account_remove", args=[account.public_id]))
    assert response.status_code == 302
    assert not SocialAccount.objects.filter(pk=account.pk).exists()


@pytest.mark.parametrize("name", ["account_verify", "account_refresh", "account_remove"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_creators_account_answers_404(
    creator_client: Client, other_creator: CreatorProfile, name: str, method: str
) -> None:
    theirs = SocialAccountFactory(creator=other_creator, verified=False)
    url = reverse(f"creators:{name}", args=[theirs.public_id])
    response = getattr(creator_client, method)(url)
    assert response.status_code == 404
    assert SocialAccount.objects.filter(pk=theirs.pk, verified_at__isnull=True).exists()


def test_an_unknown_account_id_answers_404(creator_client: Client) -> None:
    url = reverse("creators:account_verify", args=["soc_doesnotexist"])
    assert creator_client.get(url).status_code == 404


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("name", ["creators:accounts", "creators:home", "creators:profile"])
def test_pages_run_a_fixed_number_of_queries_whatever_the_number_of_accounts(
    creator: CreatorProfile, creator_client: Client, name: str
) -> None:
    url = reverse(name)
    SocialAccountFactory(creator=creator)
    one = _count_queries(creator_client, url)
    for i in range(8):
        SocialAccountFactory(creator=creator, platform=["tiktok", "instagram", "youtube"][i % 3])
    many = _count_queries(creator_client, url)
    assert many == one, f"{name}: {one} queries with 1 account, {many} with 9"


def test_the_accounts_page_needs_only_user_profile_and_accounts_queries(
    creator: CreatorProfile,
    creator_client: Client,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    for _ in range(5):
        SocialAccountFactory(creator=creator)
    with django_assert_max_num_queries(4):
        assert creator_client.get(reverse("creators:accounts")).status_code == 200
