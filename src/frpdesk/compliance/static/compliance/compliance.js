/* Compliance trends: the score per run and each rule's failing records per run.
 *
 * A canvas names a json_script tag (data-compliance-chart) carrying {labels, values};
 * data-label names the series, data-max fixes the top of the scale. No inline scripts.
 */
(function () {
  "use strict";

  function draw(canvas) {
    if (!window.Chart || canvas.dataset.rendered === "true") {
      return;
    }
    var source = document.getElementById(canvas.dataset.complianceChart);
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var max = canvas.dataset.max ? Number(canvas.dataset.max) : undefined;
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [{
          label: canvas.dataset.label || "",
          data: data.values,
          borderColor: "#0f4c81",
          backgroundColor: "rgba(15, 76, 129, 0.15)",
          fill: true,
          tension: 0,
          spanGaps: true,
          pointRadius: 2
        }]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { display: !!max, ticks: { maxTicksLimit: 6 } },
          y: { beginAtZero: true, suggestedMax: max, ticks: { precision: 0, maxTicksLimit: 4 } }
        },
        plugins: { legend: { display: false } }
      }
    });
    canvas.dataset.rendered = "true";
  }

  function drawAll(root) {
    if (root && root.querySelectorAll) {
      root.querySelectorAll("canvas[data-compliance-chart]").forEach(draw);
    }
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:load", function (event) { drawAll(event.detail.elt); });
})();
