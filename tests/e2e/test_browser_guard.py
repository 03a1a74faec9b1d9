"""The browser guard itself: what it records (and so what fails a journey), and what it lets through."""

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import BrowserGuard

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_guard_records_console_errors_page_errors_and_failed_requests(
    page: Page, guard: BrowserGuard
) -> None:
    page.goto("/")
    page.evaluate("console.error('boom')")
    page.evaluate("setTimeout(() => { throw new Error('kaput') }, 0)")
    page.evaluate("fetch('http://127.0.0.1:1/unreachable').catch(() => null)")
    page.wait_for_timeout(300)
    page.evaluate("0")

    problems = "\n".join(guard.problems)
    assert "console error: boom" in problems
    assert "page error: kaput" in problems
    assert "request failed: GET http://127.0.0.1:1/unreachable" in problems
    guard.problems.clear()  # recorded as expected: this test must not fail because of them


def test_guard_records_unexpected_error_answers_but_not_declared_ones(
    page: Page, guard: BrowserGuard
) -> None:
    with guard.expect_status(404, r"/invitations/[^/]+/"):
        page.goto("/invitations/not-a-real-token/")
    assert guard.problems == []

    page.goto("/nothing-here/")
    page.evaluate("0")
    assert len(guard.problems) == 1
    assert guard.problems[0].startswith("HTTP 404 GET ")
    assert guard.problems[0].endswith("/nothing-here/")
    guard.problems.clear()


def test_declared_error_answer_that_never_comes_fails(page: Page, guard: BrowserGuard) -> None:
    declared = guard.expect_status(400, r"/accounts/login/", timeout=0.5)
    with (
        pytest.raises(
            pytest.fail.Exception, match=r"expected an HTTP 400 answer from /accounts/login/"
        ),
        declared,
    ):
        page.goto("/accounts/login/")


def test_guard_fails_a_page_with_an_accessibility_violation(
    page: Page, guard: BrowserGuard
) -> None:
    # A page of ours (same origin) with grey-on-white text (1.9:1) and a field described by an
    # element that does not exist: axe's color-contrast and the guard's own id-reference check.
    page.route(
        "**/a11y-probe/",
        lambda route: route.fulfill(
            content_type="text/html",
            body="<!DOCTYPE html><html lang='en'><head><title>probe</title></head><body><main>"
            "<h1>Probe</h1><p style='color:#bbb;background:#fff'>Hard to read</p>"
            "<label for='f'>Field</label><input id='f' aria-describedby='nowhere'>"
            "</main></body></html>",
        ),
    )
    page.goto("/a11y-probe/")
    guard.a11y.settle(page)
    rules = {v.rule for v in guard.a11y.violations}
    assert {"color-contrast", "aria-idref-missing"} <= rules
    assert any("axe serious color-contrast on /a11y-probe/" in p for p in guard.problems)
    guard.problems.clear()  # recorded as expected: this test must not fail because of them
