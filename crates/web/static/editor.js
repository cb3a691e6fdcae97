// The article editor's extras (the form works without them): toolbar buttons that write the
// Markdown for headings, lists, links, exercise cards, calls to action and uploaded images at
// the cursor, and a live preview rendered by the server with the public page's own renderer.
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  ready(function () {
    var form = document.getElementById("article-form");
    var body = document.getElementById("body");
    var tools = document.getElementById("editor-tools");
    var preview = document.getElementById("article-preview");
    if (!form || !body || !tools || !preview) return;
    var token = form.querySelector("input[name=csrf_token]");
    tools.hidden = false;
    var previewButton = document.getElementById("show-preview");
    if (previewButton) previewButton.hidden = true;

    // ---- Writing Markdown at the cursor ---------------------------------------------------
    function selection() {
      return { start: body.selectionStart, end: body.selectionEnd, text: body.value.slice(body.selectionStart, body.selectionEnd) };
    }

    // Replaces the selection with `text`, then selects [selectFrom, selectTo) inside it.
    function replace(text, selectFrom, selectTo) {
      var sel = selection();
      body.focus();
      body.setRangeText(text, sel.start, sel.end, "end");
      if (selectFrom !== undefined) body.setSelectionRange(sel.start + selectFrom, sel.start + selectTo);
      body.dispatchEvent(new Event("input", { bubbles: true }));
    }

    // Text that must stand on lines of its own: blank lines before and after, as needed. Selects
    // [from, to) of `text` afterwards (all of it by default).
    function block(text, from, to) {
      var sel = selection();
      var before = body.value.slice(0, sel.start);
      var after = body.value.slice(sel.end);
      var lead = before === "" || /\n\n$/.test(before) ? "" : (/\n$/.test(before) ? "\n" : "\n\n");
      var tail = after === "" || /^\n\n/.test(after) ? "\n" : (/^\n/.test(after) ? "\n" : "\n\n");
      replace(lead + text + tail, lead.length + (from || 0), lead.length + (to === undefined ? text.length : to));
    }

    // Puts `prefix` before each selected line (or before `placeholder`, selected to type over).
    function prefixLines(prefix, placeholder) {
      var sel = selection();
      var lines = (sel.text || placeholder).split("\n");
      var first = typeof prefix === "function" ? prefix(0) : prefix;
      var text = lines.map(function (line, i) {
        var mark = typeof prefix === "function" ? prefix(i) : prefix;
        return mark + line.replace(/^(#+ |[-*] |\d+\. )/, "");
      }).join("\n");
      if (sel.text) block(text);
      else block(text, first.length, text.length);
    }

    var actions = {
      heading2: function () { prefixLines("## ", "Heading"); },
      heading3: function () { prefixLines("### ", "Subheading"); },
      bullets: function () { prefixLines("- ", "List item"); },
      numbers: function () { prefixLines(function (i) { return (i + 1) + ". "; }, "List item"); },
      link: function () {
        var sel = selection();
        var text = sel.text || "link text";
        var url = "https://";
        // The address is selected, ready to type or paste over.
        replace("[" + text + "](" + url + ")", text.length + 3, text.length + 3 + url.length);
      },
      exercise: function () {
        block("{{exercise " + document.getElementById("embed-exercise").value + "}}");
      },
      cta: function () {
        block("{{cta " + document.getElementById("embed-cta").value + "}}");
      },
      image: upload
    };

    tools.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-insert]");
      if (!button) return;
      var action = actions[button.dataset.insert];
      if (action) action();
    });

    // ---- Images: uploaded, then their Markdown line written at the cursor ----------------
    function upload() {
      var file = document.getElementById("image-file");
      var alt = document.getElementById("image-alt");
      var status = document.getElementById("image-status");
      var place = tools.querySelector("[data-upload]").dataset.upload;
      if (!file.files.length) { status.textContent = "Choose an image file first."; file.focus(); return; }
      if (!alt.value.trim()) { status.textContent = "Describe the image first, for people who can't see it."; alt.focus(); return; }
      var data = new FormData();
      data.append("alt", alt.value);
      data.append("image", file.files[0]);
      status.textContent = "Uploading…";
      var where = selection();
      fetch(place, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRF-Token": token ? token.value : "" }
      }).then(function (res) {
        return res.json().then(function (json) { return { ok: res.ok, json: json }; });
      }).then(function (answer) {
        if (!answer.ok) { status.textContent = answer.json.detail || "The image could not be uploaded."; return; }
        body.setSelectionRange(where.start, where.end);
        block(answer.json.markdown);
        status.textContent = "Image uploaded and added to the article.";
        file.value = "";
        alt.value = "";
      }).catch(function () {
        status.textContent = "The image could not be uploaded: check your connection and try again.";
      });
    }

    // ---- Live preview ---------------------------------------------------------------------
    var timer = null;
    var sent = 0;
    function refresh() {
      var number = ++sent;
      var data = new URLSearchParams();
      data.append("body", body.value);
      data.append("slug", (document.getElementById("slug") || {}).value || "");
      fetch(preview.dataset.preview, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRF-Token": token ? token.value : "" }
      }).then(function (res) {
        return res.ok ? res.text() : null;
      }).then(function (html) {
        // Only the newest answer is shown; the server made this HTML safe.
        if (html !== null && number === sent) preview.innerHTML = html;
      }).catch(function () { /* offline: the preview waits for the next change */ });
    }
    body.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 300);
    });
  });
})();
