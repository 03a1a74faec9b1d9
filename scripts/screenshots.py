#!/usr/bin/env python
"""Screenshots of the key pages of a running Chorus server, for a look at how the product looks.

Start a server with demo data first, e.g.::

    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo
    .venv/bin/python manage.py runserver 127.0.0.1:8123 --noreload

then::

    .venv/bin/python scripts/screenshots.py --base-url http://127.0.0.1:8123

PNG files land in ./test-artifacts/screenshots (git-ignored). Browser console errors, page
errors, failed requests and 4xx/5xx answers met on the way are printed, and make the script
exit with status 1, so it doubles as a smoke test of the pages.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    Request,
    Response,
    sync_playwright,
)

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
DESKTOP: dict[str, Any] = {"viewport": {"width": 1440, "height": 900}}
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DEMO_PASSWORD = "chorus-demo"


@dataclass
class Shooter:
    browser: Browser
    base_url: str
    out: Path
    problems: list[str] = field(default_factory=list)
    saved: list[Path] = field(default_factory=list)

    @contextmanager
    def context(self, **options: Any) -> Iterator[Page]:
        context: BrowserContext = self.browser.new_context(base_url=self.base_url, **options)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)
        try:
            yield page
        finally:
            context.close()

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.problems.append(f"console: {message.text} ({message.location.get('url', '')})")

    def _on_page_error(self, error: Error) -> None:
        self.problems.append(f"page error: {error}")

    def _on_request_failed(self, request: Request) -> None:
        self.problems.append(f"request failed: {request.url} {request.failure}")

    def _on_response(self, response: Response) -> None:
        if response.status >= 400 and response.url.startswith(self.base_url):
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def shoot(
        self, page: Page, name: str, path: str | None = None, *, full_page: bool = True
    ) -> None:
        if path is not None:
            page.goto(path)
        page.wait_for_load_state("networkidle")
        target = self.out / f"{name}.png"
        page.screenshot(path=str(target), full_page=full_page)
        self.saved.append(target)
        width = page.evaluate("document.documentElement.scrollWidth")
        viewport = page.viewport_size or {"width": 0}
        if width > viewport["width"]:
            self.problems.append(f"horizontal scroll on {name}: {width}px > {viewport['width']}px")

    def log_in(self, page: Page, email: str, password: str) -> None:
        page.goto("/accounts/login/")
        page.fill("input[name=login]", email)
        page.fill("input[name=password]", password)
        page.click("form button[type=submit]")
        page.wait_for_load_state("networkidle")
        if "/accounts/login" in page.url:
            raise SystemExit(
                f"could not log in as {email}: is the demo data loaded (manage.py seed_demo)?"
            )


def take_all(shooter: Shooter, password: str) -> None:
    with shooter.context(**DESKTOP) as page:
        shooter.shoot(page, "01-home", "/")
        shooter.shoot(page, "02-signup-choice", "/accounts/signup/")
        shooter.shoot(page, "03-signup-brand", "/accounts/signup/brand/")
        shooter.shoot(page, "04-login", "/accounts/login/")
        shooter.shoot(page, "05-password-reset", "/accounts/password/reset/")
        shooter.log_in(page, "owner@demo.chorus.test", password)
        shooter.shoot(page, "10-dashboard")
        dashboard = page.url.rstrip("/")
        shooter.shoot(page, "11-members", f"{dashboard}/members/")
        shooter.shoot(page, "12-brands", f"{dashboard}/brands/")
        shooter.shoot(page, "13-api-keys", f"{dashboard}/settings/api-keys/")
        shooter.shoot(page, "14-api-docs", "/api/v1/docs/", full_page=False)
        shooter.shoot(page, "15-account-email", "/accounts/email/")
        shooter.shoot(page, "16-account-security", "/accounts/2fa/")
        shooter.shoot(page, "17-account-password", "/accounts/password/change/")
        page.goto("/accounts/2fa/totp/activate/")
        if "/reauthenticate/" in page.url:  # allauth asks for the password again first
            shooter.shoot(page, "18-account-reauthenticate")
            page.fill("input[name=password]", password)
            page.click("form button[type=submit]")
            page.wait_for_load_state("networkidle")
        shooter.shoot(page, "18-account-totp")
        shooter.shoot(page, "19-logout", "/accounts/logout/")

    with shooter.context(**DESKTOP) as page:
        shooter.log_in(page, "reviewer@demo.chorus.test", password)
        shooter.shoot(page, "20-reviewer-members", page.url.rstrip("/") + "/members/")

    # Phone pages: what the screen shows (a full-page capture would draw the fixed tab bar mid-page),
    # then the bottom of the page, to see that the tab bar does not cover the last content.
    with shooter.context(**PHONE) as page:
        shooter.shoot(page, "30-phone-signup-creator", "/accounts/signup/creator/", full_page=False)
        shooter.log_in(page, "creator@demo.chorus.test", password)
        shooter.shoot(page, "31-phone-creator-home", full_page=False)
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        shooter.shoot(page, "32-phone-creator-home-bottom", full_page=False)

    with shooter.context(**PHONE) as page:
        shooter.log_in(page, "owner@demo.chorus.test", password)
        shooter.shoot(page, "33-phone-dashboard", full_page=False)
        shooter.shoot(page, "34-phone-members", page.url.rstrip("/") + "/members/", full_page=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base-url", default="http://127.0.0.1:8123")
    parser.add_argument("--out", type=Path, default=Path("test-artifacts/screenshots"))
    parser.add_argument("--password", default=DEMO_PASSWORD, help="password of the demo users")
    args = parser.parse_args(argv)

    chromium = shutil.which("chromium")
    if chromium is None:
        print("chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            shooter = Shooter(browser=browser, base_url=args.base_url.rstrip("/"), out=args.out)
            take_all(shooter, args.password)
        finally:
            browser.close()
    for path in shooter.saved:
        print(path)
    problems = shooter.problems
    for problem in problems:
        print("PROBLEM", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
