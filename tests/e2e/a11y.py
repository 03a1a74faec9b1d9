"""Accessibility audit of every page a browser journey visits (axe-core from npm, in the page).

``AxeAudit.watch(page)`` injects axe-core and a small runner into every document the page loads.
The runner audits the document when it has loaded and again after each htmx swap settles, and
prints its findings to the console, where the guard collects them. A document is never left
unaudited: a navigation the page starts (a link, a form, a script) is held, through the
Navigation API's cancellable ``navigate`` event, until the audit in progress has finished, then
resumed; ``page.goto``/``reload`` and the end of the test wait for it from the Python side. So
every page of every journey is checked at the journey's own viewport.

What fails a journey:
- any axe violation of impact "serious" or "critical" (WCAG 2.0-2.2 A/AA and best-practice rules,
  with target-size switched on: 24 px; 44 px on creator portal pages at phone width), plus the
  few "moderate"/"minor" rules listed in ``ALSO_FAILING`` that the product holds too;
- an ``aria-describedby`` / ``aria-labelledby`` / ``aria-controls`` naming an id that does not
  exist (axe accepts a list where one id exists; the product wants all of them).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import ConsoleMessage, Error, Page

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# Rules below "serious" that the product holds as well (issue 12).
ALSO_FAILING = ("heading-order", "empty-table-header", "page-has-heading-one", "landmark-one-main")
# Paths whose pages are not ours to style: the API's JSON/Swagger pages and Django's admin.
NOT_AUDITED = ("/api/", "/admin/", "/static/", "/media/")
MARK = "chorus-a11y:"  # prefix of the console messages that carry findings

_RUNNER = """
(() => {
  if (window.top !== window || !window.axe || window.__a11y) { return; }
  const FAILING = new Set(%(also_failing)s);
  const SKIP = %(not_audited)s;
  const MARK = %(mark)s;
  const found = [];
  const seen = new Set();
  let chain = Promise.resolve();
  let queued = false;
  let running = 0;

  function record(rule, impact, help, targets) {
    const key = rule + "|" + targets.join(",");
    if (seen.has(key)) { return; }
    seen.add(key);
    found.push({rule, impact, help, targets, url: location.pathname + location.search});
  }
  function report() {
    if (found.length) { console.debug(MARK + JSON.stringify(found.splice(0))); }
  }
  function describe(el) {
    return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.name ? "[name=" + el.name + "]" : "");
  }
  function missingIdrefs() {
    const bad = [];
    for (const attr of ["aria-describedby", "aria-labelledby", "aria-controls"]) {
      for (const el of document.querySelectorAll("[" + attr + "]")) {
        const ids = el.getAttribute(attr).trim().split(/\\s+/).filter(Boolean);
        const missing = ids.filter((id) => !document.getElementById(id));
        if (missing.length) { bad.push(describe(el) + " " + attr + "=" + missing.join(",")); }
      }
    }
    if (bad.length) { record("aria-idref-missing", "serious", "ARIA id references must exist", bad); }
  }
  // axe's target-size lets a small target pass when it has space around it (WCAG 2.5.8); the
  // creator portal holds 2.5.5 instead: every target 44x44 px, links inside a sentence excepted.
  function smallTargets() {
    const bad = [];
    const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]";
    for (const el of document.querySelectorAll(selector)) {
      const target = el.matches("input[type=checkbox], input[type=radio]") && el.closest("label") || el;
      const rect = target.getBoundingClientRect();
      if (!rect.width || !rect.height || getComputedStyle(target).visibility === "hidden") { continue; }
      if (el.closest(".visually-hidden, .skip-link")) { continue; }
      const block = target.parentElement;
      const inText = getComputedStyle(target).display === "inline" && block
        && block.textContent.trim().length > target.textContent.trim().length;
      if (inText) { continue; }
      if (rect.width < 43.5 || rect.height < 43.5) {
        bad.push(describe(el) + " '" + (el.textContent || el.value || "").trim().slice(0, 30) + "' "
          + Math.round(rect.width) + "x" + Math.round(rect.height));
      }
    }
    if (bad.length) { record("target-size-44", "serious", "Creator portal targets must be 44x44 px", bad); }
  }
  async function audit() {
    if (document.contentType !== "text/html" || !document.body) { return; }
    if (SKIP.some((prefix) => location.pathname.startsWith(prefix))) { return; }
    // The creator portal is for phones: 44 px targets there (WCAG 2.5.5), 24 px elsewhere (2.5.8).
    const phonePortal = window.innerWidth <= 480 && location.pathname.startsWith("/creator");
    const size = phonePortal ? 44 : 24;
    axe.configure({checks: [
      {id: "target-size", options: {minSize: size}},
      {id: "target-offset", options: {minOffset: size}},
    ]});
    const results = await axe.run(document, {
      iframes: false,
      runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
      rules: {"target-size": {enabled: true}},
      resultTypes: ["violations"],
    });
    for (const v of results.violations) {
      if (v.impact === "serious" || v.impact === "critical" || FAILING.has(v.id)) {
        record(v.id, v.impact, v.help, v.nodes.map((n) => n.target.join(" ")));
      }
    }
    missingIdrefs();
    if (phonePortal) { smallTargets(); }
  }
  function schedule() {
    if (queued) { return chain; }
    queued = true;
    running += 1;
    chain = chain.then(() => { queued = false; return audit(); }).catch((e) => {
      record("axe-error", "critical", String(e), []);
    }).then(() => { running -= 1; report(); });
    return chain;
  }
  // Hold a navigation away from this document until its audit is done, then resume it.
  let lastSubmit = null;
  let resuming = false;
  window.addEventListener("submit", (e) => { lastSubmit = {form: e.target, submitter: e.submitter}; }, true);
  function resubmit(form, submitter) {
    if (submitter) {
      if (submitter.name) {
        const copy = document.createElement("input");
        copy.type = "hidden"; copy.name = submitter.name; copy.value = submitter.value;
        form.appendChild(copy);
      }
      for (const attr of ["action", "method", "enctype", "target"]) {
        if (submitter.hasAttribute("form" + attr)) { form.setAttribute(attr, submitter.getAttribute("form" + attr)); }
      }
    }
    HTMLFormElement.prototype.submit.call(form);  // no second submit event (and no second confirm())
  }
  if (window.navigation) {
    navigation.addEventListener("navigate", (e) => {
      if (resuming || !running || !e.cancelable || e.destination.sameDocument || e.hashChange
          || e.downloadRequest !== null || e.navigationType === "traverse") { return; }
      const url = e.destination.url;
      const submit = e.formData ? lastSubmit : null;
      if (e.formData && !submit) { return; }
      e.preventDefault();
      chain.then(() => {
        resuming = true;
        if (submit) { resubmit(submit.form, submit.submitter); }
        else if (e.navigationType === "replace") { location.replace(url); } else { location.assign(url); }
      });
    });
  }
  document.addEventListener("htmx:afterSettle", () => { schedule(); });
  window.__a11y = {idle: () => chain.then(() => true)};
  if (document.readyState === "complete") { schedule(); } else { window.addEventListener("load", () => { schedule(); }); }
})();
"""


@cache
def init_script() -> str:
    if not AXE_JS.exists():
        raise RuntimeError(f"{AXE_JS} is missing: run `npm install` (axe-core is a devDependency)")
    runner = _RUNNER % {
        "also_failing": json.dumps(list(ALSO_FAILING)),
        "not_audited": json.dumps(list(NOT_AUDITED)),
        "mark": json.dumps(MARK),
    }
    # Pages not audited do not even load axe; the runner waits for the document (axe needs it all).
    return (
        f"if (!{json.dumps(list(NOT_AUDITED))}.some((p) => location.pathname.startsWith(p))) {{\n"
        + AXE_JS.read_text()
        + "\n;document.addEventListener('DOMContentLoaded', () => {"
        + runner
        + "});\n}"
    )


@dataclass
class Violation:
    rule: str
    impact: str
    help: str
    url: str
    targets: list[str]

    def __str__(self) -> str:
        return f"axe {self.impact} {self.rule} on {self.url}: {self.help} — " + "; ".join(
            self.targets
        )


@dataclass
class AxeAudit:
    """Collects violations from every page it watches; ``report`` receives each one."""

    report: Callable[[str], None]
    violations: list[Violation] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.add_init_script(init_script())
        page.on("console", self._on_console)
        # A navigation the browser starts itself (not the page) cannot be held from inside the
        # page: wait for the audit of the document being left first.
        for name in ("goto", "reload"):
            setattr(page, name, self._after_audit(page, getattr(page, name)))

    def settle(self, page: Page) -> None:
        """Wait until the audits of the page's current document have finished and reported."""
        if page.is_closed():
            return
        try:
            page.evaluate("window.__a11y ? window.__a11y.idle() : null")
            page.evaluate("0")  # a round trip: the console events before it are dispatched
        except Error:
            return  # the document went away meanwhile; its audit was held for it (see above)

    def _after_audit(self, page: Page, method: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            self.settle(page)
            return method(*args, **kwargs)

        return wrapper

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "debug" or not message.text.startswith(MARK):
            return
        for item in json.loads(message.text[len(MARK) :]):
            violation = Violation(
                rule=item["rule"],
                impact=item["impact"] or "",
                help=item["help"],
                url=item["url"],
                targets=item["targets"],
            )
            self.violations.append(violation)
            self.report(str(violation))
