// Small behaviours that progressive enhancement needs; loaded on every page (no inline scripts).
(function () {
  "use strict";

  // Client picker: Enter anywhere in the picker must not submit the contact form (the browser
  // submits a form on Enter in a check box too, which saved a contact without its client).
  // Enter on a found or chosen client toggles it, as Space does; in the search box it does nothing.
  // A ticked search result moves to the chosen list so a new search keeps it.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.closest(".client-picker")) {
      return;
    }
    event.preventDefault();
    if (event.target.matches("input[type=checkbox]")) {
      event.target.click();
    }
  });
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches(".client-picker-results input[type=checkbox]") || !box.checked) {
      return;
    }
    var picker = box.closest(".client-picker");
    var chosen = picker.querySelector(".client-picker-chosen");
    if (chosen.querySelector("input[value='" + box.value + "']")) {
      box.closest(".form-check").remove();
      return;
    }
    chosen.appendChild(box.closest(".form-check"));
    box.focus();
  });

  // After a form with errors is shown, move focus to the error summary so screen readers announce it.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("form-errors");
    if (summary) {
      summary.focus();
    }
  });
})();
