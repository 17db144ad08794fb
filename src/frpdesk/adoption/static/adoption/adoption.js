/* Adoption trend charts: AU% per report refresh date with the milestone lines.
 *
 * Each chart is a <canvas data-chart-data="ID"> next to a json_script tag with that ID (the
 * page carries data, never inline scripts). Charts are drawn when the page loads, when htmx
 * brings in new figures, and resized when a hidden tab is shown.
 */
(function () {
  "use strict";

  var DAY = 24 * 60 * 60 * 1000;
  var LINE = "#0f4c81";
  var MILESTONE_COLOURS = ["#d98a00", "#198754"];

  function isoDay(value) {
    return new Date(value).toISOString().slice(0, 10);
  }

  function draw(canvas) {
    if (!window.Chart || canvas.dataset.rendered === "true") {
      return;
    }
    var source = document.getElementById(canvas.dataset.chartData);
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var points = data.points.map(function (point) {
      return { x: Date.parse(point.date), y: point.au_pct, mau: point.mau, pau: point.pau };
    });
    var days = points.map(function (point) { return point.x; });
    var first = Math.min.apply(null, days);
    var last = Math.max.apply(null, days);
    if (first === last) {
      first -= 14 * DAY;
      last += 14 * DAY;
    }
    var highest = Math.max.apply(
      null,
      points.map(function (point) { return point.y || 0; }).concat(data.milestones)
    );
    var datasets = [{
      label: data.label,
      data: points,
      borderColor: LINE,
      backgroundColor: "rgba(15, 76, 129, 0.10)",
      fill: true,
      tension: 0.2,
      pointRadius: 3,
      spanGaps: false
    }];
    data.milestones.forEach(function (pct, index) {
      datasets.push({
        label: pct + "% milestone",
        data: [{ x: first, y: pct }, { x: last, y: pct }],
        borderColor: MILESTONE_COLOURS[index % MILESTONE_COLOURS.length],
        borderDash: [6, 4],
        borderWidth: 1.5,
        pointRadius: 0,
        pointHitRadius: 0,
        fill: false
      });
    });
    new window.Chart(canvas, {
      type: "line",
      data: { datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "nearest", intersect: false },
        scales: {
          x: {
            type: "linear",
            min: first,
            max: last,
            ticks: { callback: isoDay, maxTicksLimit: 6, maxRotation: 0 }
          },
          y: {
            beginAtZero: true,
            suggestedMax: Math.ceil(highest * 1.1),
            ticks: { callback: function (value) { return value + "%"; } }
          }
        },
        plugins: {
          legend: {
            position: "bottom",
            labels: {
              boxWidth: 14,
              boxHeight: 2,
              filter: function (item) { return item.datasetIndex > 0; }
            }
          },
          tooltip: {
            filter: function (item) { return item.datasetIndex === 0; },
            callbacks: {
              title: function (items) { return isoDay(items[0].parsed.x); },
              label: function (item) {
                var point = item.raw;
                if (point.y === null) {
                  return "MAU " + point.mau + ", AU% undefined without PAU";
                }
                return "AU% " + point.y + " (MAU " + point.mau + " of PAU " + point.pau + ")";
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
      root.querySelectorAll("canvas[data-chart-data]").forEach(draw);
    }
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:load", function (event) { drawAll(event.detail.elt); });
  document.addEventListener("shown.bs.tab", function (event) {
    var pane = document.querySelector(event.target.getAttribute("data-bs-target"));
    if (!pane || !window.Chart) {
      return;
    }
    pane.querySelectorAll("canvas[data-chart-data]").forEach(function (canvas) {
      var chart = window.Chart.getChart(canvas);
      if (chart) {
        chart.resize();
      } else {
        draw(canvas);
      }
    });
  });
})();
