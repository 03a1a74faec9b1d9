"""Issue 12: WCAG 2.2 AA on every page, held by the browser journeys.

The ``guard`` fixture runs axe-core on every page every journey visits (tests/e2e/a11y.py); the
journeys here make sure that "every page" means every page: they walk the whole brand desk at
1280 px, the whole creator portal at 390 px and the public pages, following every link a user
can follow from the demo data (so a page added later is walked too). The keyboard journey does
the busiest brand task, deciding on applications in bulk, with the keyboard alone, checking
at each step that the focused element shows a focus ring.
"""

import re
from collections import deque
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from recruitment.models import Application
from tests.e2e.conftest import BrowserGuard, log_in
from web.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Not pages of ours to audit, or not pages at all (logout is a POST; /r/ leaves the site;
# /files/ answers with the file itself, an image or video shown by the browser's own viewer).
NOT_WALKED = re.compile(
    r"^/(api|admin|static|media|r|files)/|^/accounts/(logout|3rdparty|social|tiktok|instagram|google)/"
    r"|/download/|\.csv$"
)
# One visit per kind of page: opaque ids (cmp_…, app_…) collapse into one placeholder.
_ID = re.compile(r"/[a-z]{2,4}_[0-9a-z]{16,}(?=/|$)")


def _walk(page: Page, guard: BrowserGuard, start: list[str], *, limit: int = 80) -> set[str]:
    """Visit ``start`` and every page reachable from it by a link, once per kind of page."""
    queue = deque(start)
    seen: set[str] = set()
    while queue and len(seen) < limit:
        path = queue.popleft()
        kind = _ID.sub("/<id>", urlsplit(path).path)
        if kind in seen or NOT_WALKED.search(urlsplit(path).path):
            continue
        seen.add(kind)
        page.goto(path, wait_until="domcontentloaded")  # the audit itself waits for "load"
        origin = guard.origin
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            if href.startswith(origin + "/") and "#" not in href:
                queue.append(href[len(origin) :])
    return seen


@pytest.fixture
def demo() -> None:
    call_command("seed_demo", verbosity=0)


def test_every_page_of_the_brand_desk_creator_portal_and_public_site_passes_axe(
    demo: None, new_page: Callable[..., Page], guard: BrowserGuard
) -> None:
    # Public pages, on a desktop and on a phone; the 404 page is declared (an answer >= 400).
    for on_phone in (False, True):
        visitor = new_page(phone=on_phone)
        public = _walk(
            visitor,
            guard,
            [
                "/",
                "/accounts/login/",
                "/accounts/signup/",
                "/accounts/signup/brand/",
                "/accounts/signup/creator/",
                "/accounts/password/reset/",
            ],
        )
        assert {"/", "/accounts/login/", "/accounts/password/reset/"} <= public
        with guard.expect_status(404, r"/no-such-page/"):
            visitor.goto("/no-such-page/")
        expect(visitor.get_by_role("heading", level=1)).to_be_visible()

    # The brand desk at 1280 px, as the owner of the demo agency.
    desk = new_page()
    log_in(desk, "owner@demo.chorus.test", DEMO_PASSWORD)
    expect(desk).to_have_url(re.compile(r"/o/[^/]+/$"))
    brand_pages = _walk(desk, guard, [urlsplit(desk.url).path])
    for kind in ("campaigns/", "applications/", "creators/", "shortlists/", "members/", "brands/"):
        assert any(p.endswith("/" + kind) for p in brand_pages), (kind, sorted(brand_pages))
    assert any(p.endswith("/campaigns/<id>/") for p in brand_pages)
    assert any(p.endswith("/campaigns/new/") for p in brand_pages)
    assert any(p.endswith("/performance/") for p in brand_pages), sorted(brand_pages)
    assert any(p.endswith("/campaigns/<id>/performance/") for p in brand_pages)

    # The creator portal at 390 px.
    phone = new_page(phone=True)
    log_in(phone, "creator@demo.chorus.test", DEMO_PASSWORD)
    expect(phone).to_have_url(re.compile(r"/creator/"))
    creator_pages = _walk(phone, guard, ["/creator/"])
    for kind in (
        "/creator/campaigns/",
        "/creator/work/",
        "/creator/profile/",
        "/creator/accounts/",
        "/creator/stats/",
    ):
        assert kind in creator_pages, (kind, sorted(creator_pages))
    assert "/creator/campaigns/<id>/" in creator_pages

    # Every page above was audited; none had a serious or critical violation (else the guard
    # fails the test, naming the rule and the elements).
    assert not guard.a11y.violations, "\n".join(map(str, guard.a11y.violations))


_FOCUS_RING = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return {ok: false, what: "nothing (body)"}; }
  const style = getComputedStyle(el);
  const width = parseFloat(style.outlineWidth) || 0;
  const ring = style.outlineStyle !== "none" && width >= 2;
  return {ok: ring, what: el.outerHTML.slice(0, 120), outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`};
}"""


def _focus_is_visible(page: Page) -> dict[str, Any]:
    state: dict[str, Any] = page.evaluate(_FOCUS_RING)
    assert state["ok"], f"no visible focus indicator on {state['what']} ({state.get('outline')})"
    return state


def _tab_to(page: Page, matches: str, *, limit: int = 60) -> None:
    """Press Tab until the focused element matches the CSS selector, checking every stop."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        _focus_is_visible(page)
        if page.evaluate("s => document.activeElement.matches(s)", matches):
            return
    raise AssertionError(f"{matches} not reached in {limit} Tab presses")


def test_keyboard_only_bulk_decision_with_focus_visible_at_every_step(
    demo: None, page: Page
) -> None:
    page.goto("/accounts/login/")
    # The first Tab reaches the skip link, which is visible when focused.
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    expect(page.locator(".skip-link")).to_be_in_viewport()
    _focus_is_visible(page)
    _tab_to(page, "input[name=login]")
    page.keyboard.type("owner@demo.chorus.test")
    _tab_to(page, "input[name=password]")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/o/[^/]+/$"))

    # Sidebar: Applications.
    _tab_to(page, "nav[aria-label='Workspace sections'] a[href$='/applications/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Applications", level=1)).to_be_visible()
    pending = Application.objects.filter(status=Application.Status.PENDING).count()
    assert pending >= 2

    # The skip link jumps over the sidebar: the next Tab stops inside the page's main content.
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
    _focus_is_visible(page)

    # Select all with the space bar; the count is announced through the live region.
    _tab_to(page, "#select-all")
    page.keyboard.press("Space")
    on_page = page.locator("input.rc-pick").count()
    expect(page.locator("#selected-count")).to_have_text(f"{on_page} selected")
    expect(page.locator("#live-status")).to_have_text(f"{on_page} selected")
    expect(page.locator("#live-status")).to_have_attribute("role", "status")

    # Accept selected, then the result has the focus.
    _tab_to(page, "button[data-bulk][value=accept]")
    page.keyboard.press("Enter")
    result = page.locator(".messages")
    expect(result).to_be_focused(timeout=30_000)  # many decisions on a busy machine
    expect(result).to_contain_text("accepted")
    _focus_is_visible(page)
    assert Application.objects.filter(status=Application.Status.PENDING).count() < pending


def test_failed_form_moves_focus_to_the_error_summary_and_every_description_exists(
    page: Page,
) -> None:
    page.goto("/accounts/signup/brand/")
    page.get_by_label("Email").fill("new@lumen.example")
    page.get_by_label("Your name").fill("Someone Else")
    page.get_by_label("Company or agency name").fill("Copycat Co")
    page.get_by_label("Password", exact=True).fill("a-long-and-unusual-passphrase-42")
    page.get_by_label("Password (again)").fill("a-different-passphrase-43")  # a form error
    page.keyboard.press("Enter")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    # The summary links to each field in error.
    expect(summary.get_by_role("link").first).to_have_attribute("href", re.compile(r"^#id_"))
    # Every aria-describedby names elements that exist (the guard's audit checks it too).
    missing = page.evaluate(
        """() => [...document.querySelectorAll('[aria-describedby]')].flatMap(el =>
             el.getAttribute('aria-describedby').split(/\\s+/).filter(id => !document.getElementById(id)))"""
    )
    assert missing == []
