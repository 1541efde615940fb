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

  // Activities of a record of work (contacts/contact_form.html), the rows of a Django formset:
  // Alt+A or the "Add activity" button adds a row and puts the focus on its type; "Remove" takes
  // one away. The duration follows the sum of the minutes; with one row, the row's minutes follow
  // the duration. Only the types of the chosen service are offered.
  function activityRows(block) {
    return block.querySelectorAll("[data-activity-rows] [data-activity-row]");
  }

  function renumberActivities(block) {
    var prefix = block.getAttribute("data-prefix");
    var pattern = new RegExp(prefix + "-(\\d+|__prefix__)-", "g");
    var rows = activityRows(block);
    rows.forEach(function (row, index) {
      row.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (element) {
        ["name", "id", "for", "aria-describedby"].forEach(function (attribute) {
          var value = element.getAttribute(attribute);
          if (value) {
            element.setAttribute(attribute, value.replace(pattern, prefix + "-" + index + "-"));
          }
        });
      });
      row.querySelector("[data-remove-activity]").hidden = rows.length < 2;
    });
    block.querySelector("[name='" + prefix + "-TOTAL_FORMS']").value = rows.length;
    var initial = block.querySelector("[name='" + prefix + "-INITIAL_FORMS']");
    initial.value = Math.min(parseInt(initial.value, 10) || 0, rows.length);
  }

  function sumActivityMinutes(block) {
    var duration = block.form.querySelector("[data-duration]");
    if (!duration) {
      return;
    }
    var total = 0;
    var any = false;
    block.querySelectorAll("[data-activity-rows] [data-minutes]").forEach(function (input) {
      var minutes = parseInt(input.value, 10);
      if (!isNaN(minutes)) {
        total += minutes;
        any = true;
      }
    });
    if (any) {
      duration.value = total;
    }
  }

  function offerServiceTypes(form) {
    var service = form.querySelector("select[data-service-select]");
    if (!service) {
      return;
    }
    form.querySelectorAll("select[data-activity-type]").forEach(function (select) {
      select.querySelectorAll("option[data-service]").forEach(function (option) {
        var other = option.getAttribute("data-service") !== service.value;
        option.hidden = other;
        option.disabled = other;
        if (other && option.selected) {
          select.value = "";
        }
      });
    });
  }

  function announce(block, key) {
    var status = block.querySelector("[data-activity-status]");
    status.textContent = status.getAttribute(key);
  }

  function addActivity(block) {
    var template = block.querySelector("template[data-activity-template]");
    var row = template.content.querySelector("[data-activity-row]").cloneNode(true);
    block.querySelector("[data-activity-rows]").appendChild(row);
    renumberActivities(block);
    offerServiceTypes(block.form);
    row.querySelector("select[data-activity-type]").focus();
    announce(block, "data-added");
  }

  function removeActivity(row) {
    var block = row.closest("[data-activities]");
    var rows = Array.prototype.slice.call(activityRows(block));
    var index = rows.indexOf(row);
    row.remove();
    renumberActivities(block);
    sumActivityMinutes(block);
    var remaining = activityRows(block);
    remaining[Math.max(0, index - 1)].querySelector("select[data-activity-type]").focus();
    announce(block, "data-removed");
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-activity]");
    if (add) {
      addActivity(add.closest("[data-activities]"));
      return;
    }
    var remove = event.target.closest("[data-remove-activity]");
    if (remove) {
      removeActivity(remove.closest("[data-activity-row]"));
    }
  });
  document.addEventListener("keydown", function (event) {
    // event.code: Alt+A types "å" on a Mac keyboard, but the key is the same.
    if (!event.altKey || event.ctrlKey || event.metaKey || event.code !== "KeyA") {
      return;
    }
    var block = document.querySelector("[data-activities]");
    if (block) {
      event.preventDefault();
      addActivity(block);
    }
  });
  document.addEventListener("input", function (event) {
    var target = event.target;
    if (target.matches("[data-activities] [data-minutes]")) {
      sumActivityMinutes(target.closest("[data-activities]"));
    } else if (target.matches("[data-duration]")) {
      var block = target.form && target.form.querySelector("[data-activities]");
      var rows = block ? activityRows(block) : [];
      if (rows.length === 1) {
        rows[0].querySelector("[data-minutes]").value = target.value;
      }
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-service-select]")) {
      offerServiceTypes(event.target.form);
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-activities]").forEach(function (block) {
      renumberActivities(block);
      offerServiceTypes(block.form);
    });
  });

  // After a form with errors is shown, move focus to the error summary so screen readers announce it.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("form-errors");
    if (summary) {
      summary.focus();
    }
  });
})();
