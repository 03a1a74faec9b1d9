/*
 * The review desk (templates/submissions/brand/queue.html and detail.html).
 *
 * Keyboard shortcuts, documented on the page; none fires while typing in a field, with a
 * modifier key held, or while a dialog is open:
 *   j / k  focus the next / previous item (the item itself takes focus, so Tab continues inside it)
 *   a      approve the current item
 *   c / r  request changes / reject: with feedback typed, decide at once; else move to the
 *          feedback box with that decision armed (Ctrl+Enter there sends it, Esc goes back)
 * The "current" item is the one holding focus. After an htmx decision the item is swapped in
 * place and static/js/a11y.js moves focus to its result message, so j continues from there.
 *
 * Bulk approval: "select all" and the selected count (announced), and a confirmation dialog.
 */
(function () {
  "use strict";

  var ITEM = "[data-review-item]";

  function items() { return Array.prototype.slice.call(document.querySelectorAll(ITEM)); }

  function current() {
    var active = document.activeElement;
    var item = active && active.closest ? active.closest(ITEM) : null;
    return item || document.querySelector(ITEM + ".is-current");
  }

  function markCurrent(item) {
    items().forEach(function (el) { el.classList.toggle("is-current", el === item); });
  }

  function focusItem(item) {
    if (!item) { return; }
    markCurrent(item);
    item.focus({preventScroll: true});
    item.scrollIntoView({block: "start", behavior: "auto"});
  }

  function say(text) { if (window.chorusAnnounce) { window.chorusAnnounce(text); } }

  // Text fields only: a focused checkbox (bulk selection) or button still lets j/k/a/c/r work.
  var NOT_TEXT = {checkbox: 1, radio: 1, button: 1, submit: 1, reset: 1, file: 1, range: 1, color: 1};
  function typing(event) {
    var t = event.target;
    if (!t || !t.closest) { return false; }
    if (t.closest("textarea, select, [contenteditable=''], [contenteditable=true]")) { return true; }
    return t.tagName === "INPUT" && !NOT_TEXT[(t.type || "text").toLowerCase()];
  }

  function move(step) {
    var all = items();
    if (!all.length) { return; }
    var index = all.indexOf(current());
    var next = index < 0 ? (step > 0 ? 0 : all.length - 1) : index + step;
    if (next < 0 || next >= all.length) {
      say(step > 0 ? "Last item on this page" : "First item on this page");
      return;
    }
    focusItem(all[next]);
  }

  function disarm(item) {
    item.querySelectorAll("[data-needs-feedback].is-armed").forEach(function (b) { b.classList.remove("is-armed"); });
    var box = item.querySelector("[data-feedback]");
    if (box) { delete box.dataset.armed; }
  }

  function decide(key) {
    var item = current();
    if (!item) { say("Press j to choose an item first"); return; }
    var button = item.querySelector("button[data-shortcut='" + key + "']");
    if (!button || button.disabled) { say("Nothing to decide on this item"); return; }
    var box = item.querySelector("[data-feedback]");
    if (button.hasAttribute("data-needs-feedback") && box && !box.value.trim()) {
      disarm(item);
      button.classList.add("is-armed");
      box.dataset.armed = key;
      box.focus();
      say("Type the feedback for the creator, then press Control Enter to " + button.textContent.trim().replace(/\s+\w$/, "").toLowerCase());
      return;
    }
    button.click();
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (typing(event) || document.querySelector("dialog[open]")) { return; }
    if (!items().length) { return; }
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "a": case "c": case "r": decide(event.key); break;
      default: return;
    }
    event.preventDefault();
  });

  // Inside a feedback box: Ctrl/Cmd+Enter sends the armed decision; Esc goes back to the item.
  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (!box || !box.matches || !box.matches("[data-feedback]")) { return; }
    var item = box.closest(ITEM);
    if (event.key === "Escape") {
      event.preventDefault();
      disarm(item);
      focusItem(item);
    } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && box.dataset.armed) {
      event.preventDefault();
      var button = item.querySelector("button[data-shortcut='" + box.dataset.armed + "']");
      if (button) { button.click(); }
    }
  });

  document.addEventListener("focusin", function (event) {
    var item = event.target && event.target.closest ? event.target.closest(ITEM) : null;
    if (item) { markCurrent(item); }
  });

  // -- bulk approval ------------------------------------------------------------------------
  function setUpBulk() {
    var form = document.getElementById("bulk-form");
    if (!form) { return; }
    var all = document.getElementById("select-all");
    var label = document.getElementById("selected-count");
    function picks() { return Array.prototype.slice.call(document.querySelectorAll("input.rv-pick")); }
    function chosen() { return picks().filter(function (p) { return p.checked; }).length; }
    function refresh(event) {
      var n = chosen();
      if (event && event.type === "change") { say(n ? n + " selected" : "None selected"); }
      if (label) { label.textContent = n ? n + " selected" : "Select all on this page"; }
      form.querySelectorAll("[data-bulk]").forEach(function (b) { b.disabled = n === 0; });
      if (all) { all.checked = n > 0 && n === picks().length; }
    }
    if (all) {
      all.addEventListener("change", function (e) {
        picks().forEach(function (p) { p.checked = all.checked; });
        refresh(e);
      });
    }
    document.addEventListener("change", function (e) { if (e.target.classList && e.target.classList.contains("rv-pick")) { refresh(e); } });
    document.body.addEventListener("htmx:afterSwap", function () { refresh(); });
    form.querySelectorAll("[data-open-dialog]").forEach(function (b) {
      b.addEventListener("click", function () {
        var dialog = document.getElementById(b.getAttribute("data-open-dialog"));
        dialog.querySelectorAll("[data-selected-n]").forEach(function (el) { el.textContent = chosen(); });
        dialog.showModal();
      });
    });
    form.querySelectorAll("[data-close-dialog]").forEach(function (b) {
      b.addEventListener("click", function () { b.closest("dialog").close(); });
    });
    refresh();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpBulk);
  } else {
    setUpBulk();
  }
})();
