// Booking page: show times in the visitor's own time zone, and switch the shown day without a
// reload when the date picker (or a "days with free times" link) changes. Without this script
// the page shows the clinic's zone (or the one in the address), and the day picker and links
// load the chosen day's times instead.
document.addEventListener("DOMContentLoaded", function () {
  var picker = document.querySelector("[data-tz-picker]");
  if (!picker) return;

  var dayInput = picker.querySelector("[data-day-picker]");
  var days = Array.prototype.slice.call(document.querySelectorAll("fieldset.slots[data-day]"));
  var empty = document.querySelector("[data-no-times]");
  var emptyText = empty ? empty.textContent : "";
  function showDay(day) {
    var found = false;
    days.forEach(function (set) {
      var on = set.getAttribute("data-day") === day;
      set.hidden = !on;
      if (on) {
        found = true;
      } else {
        // A time picked on another day is not sent by mistake.
        Array.prototype.forEach.call(set.querySelectorAll("input[type=radio]"), function (r) { r.checked = false; });
      }
    });
    Array.prototype.forEach.call(document.querySelectorAll(".day-links a[data-day]"), function (a) {
      if (a.getAttribute("data-day") === day) a.setAttribute("aria-current", "date"); else a.removeAttribute("aria-current");
    });
    if (empty) {
      empty.hidden = found;
      var closed = document.querySelector("template[data-closed='" + day + "']");
      empty.textContent = closed ? closed.innerHTML + " Pick another day." : (day === dayInput.defaultValue ? emptyText : "No free times on that day. Pick another day.");
    }
  }
  if (dayInput && days.length) {
    dayInput.addEventListener("change", function () { if (dayInput.value) showDay(dayInput.value); });
    Array.prototype.forEach.call(document.querySelectorAll(".day-links a[data-day]"), function (a) {
      a.addEventListener("click", function (e) {
        e.preventDefault();
        dayInput.value = a.getAttribute("data-day");
        showDay(dayInput.value);
        var first = document.querySelector("fieldset.slots:not([hidden]) input[type=radio]");
        if (first) first.focus();
      });
    });
  }

  var params = new URLSearchParams(window.location.search);
  if (params.has("tz")) return;
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  var select = picker.querySelector("select[name=tz]");
  if (!zone || !select || select.value === zone) return;
  var known = Array.prototype.some.call(select.options, function (o) { return o.value === zone; });
  if (!known) return;
  params.set("tz", zone);
  window.location.replace(window.location.pathname + "?" + params.toString());
});
