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

// --- Today page: hold timers, rep counters and the offline queue ---------------------------
// Everything here is an extra: without it the forms post normally and the numbers are typed.
(function () {
  // Tests may speed timers up (seconds are divided by this); people never set it.
  function timeScale() {
    var s = parseFloat(window.localStorage.getItem("bs-timer-scale") || "1");
    return s > 0 ? s : 1;
  }

  // Adds one set to the form's field for `side` (sets, sets_left or sets_right).
  function addSet(formId, side) {
    var form = document.getElementById(formId);
    if (!form) return;
    var name = side === "both" ? "sets" : "sets_" + side;
    var input = form.querySelector('[name="' + name + '"]');
    if (!input) return;
    input.value = String((parseInt(input.value, 10) || 0) + 1);
  }

  function beep() {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return;
      var ctx = new Ctx(), osc = ctx.createOscillator();
      osc.connect(ctx.destination); osc.start(); osc.stop(ctx.currentTime + 0.2);
    } catch (e) { /* sound is a nicety */ }
    if (navigator.vibrate) navigator.vibrate(200);
  }

  function sideWords(side) { return side === "both" ? "" : " (" + side + ")"; }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.timer");
    if (!button) return;
    var box = button.closest(".timers");
    var seconds = parseInt(box.dataset.timer, 10);
    var readout = box.querySelector(".timer-readout");
    var announce = box.querySelector(".timer-announce");
    var side = button.dataset.side;
    if (box.running) { // a second press stops early, without counting the set
      window.clearInterval(box.running); box.running = null;
      readout.textContent = "Stopped.";
      box.querySelectorAll("button.timer").forEach(function (b) { b.disabled = false; });
      button.textContent = button.dataset.label;
      return;
    }
    button.dataset.label = button.dataset.label || button.textContent;
    box.querySelectorAll("button.timer").forEach(function (b) { if (b !== button) b.disabled = true; });
    button.textContent = "Stop";
    var left = seconds;
    readout.textContent = left + " s" + sideWords(side);
    announce.textContent = "Timer started" + sideWords(side) + ": " + seconds + " seconds.";
    box.running = window.setInterval(function () {
      left -= 1;
      readout.textContent = left + " s" + sideWords(side);
      if (left <= 0) {
        window.clearInterval(box.running); box.running = null;
        box.querySelectorAll("button.timer").forEach(function (b) { b.disabled = false; });
        button.textContent = button.dataset.label;
        readout.textContent = "Done" + sideWords(side) + ": one set counted.";
        announce.textContent = "Time. One set counted" + sideWords(side) + ".";
        addSet(box.dataset.for, side);
        beep();
      }
    }, 1000 / timeScale());
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.counter");
    if (!button) return;
    var box = button.closest(".counters");
    var target = parseInt(box.dataset.reps, 10);
    var side = button.dataset.side;
    box.counts = box.counts || {};
    box.counts[side] = (box.counts[side] || 0) + 1;
    var readout = box.querySelector(".counter-readout");
    if (box.counts[side] >= target) {
      box.counts[side] = 0;
      addSet(box.dataset.for, side);
      readout.textContent = target + " reps" + sideWords(side) + ": one set counted.";
    } else {
      readout.textContent = box.counts[side] + " of " + target + " reps" + sideWords(side);
    }
  });

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
            if (form) form.dataset.saved = "true";
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
