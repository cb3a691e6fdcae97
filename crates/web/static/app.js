// Backstride's own small script. Pages work without it; it only adds conveniences.
// Focus the error summary after a failed form submission so screen readers announce it.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});
