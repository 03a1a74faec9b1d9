"""A creator's work on one promised post, on a 390-px phone, from the first draft to done:
upload a real file straight to storage with progress, get changes asked, upload a revision, get
it approved, paste the link of a post that exists on the platform (the simulator), see the
automatic checks item by item, and see the slot done and the participation completed. The
brand's decisions go through the service (its review desk has its own journey). axe-core audits
every page the phone visits (the guard)."""

import datetime
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from organizations.roles import Role
from platforms.registry import clear_client_cache
from platforms.simulator.client import SimulatorControl
from platforms.simulator.server import platform_base_urls, running_simulator
from recruitment.models import Participation
from submissions.models import DraftVersion, LivePost, Submission
from submissions.services import draft_preview_make, live_posts_check, submission_decide
from tests.conftest import Tenant
from tests.e2e.conftest import BrowserGuard, fits_the_phone, log_in
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import CreatorProfileFactory, SocialAccountFactory
from tests.factories.organizations import UserFactory
from tests.factories.recruitment import ParticipationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Records every value the upload's <progress> takes, across the page's own navigation.
WATCH_PROGRESS = """
(() => {
  const bar = document.getElementById("upload-bar");
  sessionStorage.setItem("progress", "[]");
  new MutationObserver(() => {
    const seen = JSON.parse(sessionStorage.getItem("progress"));
    seen.push(Number(bar.value));
    sessionStorage.setItem("progress", JSON.stringify(seen));
  }).observe(bar, { attributes: true, attributeFilter: ["value"] });
})()
"""


@pytest.fixture(scope="module")
def simulator_url() -> Iterator[str]:
    with running_simulator() as url:
        yield url


@pytest.fixture
def simulator(simulator_url: str, settings: Any) -> Iterator[SimulatorControl]:
    settings.PLATFORM_SIMULATOR_URL = simulator_url
    settings.PLATFORM_BASE_URLS = platform_base_urls(simulator_url)
    control = SimulatorControl(simulator_url)
    settings.PLATFORM_SHORT_LINK_BASE_URLS = control.short_link_base_urls()
    settings.PLATFORM_CREDENTIALS = {}
    clear_client_cache()
    control.reset()
    yield control
    control.reset()
    control.close()
    clear_client_cache()


def _photo(path: Path, seed: int) -> Path:
    """A real PNG of a few MB (noise does not compress), so the upload shows progress."""
    noise = os.urandom(1200 * 900 * 3)
    Image.frombytes("RGB", (1200, 900), noise).save(path, format="PNG")
    assert path.stat().st_size > 2_000_000, seed
    return path


def _upload(phone: Page, file: Path, caption: str) -> list[int]:
    """Choose the file, write the caption, upload; the values the progress bar went through."""
    phone.evaluate(WATCH_PROGRESS)
    phone.get_by_label("Your draft (video or image)").set_input_files(str(file))
    phone.get_by_label("Caption").fill(caption)
    phone.get_by_role("button", name="Upload draft").click()
    expect(phone.locator(".flash-success")).to_contain_text("sent")
    seen: list[int] = phone.evaluate("JSON.parse(sessionStorage.getItem('progress') || '[]')")
    return seen


def _state(phone: Page) -> Any:
    return expect(phone.get_by_test_id("slot-state"))


