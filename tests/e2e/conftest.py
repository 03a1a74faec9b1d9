"""Browser journeys: Playwright (sync API) driving Debian's headless Chromium against a live server.

Fixtures
- ``browser``: one Chromium for all the journeys (Debian's ``/usr/bin/chromium``: Playwright's own
  browser download is not used). It is package-scoped rather than session-scoped so that it (and
  the relaxed async-safety check, below) ends with the last journey, before other tests run.
- ``guard``: watches every page a test opens and FAILS THE TEST on a browser console error, an
  uncaught page error, a failed request (not counting loads the browser itself cancels when the
  page navigates on), an accessibility violation that axe-core finds on any page the test visits
  (serious or critical, at the test's viewport; see ``tests/e2e/a11y.py``), or an answer >= 400
  from our own server, unless the test
  declared it first: ``with guard.expect_status(400, "/accounts/signup/brand/"): ...`` (the
  block also fails if the declared answer never comes).
- ``new_page(phone=False)``: a fresh browser context (its own cookies: another person) and page.
- ``page``: a desktop page (1280x800); ``phone``: a 390x844 touch phone at device scale 2.
- ``screenshot(page, step="")``: saves test-artifacts/screenshots/<test-name>[-<step>].png.
- ``outbox``: the e-mails sent so far (locmem backend; the live server runs in this process).
"""

import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import redis
from django.conf import settings
from django.core import mail
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response, sync_playwright

from tests.e2e.a11y import AxeAudit
from tests.factories.organizations import PASSWORD

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# Chromium also logs an HTTP error answer as a console error; those are judged as answers.
_HTTP_ERROR_CONSOLE = re.compile(
    r"^Failed to load resource: the server responded with a status of (\d{3})"
)


@dataclass
class _Expected:
    status: int
    path: re.Pattern[str]
    seen: int = 0


