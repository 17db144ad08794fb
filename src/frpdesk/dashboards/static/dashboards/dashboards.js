/* Dashboard charts: every bar, point or slice leads to the list behind it.
 *
 * A canvas names a json_script tag (data-dashboard-chart) carrying
 * {type, labels, datasets, links, options}: ``links`` has one URL per label, a dataset may carry
 * its own ``links``. Options: stacked, horizontal, legend (false hides it), yMin, yMax, suffix
 * (after each value), milestones (AU% lines drawn across a bar chart). The page carries data,
 * never inline scripts.
 */
(function () {
  "use strict";

  function linkOf(data, datasetIndex, index) {
    var dataset = data.datasets[datasetIndex] || {};
    if (dataset.links && dataset.links[index]) {
      return dataset.links[index];
    }
    return data.links[index] || null;
  }

  function format(value, suffix) {
    if (value === null || value === undefined) {
      return "—";
    }
    return Number(value).toLocaleString(undefined, { maximumFractionDigits: 2 }) + (suffix || "");
  }

  // Dashed lines across a bar chart at each AU% milestone.
  var milestoneLines = {
    id: "milestoneLines",
    afterDatasetsDraw: function (chart, args, pluginOptions) {
      var values = (pluginOptions && pluginOptions.values) || [];
      var scale = chart.scales.y;
      if (!values.length || !scale) {
        return;
      }
      var ctx = chart.ctx;
      ctx.save();
      ctx.setLineDash([5, 4]);
      ctx.strokeStyle = "#198754";
      ctx.fillStyle = "#198754";
      ctx.font = "11px system-ui, sans-serif";
      values.forEach(function (value) {
        var y = scale.getPixelForValue(value);
        ctx.beginPath();
        ctx.moveTo(chart.chartArea.left, y);
        ctx.lineTo(chart.chartArea.right, y);
        ctx.stroke();
        ctx.fillText(value + " %", chart.chartArea.left + 4, y - 4);
      });
      ctx.restore();
    }
  };

  window.frpdesk.chart("data-dashboard-chart", function (data) {
    var options = data.options || {};
    var round = data.type === "doughnut";
    var valueAxis = options.horizontal ? "x" : "y";
    var scales = {};
    if (!round) {
      scales.x = { stacked: !!options.stacked, ticks: { autoSkip: true, maxRotation: 50 } };
      scales.y = { stacked: !!options.stacked };
      scales[valueAxis].beginAtZero = true;
      if (options.yMin !== undefined) { scales[valueAxis].min = options.yMin; }
      if (options.yMax !== undefined) { scales[valueAxis].max = options.yMax; }
      scales[valueAxis].ticks = {
        precision: options.suffix ? undefined : 0,
        callback: function (value) { return format(value, options.suffix); }
      };
    }
    return {
      type: data.type,
      data: { labels: data.labels, datasets: data.datasets },
      plugins: options.milestones ? [milestoneLines] : [],
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        indexAxis: options.horizontal ? "y" : "x",
        scales: scales,
        plugins: {
          legend: { display: options.legend !== false, position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (item) {
                var value = round ? item.parsed : item.parsed[valueAxis];
                return (item.dataset.label ? item.dataset.label + ": " : "") + format(value, options.suffix);
              },
              footer: function (items) {
                return items.length && linkOf(data, items[0].datasetIndex, items[0].dataIndex) ? "Click to see the list" : "";
              }
            }
          },
          milestoneLines: { values: options.milestones || [] }
        },
        onHover: function (event, elements) {
          var target = event.native && event.native.target;
          if (target) {
            target.style.cursor = elements.length && linkOf(data, elements[0].datasetIndex, elements[0].index) ? "pointer" : "default";
          }
        },
        onClick: function (event, elements) {
          if (!elements.length) {
            return;
          }
          var url = linkOf(data, elements[0].datasetIndex, elements[0].index);
          if (url) {
            window.location.assign(url);
          }
        }
      }
    };
  });
})();
