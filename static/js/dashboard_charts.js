/* Performance charts: draws every <canvas data-chart="daily|cumulative|reach" data-source="key">
   from the page's JSON (#dash-data, Django's json_script). Each chart has the same figures in a
   table next to it, so the canvas is a picture for those who would rather look (role="img"). */
(function () {
  "use strict";
  var BLUE = "#1d4ed8";   /* 6.7:1 on white */
  var AMBER = "#b45309";  /* 5.0:1 on white */
  var GRID = "#e5e7eb";

  function data() {
    var node = document.getElementById("dash-data");
    return node ? JSON.parse(node.textContent) : {};
  }

  function base(stacked) {
    var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: reduce ? false : { duration: 300 },
      interaction: { mode: "index", intersect: false },
      plugins: { legend: { labels: { color: "#374151", usePointStyle: true } } },
      scales: {
        x: { grid: { color: GRID }, ticks: { color: "#374151", maxRotation: 0, autoSkip: true } },
        y: { beginAtZero: true, stacked: !!stacked, grid: { color: GRID }, ticks: { color: "#374151", precision: 0 } }
      }
    };
  }

  var builders = {
    daily: function (d, canvas) {
      var options = base();
      options.scales.y1 = { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, ticks: { color: AMBER, precision: 0 } };
      return {
        type: "bar",
        data: {
          labels: d.labels,
          datasets: [
            { label: "Views", data: d.views, backgroundColor: BLUE, yAxisID: "y" },
            { label: canvas.getAttribute("data-conversions-label") || "Conversions", data: d.conversions, type: "line", borderColor: AMBER, backgroundColor: AMBER, pointStyle: "rectRot", pointRadius: 4, yAxisID: "y1" }
          ]
        },
        options: options
      };
    },
    cumulative: function (d) {
      var options = base();
      options.scales.y1 = { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, ticks: { color: AMBER, precision: 0 } };
      return {
        type: "line",
        data: {
          labels: d.labels,
          datasets: [
            { label: "Creators posting", data: d.creators, borderColor: BLUE, backgroundColor: BLUE, stepped: true, yAxisID: "y" },
            { label: "Conversions", data: d.conversions, borderColor: AMBER, backgroundColor: AMBER, borderDash: [6, 4], pointStyle: "rectRot", yAxisID: "y1" }
          ]
        },
        options: options
      };
    },
    reach: function (d) {
      var options = base();
      options.plugins.legend.display = false;
      return {
        type: "bar",
        data: { labels: d.labels.map(function (l) { return l + (l === "1" ? " creator" : " creators"); }),
                datasets: [{ label: "Orders", data: d.values, backgroundColor: BLUE }] },
        options: options
      };
    }
  };

  function draw() {
    if (typeof window.Chart === "undefined") { return; }
    var all = data();
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var build = builders[canvas.getAttribute("data-chart")];
      var source = all[canvas.getAttribute("data-source")];
      if (build && source) { new window.Chart(canvas, build(source, canvas)); }
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
}());
