// Interactive map (src/analysis/interactive_map.py): colours the areas by the chosen layer, shows the value
// of the area under the pointer or chosen in the list, and draws the legend. No network access.
(function () {
  "use strict";
  function setUp(root) {
    const data = JSON.parse(root.querySelector("[data-karte-daten]").textContent);
    const layerSelect = root.querySelector("[data-ebene]");
    const areaSelect = root.querySelector("[data-gebiet]");
    const info = root.querySelector("[data-info]");
    const legend = root.querySelector("[data-legende]");
    const shapes = {};
    root.querySelectorAll("path[data-id]").forEach(function (path) { shapes[path.dataset.id] = path; });
    let chosen = "";

    function layer() { return data.layers[Number(layerSelect.value) || 0]; }

    function describe(id) {
      if (!id) { return; }
      info.textContent = data.names[id] + ": " + layer().texts[id] + " (" + layer().title + ")";
    }

    function highlight(id) {
      Object.keys(shapes).forEach(function (key) { shapes[key].classList.toggle("gewaehlt", key === id); });
      if (id && shapes[id]) { shapes[id].parentNode.appendChild(shapes[id]); }  // drawn on top
    }

    function paint() {
      const current = layer();
      Object.keys(shapes).forEach(function (id) {
        const cls = current.classes[id];
        shapes[id].style.fill = cls === null || cls === undefined ? "#ffffff" : current.colours[cls];
        shapes[id].classList.toggle("ohne-wert", cls === null || cls === undefined);
      });
      legend.innerHTML = "";
      const title = document.createElement("p");
      title.textContent = current.title + (current.note ? " – " + current.note : "");
      legend.appendChild(title);
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

    layerSelect.addEventListener("change", paint);
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
    paint();
  }
  function start() { document.querySelectorAll("[data-karte]").forEach(setUp); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
