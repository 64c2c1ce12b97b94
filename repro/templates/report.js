// The summary table: sort by a column (click its header), filter by paper, task, verdict and kind,
// and search its text. Runs from a file:// URL; without scripts the table is simply unsorted and whole.
(function () {
  "use strict";
  var table = document.getElementById("summary");
  if (!table || !table.tBodies.length) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var bar = document.getElementById("summary-filters");
  var filters = Array.prototype.slice.call(document.querySelectorAll("#summary-filters select[data-filter]"));
  var search = document.getElementById("summary-search");
  var count = document.getElementById("summary-count");
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);

  function matches(row) {
    var ok = filters.every(function (select) {
      if (!select.value) { return true; }
      var values = (row.getAttribute("data-" + select.getAttribute("data-filter")) || "").split("|");
      return values.indexOf(select.value) >= 0;
    });
    var query = search ? search.value.trim().toLowerCase() : "";
    return ok && (!query || row.textContent.toLowerCase().indexOf(query) >= 0);
  }

  function apply() {
    var shown = 0;
    rows.forEach(function (row) {
      var keep = matches(row);
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    if (count) { count.textContent = shown + " of " + rows.length + " rows shown"; }
  }

  function sortKey(row, index, position) {
    var cell = row.cells[index];
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
    var number = raw === "" ? NaN : Number(raw);
    return { row: row, position: position, text: raw.toLowerCase(), number: number };
  }

  function sortBy(header, index) {
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var keyed = rows.map(function (row, position) { return sortKey(row, index, position); });
    keyed.sort(function (a, b) {
      var aNumber = !isNaN(a.number), bNumber = !isNaN(b.number);
      var blankA = a.text === "" || a.text === "\u2013", blankB = b.text === "" || b.text === "\u2013";
      if (blankA !== blankB) { return blankA ? 1 : -1; }  // empty cells last, either way
      var order;
      if (aNumber && bNumber) { order = a.number - b.number; }
      else if (aNumber !== bNumber) { order = aNumber ? -1 : 1; }
      else { order = a.text < b.text ? -1 : (a.text > b.text ? 1 : 0); }
      if (order === 0) { return a.position - b.position; }
      return ascending ? order : -order;
    });
    keyed.forEach(function (k) { body.appendChild(k.row); });
  }

  headers.forEach(function (header, index) {
    var button = header.querySelector("button");
    if (button) { button.addEventListener("click", function () { sortBy(header, index); }); }
  });
  filters.forEach(function (select) { select.addEventListener("change", apply); });
  if (search) { search.addEventListener("input", apply); }
  var reset = document.getElementById("summary-reset");
  if (reset) {
    reset.addEventListener("click", function () {
      filters.forEach(function (select) { select.value = ""; });
      if (search) { search.value = ""; }
      headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
      rows.forEach(function (row) { body.appendChild(row); });
      apply();
    });
  }
  if (bar) { bar.hidden = false; }
  apply();
}());
