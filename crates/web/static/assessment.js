// The assessment pages' small script. Everything works without it: it adds a stopwatch beside
// each hold (seconds), a 30-second countdown for counting steps, the phone's tilt sensor or a
// drawing for measuring angles, and a print button.
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

  // == h1: measuring an angle with the phone, or picking it on a drawing ==
  // The value always lands in the test's own field, which the server checks like a typed one.
  var SVG = "http://www.w3.org/2000/svg";
  function svgEl(name, attrs) {
    var el = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    return el;
  }
  function rad(deg) { return deg * Math.PI / 180; }

  // A small drawing of the limb at an angle: "rise" from level, "bend" of the knee, "lean" from upright.
  function angleDrawing(kind, limb) {
    var svg = svgEl("svg", { viewBox: "0 0 220 140", "class": "angle-drawing", role: "img" });
    var ref = svgEl("line", { "class": "angle-ref" });
    var fixed = svgEl("line", { "class": "angle-limb angle-fixed" });
    var moving = svgEl("line", { "class": "angle-limb" });
    var joint = svgEl("circle", { r: 7, "class": "angle-joint" });
    var word = svgEl("text", { "class": "angle-word" });
    word.textContent = kind === "lean" ? "upright" : kind === "bend" ? "thigh" : "level";
    // The thigh stays drawn (paler) only for a knee bend.
    (kind === "bend" ? [ref, fixed, moving, joint, word] : [ref, moving, joint, word]).forEach(function (el) { svg.appendChild(el); });
    function set(el, x1, y1, x2, y2) { el.setAttribute("x1", x1); el.setAttribute("y1", y1); el.setAttribute("x2", x2); el.setAttribute("y2", y2); }
    function draw(deg) {
      var x, y;
      if (kind === "rise") {
        set(ref, 15, 80, 210, 80);
        x = 40 + 150 * Math.cos(rad(deg)); y = 80 - 150 * Math.sin(rad(deg));
        set(moving, 40, 80, x, y); joint.setAttribute("cx", 40); joint.setAttribute("cy", 80);
        word.setAttribute("x", 150); word.setAttribute("y", deg < 0 ? 72 : 98);
      } else if (kind === "bend") {
        set(ref, 110, 40, 215, 40); set(fixed, 20, 40, 110, 40);
        x = 110 + 85 * Math.cos(rad(deg)); y = 40 + 85 * Math.sin(rad(deg));
        set(moving, 110, 40, x, y); joint.setAttribute("cx", 110); joint.setAttribute("cy", 40);
        word.setAttribute("x", 30); word.setAttribute("y", 30);
      } else {
        set(ref, 110, 130, 110, 10);
        x = 110 + 110 * Math.sin(rad(deg)); y = 130 - 110 * Math.cos(rad(deg));
        set(moving, 110, 130, x, y); joint.setAttribute("cx", 110); joint.setAttribute("cy", 130);
        word.setAttribute("x", deg < 0 ? 118 : 60); word.setAttribute("y", 20);
      }
      var from = kind === "lean" ? "upright" : kind === "bend" ? "straight" : "level";
      svg.setAttribute("aria-label", "Drawing of the " + limb + " at " + deg + "° from " + from);
    }
    return { svg: svg, draw: draw };
  }

  // The phone's tilt: with the phone flat along the limb, top towards its far end, the
  // front-to-back tilt (beta) is the limb's angle from level, whichever way the screen faces.
  function tilt(event) {
    if (event.beta === null || event.beta === undefined) return null;
    return Math.asin(Math.sin(rad(event.beta))) * 180 / Math.PI;
  }

  function angleTools(input) {
    var kind = input.dataset.angle, limb = input.dataset.angleLimb;
    var min = Number(input.dataset.angleMin), max = Number(input.dataset.angleMax);
    var label = document.querySelector("label[for='" + CSS.escape(input.id) + "']");
    var side = label ? label.textContent.replace("(°)", "").trim() : "";
    var heading = input.closest("section.test") && input.closest("section.test").querySelector("h2");
    var name = (heading ? heading.firstChild.textContent.trim() : limb) + (side && side.indexOf(" ") < 0 ? ", " + side.toLowerCase() : "");
    var box = document.createElement("div");
    box.className = "angle-tools";
    var readout = document.createElement("p");
    readout.className = "angle-readout";
    readout.setAttribute("role", "status");

    // The picker: a drawing and a slider, filling the field as it moves.
    var pick = document.createElement("button");
    pick.type = "button"; pick.className = "secondary";
    pick.textContent = "Pick on a drawing";
    pick.setAttribute("aria-expanded", "false");
    var panel = document.createElement("div");
    panel.className = "angle-picker"; panel.hidden = true;
    panel.id = input.id + "-picker";
    pick.setAttribute("aria-controls", panel.id);
    var drawing = angleDrawing(kind, limb);
    var slider = document.createElement("input");
    slider.type = "range"; slider.min = min; slider.max = max; slider.step = 1;
    slider.id = input.id + "-slider";
    var sliderLabel = document.createElement("label");
    sliderLabel.setAttribute("for", slider.id);
    sliderLabel.textContent = "Slide to match the " + limb + ": " + name;
    var shown = document.createElement("output");
    shown.setAttribute("for", slider.id);
    function fromSlider() {
      var v = Number(slider.value);
      drawing.draw(v);
      shown.textContent = v + "°";
      input.value = String(v);
    }
    slider.addEventListener("input", fromSlider);
    pick.addEventListener("click", function () {
      var open = panel.hidden;
      panel.hidden = !open;
      pick.setAttribute("aria-expanded", String(open));
      if (open) {
        var typed = Number(String(input.value).replace(",", "."));
        var start = input.value.trim() !== "" && isFinite(typed) ? Math.min(max, Math.max(min, Math.round(typed))) : Math.min(max, Math.max(min, kind === "bend" ? 90 : 0));
        slider.value = start;
        fromSlider();
        slider.focus();
      }
    });
    panel.appendChild(drawing.svg);
    panel.appendChild(sliderLabel);
    panel.appendChild(slider);
    panel.appendChild(shown);

    // The sensor: asks permission on tap (iPhone), then shows the live angle until "Use".
    if (input.dataset.angleSensor) {
      var measure = document.createElement("button");
      measure.type = "button"; measure.className = "secondary";
      measure.textContent = "Measure with the phone";
      var live = null, listening = false, heard = false;
      var onTilt = function (event) {
        var t = tilt(event);
        if (t === null) return;
        heard = true;
        var v = t;
        if (kind === "bend") {
          var thigh = document.getElementById(input.dataset.angleFrom);
          var th = thigh ? Number(String(thigh.value).replace(",", ".")) : NaN;
          if (!thigh || thigh.value.trim() === "" || !isFinite(th)) { readout.textContent = "Measure the thigh angle first: the knee bend is worked out from it."; return; }
          v = th - t;
        }
        live = Math.round(v);
        readout.textContent = "Angle now: " + live + "°. Hold still, then press “Use this angle”.";
      };
      var stop = function () {
        window.removeEventListener("deviceorientation", onTilt);
        listening = false;
        measure.textContent = "Measure with the phone";
      };
      measure.addEventListener("click", function () {
        if (listening) {
          if (live !== null) { input.value = String(live); readout.textContent = "Saved " + live + "° in the field."; }
          stop();
          return;
        }
        var begin = function () {
          listening = true; heard = false; live = null;
          measure.textContent = "Use this angle";
          readout.textContent = "Lay the phone along the " + limb + " as the instructions say.";
          window.addEventListener("deviceorientation", onTilt);
          setTimeout(function () {
            if (listening && !heard) {
              stop();
              readout.textContent = "This device has no tilt sensor we can read: pick the angle on the drawing instead.";
              if (panel.hidden) pick.click();
            }
          }, 2000);
        };
        var D = window.DeviceOrientationEvent;
        if (!D) { readout.textContent = "This browser can't read the tilt sensor: pick the angle on the drawing instead."; return; }
        if (typeof D.requestPermission === "function") {
          D.requestPermission().then(function (answer) {
            if (answer === "granted") begin();
            else readout.textContent = "The phone did not allow the tilt sensor: pick the angle on the drawing instead.";
          }).catch(function () { readout.textContent = "The phone did not allow the tilt sensor: pick the angle on the drawing instead."; });
        } else {
          begin();
        }
      });
      box.appendChild(measure);
    }
    box.appendChild(pick);
    box.appendChild(readout);
    box.appendChild(panel);
    input.insertAdjacentElement("afterend", box);
  }
  // == end h1 ==

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-angle]").forEach(angleTools);
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
