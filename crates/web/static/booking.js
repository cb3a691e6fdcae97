// Booking page: show times in the visitor's own time zone. Without this script the page shows
// the clinic's zone (or the one in the address) and the picker still works.
document.addEventListener("DOMContentLoaded", function () {
  var picker = document.querySelector("[data-tz-picker]");
  if (!picker) return;
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
