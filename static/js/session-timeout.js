// The warning before the inactivity sign-out (templates/_idle_warning.html). The server ends a
// session after SESSION_COOKIE_AGE without a request; this page knows when that is, asks the
// server before warning (another tab may have worked meanwhile), warns with a dialog that
// offers to stay signed in, has the draft of an open form kept just before the end
// ("liaison:session-ending", drafts.js) and then reloads, which leads to the sign-in page and
// back here. Escape counts as staying: the user is there. Texts come from data- attributes.
(function () {
  "use strict";

  var KEEP_DRAFT_BEFORE_MS = 10000;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (error) {
      return "";
    }
  }

  function twoDigits(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function start(dialog) {
    var warnMs = parseInt(dialog.getAttribute("data-warn-seconds"), 10) * 1000;
    var deadline = Date.now() + parseInt(dialog.getAttribute("data-seconds-left"), 10) * 1000;
    var idleMs = deadline - Date.now();
    var countdown = dialog.querySelector("[data-idle-countdown]");
    var announce = dialog.querySelector("[data-idle-announce]");
    var timers = [];
    var ticking = null;
    var focusBefore = null;

    function clearTimers() {
      timers.forEach(window.clearTimeout);
      timers = [];
    }

    function later(callback, ms) {
      timers.push(window.setTimeout(callback, Math.max(0, ms)));
    }

    function schedule() {
      clearTimers();
      later(check, deadline - warnMs - Date.now());
    }

    // Seconds left on the server, 0 when the session is over, null when the server did not answer.
    function askServer(url, method) {
      var options = { method: method, credentials: "same-origin", headers: { Accept: "application/json" } };
      if (method === "POST") {
        options.headers["X-CSRFToken"] = csrfToken();
      }
      return fetch(url, options)
        .then(function (response) {
          if (response.redirected || !response.ok) {
            return 0;
          }
          return response.json().then(function (answer) {
            return answer.seconds_left;
          });
        })
        .catch(function () {
          return null;
        });
    }

    function showCountdown() {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      countdown.textContent = Math.floor(left / 60) + ":" + twoDigits(left % 60);
    }

    function hide() {
      window.clearInterval(ticking);
      ticking = null;
      if (dialog.open) {
        dialog.close();
        if (focusBefore && document.contains(focusBefore)) {
          focusBefore.focus();
        }
      }
    }

    function ended() {
      clearTimers();
      document.dispatchEvent(new CustomEvent("liaison:session-ended"));
      window.location.reload();
    }

    function show() {
      if (!dialog.open) {
        focusBefore = document.activeElement;
        dialog.showModal();
        dialog.querySelector("[data-idle-stay]").focus();
        announce.textContent = announce.getAttribute("data-warning");
      }
      showCountdown();
      if (!ticking) {
        ticking = window.setInterval(showCountdown, 1000);
      }
      clearTimers();
      later(function () {
        document.dispatchEvent(new CustomEvent("liaison:session-ending"));
      }, deadline - KEEP_DRAFT_BEFORE_MS - Date.now());
      later(finalCheck, deadline + 1000 - Date.now());
    }

    function follow(seconds) {
      if (seconds === null) {
        return false;
      }
      deadline = Date.now() + seconds * 1000;
      return true;
    }

    function check() {
      askServer(dialog.getAttribute("data-left-url"), "GET").then(function (seconds) {
        follow(seconds);
        if (deadline - Date.now() <= 0) {
          ended();
        } else if (deadline - Date.now() > warnMs + 1000) {
          hide();
          schedule();
        } else {
          show();
        }
      });
    }

    function finalCheck() {
      askServer(dialog.getAttribute("data-left-url"), "GET").then(function (seconds) {
        if (seconds === null) {
          // No answer: the server decides at the next request; try again shortly.
          later(finalCheck, 5000);
          return;
        }
        follow(seconds);
        if (seconds > 0) {
          check();
        } else {
          ended();
        }
      });
    }

    function stay() {
      askServer(dialog.getAttribute("data-keep-alive-url"), "POST").then(function (seconds) {
        if (seconds === 0) {
          ended();
        } else if (follow(seconds) && deadline - Date.now() > warnMs) {
          hide();
          schedule();
        } else {
          announce.textContent = announce.getAttribute("data-failed");
        }
      });
    }

    dialog.querySelector("[data-idle-stay]").addEventListener("click", stay);
    dialog.addEventListener("cancel", function (event) {
      event.preventDefault();
      stay();
    });
    // Any other request of this page (htmx) starts the inactivity limit again on the server.
    document.body.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.successful && !dialog.open) {
        deadline = Math.max(deadline, Date.now() + idleMs);
        schedule();
      }
    });
    schedule();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var dialog = document.getElementById("idle-warning");
    if (dialog && dialog.showModal) {
      start(dialog);
    }
  });
})();
