/* Engagements: the pipeline's drag and drop, confirmations and the engagement page's tabs.
 *
 * Pipeline: each card carries its "Move to" form (which works without JavaScript). Dropping a
 * card on another column sets that form's phase and posts it with fetch (the form holds the
 * CSRF token); the server answers JSON. On success the card moves to the column; on a refusal
 * the card stays and the reason is shown. Cards are draggable only for users who may move them.
 */
(function () {
  "use strict";

  var dragged = null;

  function showError(message) {
    var box = document.getElementById("pipeline-error");
    if (!box) { return; }
    box.textContent = message;
    box.classList.toggle("d-none", !message);
  }

  function updateCounts(pipeline) {
    pipeline.querySelectorAll(".pipeline-column").forEach(function (column) {
      var count = column.querySelectorAll(".pipeline-card").length;
      var badge = column.querySelector("[data-column-count]");
      if (badge) { badge.textContent = String(count); }
      var empty = column.querySelector(".empty-column");
      if (empty) { empty.classList.toggle("d-none", count > 0); }
    });
  }

  function move(pipeline, card, column) {
    var form = card.querySelector("[data-move-form]");
    if (!form) { return; }
    var select = form.querySelector("select[name=phase]");
    var previous = select.value;
    select.value = column.dataset.phase;
    card.classList.add("moving");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        card.classList.remove("moving");
        if (!response.ok) {
          select.value = previous;
          showError(data.detail || "The engagement could not be moved (" + response.status + ").");
          return;
        }
        showError("");
        column.querySelector("[data-drop-zone]").appendChild(card);
        updateCounts(pipeline);
      });
    }).catch(function () {
      card.classList.remove("moving");
      select.value = previous;
      showError("The server could not be reached; the engagement was not moved.");
    });
  }

  function initPipeline(pipeline) {
    if (!pipeline.hasAttribute("data-pipeline-movable")) { return; }
    pipeline.addEventListener("dragstart", function (event) {
      var card = event.target.closest && event.target.closest(".pipeline-card");
      if (!card) { return; }
      dragged = card;
      card.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.dataset.engagement);
    });
    pipeline.addEventListener("dragend", function () {
      if (dragged) { dragged.classList.remove("dragging"); }
      dragged = null;
      pipeline.querySelectorAll(".drop-target").forEach(function (column) {
        column.classList.remove("drop-target");
      });
    });
    pipeline.querySelectorAll(".pipeline-column").forEach(function (column) {
      column.addEventListener("dragover", function (event) {
        if (!dragged) { return; }
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        column.classList.add("drop-target");
      });
      column.addEventListener("dragleave", function (event) {
        if (!column.contains(event.relatedTarget)) { column.classList.remove("drop-target"); }
      });
      column.addEventListener("drop", function (event) {
        event.preventDefault();
        column.classList.remove("drop-target");
        var card = dragged;
        dragged = null;
        if (card && card.closest(".pipeline-column") !== column) {
          move(pipeline, card, column);
        }
      });
    });
    updateCounts(pipeline);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-testid=pipeline]").forEach(initPipeline);
  });
})();
