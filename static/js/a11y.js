/*
 * Keyboard and screen-reader support shared by every page (loaded by templates/base.html).
 *
 * - Focus after load: an element marked [data-focus-on-load] (the form error summary) takes focus
 *   when the page loads, so after a failed submit the keyboard starts at what to fix.
 * - Focus after an htmx swap: focus moves into what was swapped in, to its element marked
 *   [data-focus-after-swap] if any, else to the swapped element itself (made focusable with
 *   tabindex=-1) — but only when the swap took focus away (the focused button was replaced, or
 *   focus fell back to the page), so typing in a field that refreshes results is never disturbed.
 * - Announcements: window.chorusAnnounce(text) speaks text through the page's polite live region
 *   (#live-status, role=status); after a swap, the text of a swapped-in [data-announce] element is
 *   announced too.
 */
(function () {
  "use strict";

  function liveRegion() {
    var region = document.getElementById("live-status");
    if (!region) {
      region = document.createElement("div");
      region.id = "live-status";
      region.className = "sr-only";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      document.body.appendChild(region);
    }
    return region;
  }

  var announceTimer = null;
  function announce(text) {
    if (!text) { return; }
    var region = liveRegion();
    // Clear first, then set: screen readers announce a change, even of the same words.
    region.textContent = "";
    clearTimeout(announceTimer);
    announceTimer = setTimeout(function () { region.textContent = text; }, 50);
  }
  window.chorusAnnounce = announce;

  function focusElement(el) {
    if (!el) { return; }
    if (!el.matches("a[href], button, input, select, textarea, summary, [tabindex]")) {
      el.setAttribute("tabindex", "-1");
    }
    el.focus({preventScroll: false});
  }

  document.addEventListener("DOMContentLoaded", function () {
    liveRegion();
    // An error summary first, else the result of the action that led here (a flash message).
    // Hand-made forms without the summary: their error box, else their first invalid field.
    var target = document.querySelector("[data-focus-on-load=error]")
      || document.querySelector("form .form-errors[role=alert], form [aria-invalid=true]")
      || document.querySelector("[data-focus-on-load]");
    if (target) { focusElement(target); }
  });

  // Where focus was before the request: if the swap removes it, focus follows the new content.
  var focusBefore = null;
  document.addEventListener("htmx:beforeSwap", function () { focusBefore = document.activeElement; });

  document.addEventListener("htmx:afterSettle", function (event) {
    var swapped = event.detail && event.detail.elt;
    if (!swapped || !swapped.isConnected) {
      // outerHTML swaps replace the target: find its successor by id.
      var id = event.detail && event.detail.target && event.detail.target.id;
      swapped = id ? document.getElementById(id) : null;
    }
    if (!swapped) { return; }
    var marked = swapped.matches("[data-focus-after-swap]") ? swapped : swapped.querySelector("[data-focus-after-swap]");
    var active = document.activeElement;
    var focusLost = !active || active === document.body || !active.isConnected
      || (focusBefore && !focusBefore.isConnected);
    if (marked || focusLost) { focusElement(marked || swapped); }
    var said = swapped.matches("[data-announce]") ? swapped : swapped.querySelector("[data-announce]");
    if (said) { announce(said.getAttribute("data-announce") || said.textContent.trim()); }
    focusBefore = null;
  });
})();
