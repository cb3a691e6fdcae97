// Today as a guided session: set timers and rep counters with the rest between sets, "Done as
// planned", the session's back pain asked once on a slider, and progress through the list.
// Everything here is an extra: without it the forms post the planned sets and the typed pain.
(function () {
  // Tests may speed timers up (seconds are divided by this); people never set it.
  function timeScale() {
    var s = parseFloat(window.localStorage.getItem("bs-timer-scale") || "1");
    return s > 0 ? s : 1;
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
  function fieldName(side) { return side === "both" ? "sets" : "sets_" + side; }

  // Sets counted by the timers and counters, per form and side.
  var counted = {};
  function countSet(formId, side) {
    counted[formId] = counted[formId] || {};
    counted[formId][side] = (counted[formId][side] || 0) + 1;
    var form = document.getElementById(formId);
    var input = form && form.querySelector('[name="' + fieldName(side) + '"]');
    var planned = input ? parseInt(input.dataset.planned, 10) || 0 : 0;
    if (input) input.value = String(counted[formId][side]);
    return { done: counted[formId][side], planned: planned };
  }

  function setsWords(side, tally) {
    return tally.done + " of " + tally.planned + " sets done" + sideWords(side) + ": one set counted.";
  }

  // Runs `seconds` of countdown in `box`, showing `label`; calls `done` at zero. A box runs
  // one countdown at a time.
  function countdown(box, seconds, label, done) {
    var readout = box.querySelector(".timer-readout");
    var left = seconds;
    readout.textContent = label + ": " + left + " s";
    box.running = window.setInterval(function () {
      left -= 1;
      readout.textContent = label + ": " + left + " s";
      if (left <= 0) { stop(box); done(); }
    }, 1000 / timeScale());
  }
  function stop(box) {
    if (box.running) window.clearInterval(box.running);
    box.running = null;
  }

  // The rest between sets, skippable.
  function rest(box, after) {
    var seconds = parseInt(box.dataset.rest, 10) || 0;
    var skip = box.querySelector(".skip-rest");
    var buttons = box.querySelectorAll("button.timer, button.counter");
    function end() {
      stop(box);
      if (skip) skip.hidden = true;
      buttons.forEach(function (b) { b.disabled = false; });
      box.querySelector(".timer-readout").textContent = "Ready for the next set.";
      if (after) after();
    }
    if (seconds <= 0) { end(); return; }
    buttons.forEach(function (b) { b.disabled = true; });
    if (skip) { skip.hidden = false; skip.onclick = end; }
    countdown(box, seconds, "Rest", end);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.timer");
    if (!button) return;
    var box = button.closest(".timers");
    var seconds = parseInt(box.dataset.timer, 10);
    var announce = box.querySelector(".timer-announce");
    var side = button.dataset.side;
    if (box.running) { // a second press stops early, without counting the set
      stop(box);
      box.querySelector(".timer-readout").textContent = "Stopped.";
      box.querySelectorAll("button.timer").forEach(function (b) { b.disabled = false; });
      button.textContent = button.dataset.label;
      return;
    }
    button.dataset.label = button.dataset.label || button.textContent;
    box.querySelectorAll("button.timer").forEach(function (b) { if (b !== button) b.disabled = true; });
    button.textContent = "Stop";
    announce.textContent = "Timer started" + sideWords(side) + ": " + seconds + " seconds.";
    countdown(box, seconds, "Hold" + sideWords(side), function () {
      button.textContent = button.dataset.label;
      var tally = countSet(box.dataset.for, side);
      box.querySelector(".sets-readout").textContent = setsWords(side, tally);
      announce.textContent = "Time. One set counted" + sideWords(side) + ". Rest now.";
      beep();
      rest(box, function () { announce.textContent = "Rest over."; });
    });
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
      var tally = countSet(box.dataset.for, side);
      readout.textContent = target + " reps" + sideWords(side) + ": one set counted.";
      box.querySelector(".sets-readout").textContent = setsWords(side, tally);
      rest(box, null);
    } else {
      readout.textContent = box.counts[side] + " of " + target + " reps" + sideWords(side);
    }
  });

  // "Done as planned": the sets the timers and counters counted, else the plan.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-as-planned]");
    if (!button) return;
    var form = button.form;
    var mine = counted[form.id] || {};
    var any = Object.keys(mine).length > 0;
    form.querySelectorAll("input[data-planned]").forEach(function (input) {
      var side = input.name === "sets" ? "both" : input.name.replace("sets_", "");
      input.value = String(any ? (mine[side] || 0) : input.dataset.planned);
    });
  });

  // The session's back pain: one slider, copied into every exercise's form.
  var slider = document.getElementById("session-pain");
  var output = document.getElementById("session-pain-output");
  function painWords(v) {
    var words = v === 0 ? "no pain" : v <= 2 ? "mild" : v <= 5 ? "moderate" : "severe";
    return v + "/10 (" + words + ")";
  }
  function setPain() {
    slider.dataset.set = "true";
    var v = parseInt(slider.value, 10);
    output.textContent = painWords(v);
    slider.setAttribute("aria-valuetext", painWords(v));
    document.querySelectorAll("[data-session-pain]").forEach(function (i) { i.value = String(v); });
    var field = document.getElementById("session-pain-field");
    field.classList.remove("has-error");
    var err = document.getElementById("session-pain-js-error");
    if (err) err.remove();
  }
  if (slider) {
    slider.addEventListener("input", setPain);
    slider.addEventListener("change", setPain);
    // Touching the slider at its current value (0, say) counts as an answer too.
    slider.addEventListener("keydown", function (e) {
      if (["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown", " ", "Enter"].indexOf(e.key) >= 0) {
        window.setTimeout(setPain, 0);
      }
    });
    slider.addEventListener("pointerup", setPain);
    if (slider.dataset.set === "true") setPain();
  }

  // Before the offline queue takes a session (capture: this runs first), make sure the pain
  // was given; else say so by the slider and keep everything as it is.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var hidden = form.querySelector && form.querySelector("[data-session-pain]");
    if (!hidden || !slider || hidden.value !== "") return;
    event.preventDefault();
    event.stopImmediatePropagation();
    var field = document.getElementById("session-pain-field");
    field.classList.add("has-error");
    if (!document.getElementById("session-pain-js-error")) {
      var p = document.createElement("p");
      p.className = "error"; p.id = "session-pain-js-error";
      p.textContent = "Say how your back felt during this session: move the slider from 0 (no pain) to 10.";
      field.insertBefore(p, field.querySelector(".slider"));
      slider.setAttribute("aria-describedby", "session-pain-js-error session-pain-hint");
    }
    slider.focus();
    field.scrollIntoView({ block: "center" });
  }, true);

  // Progress through today's list, once an exercise is saved.
  document.addEventListener("bs:saved", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("guided-log")) return;
    var card = form.closest(".guided-card");
    if (!card || card.classList.contains("is-done")) return;
    card.classList.add("is-done");
    var details = card.querySelector("details.how-to");
    if (details) details.open = false;
    var progress = document.getElementById("session-progress");
    if (!progress || card.dataset.planned !== "true") return;
    var done = (parseInt(progress.dataset.done, 10) || 0) + 1;
    var planned = parseInt(progress.dataset.planned, 10) || 0;
    progress.dataset.done = String(done);
    progress.querySelector("strong").textContent = done + " of " + planned + " done";
    progress.querySelector("progress").value = done;
  });
})();