def test_a_creator_takes_one_post_from_draft_to_done_on_a_phone(
    new_page: Callable[..., Page],
    tenant_a: Tenant,
    simulator: SimulatorControl,
    guard: BrowserGuard,
    settings: Any,
    tmp_path: Path,
    screenshot: Callable[..., Any],
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    today = timezone.localdate()
    campaign = CampaignFactory(
        organization=tenant_a.org,
        brand=tenant_a.brand,
        name="Glow Launch",
        dos="Film in daylight.",
        donts="No other brands in shot.",
        draft_due=today + datetime.timedelta(days=5),
        posting_starts=today - datetime.timedelta(days=1),
        posting_ends=today + datetime.timedelta(days=14),
        deliverables=[("tiktok", "video", 1, 15_000)],
        auto_approve_days=5,
    )
    ava = CreatorProfileFactory(
        user=UserFactory(email="ava@creators.example"), display_name="Ava Bloom"
    )
    account = SocialAccountFactory(creator=ava, platform="tiktok", handle="ava.glows")
    participation = ParticipationFactory(campaign=campaign, creator=ava, social_account=account)
    slot = participation.slots.get()
    slot_url = f"/creator/work/{slot.public_id}/"
    owner = tenant_a.access(Role.OWNER)

    # --- My work: the post to make, what to do and by when; it leads to the slot page. ---
    phone = new_page(phone=True)
    log_in(phone, "ava@creators.example")
    phone.get_by_role("navigation", name="Creator").get_by_role("link", name="My work").click()
    row = phone.locator(f"#slot-{slot.public_id}")
    expect(row).to_contain_text("Draft due")
    expect(row).to_contain_text("Upload your draft with its caption.")
    fits_the_phone(phone)
    row.get_by_role("link").click()
    expect(phone).to_have_url(f"{phone.url.split('/creator/')[0]}{slot_url}")
    _state(phone).to_have_text("Draft due")
    expect(phone.locator("#requirements")).to_contain_text("#glowserum")
    expect(phone.locator("#requirements")).to_contain_text("@glowskincare")
    fits_the_phone(phone)
    screenshot(phone, "draft-due")

    # --- The first draft: straight to storage, with progress, then confirmed. ---
    progress = _upload(phone, _photo(tmp_path / "morning.png", 1), "My morning glow #glowserum")
    assert progress, "the progress bar never moved"
    assert progress[-1] == 100
    expect(phone.locator(".flash-success")).to_contain_text("Draft version 1 sent.")
    _state(phone).to_have_text("Draft in review")
    expect(phone.locator("#versions")).to_contain_text("Version 1")
    expect(phone.locator("#versions")).to_contain_text("My morning glow #glowserum")
    expect(phone.locator("#draft-form")).to_have_count(0)
    auto = (timezone.localtime() + datetime.timedelta(days=5)).strftime("%b %-d")
    expect(phone.get_by_test_id("auto-approve")).to_contain_text(auto)  # the creator is told
    fits_the_phone(phone)
    screenshot(phone, "draft-review")
    submission = Submission.objects.get(slot=slot)
    first = DraftVersion.objects.get(submission=submission)
    assert (first.number, first.content_type, first.original_name) == (
        1,
        "image/png",
        "morning.png",
    )
    assert first.size_bytes == (tmp_path / "morning.png").stat().st_size

    # The worker makes its thumbnail (run here); the page shows it through the file view.
    draft_preview_make(draft_id=first.pk)
    phone.reload()
    thumb = phone.locator(f"#draft-{first.public_id} img")
    expect(thumb).to_have_attribute("alt", "Preview of version 1")
    assert thumb.evaluate("img => img.complete && img.naturalWidth > 0"), "thumbnail not shown"

    # --- The brand asks for changes: the feedback shows beside the requirements. ---
    submission_decide(
        access=owner,
        submission=submission,
        decision="request_changes",
        feedback="Open the caption with #ad and mention @glowskincare.",
        expected_item=first.public_id,
    )
    phone.reload()
    _state(phone).to_have_text("Changes requested on the draft")
    expect(phone.get_by_test_id("feedback")).to_have_text(
        "Open the caption with #ad and mention @glowskincare."
    )
    expect(phone.get_by_role("heading", name="Upload a new version")).to_be_visible()
    fits_the_phone(phone)
    screenshot(phone, "changes-requested")

    # --- The revision: both versions stay visible. ---
    _upload(
        phone,
        _photo(tmp_path / "morning-v2.png", 2),
        "#ad My morning glow with @glowskincare #glowserum",
    )
    expect(phone.locator(".flash-success")).to_contain_text("Draft version 2 sent.")
    _state(phone).to_have_text("Draft in review")
    expect(phone.locator("#versions li")).to_have_count(2)
    expect(phone.locator("#versions")).to_contain_text("Version 1")
    expect(phone.locator("#versions")).to_contain_text("Open the caption with #ad")
    # Version 2 has no preview yet: a clear placeholder, version 1 keeps its thumbnail.
    expect(phone.locator(f"#draft-{first.public_id} img")).to_have_count(1)
    expect(phone.locator("#versions .sw-placeholder")).to_have_count(1)
    screenshot(phone, "revision-review")
    second = DraftVersion.objects.get(submission=submission, number=2)

    # --- The brand approves the revision: the page asks for the live post's link. ---
    submission_decide(
        access=owner, submission=submission, decision="approve", expected_item=second.public_id
    )
    phone.reload()
    _state(phone).to_have_text("Draft approved: post it")
    expect(phone.get_by_test_id("next-action")).to_contain_text("paste the post's link")
    fits_the_phone(phone)
    screenshot(phone, "post-due")

    # A link to another platform's post is refused beside the field.
    with guard.expect_status(400, f"{slot_url}post"):
        phone.get_by_label("Link to your live post").fill(
            "https://www.instagram.com/reel/Cabc123XYZ/"
        )
        phone.get_by_role("button", name="Send the link").click()
        expect(phone.locator("#post-url_error")).to_contain_text("this slot is for TikTok")
    screenshot(phone, "post-wrong-platform")

    # --- The post, published on TikTok (the simulator), is pasted; its checks run. ---
    post = simulator.create_post(
        "tiktok",
        owner="ava.glows",
        caption="#ad My morning glow with @glowskincare #glowserum",
        published_at=timezone.now() - datetime.timedelta(hours=1),
    )
    phone.get_by_label("Link to your live post").fill(post["url"] + "?is_from_webapp=1")
    phone.get_by_role("button", name="Send the link").click()
    expect(phone.locator(".flash-success")).to_contain_text("Link received.")
    _state(phone).to_have_text("Live post in review")
    expect(phone.get_by_test_id("checks-pending")).to_contain_text("Pending")
    screenshot(phone, "post-checking")

    live = LivePost.objects.get(submission=submission)
    live_posts_check(live_post_ids=[live.pk])  # what the worker does with the queued task
    phone.reload()
    checks = phone.get_by_test_id("checks")
    expect(checks.locator("li")).not_to_have_count(0)
    expect(checks).to_contain_text("The post is public.")
    expect(checks).not_to_contain_text("Failed")
    expect(checks).not_to_contain_text("Pending")
    expect(phone.get_by_test_id("next-action")).to_contain_text("Wait for Acme Shoes")
    fits_the_phone(phone)
    screenshot(phone, "post-checked")

    # --- The brand approves the post: the slot is done, the participation completed. ---
    submission.refresh_from_db()
    submission_decide(
        access=owner, submission=submission, decision="approve", expected_item=live.public_id
    )
    phone.reload()
    _state(phone).to_have_text("Done")
    expect(phone.get_by_test_id("next-action")).to_contain_text("All done.")
    expect(phone.locator("#history")).to_contain_text("changes requested")
    fits_the_phone(phone)
    screenshot(phone, "done")
    participation.refresh_from_db()
    assert participation.status == Participation.Status.COMPLETED

    phone.get_by_role("link", name="← My work").click()
    card = phone.locator(f"#par-{participation.public_id}")
    expect(card).to_contain_text("1 of 1 done")
    expect(card).to_contain_text("Completed")
    expect(phone.locator(f"#slot-{slot.public_id}")).to_contain_text("Done")
    fits_the_phone(phone)
    screenshot(phone, "my-work-done", full_page=False)


def test_an_upload_cut_off_before_its_confirmation_is_finished_after_a_refresh(
    new_page: Callable[..., Page],
    tenant_a: Tenant,
    settings: Any,
    tmp_path: Path,
    screenshot: Callable[..., Any],
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    campaign = CampaignFactory(organization=tenant_a.org, brand=tenant_a.brand, name="Glow Launch")
    ben = CreatorProfileFactory(
        user=UserFactory(email="ben@creators.example"), display_name="Ben Stone"
    )
    participation = ParticipationFactory(campaign=campaign, creator=ben)
    slot = participation.slots.get()
    caption = "#ad Ben's morning #glowserum @glowskincare"

    phone = new_page(phone=True)
    log_in(phone, "ben@creators.example")
    phone.goto(f"/creator/work/{slot.public_id}/")
    # The file reaches storage, then the connection drops before the confirmation arrives.
    phone.route("**/confirm", lambda route: route.abort("aborted"))
    phone.get_by_label("Your draft (video or image)").set_input_files(
        str(_photo(tmp_path / "ben.png", 3))
    )
    phone.get_by_label("Caption").fill(caption)
    phone.get_by_role("button", name="Upload draft").click()
    expect(phone.locator("#upload-status")).to_contain_text("Try again")
    phone.unroute("**/confirm")
    assert not DraftVersion.objects.exists()

    # After a refresh the page offers to finish that upload; the caption typed is still there.
    phone.reload()
    finish = phone.locator("#finish-upload")
    expect(finish).to_contain_text("Finish this upload.")
    expect(finish).to_contain_text("ben.png")
    expect(finish.get_by_label("Caption")).to_have_value(caption)
    expect(phone.locator("#draft-caption")).to_have_value(caption)
    fits_the_phone(phone)
    screenshot(phone, "finish-upload")
    finish.get_by_role("button", name="Send this draft for review").click()
    expect(phone.locator(".flash-success")).to_contain_text("Draft version 1 sent.")
    expect(phone.get_by_test_id("slot-state")).to_have_text("Draft in review")
    expect(phone.locator("#finish-upload")).to_have_count(0)
    draft = DraftVersion.objects.get()
    assert (draft.caption, draft.original_name) == (caption, "ben.png")
