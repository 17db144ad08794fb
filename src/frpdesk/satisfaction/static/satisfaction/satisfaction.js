/* NSAT chart: NSAT per month with the program's target as a line.
 *
 * The canvas names a json_script tag (data-nsat-chart) carrying {labels, nsat, responses,
 * target}; the page carries data, never inline scripts.
 */
(function () {
  "use strict";

  function draw(canvas) {
    if (!window.Chart || canvas.dataset.rendered === "true") {
      return;
    }
    var source = document.getElementById(canvas.dataset.nsatChart);
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          {
            type: "line",
            label: "Target",
            data: data.labels.map(function () { return data.target; }),
            borderColor: "#dc3545",
            borderDash: [6, 4],
            pointRadius: 0,
            fill: false
          },
          {
            label: "NSAT",
            data: data.nsat,
            backgroundColor: data.nsat.map(function (value) {
              return value < data.target ? "rgba(220, 53, 69, 0.7)" : "rgba(15, 76, 129, 0.75)";
            })
          }
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true, suggestedMax: 200 } },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              afterLabel: function (item) {
                return item.dataset.label === "NSAT" ? data.responses[item.dataIndex] + " responses" : "";
              }
            }
          }
        }
      }
    });
    canvas.dataset.rendered = "true";
  }

  function drawAll(root) {
    if (root && root.querySelectorAll) {
      root.querySelectorAll("canvas[data-nsat-chart]").forEach(draw);
    }
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:load", function (event) { drawAll(event.detail.elt); });
})();
