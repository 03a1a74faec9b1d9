"""Creators onboard to Stripe Connect through the stand-in's hosted page; the Payouts page in
the portal shows where they stand and what to do next."""

from typing import Any
from urllib.parse import urlparse

import pytest
from django.test import Client

from payouts.connect import connected_account_start
from payouts.models import ConnectedAccount
from payouts.stripe_standin.client import StandinControl
from tests.factories.organizations import UserFactory
from tests.payouts.conftest import Deliver

pytestmark = pytest.mark.django_db

PAGE = "/creator/payouts/"


def _start(client: Client) -> str:
    """Press "Set up payouts": answers the hosted onboarding URL we are sent to."""
    response = client.post(PAGE)
    assert response.status_code == 302
    return str(response["Location"])


def _path(url: str) -> str:
    parsed = urlparse(url)
    return parsed.path + (f"?{parsed.query}" if parsed.query else "")


def test_onboarding_through_the_hosted_page_turns_payouts_on(
    stripe_standin: StandinControl, creator: Any, creator_client: Client
) -> None:
    page = creator_client.get(PAGE)
    assert page.status_code == 200
    assert b'data-state="none"' in page.content
    assert b"Set up payouts" in page.content

    hosted = _start(creator_client)
    assert hosted.startswith(stripe_standin.base_url + "/hosted/onboarding/")
    account = ConnectedAccount.objects.get(creator=creator)
    remote = stripe_standin.account(account.stripe_account_id or "")
    assert remote["controller"]["stripe_dashboard"]["type"] == "express"
    assert remote["capabilities"] == {"transfers": "inactive"}
    assert remote["metadata"] == {"chorus_creator": creator.public_id}

    back = stripe_standin.visit(hosted)  # the creator fills Stripe's form and is sent back
    assert back == "http://testserver/creator/payouts/return/"
    returned = creator_client.get(_path(back), follow=True)
    account.refresh_from_db()
    assert account.details_submitted
    assert account.payouts_enabled
    assert account.transfers_capability == "active"
    assert account.can_receive_transfers
    assert b'data-state="enabled"' in returned.content
    assert b"Payouts are on" in returned.content


def test_starting_twice_keeps_one_stripe_account(
    stripe_standin: StandinControl, creator: Any, creator_client: Client
) -> None:
    first, second = _start(creator_client), _start(creator_client)
    assert first != second  # a fresh single-use link each time
    assert stripe_standin.calls("POST /v1/accounts") == 1
    assert ConnectedAccount.objects.filter(creator=creator).count() == 1


def test_a_used_link_sends_to_refresh_which_makes_a_new_one(
    stripe_standin: StandinControl, creator_client: Client
) -> None:
    hosted = _start(creator_client)
    stripe_standin.visit(hosted, outcome="incomplete")
    again = stripe_standin.visit(hosted)
    assert again == "http://testserver/creator/payouts/refresh/"
    fresh = creator_client.get(_path(again))
    assert fresh.status_code == 302
    assert fresh["Location"].startswith(stripe_standin.base_url + "/hosted/onboarding/")
    assert fresh["Location"] != hosted


@pytest.mark.parametrize(
    ("outcome", "state", "text"),
    [
        ("incomplete", "started", b"Continue on Stripe"),
        ("pending", "verifying", b"Stripe is checking your details"),
    ],
)
def test_the_page_says_what_to_do_next(
    stripe_standin: StandinControl, creator_client: Client, outcome: str, state: str, text: bytes
) -> None:
    back = stripe_standin.visit(_start(creator_client), outcome=outcome)
    page = creator_client.get(_path(back), follow=True)
    assert f'data-state="{state}"'.encode() in page.content
    assert text in page.content


def test_stripe_asking_for_more_is_shown_from_the_webhook(
    stripe_standin: StandinControl, creator: Any, creator_client: Client, deliver: Deliver
) -> None:
    account, _ = connected_account_start(creator=creator)
    stripe_standin.complete_onboarding(account.stripe_account_id or "")
    event_id = stripe_standin.update_account(
        account.stripe_account_id or "",
        payouts_enabled=False,
        transfers="inactive",
        currently_due=["external_account"],
    )
    assert deliver(event_id).status_code == 200
    page = creator_client.get(PAGE)
    assert b'data-state="needs_info"' in page.content
    assert b"Your bank account" in page.content


def test_brand_members_without_a_creator_profile_are_sent_away(
    stripe_standin: StandinControl, client_for: Any
) -> None:
    member = client_for(UserFactory())
    assert member.get(PAGE).status_code == 302
    assert member.post(PAGE).status_code == 302
    assert ConnectedAccount.objects.count() == 0
    assert stripe_standin.calls("POST /v1/accounts") == 0


def test_stripe_down_shows_a_message_and_changes_nothing(
    stripe_standin: StandinControl, creator_client: Client
) -> None:
    stripe_standin.fail("api_error", path_prefix="/v1/accounts")
    page = creator_client.post(PAGE, follow=True)
    assert page.status_code == 200
    assert b"Stripe could not be reached" in page.content
    assert b'data-state="none"' in page.content
    # Stripe saved that 500 under the key it was sent with: the next try uses a new key, and works.
    assert _start(creator_client).startswith(stripe_standin.base_url + "/hosted/onboarding/")
    assert stripe_standin.calls("POST /v1/accounts") == 2


def test_a_lost_response_keeps_the_key_so_no_second_account_is_made(
    stripe_standin: StandinControl, creator: Any, creator_client: Client
) -> None:
    stripe_standin.fail("lost_response", path_prefix="/v1/accounts")
    page = creator_client.post(PAGE, follow=True)
    assert b"Stripe could not be reached" in page.content
    assert stripe_standin.calls("POST /v1/accounts") == 1  # Stripe made it; we did not hear
    _start(creator_client)
    assert stripe_standin.calls("POST /v1/accounts") == 1  # the same key got it back
    account = ConnectedAccount.objects.get(creator=creator)
    assert stripe_standin.account(account.stripe_account_id or "")["metadata"] == {
        "chorus_creator": creator.public_id
    }
