"""An interactive map that works offline: the areas as inline SVG on a plain background (no tiles), the
index and the main indicators as layers, each indicator in every year of the edition on the same class
breaks, and a small script served from the site (_static/karte.js).

Keyboard and screen-reader use go through three select boxes (layer, year and area) and a live region that
reads out the chosen area's value; the mouse can hover or click the polygons as well."""
from __future__ import annotations

import html
import json
from dataclasses import dataclass

import pandas as pd
import shapely
from matplotlib.colors import to_hex

from analysis.compute.edition import Edition
from analysis.pack.model import CITY_AREA_ID
from analysis.report import charts
from analysis.report.figures import STATUS_COLOURS, fixed_bins, lead_indicator, map_areas, published_text
from analysis.social_index.classes import STATUS_CLASSES
from analysis.text import SUPPRESSED, format_value

WIDTH = 1000            # SVG user units across; the height follows the areas' shape
LAYERS_MAX = 6          # the index plus at most five indicators, so the switch stays short
MISSING_COLOUR = "#ffffff"
MARGIN_SHARE = 0.01     # around the areas, of their width


@dataclass
class InteractiveMap:
    html: str

    def _repr_html_(self) -> str:
        return self.html


def _paths(edition: Edition) -> tuple[dict[str, str], float]:
    """SVG path data per area in a metric projection, simplified to about a pixel, in whole units."""
    areas = map_areas(edition)   # polygons, or a circle per area given as a point
    if areas.crs is not None and areas.crs.is_geographic:
        areas = areas.to_crs(areas.estimate_utm_crs())
    minx, miny, maxx, maxy = areas.total_bounds
    margin = (maxx - minx) * MARGIN_SHARE   # outlines and circles at the edge stay whole
    minx, miny, maxx, maxy = minx - margin, miny - margin, maxx + margin, maxy + margin
    scale = WIDTH / (maxx - minx)
    height = (maxy - miny) * scale
    paths = {}
    for area_id, geometry in areas.geometry.items():
        shape = shapely.transform(geometry, lambda xy: (xy - [minx, maxy]) * [scale, -scale])
        shape = shape.simplify(0.6, preserve_topology=True)
        polygons = getattr(shape, "geoms", [shape])
        parts = []
        for polygon in polygons:
            for ring in [polygon.exterior, *polygon.interiors]:
                points = [f"{x:.0f} {y:.0f}" for x, y in ring.coords[:-1]]
                parts.append("M" + "L".join(points) + "Z")
        paths[area_id] = "".join(parts)
    return paths, height


def _indicator_year(edition: Edition, indicator_id: str, year: int, edges: list[float]) -> dict:
    indicator = edition.indicator(indicator_id)
    spoken = {SUPPRESSED: "aus Datenschutzgründen nicht veröffentlicht", "–": "keine Angabe"}
    values, texts = {}, {}
    for area_id, value in edition.area_values(indicator_id, year).items():
        text = published_text(edition, indicator_id, year, area_id)
        estimated = text not in spoken and year in edition.estimated_years(indicator_id, area_id)
        texts[area_id] = spoken.get(text, text) + (" (geschätzt)" if estimated else "")
        values[area_id] = None if pd.isna(value) else charts.class_of(value, edges)
    city = edition.value(indicator_id, CITY_AREA_ID, year)
    notes = [f"Gesamtstadt: {format_value(city, indicator)}"] if not pd.isna(city) else []
    if edition.before_area_change(year):
        notes.append(f"Werte vor {edition.area_change.first_year} auf die heutigen Gebiete umgerechnet; "
                     "wo ein Gebiet nicht aus ganzen früheren besteht, geschätzt")
    return {"classes": values, "texts": texts, "note": " · ".join(notes)}


def _indicator_layer(edition: Edition, indicator_id: str) -> dict:
    """Every year of the indicator, coloured by the same class breaks (fixed_bins), so years compare."""
    indicator = edition.indicator(indicator_id)
    edges = fixed_bins(edition, indicator_id)
    rows = edition.indicators[(edition.indicators["indicator"] == indicator_id)
                              & (edition.indicators["area_id"] != CITY_AREA_ID)]
    years = sorted(int(y) for y in rows.loc[rows["value"].notna(), "year"].unique())
    return {"title": indicator.short_title, "years": years,
            "by_year": {str(y): _indicator_year(edition, indicator_id, y, edges) for y in years},
            "colours": [to_hex(c) for c in charts.class_colours(indicator, len(edges) - 1)],
            "legend": charts.bin_labels(edges, indicator.decimals)}


