// Drafts of the contact, client and case forms (common/drafts.py): what the user types is sent
// to the form's draft URL every few seconds while it changes, when the page is hidden or left,
// and just before the inactivity sign-out (session-timeout.js). The server restores it when
// the form is opened again; this script only sends. Texts come from data- attributes.
(function () {
  "use strict";

  function start(form) {
    var url = form.getAttribute("data-draft-url");
    var status = document.querySelector("[data-draft-status]");
    var errorBox = document.querySelector("[data-draft-error]");
    var changed = false;
    var stopped = false;
    var submitting = false;
    var inflight = null;

    function showError(text) {
      errorBox.textContent = text;
      errorBox.hidden = !text;
    }

    function answered(response) {
      // A request of a user whose session ended is sent to the sign-in page.
      if (response.redirected) {
        changed = true;
        showError(status.getAttribute("data-signed-out"));
        return null;
      }
      return response.json().then(function (answer) {
        if (answer.error) {
          changed = true;
          showError(answer.error);
        } else if (answer.saved) {
          showError("");
          status.textContent = answer.message;
        }
      });
    }

    function save(leaving) {
      if (!changed || stopped) {
        return inflight || Promise.resolve();
      }
      changed = false;
      var body = new URLSearchParams(new FormData(form));
      var request;
      try {
        // keepalive lets the request finish after the page is gone (pagehide, sign-out).
        request = fetch(url, {
          method: "POST",
          body: body,
          credentials: "same-origin",
          keepalive: leaving,
          headers: { Accept: "application/json" },
        });
      } catch (error) {
        // A keepalive body has a size limit; the beacon is the last try when leaving.
        if (leaving && navigator.sendBeacon && navigator.sendBeacon(url, body)) {
          return Promise.resolve();
        }
        changed = true;
        return Promise.resolve();
      }
      var current = request.then(answered).catch(function () {
        changed = true;
        if (!leaving) {
          showError(status.getAttribute("data-failed"));
        }
      });
      inflight = current;
      current.then(function () {
        if (inflight === current) {
          inflight = null;
        }
      });
      return current;
    }

    form.addEventListener("input", function () {
      changed = true;
    });
    form.addEventListener("change", function () {
      changed = true;
    });
    var everySeconds = parseInt(status.getAttribute("data-every-seconds"), 10) || 5;
    window.setInterval(function () {
      save(false);
    }, everySeconds * 1000);
    window.addEventListener("pagehide", function () {
      save(true);
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") {
        save(true);
      }
    });
    document.addEventListener("liaison:session-ending", function () {
      save(true);
    });
    document.addEventListener("liaison:session-ended", function () {
      stopped = true;
    });

    // Saving the form deletes the draft on the server: a draft sent just before must arrive
    // first, and none may follow.
    form.addEventListener("submit", function (event) {
      if (submitting) {
        return;
      }
      var pending = inflight;
      stopped = true;
      submitting = true;
      if (pending) {
        event.preventDefault();
        var submitter = event.submitter;
        pending.then(function () {
          form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
        });
      }
    });
    var discard = document.querySelector("form[data-draft-discard]");
    if (discard) {
      discard.addEventListener("submit", function () {
        stopped = true;
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-draft-url]");
    if (form) {
      start(form);
    }
  });
})();
