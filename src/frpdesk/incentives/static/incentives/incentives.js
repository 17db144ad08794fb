/* Incentive estimates chart: earned vs potential amounts per workload.
 *
 * The canvas names a json_script tag (data-incentive-chart) carrying {labels, earned, potential,
 * currency}; the page carries data, never inline scripts.
 */
(function () {
  "use strict";

  function draw(canvas) {
    if (!window.Chart || canvas.dataset.rendered === "true") {
      return;
    }
    var source = document.getElementById(canvas.dataset.incentiveChart);
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: "Earned", data: data.earned, backgroundColor: "#198754" },
          { label: "Potential", data: data.potential, backgroundColor: "rgba(15, 76, 129, 0.55)" }
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: true },
          y: {
            stacked: true,
            beginAtZero: true,
            ticks: { callback: function (value) { return value.toLocaleString() + " " + data.currency; } }
          }
        },
        plugins: { legend: { position: "bottom" } }
      }
    });
    canvas.dataset.rendered = "true";
  }

  function drawAll(root) {
    if (root && root.querySelectorAll) {
      root.querySelectorAll("canvas[data-incentive-chart]").forEach(draw);
    }
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:load", function (event) { drawAll(event.detail.elt); });
})();
