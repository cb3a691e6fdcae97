// The assessment pages' small script. Everything works without it: it adds a stopwatch beside
// each hold (seconds), a 30-second countdown for counting steps, and a print button.
(function () {
  "use strict";

  function say(region, text) { region.textContent = text; }

  // A stopwatch: a short get-ready countdown, then seconds counting up until "Stop" writes the
  // time into the field.
  function stopwatch(input, button, readout) {
    var started = null, tick = null, ready = null;
    function reset() { clearInterval(tick); clearInterval(ready); tick = ready = null; started = null; }
    button.addEventListener("click", function () {
      if (ready !== null) { reset(); button.textContent = "Start timer"; say(readout, ""); return; }
      if (started !== null) {
        var seconds = Math.round((Date.now() - started) / 100) / 10;
        reset();
        input.value = String(Math.round(seconds));
        button.textContent = "Start again";
        say(readout, "Stopped at " + input.value + " seconds. The time is filled in.");
        return;
      }
      var left = 3;
      button.textContent = "Cancel";
      say(readout, "Get ready: " + left);
      ready = setInterval(function () {
        left -= 1;
        if (left > 0) { say(readout, "Get ready: " + left); return; }
        clearInterval(ready); ready = null;
        started = Date.now();
        button.textContent = "Stop";
        say(readout, "Go! 0 s");
        tick = setInterval(function () {
          readout.textContent = Math.floor((Date.now() - started) / 1000) + " s";
        }, 250);
      }, 1000);
    });
  }

  // A 30-second countdown: count every foot landing, then type the number.
  function countdown(input, button, readout) {
    var tick = null;
    button.addEventListener("click", function () {
      if (tick !== null) { clearInterval(tick); tick = null; button.textContent = "Start 30 s"; say(readout, ""); return; }
      var end = Date.now() + 30000;
      button.textContent = "Cancel";
      say(readout, "Count now: 30 s left");
      tick = setInterval(function () {
        var left = Math.ceil((end - Date.now()) / 1000);
        if (left > 0) { readout.textContent = left + " s left"; return; }
        clearInterval(tick); tick = null;
        button.textContent = "Start 30 s";
        say(readout, "Time! Type the number of steps you counted.");
        input.focus();
      }, 250);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-timer]").forEach(function (input) {
      var box = document.createElement("div");
      box.className = "timer";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      var label = document.querySelector("label[for='" + CSS.escape(input.id) + "']");
      var name = label ? label.textContent : "";
      var readout = document.createElement("span");
      readout.className = "timer-readout";
      readout.setAttribute("role", "status");
      if (input.dataset.timer === "countdown") {
        button.textContent = "Start 30 s";
        countdown(input, button, readout);
      } else {
        button.textContent = "Start timer";
        stopwatch(input, button, readout);
      }
      if (name) button.setAttribute("title", "Timer for: " + name);
      box.appendChild(button);
      box.appendChild(readout);
      input.insertAdjacentElement("afterend", box);
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