def _status_layer(edition: Edition) -> dict:
    index = edition.social_index
    order = list(STATUS_CLASSES)
    classes, texts = {}, {}
    for area_id in edition.pack.area_ids:
        label = index.table["status_class"].get(area_id)
        known = isinstance(label, str) and label in order
        classes[area_id] = order.index(label) if known else None
        texts[area_id] = f"Status {label}" if known else "nicht im Index"
    return {"title": "Sozialindex: Statusklasse", "years": [index.year],
            "by_year": {str(index.year): {"classes": classes, "texts": texts,
                                          "note": "dunkler = ungünstigere soziale Lage"}},
            "colours": STATUS_COLOURS, "legend": order}


def layers(edition: Edition) -> list[dict]:
    result = []
    if edition.social_index is not None:
        result.append(_status_layer(edition))
    wanted = [lead_indicator(edition), *(edition.social_index.status if edition.social_index else [])]
    for indicator_id in dict.fromkeys(wanted):
        if len(result) < LAYERS_MAX and edition.has(indicator_id) and edition.indicator(indicator_id).kind != "count":
            result.append(_indicator_layer(edition, indicator_id))
    return result


def _symbol_note(areas) -> str:
    """For areas given as points: what a circle means and which areas have no location."""
    if not areas.attrs.get("symbols"):
        return ""
    unlocated = areas.attrs.get("unlocated", [])
    missing = f" Ohne Lage in den Daten, daher nicht in der Karte: {', '.join(unlocated)}." if unlocated else ""
    meaning = " ".join(charts.POINTS_LABEL.split())
    return f'\n  <p class="karte-hinweis">{html.escape(meaning)}.{html.escape(missing)}</p>'



def interactive_map(edition: Edition, key: str = "karte") -> InteractiveMap:
    """The map as an HTML block; `key` keeps element ids unique if a page has two."""
    paths, height = _paths(edition)
    areas_shown = map_areas(edition)
    names = {a: edition.area_name(a) for a in edition.pack.area_ids}
    data = {"names": names, "layers": layers(edition)}
    shapes = "".join(f'<path data-id="{html.escape(a)}" d="{d}"><title>{html.escape(names[a])}</title></path>'
                     for a, d in paths.items())
    layer_options = "".join(f'<option value="{i}">{html.escape(layer["title"])}</option>'
                            for i, layer in enumerate(data["layers"]))
    area_options = "".join(f'<option value="{html.escape(a)}">{html.escape(n)}</option>'
                           for a, n in sorted(names.items(), key=lambda item: item[1]))
    label = edition.pack.area_label
    # The data sit in a JSON block (not a script the browser runs); < > & escaped as JSON allows, so no
    # name from the data can close the block or read as markup.
    payload = (json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
               .replace("&", "\\u0026"))
    return InteractiveMap(f"""
<div class="interaktive-karte" id="{key}" data-karte>
  <div class="karte-steuerung">
    <label for="{key}-ebene">Karte zeigt</label>
    <select id="{key}-ebene" data-ebene>{layer_options}</select>
    <label for="{key}-jahr">Jahr</label>
    <select id="{key}-jahr" data-jahr></select>
    <label for="{key}-gebiet">{html.escape(label)}</label>
    <select id="{key}-gebiet" data-gebiet><option value="">– auswählen –</option>{area_options}</select>
  </div>
  <svg viewBox="0 0 {WIDTH} {height:.0f}" role="img" aria-labelledby="{key}-titel" focusable="false">
    <title id="{key}-titel">Interaktive Karte der {html.escape(edition.pack.area_label_plural)}</title>
    <g class="karte-flaechen">{shapes}</g>
  </svg>
  <p class="karte-info" aria-live="polite" data-info>Fahren Sie über ein Gebiet oder wählen Sie es oben aus.</p>
  <div class="karte-legende" data-legende></div>{_symbol_note(areas_shown)}
  <script type="application/json" data-karte-daten>{payload}</script>
  <noscript><p>Die interaktive Karte braucht JavaScript; dieselben Werte zeigen die Karten und Tabellen dieser
  Seite und die Seite „Daten“.</p></noscript>
</div>""")