@dataclass
class BrowserGuard:
    """Collects what went wrong in the browser; see the module docstring."""

    origin: str
    problems: list[str] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    _expected: list[_Expected] = field(default_factory=list)
    a11y: AxeAudit = field(init=False)

    def __post_init__(self) -> None:
        self.a11y = AxeAudit(report=self.problems.append)

    def watch(self, page: Page) -> None:
        self.pages.append(page)
        self.a11y.watch(page)
        page.on("console", self._on_console)
        page.on(
            "pageerror", lambda error: self.problems.append(f"page error: {error} ({page.url})")
        )
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)

    @contextmanager
    def expect_status(self, status: int, path: str, *, timeout: float = 5.0) -> Iterator[None]:
        """Allow answers ``status`` for our URLs whose path matches ``path`` (a regex, anchored at
        both ends) inside the block, and require at least one of them before the block ends
        (waiting up to ``timeout`` seconds for it)."""
        expected = _Expected(status, re.compile(path))
        self._expected.append(expected)
        try:
            yield
            self._wait_until(lambda: expected.seen > 0, timeout)
            if not expected.seen:
                pytest.fail(f"expected an HTTP {status} answer from {path}, none came")
        finally:
            self._expected.remove(expected)

    def check(self) -> None:
        """Fail the test if anything went wrong; called after the test body (see the hook below)."""
        for page in self.pages:
            if not page.is_closed():
                self.a11y.settle(page)  # the page the test ended on
                # A round trip: events the browser sent before it are dispatched first.
                page.evaluate("0")
        if self.problems:
            pytest.fail(
                "the browser reported problems:\n  " + "\n  ".join(self.problems), pytrace=False
            )

    # --- event handlers ---
    def _allowed(self, status: int, url: str) -> bool:
        path = urlsplit(url).path
        for expected in self._expected:
            if expected.status == status and expected.path.fullmatch(path):
                expected.seen += 1
                return True
        return False

    def _ours(self, url: str) -> bool:
        return url.startswith(self.origin + "/") or url == self.origin

    def _on_response(self, response: Response) -> None:
        if (
            response.status >= 400
            and self._ours(response.url)
            and not self._allowed(response.status, response.url)
        ):
            self.problems.append(f"HTTP {response.status} {response.request.method} {response.url}")

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        http_error = _HTTP_ERROR_CONSOLE.match(message.text)
        if http_error and self._ours(message.location.get("url", "")):
            return  # the same answer reaches _on_response, which judges it
        self.problems.append(f"console error: {message.text} ({message.location.get('url', '')})")

    def _on_request_failed(self, request: Request) -> None:
        # net::ERR_ABORTED is the browser cancelling a load it no longer needs, typically the
        # favicon or an image still loading when the test navigates on. A resource that is really
        # broken answers 4xx/5xx (judged in _on_response) or fails with another net:: error.
        if request.failure == "net::ERR_ABORTED":
            return
        self.problems.append(f"request failed: {request.method} {request.url} ({request.failure})")

    def _wait_until(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition() and time.monotonic() < deadline:
            page = next((p for p in self.pages if not p.is_closed()), None)
            if page is None:
                return
            page.wait_for_timeout(50)  # lets Playwright dispatch pending events


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """After a passing test body, fail it if its browser guard saw a problem."""
    result = yield
    guard = getattr(item, "funcargs", {}).get("guard")
    if isinstance(guard, BrowserGuard):
        guard.check()
    return result


@contextmanager
def _django_async_unsafe_allowed() -> Iterator[None]:
    """Playwright's sync API drives the browser from an asyncio event loop that it starts in the
    test thread and keeps as that thread's running loop until Playwright stops. Django sees the
    running loop and refuses every ORM call made from this thread (factories, assertions) with
    SynchronousOnlyOperation, although nothing runs concurrently: Playwright blocks while it
    waits. The check is a false alarm here, so DJANGO_ALLOW_ASYNC_UNSAFE is set, only for as long
    as Playwright runs: other tests (and the subprocesses they start, e.g. ``check --deploy``)
    keep the protection."""
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("The browser journeys need Debian's chromium: apt-get install chromium")
    with _django_async_unsafe_allowed(), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def guard(live_server: Any) -> BrowserGuard:
    return BrowserGuard(origin=live_server.url.rstrip("/"))


@pytest.fixture
def new_page(
    browser: Browser, live_server: Any, guard: BrowserGuard
) -> Iterator[Callable[..., Page]]:
    contexts = []

    def make(*, phone: bool = False) -> Page:
        context = browser.new_context(base_url=live_server.url, **(PHONE if phone else DESKTOP))
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        guard.watch(page)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()


@pytest.fixture
def phone(new_page: Callable[..., Page]) -> Page:
    return new_page(phone=True)


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[..., Path]:
    def take(page: Page, step: str = "", *, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
        path = SCREENSHOTS / (f"{name}-{step}.png" if step else f"{name}.png")
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture
def outbox(mailoutbox: list[mail.EmailMessage]) -> list[mail.EmailMessage]:
    return mailoutbox


@pytest.fixture(autouse=True)
def _forget_cached_state() -> Iterator[None]:
    """allauth keeps rate limits (sign-ups per IP, e-mails per address) in the Redis cache, which
    outlives each test's database; drop this process's keys (its own KEY_PREFIX) afterwards."""
    yield
    client = redis.Redis.from_url(settings.REDIS_URL)
    for key in client.scan_iter(f"{settings.CACHES['default']['KEY_PREFIX']}:*"):
        client.delete(key)


def link_in(message: mail.EmailMessage, path_pattern: str) -> str:
    """The first http(s) link in an e-mail whose path matches ``path_pattern`` (a regex)."""
    for url in re.findall(r"https?://[^\s<>\"']+", message.body):
        if re.search(path_pattern, urlsplit(url).path):
            return url
    raise AssertionError(
        f"no link matching {path_pattern!r} in e-mail {message.subject!r}:\n{message.body}"
    )


def wait_for_mail(
    outbox: list[mail.EmailMessage], to: str, timeout: float = 15.0
) -> mail.EmailMessage:
    """The first e-mail sent to ``to``, waiting for it (a Celery worker thread may send it)."""
    deadline = time.monotonic() + timeout
    while True:
        for message in list(outbox):
            if to in message.to:
                return message
        if time.monotonic() > deadline:
            raise AssertionError(f"no e-mail to {to}; sent: {[(m.to, m.subject) for m in outbox]}")
        time.sleep(0.05)


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Log in through the real login form (shared by the journeys)."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "horizontal scrolling"
