/* Behaviour shared by every page. No inline scripts anywhere: the Content Security Policy
   allows scripts from frpdesk's own static files only, so pages declare behaviour in data-*
   attributes and this file gives it to them. */
(function () {
  "use strict";

  // A tab list with data-keep-tab="<default tab>" keeps the open tab in the address (?tab=),
  // so a reload or a shared link opens the same tab.
  function keepTabInAddress(tabs) {
    if (!window.bootstrap) { return; }
    var wanted = new URL(window.location.href).searchParams.get("tab");
    if (wanted) {
      var button = tabs.querySelector("[data-tab='" + wanted + "']");
      if (button) { window.bootstrap.Tab.getOrCreateInstance(button).show(); }
    }
    tabs.addEventListener("shown.bs.tab", function (event) {
      var tab = event.target.getAttribute("data-tab");
      if (!tab) { return; }
      var url = new URL(window.location.href);
      if (tab === tabs.getAttribute("data-keep-tab")) { url.searchParams.delete("tab"); } else { url.searchParams.set("tab", tab); }
      window.history.replaceState(null, "", url.pathname + url.search + url.hash);
    });
  }

  // data-confirm="question" on a form or a submit button asks before sending.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.getAttribute("data-confirm")) ||
      (event.target.getAttribute && event.target.getAttribute("data-confirm"));
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });

  // data-action="back" (a Cancel link without a target) and data-action="print".
  document.addEventListener("click", function (event) {
    var element = event.target.closest && event.target.closest("[data-action]");
    if (!element) { return; }
    var action = element.getAttribute("data-action");
    if (action === "back") { event.preventDefault(); window.history.back(); }
    if (action === "print") { event.preventDefault(); window.print(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-keep-tab]").forEach(keepTabInAddress);
  });

  // frpdesk.chart("data-x-chart", configOf) draws every <canvas data-x-chart="ID"> with the
  // Chart.js configuration configOf(data, canvas) answers, data being the JSON of the json_script
  // tag ID: the only way the page hands a script data. Canvases are drawn when the page loads
  // and when htmx brings them in; htmx:load also fires for content already drawn, and Chart.js
  // refuses to draw on a canvas twice, hence data-rendered.
  function chart(attribute, configOf) {
    function draw(canvas) {
      if (!window.Chart || canvas.dataset.rendered === "true") { return; }
      var source = document.getElementById(canvas.getAttribute(attribute));
      if (!source) { return; }
      new window.Chart(canvas, configOf(JSON.parse(source.textContent), canvas));
      canvas.dataset.rendered = "true";
    }

    function drawAll(root) {
      if (root && root.querySelectorAll) {
        root.querySelectorAll("canvas[" + attribute + "]").forEach(draw);
      }
    }

    document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
    document.addEventListener("htmx:load", function (event) { drawAll(event.detail.elt); });
  }

  window.frpdesk = { chart: chart };
})();
