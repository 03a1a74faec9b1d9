"""Recruitment from both sides, beyond the open-campaign journey of test_campaign_journeys.py: an
invited creator accepts the invitation on a 390-px phone and gets a tracking link and promo code
at once; the brand accepts applications in bulk from the applications queue, and the campaign's
maximum number of creators holds (the one over the limit stays pending, with the reason shown).
"""

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from campaigns.models import Campaign
from creators.models import CreatorProfile, SocialAccount
from recruitment.models import Application, CampaignInvitation, Participation
from tests.conftest import Tenant
from tests.e2e.conftest import fits_the_phone, log_in
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import CreatorProfileFactory, SocialAccountFactory
from tests.factories.organizations import UserFactory
from tests.factories.recruitment import ApplicationFactory, CampaignInvitationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _creator(name: str, **account: Any) -> tuple[CreatorProfile, SocialAccount]:
    creator = CreatorProfileFactory(
        user=UserFactory(email=f"{name.lower()}@creators.example"), display_name=name
    )
    return creator, SocialAccountFactory(
        creator=creator, handle=f"{name.lower()}.trails", **account
    )


def test_invited_creator_joins_on_a_phone_and_bulk_accepting_stops_at_the_maximum(
    new_page: Callable[..., Page],
    tenant_a: Tenant,
    live_server: Any,
    settings: Any,
    screenshot: Callable[..., Any],
) -> None:
    settings.SITE_URL = live_server.url
    # Recruiting, one TikTok video at USD 150, room for two creators.
    campaign = CampaignFactory(
        organization=tenant_a.org, brand=tenant_a.brand, name="Trail Mix Drop", max_creators=2
    )
    ivy, _ = _creator("Ivy")
    invitation = CampaignInvitationFactory(
        campaign=campaign, creator=ivy, message="We love your trail videos: join us?"
    )
    ben, ben_account = _creator("Ben", follower_count=31_000)
    ben_application = ApplicationFactory(
        campaign=campaign, creator=ben, social_account=ben_account, pitch="Ben's pitch."
    )
    cal, cal_account = _creator("Cal", follower_count=8_500)
    cal_application = ApplicationFactory(
        campaign=campaign, creator=cal, social_account=cal_account, pitch="Cal's pitch."
    )

    # --- Ivy, on her phone, finds the invitation in "My work" and accepts it. ---
    phone = new_page(phone=True)
    log_in(phone, "ivy@creators.example")
    phone.get_by_role("navigation", name="Creator").get_by_role("link", name="My work").click()
    card = phone.locator(f"#cin-{invitation.public_id}")
    expect(card).to_contain_text("Acme Shoes")
    expect(card).to_contain_text("Trail Mix Drop")
    expect(card).to_contain_text("USD 150.00")
    expect(card.locator("blockquote")).to_have_text("We love your trail videos: join us?")
    fits_the_phone(phone)
    screenshot(phone, "invitation", full_page=False)
    card.get_by_role("button", name="Accept").click()

    expect(phone.locator(".flash-success")).to_have_text(
        "You're in: Trail Mix Drop. Your link and code are below."
    )
    expect(phone.locator(f"#cin-{invitation.public_id}")).to_have_count(0)
    participation = Participation.objects.get(campaign=campaign, creator=ivy)
    invitation.refresh_from_db()
    assert invitation.status == CampaignInvitation.Status.ACCEPTED
    assert participation.invitation_id == invitation.pk
    card = phone.locator(f"#par-{participation.public_id}")
    expect(card.get_by_label("Your promo code")).to_have_text(participation.promo_code)
    expect(card.get_by_label("Your tracking link")).to_have_value(
        f"{live_server.url}/r/{participation.tracking_code}"
    )
    fits_the_phone(phone)
    screenshot(phone, "joined", full_page=False)

    # --- The brand accepts both applications at once: one place is left, so one gets it. ---
    desk = new_page()
    log_in(desk, tenant_a.owner.email)
    desk.get_by_role("navigation", name="Workspace sections").get_by_role(
        "link", name="Applications"
    ).click()
    queue = desk.locator("table.rc-queue tbody")
    expect(queue.locator("tr")).to_have_count(2)
    # Oldest first: Ben applied before Cal, so Ben is first in line for the last place.
    desk.get_by_label("Sort by").select_option("oldest")
    # Selects change nothing by themselves: on the all-campaigns queue the button is "Apply"
    # (it applies the campaign filter and the sort together).
    desk.get_by_role("button", name="Apply", exact=True).click()
    expect(desk).to_have_url(re.compile(r"sort=oldest"))
    expect(queue.locator("tr").nth(0)).to_contain_text("Ben")
    expect(queue.locator("tr").nth(0)).to_contain_text("31k")
    expect(queue.locator("tr").nth(1)).to_contain_text("Cal")
    accept_selected = desk.get_by_role("button", name="Accept selected")
    expect(accept_selected).to_be_disabled()
    desk.get_by_label("Select all on this page").check()
    expect(desk.locator("#selected-count")).to_have_text("2 selected")
    # The whole queue, the Decide column included, fits a 1280-px screen without scrolling.
    assert desk.locator(".rc-table-wrap").evaluate("w => w.scrollWidth <= w.clientWidth")
    screenshot(desk, "queue")
    accept_selected.click()

    expect(desk.locator(".flash-success")).to_have_text("1 application accepted.")
    expect(desk.locator(".flash-error")).to_have_text(
        "1 application could not be accepted: Cal: Trail Mix Drop already has its maximum of 2 "
        "creators. Raise the maximum or cancel a participation first."
    )
    # Cal is still waiting in the pending tab; Ben is not.
    expect(desk.locator(f"#app-{cal_application.public_id}")).to_contain_text("Pending")
    expect(desk.locator(f"#app-{ben_application.public_id}")).to_have_count(0)
    screenshot(desk, "bulk-result")
    ben_application.refresh_from_db()
    cal_application.refresh_from_db()
    assert ben_application.status == Application.Status.ACCEPTED
    assert cal_application.status == Application.Status.PENDING
    assert set(
        Participation.objects.filter(campaign=campaign).values_list("creator_id", flat=True)
    ) == {ivy.pk, ben.pk}
    campaign.refresh_from_db()
    assert campaign.committed_cents == 2 * 15_000

    # The campaign's Creators tab: both, with how they came in; the campaign is full.
    desk.locator(f"#app-{cal_application.public_id}").get_by_role(
        "link", name="Trail Mix Drop"
    ).click()
    desk.get_by_role("navigation", name="Campaign sections").get_by_role(
        "link", name="Creators", exact=True
    ).click()
    participants = desk.locator("table.rc-participants tbody tr")
    expect(participants).to_have_count(2)
    expect(participants.filter(has_text="Ivy")).to_contain_text("via invitation")
    expect(participants.filter(has_text="Ben")).to_contain_text("via application")
    expect(participants.filter(has_text="Ivy")).to_contain_text(participation.promo_code)
    expect(desk.locator("#fill-creators")).to_contain_text("2 of 2")
    expect(desk.locator("#recruit-fill")).to_contain_text("maximum reached")
    expect(desk.locator("#fill-committed")).to_have_text("USD 300.00")
    screenshot(desk, "participants")
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.RECRUITING
