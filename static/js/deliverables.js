/*
 * Deliverable rows on the campaign form: the format select offers only the formats of the row's
 * platform (the map is the #platform-formats JSON the page embeds). Runs on "change", which the
 * keyboard fires too; it never submits anything. Delegated, so rows htmx adds are covered.
 */
(function () {
  "use strict";

  function formatMap() {
    var node = document.getElementById("platform-formats");
    return node ? JSON.parse(node.textContent) : null;
  }

  document.addEventListener("change", function (event) {
    var platform = event.target;
    if (!platform.matches || !platform.matches("select[name$='-platform']")) { return; }
    var map = formatMap();
    var formats = map && map[platform.value];
    if (!formats) { return; }
    var format = document.getElementById(platform.id.replace(/-platform$/, "-format"));
    if (!format) { return; }
    var current = format.value;
    format.textContent = "";
    formats.forEach(function (pair) {
      var option = document.createElement("option");
      option.value = pair[0];
      option.textContent = pair[1];
      option.selected = pair[0] === current;
      format.appendChild(option);
    });
    if (window.chorusAnnounce) {
      window.chorusAnnounce("Formats: " + formats.map(function (p) { return p[1]; }).join(", "));
    }
  });
})();
