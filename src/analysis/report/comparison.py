"""'Stadtteile vergleichen': two or three areas side by side with the city, every indicator of the edition.

The page is static HTML. The published values (formatted, marked, withheld as ".") travel in a JSON
block and a small script served from the site (_static/vergleich.js) fills the table for the areas
chosen in three select boxes, so the page works offline, by keyboard (native selects) and from disk.
The choice is kept in the address (#vergleich=id1,id2), so a comparison can be linked and cited."""
from __future__ import annotations

import html
import json
from dataclasses import dataclass

import pandas as pd

from analysis.compute.edition import Edition
from analysis.pack.model import CITY_AREA_ID
from analysis.report.figures import lead_indicator
from analysis.report.need_summary import areas_of_need
from analysis.report.tables import UNSTABLE_NOTE, estimate_note, marked, rank_text
from analysis.text import SUPPRESSED, dative_plural

AREAS_MAX = 3
ONLINE_ONLY = "nur-online"   # class of an element that makes its page a browser tool: the PDF leaves it out


@dataclass
class ComparisonTool:
    html: str

    def _repr_html_(self) -> str:
        return self.html


def _rank_text(row: pd.Series) -> str:
    if bool(row["suppressed"]) or pd.isna(row["rank"]):
        return ""
    return f"Rang {rank_text(row)}"


def comparison_rows(edition: Edition) -> list[dict]:
    """Every indicator with area values in its latest year, grouped by field: published text and rank per
    area, the city's value. Withheld values are "."; values on fewer than 20 cases carry their mark."""
    rows = []
    for field_id, indicators in edition.catalog.by_field().items():
        for indicator in indicators:
            frame = edition.table(indicator.id)
            areas = frame.drop(index=CITY_AREA_ID, errors="ignore")
            if areas.empty:
                continue
            city = frame.loc[CITY_AREA_ID] if CITY_AREA_ID in frame.index else None
            rows.append({
                "field": edition.catalog.field_title(field_id),
                "title": indicator.short_title,
                "definition": indicator.title,
                "unit": indicator.unit,
                "year": int(frame["year"].iloc[0]),
                "values": {a: marked(r["value"], indicator, r["unstable"], r["suppressed"])
                           for a, r in areas.iterrows()},
                "ranks": {a: _rank_text(r) for a, r in areas.iterrows() if indicator.is_need},
                "city": (marked(city["value"], indicator, False, city["suppressed"]) if city is not None
                         else "–"),
            })
    return rows


def development(edition: Edition) -> dict:
    """The lead indicator over the years for every area and the city, as the comparison draws it: values as
    numbers rounded as published (null where missing or withheld; the withheld years listed), and the years
    that are estimates (apportioned across an area change; drawn dotted). The page's script formats them."""
    indicator_id = lead_indicator(edition)
    indicator = edition.indicator(indicator_id)
    rows = edition.indicators[edition.indicators["indicator"] == indicator_id]
    years = sorted(int(y) for y in rows["year"].unique())

    def line(area_id: str) -> dict:
        found = edition.rows_of(indicator_id, area_id).set_index("year")
        values, withheld = [], []
        for year in years:
            present = year in found.index and not pd.isna(found.at[year, "value"])
            if present and found.at[year, "suppressed"]:
                withheld.append(year)
            values.append(round(float(found.at[year, "value"]), indicator.decimals)
                          if present and not found.at[year, "suppressed"] else None)
        line = {"values": values}
        estimated = sorted(edition.estimated_years(indicator_id, area_id))
        line.update({"estimated": estimated} if estimated else {})
        line.update({"withheld": withheld} if withheld else {})
        return line

    return {"title": f"{indicator.short_title} ({indicator.unit})", "years": years, "decimals": indicator.decimals,
            "unit": "" if indicator.unit == "Personen" else f"\u202f{indicator.unit}", "withheld_text": SUPPRESSED,
            "city": line(CITY_AREA_ID), "areas": {a: line(a) for a in edition.pack.area_ids},
            "estimate_note": estimate_note(edition)}


def default_choice(edition: Edition) -> list[str]:
    """The areas shown before the reader chooses: the first two areas of special need, else the first two."""
    need = [a for a, _ in areas_of_need(edition)] if edition.social_index is not None else []
    chosen = list(dict.fromkeys([*need, *edition.pack.area_ids]))
    return chosen[:2]


def _select(key: str, number: int, names: dict[str, str], chosen: str) -> str:
    options = [f'<option value="">{"– keins –" if number > 1 else "– auswählen –"}</option>']
    for area_id, name in sorted(names.items(), key=lambda item: item[1]):
        selected = " selected" if area_id == chosen else ""
        options.append(f'<option value="{html.escape(area_id)}"{selected}>{html.escape(name)}</option>')
    return (f'<span class="vergleich-wahl"><label for="{key}-{number}">Gebiet {number}</label>'
            f'<select id="{key}-{number}" data-vergleich-wahl>{"".join(options)}</select></span>')


def comparison_tool(edition: Edition, key: str = "vergleich") -> ComparisonTool:
    names = {a: edition.area_name(a) for a in edition.pack.area_ids}
    chosen = default_choice(edition) + [""] * AREAS_MAX
    data = {"names": names, "city": f"Gesamtstadt {edition.city_name}", "rows": comparison_rows(edition),
            "development": development(edition)}
    plural = dative_plural(edition.pack.area_label_plural)
    rank_note = (f"Rang 1 ist jeweils der ungünstigste Wert unter allen {plural} (bei Strukturmerkmalen der höchste)."
                 if any(i.is_need for i in edition.catalog.indicators) else
                 f"Rang 1 ist jeweils der höchste Wert unter allen {plural}.")
    # JSON in a non-executed block; < > & escaped so no name from the data can close it or read as markup.
    payload = (json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
               .replace("&", "\\u0026"))
    selects = "".join(_select(key, n + 1, names, chosen[n]) for n in range(AREAS_MAX))
    return ComparisonTool(f"""
<div class="gebietsvergleich {ONLINE_ONLY}" id="{key}" data-vergleich>
  <div class="vergleich-steuerung">{selects}</div>
  <p class="vergleich-info" aria-live="polite" data-vergleich-info></p>
  <div class="tabelle-rollbar" tabindex="0" role="region" aria-label="Vergleichstabelle" data-vergleich-tabelle></div>
  <div class="vergleich-entwicklung" data-vergleich-entwicklung></div>
  <p class="vergleich-hinweis">{html.escape(rank_note)} {html.escape(UNSTABLE_NOTE)}
  „{SUPPRESSED}“: aus Datenschutzgründen nicht veröffentlicht.</p>
  <script type="application/json" data-vergleich-daten>{payload}</script>
  <noscript><p>Der Vergleich braucht JavaScript. Dieselben Zahlen stehen auf den Seiten der einzelnen
  Gebiete und in den Downloads auf der Seite „Daten“.</p></noscript>
</div>""")
