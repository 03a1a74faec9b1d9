"""Issue 7 (Layout): every brand page fits 1280 px and 1024 px wide, with nothing cut off.

The owner of the demo agency walks every kind of brand page (following every link from the
demo data, as the accessibility journey does), and on each page, at 1280 and at 1024 px:

- the page does not scroll sideways (``document.documentElement.scrollWidth`` ≤ the viewport);
- no table is wider than the box around it (a table that scrolls inside its wrapper hides
  columns — the decision buttons of the applications queue were 22 px out of sight);
- no button (or link styled as one) is cut off by a box around it, or by the viewport, and none
  has its own label cut off.

Long text is made long on purpose first — a campaign name, a brand name, a creator's display
name and handle at their maximum lengths — because that is what widened the lists before: it
must truncate (with its full value in ``title``) instead of pushing columns out. Text that
truncates by design (``text-overflow: ellipsis``) is not an overflow. Screenshots of every page
at both widths go to test-artifacts/screenshots/.
"""

import re
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from campaigns.models import Campaign
from creators.models import CreatorProfile, SocialAccount
from organizations.models import Brand
from recruitment.models import Application
from tests.e2e.conftest import BrowserGuard, log_in
from web.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 1024)
# Brand pages only (the creator portal has its own 390 px journeys), and only pages.
NOT_WALKED = re.compile(r"/download/|\.csv$|/api/|/admin/|/media/|/r/")
_ID = re.compile(r"/[a-z]{2,4}_[0-9a-z]{16,}(?=/|$)")

# What overflows, measured in the page. A scroll box (overflow-x auto/scroll/hidden) that holds
# a table or a button must not need to scroll; a button must sit inside every clipping box
# around it and inside the viewport, and its label inside itself. 1 px of rounding is allowed.
_OVERFLOWS = """() => {
  const problems = [];
  const vw = document.documentElement.clientWidth;
  const describe = (el) => {
    const cls = (el.className && el.className.baseVal === undefined) ? el.className : "";
    const text = (el.innerText || el.value || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    return `<${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${cls ? "." + String(cls).trim().split(/\\s+/).join(".") : ""}> "${text}"`;
  };
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    if (el.closest("dialog:not([open]), details:not([open]) > :not(summary), [hidden]")) return false;
    const s = getComputedStyle(el);
    return s.visibility !== "hidden" && s.display !== "none";
  };
  const ellipsis = (el) => getComputedStyle(el).textOverflow === "ellipsis";
  const clips = (el) => ["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(el).overflowX);
  if (document.documentElement.scrollWidth > vw + 1) {
    problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px wide in ${vw} px`);
  }
  for (const box of document.querySelectorAll("body *")) {
    if (!clips(box) || ellipsis(box) || !visible(box)) continue;
    if (!box.matches("table") && !box.querySelector("table, button, .button, a[role=button], input[type=submit]")) continue;
    if (box.scrollWidth > box.clientWidth + 1) {
      problems.push(`${describe(box)} hides ${box.scrollWidth - box.clientWidth} px of what it holds (a table or buttons) behind a scroll`);
    }
  }
  for (const table of document.querySelectorAll("table")) {
    if (!visible(table)) continue;
    const r = table.getBoundingClientRect();
    if (r.right > vw + 1) problems.push(`${describe(table)} ends at ${Math.round(r.right)} px, past the viewport (${vw} px)`);
  }
  for (const button of document.querySelectorAll("button, .button, a[role=button], input[type=submit]")) {
    if (!visible(button)) continue;
    const r = button.getBoundingClientRect();
    if (r.right > vw + 1 || r.left < -1) {
      problems.push(`${describe(button)} is cut off by the viewport (${Math.round(r.left)} to ${Math.round(r.right)} px of ${vw})`);
      continue;
    }
    if (button.scrollWidth > button.clientWidth + 1 && !ellipsis(button)) {
      problems.push(`${describe(button)} has its label cut off (${button.scrollWidth} px in ${button.clientWidth})`);
    }
    for (let box = button.parentElement; box && box !== document.body; box = box.parentElement) {
      if (!clips(box)) continue;
      const b = box.getBoundingClientRect();
      if (r.right > b.right + 1 || r.left < b.left - 1) {
        problems.push(`${describe(button)} is cut off by ${describe(box)} (${Math.round(r.left)} to ${Math.round(r.right)} px in ${Math.round(b.left)} to ${Math.round(b.right)})`);
        break;
      }
    }
  }
  return problems;
}"""


