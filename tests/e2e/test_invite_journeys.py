"""A brand invites many creators at once to a recruiting campaign ("Invite creators", discovery/):
by pasting handles, or by uploading a CSV. The batch runs in the background: a real Celery worker
thread (tests/core/celery_worker.py) takes the task from the Redis broker, exactly as in
production, while the batch page polls with htmx, shows the progress, and ends with what was
invited and every row that could not be, with its reason.
"""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from playwright.sync_api import Page, Request, expect

from campaigns.models import Campaign
from creators.models import CreatorProfile
from discovery.models import InviteBatch, InviteBatchRow
from recruitment.models import CampaignInvitation
from tests.conftest import Tenant
from tests.core.celery_worker import celery_worker
from tests.e2e.conftest import BrowserGuard, log_in, wait_for_mail
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import CreatorProfileFactory, SocialAccountFactory
from tests.factories.organizations import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _creator(name: str, handle: str, **account: Any) -> CreatorProfile:
    creator = CreatorProfileFactory(
        user=UserFactory(email=f"{name.lower()}@creators.example"), display_name=name
    )
    SocialAccountFactory(creator=creator, handle=handle, **account)  # verified TikTok
    return creator


def _campaign(tenant: Tenant) -> Campaign:
    """Recruiting, open, one TikTok video at USD 150, for 1,000-100,000 followers."""
    return CampaignFactory(organization=tenant.org, brand=tenant.brand, name="Glow Serum Launch")


def _open_invite_page(page: Page, tenant: Tenant, campaign: Campaign) -> None:
    """Log in, then Campaigns -> the campaign -> "Invite creators", as the owner would."""
    log_in(page, tenant.owner.email)
    expect(page).to_have_url(re.compile(rf"/o/{tenant.org.slug}/$"))
    page.get_by_role("navigation", name="Workspace sections").get_by_role(
        "link", name="Campaigns"
    ).click()
    page.get_by_role("link", name=campaign.name).click()
    page.get_by_role("navigation", name="Campaign sections").get_by_role(
        "link", name="Invite creators"
    ).click()
    expect(page.get_by_role("heading", name="Invite creators")).to_be_visible()


def test_brand_invites_pasted_handles_and_watches_progress(
    page: Page,
    tenant_a: Tenant,
    outbox: list[mail.EmailMessage],
    screenshot: Callable[..., Any],
) -> None:
    campaign = _campaign(tenant_a)
    maya = _creator("Maya", "maya.makes")
    leo = _creator("Leo", "leo.cooks")
    tiny = _creator("Tiny", "tiny.tales", follower_count=400)  # verified, below 1,000

    _open_invite_page(page, tenant_a, campaign)
    page.get_by_text("Paste handles").click()
    handles_form = page.locator("form", has=page.locator("input[name=method][value=handles]"))
    expect(handles_form.get_by_label("Platform")).to_have_value("tiktok")
    handles_form.get_by_label("Handles or profile links").fill(
        "@maya.makes\nhttps://www.tiktok.com/@nobody.here\nbad!handle\nleo.cooks\n@tiny.tales\n"
    )
    handles_form.get_by_label("Message").fill("We loved your morning routine videos!")
    screenshot(page, "pasted")

    polls: list[str] = []

    def count_poll(request: Request) -> None:
        if request.headers.get("hx-request") == "true" and "/invite-batches/" in request.url:
            polls.append(request.url)

    page.on("request", count_poll)
    with celery_worker(queues=["default", "email"]):
        # Hold Maya's profile row while the batch starts: the worker, which takes the rows in
        # order, waits on her first invitation, so the page is seen mid-way, then the lock
        # goes and the rest runs through.
        with transaction.atomic():
            CreatorProfile.objects.select_for_update().get(pk=maya.pk)
            handles_form.get_by_role("button", name="Invite these creators").click()
            expect(page).to_have_url(re.compile(r"/o/acme/invite-batches/ibt_[^/]+/$"))
            expect(
                page.get_by_role("heading", name="Inviting creators to Glow Serum Launch")
            ).to_be_visible()
            progress = page.locator("#dc-batch")
            # The worker has claimed the batch; the handle that could not be valid failed
            # at once, the four others are still to do.
            expect(progress.get_by_role("status")).to_have_text("Running", timeout=20_000)
            expect(progress).to_contain_text("1 of 5 processed (20 %)")
            expect(progress.get_by_text("Sending in the background")).to_be_visible()
            screenshot(page, "running")
            polls_while_held = len(polls)
        # The batch runs to its end; the page, polling every second, shows it.
        expect(progress.get_by_role("status")).to_have_text("Done", timeout=20_000)
        maya_mail = wait_for_mail(outbox, "maya@creators.example")
        leo_mail = wait_for_mail(outbox, "leo@creators.example")
    page.remove_listener("request", count_poll)

    expect(progress).to_contain_text("5 of 5 processed (100 %)")
    expect(progress.locator("#dc-invited")).to_have_text("2")
    expect(progress.locator("#dc-failed")).to_have_text("3")
    expect(progress).not_to_have_attribute("hx-trigger", re.compile("."))  # polling stopped
    # "Done" arrived through htmx polls of the page that showed "Running": no reload.
    assert len(polls) > polls_while_held, f"the batch page did not poll: {polls}"

    failed = progress.locator("table.dc-failed tbody tr")
    expect(failed).to_have_count(3)
    expect(failed.nth(0)).to_contain_text("https://www.tiktok.com/@nobody.here")
    expect(failed.nth(0)).to_contain_text(
        "No creator on Chorus has verified @nobody.here on TikTok."
    )
    expect(failed.nth(1)).to_contain_text("bad!handle")
    expect(failed.nth(1)).to_contain_text("'bad!handle' is not a valid TikTok handle")
    expect(failed.nth(2)).to_contain_text("@tiny.tales")
    expect(failed.nth(2)).to_contain_text(
        "Tiny does not qualify for this campaign: Your TikTok account has 400 followers; "
        "this campaign needs 1,000–100,000."  # noqa: RUF001 (the page's en dash)
    )
    screenshot(page, "done")

    # The database agrees: two pending invitations, nothing for the others.
    invited = CampaignInvitation.objects.filter(campaign=campaign)
    assert {(i.creator_id, i.status, i.message) for i in invited} == {
        (maya.pk, CampaignInvitation.Status.PENDING, "We loved your morning routine videos!"),
        (leo.pk, CampaignInvitation.Status.PENDING, "We loved your morning routine videos!"),
    }
    assert not CampaignInvitation.objects.filter(creator=tiny).exists()
    batch = InviteBatch.objects.get(campaign=campaign)
    assert (batch.status, batch.total, batch.processed, batch.invited, batch.failed_count) == (
        InviteBatch.Status.DONE,
        5,
        5,
        2,
        3,
    )
    assert sorted(
        InviteBatchRow.objects.filter(batch=batch, outcome="failed").values_list(
            "line_number", flat=True
        )
    ) == [2, 3, 5]
    for message in (maya_mail, leo_mail):
        assert message.subject == "Acme Shoes invited you to Glow Serum Launch"
        assert "We loved your morning routine videos!" in message.body


