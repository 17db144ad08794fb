/* Compliance trends: the score per run and each rule's failing records per run.
 *
 * A canvas names a json_script tag (data-compliance-chart) carrying {labels, values};
 * data-label names the series, data-max fixes the top of the scale. No inline scripts.
 */
(function () {
  "use strict";

  window.frpdesk.chart("data-compliance-chart", function (data, canvas) {
    var max = canvas.dataset.max ? Number(canvas.dataset.max) : undefined;
    return {
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
    };
  });
})();
