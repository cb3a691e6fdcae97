// The app around the pages (ours, no libraries): installs the service worker, and warns beside a
// run-day field when no day is ticked. Pages work without it.
"use strict";

// The service worker keeps the app shell and Today's last copy for offline use (see /sw.js).
if ("serviceWorker" in navigator && window.isSecureContext) {
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
      /* without it the app still works online */
    });
  });
}

// A fieldset marked data-run-days shows its [data-none-warning] while no box in it is ticked.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("fieldset[data-run-days]").forEach(function (set) {
    var warning = set.querySelector("[data-none-warning]");
    if (!warning) return;
    function update() {
      warning.hidden = set.querySelector("input[type=checkbox]:checked") !== null;
    }
    set.addEventListener("change", update);
    update();
  });
});