def test_brand_uploads_a_csv_with_a_wrong_header_then_a_good_one(
    page: Page,
    guard: BrowserGuard,
    tenant_a: Tenant,
    screenshot: Callable[..., Any],
) -> None:
    campaign = _campaign(tenant_a)
    maya = _creator("Maya", "maya.makes")
    invite_path = rf"/o/acme/campaigns/{campaign.public_id}/invite/"

    _open_invite_page(page, tenant_a, campaign)
    page.get_by_text("Upload a CSV").click()
    csv_form = page.locator("form", has=page.locator("input[name=method][value=csv]"))
    csv_form.get_by_label("CSV file").set_input_files(
        files=[
            {
                "name": "creators.csv",
                "mimeType": "text/csv",
                "buffer": b"name,network\r\nmaya.makes,tiktok\r\n",
            }
        ]
    )
    with guard.expect_status(400, invite_path):
        csv_form.get_by_role("button", name="Upload and invite").click()

    # The page comes back with the CSV way open and the error next to the file field.
    csv_form = page.locator("form", has=page.locator("input[name=method][value=csv]"))
    file_input = csv_form.get_by_label("CSV file")
    expect(file_input).to_have_attribute("aria-invalid", "true")
    expect(csv_form.locator("#id_csv_file_error")).to_have_text(
        "The CSV needs a 'handle' column; found: name, network."
    )
    screenshot(page, "wrong-header")
    assert not InviteBatch.objects.exists()
    assert not CampaignInvitation.objects.exists()

    # The fixed file goes through.
    file_input.set_input_files(
        files=[
            {
                "name": "creators.csv",
                "mimeType": "text/csv",
                "buffer": b"handle,platform\r\n@maya.makes,tiktok\r\n@maya.makes,tiktok\r\n",
            }
        ]
    )
    with celery_worker(queues=["default"]):
        csv_form.get_by_role("button", name="Upload and invite").click()
        expect(page).to_have_url(re.compile(r"/o/acme/invite-batches/ibt_[^/]+/$"))
        progress = page.locator("#dc-batch")
        expect(progress.get_by_role("status")).to_have_text("Done", timeout=20_000)
    expect(page.locator(".page-head")).to_contain_text("CSV upload: creators.csv")
    expect(progress.locator("#dc-invited")).to_have_text("1")
    failed = progress.locator("table.dc-failed tbody tr")
    expect(failed).to_have_count(1)
    expect(failed.first).to_contain_text("Duplicate of line 2 (@maya.makes).")
    screenshot(page, "uploaded")
    assert CampaignInvitation.objects.get(campaign=campaign).creator_id == maya.pk
