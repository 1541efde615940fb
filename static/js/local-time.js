// Dates and times entered as the local clock shows them (common.forms.LocalDateTimeField): the
// choice of the first or the second occurrence appears only while the typed time happened twice
// (the autumn night the clocks go back). The server decides the same for the value it renders
// and refuses a time that never happened; this only follows the typing. No inline scripts.
(function () {
  "use strict";

  var formats = {};

  // Minutes the zone is ahead of UTC at an instant (milliseconds since the epoch).
  function offsetAt(instant, zone) {
    if (!formats[zone]) {
      formats[zone] = new Intl.DateTimeFormat("en-US", {
        timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", second: "2-digit"
      });
    }
    var parts = {};
    formats[zone].formatToParts(new Date(instant)).forEach(function (part) {
      parts[part.type] = part.value;
    });
    var wall = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour % 24, +parts.minute, +parts.second);
    return Math.round((wall - instant) / 60000);
  }

  // How many instants show this wall-clock time ("2025-10-26T02:30"): 1, 2 (clocks went back) or 0.
  function occurrences(value, zone) {
    var match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value || "");
    if (!match) {
      return 1;
    }
    var wall = Date.UTC(+match[1], +match[2] - 1, +match[3], +match[4], +match[5]);
    var instants = {};
    [-3, 3].forEach(function (hours) {
      var offset = offsetAt(wall + hours * 3600000, zone);
      var instant = wall - offset * 60000;
      if (offsetAt(instant, zone) === offset) {
        instants[instant] = true;
      }
    });
    return Object.keys(instants).length;
  }

  function follow(event) {
    var input = event.target;
    if (!input.id) {
      return;
    }
    var group = document.querySelector("[data-occurrence-group='" + input.id + "']");
    if (group) {
      group.hidden = occurrences(input.value, group.dataset.timeZone) !== 2;
    }
  }

  document.addEventListener("input", follow);
  document.addEventListener("change", follow);
})();
