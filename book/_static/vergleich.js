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
      drawDevelopment(ids);
      info.textContent = ids.length
        ? "Verglichen: " + ids.map(function (id) { return data.names[id]; }).join(", ") + " und die Gesamtstadt."
        : "Wählen Sie oben ein bis drei Gebiete.";
      if (event && window.history && window.history.replaceState) {  // the reader's choice, not the default
        window.history.replaceState(null, "", "#vergleich=" + encodeURIComponent(ids.join(",")));
      }
    }

    const growth = root.querySelector("[data-vergleich-entwicklung]");
    const SVG = "http://www.w3.org/2000/svg";
    const COLOURS = ["#2166ac", "#b2182b", "#1b7837"];
    const W = 640, H = 260, LEFT = 48, RIGHT = 12, TOP = 12, BOTTOM = 28;

    function svg(tag, attributes) {
      const element = document.createElementNS(SVG, tag);
      Object.keys(attributes).forEach(function (name) { element.setAttribute(name, attributes[name]); });
      return element;
    }

    // A value of the development as the report writes it (German digits, unit; "." withheld, "–" missing).
    function valueText(d, line, i) {
      const value = line.values[i];
      if (value === null) { return (line.withheld || []).indexOf(d.years[i]) >= 0 ? d.withheld_text : "–"; }
      return value.toLocaleString("de-DE", {minimumFractionDigits: d.decimals, maximumFractionDigits: d.decimals})
        + d.unit;
    }

    // One line per area over the years; the estimated years (before an area change) dotted with open points.
    function drawDevelopment(ids) {
      const d = data.development;
      if (!d || d.years.length < 2) { growth.replaceChildren(); return; }
      const lines = ids.map(function (id, i) {
        return {name: data.names[id], line: d.areas[id], colour: COLOURS[i % COLOURS.length], dash: ""};
      }).concat([{name: data.city, line: d.city, colour: "#4d4d4d", dash: "6 4"}]);
      const all = [];
      lines.forEach(function (l) { l.line.values.forEach(function (v) { if (v !== null) { all.push(v); } }); });
      if (!all.length) { growth.replaceChildren(); return; }
      let low = Math.min.apply(null, all), high = Math.max.apply(null, all);
      if (low === high) { low -= 1; high += 1; }
      const x = function (i) { return LEFT + i * (W - LEFT - RIGHT) / (d.years.length - 1); };
      const y = function (v) { return TOP + (high - v) * (H - TOP - BOTTOM) / (high - low); };
      const chart = svg("svg", {viewBox: "0 0 " + W + " " + H, role: "img", class: "vergleich-grafik"});
      const described = lines.map(function (l) {
        const first = l.line.values.findIndex(function (v) { return v !== null; });
        const last = l.line.values.length - 1 - l.line.values.slice().reverse().findIndex(function (v) { return v !== null; });
        return first < 0 ? l.name + ": keine Werte" :
          l.name + " von " + valueText(d, l.line, first) + " (" + d.years[first] + ") auf " + valueText(d, l.line, last)
          + " (" + d.years[last] + ")";
      });
      chart.setAttribute("aria-label", "Liniendiagramm " + d.title + ": " + described.join("; ") + ".");
      [low, (low + high) / 2, high].forEach(function (v) {
        chart.appendChild(svg("line", {x1: LEFT, x2: W - RIGHT, y1: y(v), y2: y(v), stroke: "#dddddd"}));
        const label = svg("text", {x: LEFT - 6, y: y(v) + 4, "text-anchor": "end", "font-size": 11});
        label.textContent = v.toLocaleString("de-DE", {maximumFractionDigits: 1});
        chart.appendChild(label);
      });
      d.years.forEach(function (year, i) {
        if (d.years.length > 6 && (d.years.length - 1 - i) % 2 === 1) { return; }   // every second year, the last included
        const label = svg("text", {x: x(i), y: H - 8, "text-anchor": "middle", "font-size": 11});
        label.textContent = year;
        chart.appendChild(label);
      });
      lines.forEach(function (l) {
        const estimated = function (i) { return (l.line.estimated || []).indexOf(d.years[i]) >= 0; };
        for (let i = 1; i < d.years.length; i += 1) {
          const a = l.line.values[i - 1], b = l.line.values[i];
          if (a === null || b === null) { continue; }
          chart.appendChild(svg("line", {x1: x(i - 1), y1: y(a), x2: x(i), y2: y(b), stroke: l.colour,
            "stroke-width": 2, "stroke-dasharray": estimated(i - 1) ? "2 3" : l.dash}));
        }
        l.line.values.forEach(function (v, i) {
          if (v === null) { return; }
          chart.appendChild(svg("circle", {cx: x(i), cy: y(v), r: 3, stroke: l.colour, "stroke-width": 1.5,
            fill: estimated(i) ? "#ffffff" : l.colour}));
        });
      });
      const heading = cell("p", "Entwicklung: " + d.title, "vergleich-entwicklung-titel");
      const legend = cell("p", lines.map(function (l) { return l.name; }).join(" · "), "vergleich-legende");
      const table = document.createElement("table");
      table.className = "table";
      const head = table.createTHead().insertRow();
      head.appendChild(cell("th", "Jahr"));
      head.lastChild.scope = "col";
      lines.forEach(function (l) { head.appendChild(cell("th", l.name)); head.lastChild.scope = "col"; });
      const body = table.createTBody();
      d.years.forEach(function (year, i) {
        const row = body.insertRow();
        row.appendChild(cell("th", String(year)));
        row.lastChild.scope = "row";
        lines.forEach(function (l) {
          const mark = (l.line.estimated || []).indexOf(year) >= 0 && l.line.values[i] !== null ? "\u202fs" : "";
          row.appendChild(cell("td", valueText(d, l.line, i) + mark));
        });
      });
      const details = document.createElement("details");
      details.appendChild(cell("summary", "Daten der Grafik als Tabelle"));
      const scroll = cell("div", "", "tabelle-rollbar");
      scroll.tabIndex = 0;
      scroll.setAttribute("role", "region");
      scroll.setAttribute("aria-label", "Entwicklung als Tabelle");
      scroll.appendChild(table);
      details.appendChild(scroll);
      const anyEstimate = lines.some(function (l) { return (l.line.estimated || []).length > 0; });
      const note = anyEstimate ? [cell("p", "Gepunktet, offene Punkte: " + d.estimate_note, "vergleich-hinweis")] : [];
      growth.replaceChildren.apply(growth, [heading, chart, legend].concat(note, [details]));
      legend.replaceChildren();
      lines.forEach(function (l, i) {
        const swatch = cell("span", "", "vergleich-farbe");
        swatch.style.borderTop = "3px " + (l.dash ? "dashed " : "solid ") + l.colour;
        legend.appendChild(swatch);
        legend.appendChild(document.createTextNode(" " + l.name + (i < lines.length - 1 ? "   " : "")));
      });
    }

    fromAddress();
    selects.forEach(function (select) { select.addEventListener("change", render); });
    render();
  }
  function start() { document.querySelectorAll("[data-vergleich]").forEach(setUp); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
