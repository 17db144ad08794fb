/* NSAT chart: NSAT per month with the program's target as a line.
 *
 * The canvas names a json_script tag (data-nsat-chart) carrying {labels, nsat, responses,
 * target}; the page carries data, never inline scripts.
 */
(function () {
  "use strict";

  window.frpdesk.chart("data-nsat-chart", function (data) {
    return {
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
    };
  });
})();
