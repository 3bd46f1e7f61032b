// Debrief's small enhancements. Every page works without them.
"use strict";
(function () {
  // Print button of a report.
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });

  // Follow-ups: a status is saved as soon as it is chosen.
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (s) {
    s.addEventListener("change", function () { s.form.requestSubmit(); });
  });

  // Editor rows: add, remove and move timeline rows and action items in
  // the page, without a round trip. Field names repeat, so order is all
  // the server needs.
  var seq = 0;
  function renumber(tbody) {
    Array.prototype.forEach.call(tbody.rows, function (tr, i) {
      tr.querySelectorAll("button[name=op]").forEach(function (b) {
        var parts = b.value.split(":");
        b.value = parts[0] + ":" + parts[1] + ":" + i;
      });
      // A checkbox is sent only when checked, so its value is its row.
      tr.querySelectorAll("input[type=checkbox]").forEach(function (c) { c.value = String(i); });
    });
  }
  document.querySelectorAll("table[data-rows]").forEach(function (table) {
    var kind = table.getAttribute("data-rows");
    var tbody = table.tBodies[0];
    table.addEventListener("click", function (e) {
      var b = e.target.closest("button[name=op]");
      if (!b) { return; }
      var tr = b.closest("tr");
      var op = b.value.split(":")[0];
      e.preventDefault();
      if (op === "remove") { tr.remove(); }
      if (op === "up" && tr.previousElementSibling) { tbody.insertBefore(tr, tr.previousElementSibling); }
      if (op === "down" && tr.nextElementSibling) { tbody.insertBefore(tr.nextElementSibling, tr); }
      renumber(tbody);
      b.focus();
    });
    var add = document.querySelector("button[value='add:" + kind + "']");
    if (!add) { return; }
    add.addEventListener("click", function (e) {
      var last = tbody.rows[tbody.rows.length - 1];
      if (!last) { return; } // the server adds the first row
      e.preventDefault();
      var row = last.cloneNode(true);
      seq++;
      row.querySelectorAll("input, select").forEach(function (f) {
        if (f.type === "checkbox") { f.checked = false; } else { f.value = ""; }
        f.id = f.id.replace(/-\d+(-new\d+)?$/, "") + "-new" + seq;
      });
      row.querySelectorAll("label").forEach(function (l) {
        var f = l.parentNode.querySelector("input, select");
        if (f) { l.htmlFor = f.id; }
      });
      row.querySelectorAll("select").forEach(function (s) { s.selectedIndex = 0; });
      tbody.appendChild(row);
      renumber(tbody);
      var first = row.querySelector("input, select");
      if (first) { first.focus(); }
    });
  });

  // Markdown mode: lint findings beside the text while it is typed.
  var md = document.querySelector("textarea[data-lint]");
  var out = document.getElementById("live-lint");
  if (md && out) {
    var timer = 0;
    md.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var body = new URLSearchParams();
        body.set("markdown", md.value);
        fetch(md.getAttribute("data-lint"), { method: "POST", body: body, credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (res) {
            if (!res) { return; }
            out.textContent = "";
            if (res.findings.length === 0) {
              var li = document.createElement("li");
              li.textContent = "No finding.";
              out.appendChild(li);
            }
            res.findings.forEach(function (f) {
              var li = document.createElement("li");
              li.className = f.severity;
              li.textContent = "line " + f.line + ": " + f.message + " (" + f.rule + ")";
              out.appendChild(li);
            });
          });
      }, 400);
    });
  }
})();
