// Edition switcher. Every edition's pages load the city's versions.js (one level above the edition
// folders) at view time, so an old edition's files stay byte-identical and still list newer editions.
// A <script> element, unlike fetch(), also works for pages opened from disk (file://).
(function () {
  "use strict";
  var script = document.currentScript;
  var cityRoot = new URL("../../", script.src);  // <city>/<year>/_static/editions.js → <city>/

  function render(nav, data) {
    var current = Number(nav.dataset.edition);
    var page = nav.dataset.page;
    var details = document.createElement("details");
    var summary = document.createElement("summary");
    summary.textContent = "Ausgabe " + current + (current === data.latest ? " (neueste)" : "");
    details.appendChild(summary);
    var list = document.createElement("ul");
    data.editions.forEach(function (edition) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      var target = edition.pages.indexOf(page) >= 0 ? page : "index.html";
      link.href = new URL(edition.path + target, cityRoot).href;
      link.textContent = edition.year + (edition.latest ? " (neueste)" : "") + (edition.correction ? " – korrigiert" : "");
      if (edition.year === current) {
        link.setAttribute("aria-current", "page");
      }
      item.appendChild(link);
      list.appendChild(item);
    });
    details.appendChild(list);
    nav.insertBefore(details, nav.firstChild);
    if (current !== data.latest) {
      var notice = document.createElement("p");
      notice.className = "sb-editions-older";
      notice.appendChild(document.createTextNode("Sie lesen eine ältere Ausgabe. "));
      var latest = document.createElement("a");
      var newest = data.editions.filter(function (e) { return e.latest; })[0];
      latest.href = new URL(newest.path + (newest.pages.indexOf(page) >= 0 ? page : "index.html"), cityRoot).href;
      latest.textContent = "Zur neuesten Ausgabe " + data.latest;
      notice.appendChild(latest);
      nav.insertBefore(notice, details.nextSibling);
    }
  }

  function start() {
    var nav = document.querySelector(".sb-editions");
    if (!nav) {
      return;
    }
    var loader = document.createElement("script");
    loader.src = new URL("versions.js", cityRoot).href;
    loader.onload = function () {
      if (window.SOZIALBERICHT_EDITIONS) {
        render(nav, window.SOZIALBERICHT_EDITIONS);
      }
    };
    document.head.appendChild(loader);  // on failure the plain link to all editions remains
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