def _make_text_long() -> None:
    """The longest names the forms allow, on objects every list shows."""
    campaign = Campaign.objects.filter(status=Campaign.Status.RECRUITING).order_by("id").first()
    assert campaign is not None
    name_max = Campaign._meta.get_field("name").max_length or 120
    campaign.name = ("Summer Glow Launch with a Very Long Name " * 10)[:name_max]
    campaign.save(update_fields=["name"])
    brand = campaign.brand
    brand.name = ("Glow Skincare International Holdings " * 5)[
        : Brand._meta.get_field("name").max_length
    ]
    brand.save(update_fields=["name"])
    applicant = Application.objects.filter(campaign=campaign).order_by("id").first()
    assert applicant is not None
    creator = applicant.creator
    creator.display_name = ("Maximilian Alexandra Wolfeschlegel " * 4)[
        : CreatorProfile._meta.get_field("display_name").max_length
    ]
    creator.save(update_fields=["display_name"])
    account = applicant.social_account or SocialAccount.objects.filter(creator=creator).first()
    assert account is not None
    account.handle = ("averyveryverylonghandle" * 4)[
        : SocialAccount._meta.get_field("handle").max_length
    ]
    account.save(update_fields=["handle"])


def _brand_pages(page: Page, guard: BrowserGuard, start: str, *, limit: int = 80) -> list[str]:
    """Every kind of brand page reachable by a link from ``start`` (one visit per kind)."""
    queue, seen, pages = deque([start]), set(), []
    slug_prefix = "/".join(start.split("/")[:3]) + "/"  # /o/<slug>/
    while queue and len(seen) < limit:
        path = queue.popleft()
        kind = _ID.sub("/<id>", urlsplit(path).path)
        if kind in seen or NOT_WALKED.search(path) or not path.startswith(slug_prefix):
            continue
        seen.add(kind)
        pages.append(path)
        page.goto(path, wait_until="domcontentloaded")
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            if href.startswith(guard.origin + "/") and "#" not in href:
                queue.append(href[len(guard.origin) :])
    return pages


@pytest.fixture
def demo() -> None:
    call_command("seed_demo", verbosity=0)
    _make_text_long()


def test_brand_pages_fit_1280_and_1024_px(
    demo: None,
    new_page: Callable[..., Page],
    guard: BrowserGuard,
    screenshot: Callable[..., Path],
) -> None:
    desk = new_page()
    log_in(desk, "owner@demo.chorus.test", DEMO_PASSWORD)
    expect(desk).to_have_url(re.compile(r"/o/[^/]+/$"))
    slug = urlsplit(desk.url).path
    pages = _brand_pages(desk, guard, slug)
    kinds = {_ID.sub("/<id>", urlsplit(p).path) for p in pages}
    for kind in ("", "campaigns/", "campaigns/<id>/", "applications/", "creators/", "members/"):
        assert slug + kind in kinds, (kind, sorted(kinds))
    assert any(k.endswith("/creators/<id>/") for k in kinds), sorted(kinds)

    problems: list[str] = []
    for width in WIDTHS:
        desk.set_viewport_size({"width": width, "height": 800})
        for path in pages:
            desk.goto(path, wait_until="load")
            found: list[Any] = desk.evaluate(_OVERFLOWS)
            problems.extend(dict.fromkeys(f"{width} px {path}: {p}" for p in found))
            name = _ID.sub("-id", urlsplit(path).path).strip("/").replace("/", "-") or "home"
            screenshot(desk, f"{width}-{name}")
    assert not problems, "\n".join(problems)


def test_long_text_truncates_with_its_full_value_on_hover(
    demo: None, page: Page, guard: BrowserGuard
) -> None:
    log_in(page, "owner@demo.chorus.test", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/o/[^/]+/$"))
    slug = urlsplit(page.url).path
    campaign = Campaign.objects.filter(name__startswith="Summer Glow Launch with").get()
    creator = CreatorProfile.objects.filter(display_name__startswith="Maximilian").get()
    page.set_viewport_size({"width": 1024, "height": 800})
    page.goto(f"{slug}applications/?status=all")
    for full in (campaign.name, creator.display_name):
        shown = page.locator(f'[title="{full}"]').first
        expect(shown).to_be_visible()
        # Cut with an ellipsis: the element is narrower than its text, and says it in full.
        assert shown.evaluate("el => el.scrollWidth > el.clientWidth"), full
        assert shown.evaluate("el => getComputedStyle(el).textOverflow") == "ellipsis", full
    # A handle never breaks in the middle of a word: it stays on one line.
    handle = page.locator(".handle").first
    expect(handle).to_be_visible()
    assert handle.evaluate("el => getComputedStyle(el).whiteSpace") in ("nowrap", "pre")
    line = handle.evaluate("el => parseFloat(getComputedStyle(el).lineHeight) || 24")
    assert handle.evaluate("el => el.getBoundingClientRect().height") <= line * 1.5
