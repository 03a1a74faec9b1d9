"""The brand's review desk in a real browser at 1280 px, with the keyboard: j/k move between the
items, c asks for feedback first then Ctrl+Enter sends it, a approves, and after each htmx
decision the focus stays on the decided item; bulk approval asks for confirmation. The detail
page and the content library are visited too (the guard audits every page with axe-core and
fails on any request that errors, including the media served through the file view)."""

import datetime
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from submissions.models import ReviewDecision, Submission
from tests.conftest import Tenant
from tests.e2e.conftest import log_in
from tests.factories.campaigns import CampaignFactory
from tests.factories.creators import CreatorProfileFactory
from tests.factories.recruitment import ParticipationFactory
from tests.factories.submissions import submission_in_review

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64


def _jpeg(color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (360, 640), color).save(out, "JPEG")
    return out.getvalue()


def _work(tenant: Tenant, names: list[str]) -> list[Submission]:
    campaign = CampaignFactory(
        organization=tenant.org,
        brand=tenant.brand,
        name="Glow Launch",
        dos="Show the serum in daylight.",
        donts="No other brands in frame.",
        usage_rights="paid",
        paid_usage_months=1,
    )
    subs = []
    for n, name in enumerate(names):
        creator = CreatorProfileFactory(display_name=name)
        slot = ParticipationFactory(campaign=campaign, creator=creator).slots.first()
        sub = submission_in_review(slot=slot, target="post" if n == 2 else "draft")
        draft = sub.current_draft
        draft.file_key = default_storage.save(
            f"{tenant.org.public_id}/draft/v{n}.mp4", ContentFile(MP4)
        )
        key = f"{tenant.org.public_id}/draft-poster/p{n}.jpg"
        draft.poster_key = default_storage.save(key, ContentFile(_jpeg((60 * n, 120, 200))))
        draft.preview_status = "ready"
        draft.save(update_fields=["file_key", "poster_key", "preview_status"])
        Submission.objects.filter(pk=sub.pk).update(
            review_since=timezone.now() - datetime.timedelta(hours=10 - n)
        )
        subs.append(sub)
    return subs


def test_review_desk_with_the_keyboard_then_detail_and_library(
    new_page: Callable[..., Page],
    tenant_a: Tenant,
    settings: Any,
    tmp_path: Path,
    screenshot: Callable[..., Path],
) -> None:
    settings.MEDIA_ROOT = tmp_path
    first, second, third, fourth = _work(
        tenant_a, ["Ava Bloom", "Ben Cruz", "Cleo Park", "Dev Rao"]
    )
    page = new_page()
    log_in(page, tenant_a.owner.email)
    expect(page).to_have_url(re.compile(r"/o/acme/$"))
    page.get_by_role("link", name="Review").click()
    expect(page.get_by_role("heading", name="Review queue", level=1)).to_be_visible()
    expect(page.locator("[data-review-item]")).to_have_count(4)
    screenshot(page, "queue")

    # j focuses the first (oldest) item, j again the second; shortcuts are documented.
    expect(page.get_by_text("Keyboard shortcuts")).to_be_visible()
    page.keyboard.press("j")
    expect(page.locator(f"#sub-{first.public_id}")).to_be_focused()
    page.keyboard.press("j")
    expect(page.locator(f"#sub-{second.public_id}")).to_be_focused()
    page.keyboard.press("k")
    expect(page.locator(f"#sub-{first.public_id}")).to_be_focused()

    # c with no feedback moves to the feedback box; typing there fires no shortcut.
    page.keyboard.press("c")
    box = page.locator(f"#fb-{first.public_id}")
    expect(box).to_be_focused()
    page.keyboard.type("Please show the label; a j k r")
    page.keyboard.press("Control+Enter")
    notice = page.locator(f"#sub-{first.public_id} .rv-ok")
    expect(notice).to_contain_text("sent back for changes", timeout=15_000)  # a busy machine
    expect(notice).to_be_focused()  # focus stays on the decided item
    decision = ReviewDecision.objects.get(submission=first)
    assert decision.decision == "request_changes"
    assert decision.feedback == "Please show the label; a j k r"

    # j goes on to the next item; a approves it in place.
    page.keyboard.press("j")
    expect(page.locator(f"#sub-{second.public_id}")).to_be_focused()
    page.keyboard.press("a")
    expect(page.locator(f"#sub-{second.public_id} .rv-ok")).to_contain_text(
        "draft approved", timeout=15_000
    )
    expect(page.locator(f"#sub-{second.public_id} .rv-ok")).to_be_focused()
    assert Submission.objects.get(pk=second.pk).stage == "post_due"
    screenshot(page, "queue-after-decisions")

    # Bulk approval of the other two, after a confirmation.
    page.locator(f"#sub-{third.public_id} .rv-pick").check()
    page.locator(f"#sub-{fourth.public_id} .rv-pick").check()
    page.keyboard.press("k")  # a checkbox is not a text field: the shortcuts still work there
    expect(page.locator(f"#sub-{third.public_id}")).to_be_focused()
    expect(page.locator("#selected-count")).to_have_text("2 selected")
    page.get_by_role("button", name="Approve selected…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Approve 2 item(s)?")
    dialog.get_by_role("button", name="Approve them").click()
    expect(page.locator(".messages")).to_contain_text("2 submissions approved.", timeout=15_000)
    assert Submission.objects.get(pk=third.pk).stage == "done"

    # The detail page: every version, the post, the history.
    page.goto(f"/o/acme/review/{third.public_id}/")
    expect(page.get_by_role("heading", name="Decision history")).to_be_visible()
    expect(page.locator(".rv-history")).to_contain_text("Ada Owner")
    screenshot(page, "detail")

    # The library: the approved assets, with their rights and a download.
    page.get_by_role("link", name="Content library").click()
    expect(page.get_by_role("heading", name="Content library", level=1)).to_be_visible()
    expect(page.locator(".rv-asset")).to_have_count(3)
    expect(page.locator(".rv-asset").first).to_contain_text("Paid usage (ads) for 1 months")
    screenshot(page, "library")
