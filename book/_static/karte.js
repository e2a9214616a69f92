// Interactive map (src/analysis/report/interactive_map.py): colours the areas by the chosen layer and year,
// shows the value of the area under the pointer or chosen in the list, and draws the legend. No network access.
(function () {
  "use strict";
  function setUp(root) {
    const data = JSON.parse(root.querySelector("[data-karte-daten]").textContent);
    const layerSelect = root.querySelector("[data-ebene]");
    const yearSelect = root.querySelector("[data-jahr]");
    const areaSelect = root.querySelector("[data-gebiet]");
    const info = root.querySelector("[data-info]");
    const legend = root.querySelector("[data-legende]");
    const shapes = {};
    root.querySelectorAll("path[data-id]").forEach(function (path) { shapes[path.dataset.id] = path; });
    let chosen = "";

    function layer() { return data.layers[Number(layerSelect.value) || 0]; }
    function year() { return yearSelect.value || String(layer().years[layer().years.length - 1]); }
    function shown() { return layer().by_year[year()]; }
    function title() { return layer().title + " " + year(); }

    function offerYears() {
      // The chosen year stays when the new layer has it, else the layer's latest year.
      const before = yearSelect.value;
      yearSelect.replaceChildren();
      layer().years.slice().reverse().forEach(function (value) {
        const option = document.createElement("option");
        option.value = option.textContent = String(value);
        yearSelect.appendChild(option);
      });
      if (layer().years.indexOf(Number(before)) >= 0) { yearSelect.value = before; }
      yearSelect.disabled = layer().years.length < 2;
    }

    function describe(id) {
      if (!id) { return; }
      const text = shown().texts[id];
      info.textContent = data.names[id] + ": " + (text === undefined ? "keine Angabe" : text) + " (" + title() + ")";
    }

    function highlight(id) {
      Object.keys(shapes).forEach(function (key) { shapes[key].classList.toggle("gewaehlt", key === id); });
      if (id && shapes[id]) { shapes[id].parentNode.appendChild(shapes[id]); }  // drawn on top
    }

    function paint() {
      const current = layer();
      const values = shown();
      Object.keys(shapes).forEach(function (id) {
        const cls = values.classes[id];
        shapes[id].style.fill = cls === null || cls === undefined ? "#ffffff" : current.colours[cls];
        shapes[id].classList.toggle("ohne-wert", cls === null || cls === undefined);
      });
      legend.innerHTML = "";
      const heading = document.createElement("p");
      heading.textContent = title() + (values.note ? " – " + values.note : "");
      legend.appendChild(heading);
      const list = document.createElement("ul");
      current.legend.forEach(function (label, i) {
        const item = document.createElement("li");
        const swatch = document.createElement("span");
        swatch.className = "farbfeld";
        swatch.style.background = current.colours[i];
        item.appendChild(swatch);
        item.appendChild(document.createTextNode(label));
        list.appendChild(item);
      });
      const none = document.createElement("li");
      none.innerHTML = '<span class="farbfeld ohne-wert"></span>keine Angabe';
      list.appendChild(none);
      legend.appendChild(list);
      describe(chosen);
    }

    layerSelect.addEventListener("change", function () { offerYears(); paint(); });
    yearSelect.addEventListener("change", paint);
    areaSelect.addEventListener("change", function () {
      chosen = areaSelect.value;
      highlight(chosen);
      describe(chosen);
    });
    Object.keys(shapes).forEach(function (id) {
      shapes[id].addEventListener("mouseenter", function () { describe(id); });
      shapes[id].addEventListener("mouseleave", function () { if (chosen) { describe(chosen); } });
      shapes[id].addEventListener("click", function () {
        chosen = id;
        areaSelect.value = id;
        highlight(id);
        describe(id);
      });
    });
    offerYears();
    paint();
  }
  function start() { document.querySelectorAll("[data-karte]").forEach(setUp); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
