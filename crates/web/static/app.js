// Backstride's own small script. Pages work without it; it only adds conveniences.
// Focus the error summary after a failed form submission so screen readers announce it.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});

// "Print this page" buttons (the page itself is the print view; print CSS hides the chrome).
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-print]");
  if (button) window.print();
});

// --- Today page: the offline queue (the guided session's timers and counters: today.js) ----
// Everything here is an extra: without it the forms post normally.
(function () {
  // The offline queue: entries are kept in this browser until the server has them. Each
  // carries the idempotency key made with the form, so sending twice stores once. The queue
  // belongs to the person logged in (`data-user` on <body>): someone else on this browser
  // never sends or sees it, and logging out clears it.
  var QUEUE_PREFIX = "bs-log-queue";
  function owner() { return document.body ? document.body.dataset.user || "" : ""; }
  function queueKey() { return QUEUE_PREFIX + ":" + owner(); }
  function queue() {
    if (!owner()) return [];
    try { return JSON.parse(window.localStorage.getItem(queueKey()) || "[]"); } catch (e) { return []; }
  }
  function saveQueue(q) { if (owner()) window.localStorage.setItem(queueKey(), JSON.stringify(q)); }
  function clearQueues() {
    for (var i = window.localStorage.length - 1; i >= 0; i--) {
      var k = window.localStorage.key(i);
      if (k && k.indexOf(QUEUE_PREFIX) === 0) window.localStorage.removeItem(k);
    }
  }
  function banner(text) {
    var b = document.getElementById("offline-banner");
    if (!b) return;
    b.hidden = !text; b.textContent = text || "";
  }
  function status(formId, text) {
    var el = document.getElementById(formId + "-status");
    if (el) el.textContent = text;
  }
  function newKey() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return String(Date.now()) + Math.random().toString(16).slice(2);
  }
  function drop(entry) { saveQueue(queue().filter(function (e) { return e.key !== entry.key; })); }

  // Sends one entry; `token` (a fresh CSRF token) overrides the one the form carried.
  function send(entry, token) {
    var headers = { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" };
    if (token) headers["X-CSRF-Token"] = token;
    return fetch(entry.action, {
      method: "POST", credentials: "same-origin", redirect: "manual", headers: headers, body: entry.body
    });
  }

  // This session's CSRF token, when the page's one went stale (a new login since it was queued).
  function freshToken() {
    return fetch("/api/csrf", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (res) { return res.ok ? res.json() : {}; })
      .then(function (data) { return String(data.user_id) === owner() ? data.csrf_token : null; });
  }

  var sending = false;
  function flush() {
    if (sending) return;
    var q = queue();
    if (!q.length) { banner(""); return; }
    sending = true;
    var entry = q[0];
    function answered(res, retried) {
      if (res.status === 403 && !retried) {
        return freshToken().then(function (token) {
          if (!token) return answered(res, true);
          return send(entry, token).then(function (again) { return answered(again, true); });
        });
      }
      if (res.type === "opaqueredirect" || res.status === 0) {
        sending = false; // logged out meanwhile: keep the entries for this person's next login
        banner("Log in again to send the entries kept on this phone.");
        return null;
      }
      return res.json().catch(function () { return {}; }).then(function (data) {
        sending = false;
        if (res.ok || res.status === 422 || res.status === 403) {
          drop(entry);
          if (res.ok) {
            status(entry.form, data.message || "Saved.");
            var form = document.getElementById(entry.form);
            if (form) {
              form.dataset.saved = "true";
              form.dispatchEvent(new CustomEvent("bs:saved", { bubbles: true }));
            }
          } else if (res.status === 403) {
            status(entry.form, "Not saved: this entry could not be sent. Please enter it again.");
          } else {
            var words = (data.errors || []).map(function (e) { return e.message; }).join(" ");
            status(entry.form, "Not saved: " + (words || "please check the entry.") + " Reload the page to correct it.");
          }
          flush();
        } else {
          banner("Your entries are kept on this phone; we'll try again shortly.");
        }
      });
    }
    send(entry, null).then(function (res) { return answered(res, false); }).catch(function () {
      sending = false;
      var n = queue().length;
      banner("You're offline. " + n + (n === 1 ? " entry is" : " entries are") +
        " kept on this phone and will be sent when you're back online.");
    });
  }

  // Logging out clears every queue on this browser (the next person must not send them).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches && form.matches('form[action="/logout"]')) clearQueues();
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-offline]") || !window.fetch) return;
    event.preventDefault();
    var body = new URLSearchParams(new FormData(form)).toString();
    var keyField = form.querySelector("[data-idempotency]");
    var key = keyField ? keyField.value : newKey();
    var q = queue();
    if (!q.some(function (e) { return e.key === key; })) {
      q.push({ key: key, action: form.getAttribute("action"), body: body, form: form.id });
      saveQueue(q);
    }
    status(form.id, "Saving…");
    if (keyField) keyField.value = newKey(); // the next entry in this form is a new one
    flush();
  });

  window.addEventListener("online", flush);
  document.addEventListener("DOMContentLoaded", flush);
})();

// Free guide: start the download at once (the link stays for browsers that block it).
document.addEventListener("DOMContentLoaded", function () {
  var link = document.querySelector("a[data-autodownload]");
  if (link) link.click();
});
