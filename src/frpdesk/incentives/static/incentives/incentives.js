/* Incentive estimates chart: earned vs potential amounts per workload.
 *
 * The canvas names a json_script tag (data-incentive-chart) carrying {labels, earned, potential,
 * currency}; the page carries data, never inline scripts.
 */
(function () {
  "use strict";

  window.frpdesk.chart("data-incentive-chart", function (data) {
    return {
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
    };
  });
})();
