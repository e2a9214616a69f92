// "Gebiete vergleichen" (src/analysis/report/comparison.py): fills the table for the areas chosen in the
// select boxes from the published values in the page's JSON block. No network access; the choice is kept
// in the address (#vergleich=id1,id2) so that a comparison can be linked.
(function () {
  "use strict";
  function cell(tag, text, className) {
    const element = document.createElement(tag);
    element.textContent = text;
    if (className) { element.className = className; }
    return element;
  }

  function setUp(root) {
    const data = JSON.parse(root.querySelector("[data-vergleich-daten]").textContent);
    const selects = Array.from(root.querySelectorAll("[data-vergleich-wahl]"));
    const place = root.querySelector("[data-vergleich-tabelle]");
    const info = root.querySelector("[data-vergleich-info]");

    function chosen() {
      return selects.map(function (select) { return select.value; })
        .filter(function (id, i, all) { return id && all.indexOf(id) === i; });
    }

    function fromAddress() {
      const match = /vergleich=([^&]*)/.exec(window.location.hash);
      if (!match) { return; }
      const ids = decodeURIComponent(match[1]).split(",");
      selects.forEach(function (select, i) {
        const id = ids[i] || "";
        if (id === "" || data.names[id] !== undefined) { select.value = id; }
      });
    }

    function render(event) {
      const ids = chosen();
      const table = document.createElement("table");
      table.className = "table sozialbericht vergleichstabelle";
      const head = table.createTHead().insertRow();
      head.appendChild(cell("th", "Indikator"));
      head.lastChild.scope = "col";
      ids.forEach(function (id) { head.appendChild(cell("th", data.names[id])); head.lastChild.scope = "col"; });
      head.appendChild(cell("th", data.city));
      head.lastChild.scope = "col";
      const body = table.createTBody();
      let field = null;
      data.rows.forEach(function (row) {
        if (row.field !== field) {
          field = row.field;
          const heading = body.insertRow();
          heading.className = "vergleich-feld";
          const th = cell("th", field);
          th.colSpan = ids.length + 2;
          th.scope = "colgroup";
          heading.appendChild(th);
        }
        const line = body.insertRow();
        const name = cell("th", row.title + " (" + row.unit + ", " + row.year + ")");
        name.scope = "row";
        name.title = row.definition;
        line.appendChild(name);
        ids.forEach(function (id) {
          const td = cell("td", row.values[id] === undefined ? "–" : row.values[id]);
          const rank = row.ranks[id];
          if (rank) { td.appendChild(cell("span", rank, "vergleich-rang")); }
          line.appendChild(td);
        });
        line.appendChild(cell("td", row.city));
      });
      place.replaceChildren(table);
      info.textContent = ids.length
        ? "Verglichen: " + ids.map(function (id) { return data.names[id]; }).join(", ") + " und die Gesamtstadt."
        : "Wählen Sie oben ein bis drei Gebiete.";
      if (event && window.history && window.history.replaceState) {  // the reader's choice, not the default
        window.history.replaceState(null, "", "#vergleich=" + encodeURIComponent(ids.join(",")));
      }
    }

    fromAddress();
    selects.forEach(function (select) { select.addEventListener("change", render); });
    render();
  }
  function start() { document.querySelectorAll("[data-vergleich]").forEach(setUp); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
