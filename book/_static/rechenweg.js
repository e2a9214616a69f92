// "Rechenweg anzeigen": one switch per page shows or hides every code cell (tag `rechenweg`, set by the
// build). Readers see text, tables and charts; reviewers turn the switch on once and it stays on, on every
// page of every edition, until they turn it off (localStorage).
(function () {
  const KEY = "sozialbericht-rechenweg";
  const root = document.documentElement;
  let stored = null;
  try { stored = localStorage.getItem(KEY); } catch (error) { /* storage blocked: the switch still works */ }
  root.classList.toggle("rechenweg-an", stored === "an");

  function label(on) { return on ? "Rechenweg verbergen" : "Rechenweg anzeigen"; }

  document.addEventListener("DOMContentLoaded", function () {
    if (!document.querySelector(".cell.tag_rechenweg")) return;   // a page without code needs no switch
    const place = document.querySelector(".article-header-buttons");
    if (!place) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm rechenweg-schalter";
    const on = root.classList.contains("rechenweg-an");
    button.setAttribute("aria-pressed", String(on));
    button.textContent = label(on);
    button.addEventListener("click", function () {
      const now = !root.classList.contains("rechenweg-an");
      root.classList.toggle("rechenweg-an", now);
      button.setAttribute("aria-pressed", String(now));
      button.textContent = label(now);
      try { localStorage.setItem(KEY, now ? "an" : "aus"); } catch (error) { /* not remembered */ }
    });
    place.prepend(button);
  });
})();
