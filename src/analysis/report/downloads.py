"""Open-data downloads of an edition: every published indicator value, disclosure already applied.

All indicators × areas × years as CSV (UTF-8), as a CSV for Excel (semicolon, decimal comma, BOM), as
XLSX, one CSV per indicator, the areas as GeoJSON with the latest values, and a Frictionless
`datapackage.json` that describes them from the indicator catalogue. Every file starts from
`indicator_table`, which reads the published (already suppressed) values: nothing here can publish a
withheld value.

Cells that a spreadsheet would run as a formula (text beginning with = + - @) are neutralised with a
leading apostrophe, the OWASP recommendation against CSV injection."""
from __future__ import annotations

import json
import math
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
import xlsxwriter
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry
from xlsxwriter.utility import _preserve_whitespace, _utf16_len, _utf16_truncate, xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.xmlwriter import XMLwriter

from analysis.catalog.model import KIND_NAMES
from analysis.catalog.texts import formula_text
from analysis.compute import programmes
from analysis.compute.edition import Edition
from analysis.pack.model import CITY_AREA_ID
from analysis.report.links import DOWNLOAD_FOLDER, profile_stem
from analysis.text import SUPPRESSED, rounded

FOLDER = DOWNLOAD_FOLDER
INDICATORS_CSV = "indikatoren.csv"
EXCEL_CSV = "indikatoren-excel.csv"
XLSX = "indikatoren.xlsx"
CATALOGUE_CSV = "indikatorenkatalog.csv"
AREAS_GEOJSON = "gebiete.geojson"
GEOMETRY_WORDS = {"polygons": "Die Gebietsgrenzen", "points": "Ein Punkt je Gebiet, wie ihn die Quelle angibt"}
DATAPACKAGE = "datapackage.json"
PER_INDICATOR = "indikatoren"   # subfolder: one CSV per indicator
PER_AREA = "steckbriefe"        # subfolder: one CSV per area (its profile's figures with the city's)
SUPPLY_CSV = "versorgung.csv"
SUPPLY_XLSX = "versorgung.xlsx"
MEASURES_CSV = "massnahmen.csv"
PROGRAMMES_CSV = "foerdergebiete.csv"
PROGRAMMES_XLSX = "foerdergebiete.xlsx"
# Column names of the long indicator table; the audit reads downloads by these names.
COLUMNS = {"year": "jahr", "area_id": "gebiet_id", "area": "gebiet", "indicator": "indikator_id",
           "title": "indikator", "unit": "einheit", "kind": "art", "value": "wert"}
# The kind of each value ("art") as a German code in every download; the audit finds counts by "anzahl".
DOWNLOAD_KINDS = {"count": "anzahl", "share": "anteil", "ratio": "verhaeltnis", "rate": "rate",
                  "external": "uebernommen", "supply": "angebot", "change": "veraenderung"}
KIND_CODE_TEXT = {"anzahl": "Anzahl von Personen oder Fällen", "anteil": "Anteil in %",
                  "verhaeltnis": "Verhältnis (je 100 oder je 1.000)", "rate": "Rate",
                  "uebernommen": "übernommener Wert", "angebot": "Plätze oder Einrichtungen",
                  "veraenderung": "Veränderung"}
COUNT_CODE = DOWNLOAD_KINDS["count"]
ESTIMATED_COLUMN = "geschaetzt"   # after an area change: "ja" for a value apportioned to today's areas
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula(cell) -> bool:
    """Text a spreadsheet would evaluate: starts with = + - @ (or tab/CR) and is not a plain number,
    with decimal point or German decimal comma."""
    return isinstance(cell, str) and cell.startswith(FORMULA_STARTS) and plain_number(cell) is None


def plain_number(text: str) -> float | None:
    """'1.5', '-1,5', '3' → the number; anything else → None."""
    text = text.strip().replace("\u202f", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def neutralised(cell):
    """A text cell a spreadsheet would evaluate gets a leading apostrophe; numbers stay numbers."""
    return "'" + cell if is_formula(cell) else cell


def neutralised_document(value):
    """Every text value of a JSON document (GeoJSON properties, the datapackage) neutralised like a CSV
    cell: these files are opened in spreadsheets and GIS tables too. Keys are the format's own."""
    if isinstance(value, dict):
        return {key: neutralised_document(item) for key, item in value.items()}
    if isinstance(value, list):
        return [neutralised_document(item) for item in value]
    return neutralised(value)


def indicator_table(edition: Edition) -> pd.DataFrame:
    """All published values: indicators × areas and the city × years (and the indicators with a city value
    only), withheld values as "."."""
    frame = edition.all_values
    indicators = {i.id: i for i in edition.all_indicators.indicators}
    # The digits the report shows and no more: more would help to recompute withheld counts.
    values = [SUPPRESSED if withheld else rounded(value, indicators[indicator].decimals)
              for value, withheld, indicator in zip(frame["value"], frame["suppressed"], frame["indicator"])]
    table = pd.DataFrame({
        COLUMNS["year"]: frame["year"].astype(int),
        COLUMNS["area_id"]: frame["area_id"],
        COLUMNS["area"]: [edition.area_name(a) if a != CITY_AREA_ID else f"Gesamtstadt {edition.city_name}"
                          for a in frame["area_id"]],
        COLUMNS["indicator"]: frame["indicator"],
        COLUMNS["title"]: [indicators[i].title for i in frame["indicator"]],
        COLUMNS["unit"]: [indicators[i].unit for i in frame["indicator"]],
        COLUMNS["kind"]: [DOWNLOAD_KINDS[indicators[i].kind] for i in frame["indicator"]],
        COLUMNS["value"]: values,
    })
    if edition.area_change:
        table[ESTIMATED_COLUMN] = np.where(frame["estimated"].fillna(False).astype(bool), "ja", "nein")
    return table.sort_values([COLUMNS["indicator"], COLUMNS["year"], COLUMNS["area_id"]]).reset_index(drop=True)


LICENCE_URLS = {"CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
                "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
                "DL-DE-BY-2.0": "https://www.govdata.de/dl-de/by-2-0",
                "DL-DE-ZERO-2.0": "https://www.govdata.de/dl-de/zero-2-0"}


@dataclass(frozen=True)
class Download:
    path: str
    title: str
    format: str
    description: str


def area_file(edition: Edition, area_id: str, suffix: str = "csv") -> str:
    """The area's CSV (or printed PDF), relative to daten/ (named like its profile page)."""
    return f"{PER_AREA}/{profile_stem(edition.pack, area_id)}.{suffix}"


def files(edition: Edition) -> list[Download]:
    """The edition's downloads, in the order the "Daten" page lists them."""
    year = edition.year
    return [
        Download(INDICATORS_CSV, "Alle Indikatoren (CSV)", "csv",
                 "Alle Indikatoren für alle Gebiete, die Gesamtstadt und alle Jahre; eine Zeile je Wert. "
                 "UTF-8, Komma als Trennzeichen, Punkt als Dezimalzeichen."),
        Download(EXCEL_CSV, "Alle Indikatoren (CSV für Excel)", "csv",
                 "Dieselbe Tabelle für deutsches Excel: Semikolon als Trennzeichen, Komma als Dezimalzeichen, "
                 "UTF-8 mit BOM (Umlaute werden beim Doppelklick richtig gelesen)."),
        Download(XLSX, "Alle Indikatoren (Excel-Arbeitsmappe)", "xlsx",
                 "Dieselbe Tabelle als XLSX, Werte als Zahlen; ein zweites Blatt beschreibt die Indikatoren."),
        Download(CATALOGUE_CSV, "Indikatorenkatalog (CSV)", "csv",
                 "Je Indikator Titel, Einheit, Art, Wertung, Formel, Beschreibung und Quelle."),
        *([Download(AREAS_GEOJSON, f"Gebiete mit Werten {year} (GeoJSON)", "geojson",
                    f"{GEOMETRY_WORDS[edition.area_geometry]} (WGS 84) mit Kennung, Name und dem jeweils neuesten "
                    "Wert jeder Quote und jedes Anteils. Anzahlen stehen nur in den Tabellen.")]
          if edition.area_geometry != "none" else []),
        *supply_files(edition),
        *programme_files(edition),
        Download(DATAPACKAGE, "Beschreibung aller Dateien (Frictionless Data Package)", "json",
                 "Maschinenlesbare Beschreibung aller Dateien: Spalten, Typen, Einheiten, Quellen, Lizenz."),
    ]


# --- social infrastructure: supply per area and the facilities' published fields ----------------------

# Measures of a supply table in the long format of the indicator table. Their kinds are not "count" except
# the target population: places and facilities are not people, and the audit checks counts for small values.
SUPPLY_DOWNLOAD_COLUMNS = {  # column: (id suffix, title, unit, kind, decimals)
    "target_population": ("zielgruppe", "Zielgruppe", "Personen", "count", 0),
    "facilities": ("einrichtungen", "Einrichtungen", "Anzahl", "supply", 0),
    "places": ("plaetze", "Plätze", "Plätze", "supply", 1),
    "places_per": ("versorgung", "Versorgung", None, "ratio", 1),
    "target_places": ("soll", "Soll nach Richtwert", "Plätze", "supply", 1),
    "gap": ("differenz", "Differenz zum Soll", "Plätze", "supply", 1),
    "catchment_share": ("flaeche_einzugsbereich", "Fläche im Einzugsbereich", "%", "share", 1),
    "population_change": ("zielgruppe_veraenderung", "Veränderung der Zielgruppe", "Personen", "change", 0),
}


def supply_table(edition: Edition) -> pd.DataFrame:
    """Every need plan's supply table in the long format of the indicator table; withheld cells as "."."""
    rows = []
    for plan, table in edition.infrastructure.supply if edition.infrastructure else []:
        for column, (suffix, title, unit, kind, decimals) in SUPPLY_DOWNLOAD_COLUMNS.items():
            if column in ("target_places", "gap") and plan.target_value is None:
                continue
            if column == "places" and plan.capacity is None:
                continue
            hidden = table["count_withheld"] if column == "target_population" else table["withheld"]
            scale = 100 if column == "catchment_share" else 1
            for area_id, value in table[column].items():
                year = int(table.at[area_id, "population_year"])
                withheld = bool(hidden[area_id]) and column not in ("facilities", "places", "catchment_share")
                rows.append({
                    COLUMNS["year"]: year, COLUMNS["area_id"]: area_id,
                    COLUMNS["area"]: (edition.area_name(area_id) if area_id != CITY_AREA_ID
                                      else f"Gesamtstadt {edition.city_name}"),
                    COLUMNS["indicator"]: f"{plan.facility}_{suffix}", COLUMNS["title"]: f"{plan.title}: {title}",
                    COLUMNS["unit"]: unit or plan.supply_unit, COLUMNS["kind"]: DOWNLOAD_KINDS[kind],
                    COLUMNS["value"]: (SUPPRESSED if withheld else None if pd.isna(value)
                                       else rounded(float(value) * scale, decimals)),
                })
    return pd.DataFrame(rows, columns=list(COLUMNS.values()))


def facility_file(layer_id: str, suffix: str) -> str:
    return f"einrichtungen-{layer_id}.{suffix}"


def facilities_table(edition: Edition, layer_id: str) -> pd.DataFrame:
    """One layer's facilities with their published fields only (never a head's name or a phone number)."""
    facilities = edition.infrastructure.layers[layer_id]
    points, layer = facilities.points, facilities.layer
    located = points.to_crs("EPSG:4326")
    fields = [f for f in layer.published_fields if f != layer.name_field]
    return pd.DataFrame({
        "einrichtung_id": points.index.astype(str), "name": points["name"],
        COLUMNS["area_id"]: points["area_id"], COLUMNS["area"]: [edition.area_name(a) for a in points["area_id"]],
        **{f: points[f].to_numpy() for f in fields},
        "laenge": located.geometry.x.round(6).to_numpy(), "breite": located.geometry.y.round(6).to_numpy(),
    }).reset_index(drop=True)


def facilities_geojson(edition: Edition, layer_id: str) -> dict:
    table = facilities_table(edition, layer_id)
    features = [{"type": "Feature", "id": row["einrichtung_id"],
                 "properties": {k: (None if pd.isna(v) else v) for k, v in row.items()
                                if k not in ("laenge", "breite")},
                 "geometry": {"type": "Point", "coordinates": [row["laenge"], row["breite"]]}}
                for row in table.to_dict("records")]
    return neutralised_document({"type": "FeatureCollection", "features": features})


def supply_files(edition: Edition) -> list[Download]:
    if not edition.infrastructure:
        return []
    found = [Download(SUPPLY_CSV, "Versorgung je Gebiet (CSV)", "csv",
                      "Je Bedarfsplan und Gebiet: Zielgruppe, Einrichtungen, Plätze, Versorgung, Soll, Differenz, "
                      "Fläche im Einzugsbereich und Veränderung der Zielgruppe; gleiche Spalten wie die "
                      "Indikatoren-Tabelle."),
             Download(SUPPLY_XLSX, "Versorgung und Einrichtungen (Excel-Arbeitsmappe)", "xlsx",
                      "Die Versorgungstabelle und je Einrichtungsart ein Blatt mit den veröffentlichten Feldern.")]
    for layer_id, facilities in edition.infrastructure.layers.items():
        title = facilities.layer.title
        found += [Download(facility_file(layer_id, "csv"), f"{title} (CSV)", "csv",
                           f"{title}, Stand {facilities.layer.reference_date}: Kennung, Name, Gebiet, die "
                           "veröffentlichten Felder und die Lage (WGS 84)."),
                  Download(facility_file(layer_id, "geojson"), f"{title} (GeoJSON)", "geojson",
                           f"{title} als Punkte (WGS 84) mit denselben Feldern.")]
    return found


def supply_resources(edition: Edition) -> list[dict]:
    """Datapackage resources of the infrastructure downloads."""
    if not edition.infrastructure:
        return []
    missing = ["", SUPPRESSED]
    fields = [dict(f) for f in _table_fields(edition)]
    for f in fields:
        if f["name"] == COLUMNS["indicator"]:
            f["constraints"] = {"enum": sorted(set(supply_table(edition)[COLUMNS["indicator"]]))}
            f["description"] = "Einrichtungsart und Kennzahl, z. B. kitas_versorgung"
        if f["name"] == COLUMNS["kind"]:
            f["description"] = "; ".join(f"{code}: {KIND_CODE_TEXT[code]}" for code in
                                         ("anzahl", "angebot", "verhaeltnis", "anteil", "veraenderung"))
    resources = [{"name": "versorgung", "path": SUPPLY_CSV, "title": "Versorgung je Gebiet",
                  "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                  "sources": [{"title": plan.target_source} for plan, _ in edition.infrastructure.supply
                              if plan.target_source],
                  "schema": {"fields": fields, "missingValues": missing}},
                 {"name": "versorgung-xlsx", "path": SUPPLY_XLSX, "title": "Versorgung und Einrichtungen",
                  "format": "xlsx",
                  "mediatype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}]
    for layer_id, facilities in edition.infrastructure.layers.items():
        table = facilities_table(edition, layer_id)
        layer = facilities.layer
        resources += [
            {"name": f"einrichtungen-{layer_id}".replace("_", "-"), "path": facility_file(layer_id, "csv"),
             "title": layer.title, "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
             "encoding": "utf-8", "sources": [{"title": layer.source}],
             "description": f"Stand {layer.reference_date}; nur die veröffentlichten Felder.",
             "schema": {"fields": [{"name": c, "type": "number" if c in ("laenge", "breite")
                                    or pd.api.types.is_numeric_dtype(table[c]) else "string"}
                                   for c in table.columns]}},
            {"name": f"einrichtungen-{layer_id}-geojson".replace("_", "-"),
             "path": facility_file(layer_id, "geojson"), "title": f"{layer.title} (Punkte)", "format": "geojson",
             "mediatype": "application/geo+json", "encoding": "utf-8", "sources": [{"title": layer.source}]}]
    return resources


# --- programme areas and the register of measures ---------------------------------------------------------

GROUP_NAMES = {programmes.PROGRAMME: "Fördergebiet", programmes.REST: "übrige Stadt",
               programmes.COMPARISON: "Vergleichsgruppe"}


def measures_table(edition: Edition) -> pd.DataFrame:
    """The register as it stands, one row per measure (lists joined with "; ")."""
    records = [m.record() for m in edition.measures]
    frame = pd.DataFrame(records)
    for column in ("area_ids", "target_indicators"):
        if column in frame:
            frame[column] = ["; ".join(v) for v in frame[column]]
    return frame


def programmes_table(edition: Edition) -> pd.DataFrame:
    """Each programme area's key indicators for the area, its comparison group and the rest of the city, in
    the long format of the indicator table (gebiet_id: programme id and group)."""
    rows = []
    for area in edition.pack.programme_areas:
        figures = programmes.programme_figures(edition, area)
        for record in figures.to_dict("records"):
            indicator = edition.indicator(record["indicator"])
            rows.append({COLUMNS["year"]: int(record["year"]), COLUMNS["area_id"]: f"{area.id}:{record['group']}",
                         COLUMNS["area"]: f"{area.name}: {GROUP_NAMES[record['group']]}",
                         COLUMNS["indicator"]: indicator.id, COLUMNS["title"]: indicator.title,
                         COLUMNS["unit"]: indicator.unit, COLUMNS["kind"]: DOWNLOAD_KINDS[indicator.kind],
                         COLUMNS["value"]: None if pd.isna(record["value"]) else rounded(record["value"],
                                                                                          indicator.decimals)})
    return pd.DataFrame(rows, columns=list(COLUMNS.values()))


def programme_files(edition: Edition) -> list[Download]:
    found = []
    if edition.measures:
        found.append(Download(MEASURES_CSV, "Maßnahmenregister (CSV)", "csv",
                              "Alle Maßnahmen mit Gebiet, Handlungsfeld, Zielgruppe, Beginn, Ende, Status, Budget, "
                              "Zuständigkeit, Drucksache, Zielindikatoren und Quelle."))
    if edition.pack.programme_areas:
        found.append(Download(PROGRAMMES_CSV, "Fördergebiete im Vergleich (CSV)", "csv",
                              "Die Kennzahlen jedes Fördergebiets, seiner Vergleichsgruppe und der übrigen Stadt über "
                              "alle Jahre; gleiche Spalten wie die Indikatoren-Tabelle."))
    if found:
        found.append(Download(PROGRAMMES_XLSX, "Fördergebiete und Maßnahmen (Excel-Arbeitsmappe)", "xlsx",
                              "Beide Tabellen als Blätter einer Arbeitsmappe."))
    return found


def programme_resources(edition: Edition) -> list[dict]:
    resources = []
    if edition.measures:
        resources.append({"name": "massnahmen", "path": MEASURES_CSV, "title": "Maßnahmenregister",
                          "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
                          "encoding": "utf-8", "schema": {"fields": [
                              {"name": c, "type": "string"} for c in measures_table(edition).columns]}})
    if edition.pack.programme_areas:
        fields = [dict(f) for f in _table_fields(edition)]
        for f in fields:
            if f["name"] == COLUMNS["area_id"]:
                f["description"] = "Fördergebiet und Gruppe: programme, comparison oder rest"
        resources.append({"name": "foerdergebiete", "path": PROGRAMMES_CSV, "title": "Fördergebiete im Vergleich",
                          "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
                          "encoding": "utf-8", "schema": {"fields": fields, "missingValues": ["", SUPPRESSED]}})
    if resources:
        resources.append({"name": "foerdergebiete-xlsx", "path": PROGRAMMES_XLSX,
                          "title": "Fördergebiete und Maßnahmen", "format": "xlsx",
                          "mediatype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    return resources


def indicator_file(indicator_id: str) -> str:
    return f"{PER_INDICATOR}/{indicator_id}.csv"


def excel_number(value, decimals: int):
    """A value as German Excel reads it: 1234,5 (no thousands separator); withheld "." stays text."""
    if isinstance(value, str):
        return value
    return f"{value:.{decimals}f}".replace(".", ",")


def catalogue_table(edition: Edition) -> pd.DataFrame:
    return pd.DataFrame([{
        "indikator_id": i.id, "indikator": i.title, "kurztitel": i.short_title, "einheit": i.unit,
        "art": KIND_NAMES.get(i.kind, i.kind), "wertung": i.polarity_text, "formel": formula_text(i),
        "beschreibung": " ".join(i.description.split()), "quelle": i.source, "nachkommastellen": i.decimals,
        "handlungsfeld": edition.catalog.field_title(i.field),
        "gruppen": ", ".join(edition.catalog.groups[g] for g in i.groups),
        "ebene": "Gebiete und Gesamtstadt" if edition.has(i.id) else "nur Gesamtstadt",
    } for i in edition.all_indicators.indicators])


def areas_geojson(edition: Edition) -> dict:
    """The areas in WGS 84 (as RFC 7946 asks), coordinates to 6 decimals (about 10 cm), with the latest
    published value of every indicator that is not a count."""
    areas = edition.areas.to_crs("EPSG:4326") if edition.areas.crs else edition.areas
    shown = [i for i in edition.catalog.indicators if i.kind != "count"]
    values = {i.id: edition.table(i.id) for i in shown}
    features = []
    for area_id, row in areas.iterrows():
        if not isinstance(row.geometry, BaseGeometry) or row.geometry.is_empty:   # a point file left it out
            continue
        properties = {"gebiet_id": neutralised(area_id), "gebiet": neutralised(edition.area_name(area_id))}
        for indicator in shown:
            frame = values[indicator.id]
            if area_id not in frame.index:
                continue
            cell = frame.loc[area_id]
            properties[indicator.id] = (SUPPRESSED if cell["suppressed"] else
                                        None if pd.isna(cell["value"]) else rounded(float(cell["value"]),
                                                                                     indicator.decimals))
        geometry = shapely.transform(row.geometry, lambda xy: np.round(xy, 6))
        features.append({"type": "Feature", "id": area_id, "properties": properties, "geometry": mapping(geometry)})
    return {"type": "FeatureCollection", "features": features}


def _table_fields(edition: Edition, decimal_comma: bool = False, estimates: bool = False) -> list[dict]:
    value = {"name": COLUMNS["value"], "type": "number", "title": "Wert",
             "description": "Wert des Indikators in der Einheit der Spalte einheit; „.“ = aus Datenschutzgründen "
                            "nicht veröffentlicht, leer = nicht vorhanden."}
    if decimal_comma:
        value["decimalChar"] = ","
    return [
        {"name": COLUMNS["year"], "type": "integer", "title": "Jahr", "description": "Stichtag 31.12. des Jahres"},
        {"name": COLUMNS["area_id"], "type": "string", "title": f"{edition.pack.area_label}-Kennung",
         "description": "Kennung des Gebiets in der Quelle; stadt = Gesamtstadt"},
        {"name": COLUMNS["area"], "type": "string", "title": edition.pack.area_label},
        {"name": COLUMNS["indicator"], "type": "string", "title": "Indikator-Kennung",
         "description": f"Kennung im Indikatorenkatalog ({CATALOGUE_CSV})",
         "constraints": {"enum": [i.id for i in edition.all_indicators.indicators]}},
        {"name": COLUMNS["title"], "type": "string", "title": "Indikator"},
        {"name": COLUMNS["unit"], "type": "string", "title": "Einheit"},
        {"name": COLUMNS["kind"], "type": "string", "title": "Art",
         "description": "; ".join(f"{code}: {KIND_CODE_TEXT[code]}" for code in
                                  (DOWNLOAD_KINDS[kind] for kind in KIND_NAMES))},
        value,
        *([{"name": ESTIMATED_COLUMN, "type": "string", "title": "Geschätzt",
            "description": f"ja = Wert eines Jahres vor der Gebietsänderung ({edition.area_change.title}), aus den "
                           "früheren Gebieten nach Flächenanteilen auf die heutigen umgerechnet; nein = gezählt",
            "constraints": {"enum": ["ja", "nein"]}}] if estimates and edition.area_change else []),
    ]


def datapackage(edition: Edition) -> dict:
    """A Frictionless Data Package (v1) describing every download, its columns and the catalogue."""
    pack, attribution = edition.pack, edition.pack.attribution
    licence = attribution.get("licence", "")
    missing = ["", SUPPRESSED]
    resources = [
        {"name": "indikatoren", "path": INDICATORS_CSV, "title": "Alle Indikatoren", "profile": "tabular-data-resource",
         "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
         "schema": {"fields": _table_fields(edition, estimates=True), "missingValues": missing}},
        {"name": "indikatoren-excel", "path": EXCEL_CSV, "title": "Alle Indikatoren (CSV für Excel)",
         "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig",
         "dialect": {"delimiter": ";"},
         "schema": {"fields": _table_fields(edition, decimal_comma=True, estimates=True),
                    "missingValues": missing}},
        {"name": "indikatoren-xlsx", "path": XLSX, "title": "Alle Indikatoren (Excel-Arbeitsmappe)",
         "profile": "tabular-data-resource", "format": "xlsx",
         "mediatype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "dialect": {"sheet": "Indikatoren"},
         "schema": {"fields": _table_fields(edition, estimates=True), "missingValues": missing}},
        {"name": "indikatorenkatalog", "path": CATALOGUE_CSV, "title": "Indikatorenkatalog",
         "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
         "schema": {"fields": [{"name": c, "type": "integer" if c == "nachkommastellen" else "string"}
                               for c in catalogue_table(edition).columns]}},
        *([{"name": "gebiete", "path": AREAS_GEOJSON, "title": f"{pack.area_label_plural} mit den neuesten Werten",
            "format": "geojson", "mediatype": "application/geo+json", "encoding": "utf-8"}]
          if edition.area_geometry != "none" else []),
        *supply_resources(edition),
        *programme_resources(edition),
    ]
    for indicator in edition.all_indicators.indicators:
        resources.append({
            "name": f"indikator-{indicator.id}".replace("_", "-"), "path": indicator_file(indicator.id),
            "title": indicator.title, "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8",
            "description": f"{' '.join(indicator.description.split())} Einheit: {indicator.unit}. "
                           f"Wertung: {indicator.polarity_text}.",
            "sources": [{"title": indicator.source}],
            "schema": {"fields": [
                {"name": COLUMNS["year"], "type": "integer", "title": "Jahr"},
                {"name": COLUMNS["area_id"], "type": "string", "title": f"{pack.area_label}-Kennung"},
                {"name": COLUMNS["area"], "type": "string", "title": pack.area_label},
                {"name": COLUMNS["value"], "type": "number", "title": f"{indicator.title} ({indicator.unit})"},
                *[f for f in _table_fields(edition, estimates=True) if f["name"] == ESTIMATED_COLUMN],
            ], "missingValues": missing},
        })
    return neutralised_document({
        "profile": "data-package",
        "name": f"sozialbericht-{pack.slug}-{edition.year}",
        "title": f"Sozialbericht {pack.name} {edition.year}: Indikatoren",
        "description": f"Alle veröffentlichten Indikatoren des Sozialberichts {pack.name}, Ausgabe {edition.year}, "
                       f"für {len(pack.areas)} {pack.area_label_plural} und die Gesamtstadt. Kleine Fallzahlen "
                       "sind nach den Geheimhaltungsregeln des Berichts unterdrückt („.“).",
        "version": str(edition.year),
        "licenses": [{"name": licence, "title": licence, **({"path": LICENCE_URLS[licence]}
                                                               if licence in LICENCE_URLS else {})}],
        "sources": [{"title": f"{attribution.get('title', pack.name)} – {attribution.get('publisher', '')}"},
                    *({"title": s.title} for s in pack.sources)],
        "resources": resources,
    })


def write_workbook(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    """An Excel workbook, a sheet per table with its column names in bold above. Cells stay text or
    numbers as they are in the table; text is never read as a formula, a number or a link (a value starting
    with "=" is neutralised before, see neutralised).

    Written by XlsxWriter (in its constant-memory layout: strings inline), with the rows below the column
    names written by `_sheet_rows` and put into XlsxWriter's sheets afterwards: the same XML that XlsxWriter
    writes (a test compares them), in a quarter of the time for the 720,000 cells of a Berlin edition."""
    try:
        bodies = {name: _sheet_rows(table) for name, table in sheets.items()}
    except _UnusualCell:   # a type _sheet_rows does not write: XlsxWriter writes every row
        _write_workbook_with_xlsxwriter(path, sheets, with_rows=True)
        return
    _write_workbook_with_xlsxwriter(path, sheets, with_rows=False)
    with zipfile.ZipFile(path) as written:
        members = [(info, written.read(info)) for info in written.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for info, data in members:
            sheet = WORKSHEET_MEMBER.fullmatch(info.filename)
            if sheet:
                name = list(sheets)[int(sheet.group(1)) - 1]
                data = _with_rows(data.decode("utf-8"), sheets[name], *bodies[name]).encode("utf-8")
            rewritten.writestr(info, data)


WORKSHEET_MEMBER = re.compile(r"xl/worksheets/sheet(\d+)\.xml")


def _write_workbook_with_xlsxwriter(path: Path, sheets: dict[str, pd.DataFrame], with_rows: bool) -> None:
    book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                      "strings_to_numbers": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    for name, table in sheets.items():
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, [str(column) for column in table.columns], bold)
        if with_rows:
            for number, row in enumerate(table.itertuples(index=False, name=None), start=1):
                sheet.write_row(number, 0, [_cell(value) for value in row])
    book.close()


class _UnusualCell(Exception):
    """A value that is not text, a number, a truth value or a gap."""


# What XlsxWriter does to a string before writing it inline, as its xmlwriter and worksheet do it; a string
# that needs none of it is written as it is.
STRING_NEEDS_CARE = re.compile(r'[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$')
EXCEL_STRING_MAX = 32767   # UTF-16 units


def _inline_string(reference: str, text: str) -> str:
    preserve = ""
    if STRING_NEEDS_CARE.search(text) or len(text) > EXCEL_STRING_MAX // 2:
        if len(text) > EXCEL_STRING_MAX // 2 and _utf16_len(text) > EXCEL_STRING_MAX:
            text = _utf16_truncate(text, EXCEL_STRING_MAX)
        text = XMLwriter._escape_control_characters(text)
        preserve = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
        # escaped also where it looks like rich text (XlsxWriter would write "<r>…</r>" unescaped)
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c r="{reference}" t="inlineStr"><is><t{preserve}>{text}</t></is></c>'


def _cell_xml(reference: str, value) -> str:
    """A data cell as XlsxWriter writes it in its constant-memory layout; "" where it writes none."""
    value = _cell(value)
    kind = value.__class__
    if value is None:
        return ""
    if kind is str:
        return _inline_string(reference, value) if value else ""
    if kind is bool:
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if (kind is int or kind is float) and math.isfinite(value):   # XlsxWriter refuses infinity
        return f"<c r=\"{reference}\"><v>{value:.16G}</v></c>"
    raise _UnusualCell(value)


def _sheet_rows(table: pd.DataFrame) -> tuple[str, int]:
    """The XML of a table's rows below its column names, and the last row that holds a cell (counted from 0,
    the column names' row; 0 if none)."""
    letters = [xl_col_to_name(column) for column in range(len(table.columns))]
    columns = [[_cell_xml(f"{letter}{number}", value) for number, value in enumerate(table[name].tolist(), start=2)]
               for letter, name in zip(letters, table.columns)]
    rows, last_row = [], 0
    for row, cells in enumerate(zip(*columns), start=1):
        if any(cells):   # XlsxWriter writes no row without a cell
            rows.append(f'<row r="{row + 1}">{"".join(cells)}</row>')
            last_row = row
    return "".join(rows), last_row


DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')


def _with_rows(xml: str, table: pd.DataFrame, rows: str, last_row: int) -> str:
    """XlsxWriter's sheet of the column names, with the rows added and its <dimension> widened to them: the
    column names' row has a cell in every column (in bold, even where a name is empty)."""
    if not last_row:
        return xml
    xml = DIMENSION.sub(f'<dimension ref="A1:{xl_rowcol_to_cell(last_row, len(table.columns) - 1)}"/>', xml, count=1)
    return xml.replace("</sheetData>", f"{rows}</sheetData>", 1)


def _cell(value):
    """A table's value as XlsxWriter takes it: numpy numbers as Python numbers, a gap as an empty cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return value.item() if isinstance(value, np.generic) else value


def write(edition: Edition, site: Path) -> list[Path]:
    """Write the downloads into the built site's daten/; returns the files written."""
    folder = site / FOLDER
    (folder / PER_INDICATOR).mkdir(parents=True, exist_ok=True)
    table = indicator_table(edition).map(neutralised)
    written = []

    def keep(path: Path) -> Path:
        written.append(path)
        return path

    table.to_csv(keep(folder / INDICATORS_CSV), index=False, encoding="utf-8")
    decimals = {i.id: i.decimals for i in edition.all_indicators.indicators}
    excel = table.assign(**{COLUMNS["value"]: [excel_number(v, decimals[i]) for v, i in
                                               zip(table[COLUMNS["value"]], table[COLUMNS["indicator"]])]})
    excel.to_csv(keep(folder / EXCEL_CSV), index=False, sep=";", encoding="utf-8-sig")
    catalogue = catalogue_table(edition).map(neutralised)
    write_workbook(keep(folder / XLSX), {"Indikatoren": table, "Katalog": catalogue})
    catalogue.to_csv(keep(folder / CATALOGUE_CSV), index=False, encoding="utf-8")
    columns = [COLUMNS[c] for c in ("year", "area_id", "area", "value")]
    columns += [ESTIMATED_COLUMN] if ESTIMATED_COLUMN in table.columns else []
    for indicator_id, rows in table.groupby(COLUMNS["indicator"], sort=False):
        rows[columns].to_csv(keep(folder / indicator_file(indicator_id)), index=False, encoding="utf-8")
    (folder / PER_AREA).mkdir(exist_ok=True)
    by_area = dict(tuple(table.groupby(COLUMNS["area_id"], sort=False)))
    city_rows = by_area.get(CITY_AREA_ID, table.iloc[:0])
    for area_id in edition.pack.area_ids:
        rows = pd.concat([by_area.get(area_id, table.iloc[:0]), city_rows])
        rows.to_csv(keep(folder / area_file(edition, area_id)), index=False, encoding="utf-8")
    if edition.area_geometry != "none":   # never invented boundaries: points stay points, none stays none
        keep(folder / AREAS_GEOJSON).write_text(json.dumps(areas_geojson(edition), ensure_ascii=False),
                                                encoding="utf-8")
    if edition.infrastructure:
        supply = supply_table(edition).map(neutralised)
        supply.to_csv(keep(folder / SUPPLY_CSV), index=False, encoding="utf-8")
        sheets = {"Versorgung": supply}
        for layer_id in edition.infrastructure.layers:
            facilities = facilities_table(edition, layer_id).map(neutralised)
            sheets[layer_id[:31]] = facilities
            facilities.to_csv(keep(folder / facility_file(layer_id, "csv")), index=False, encoding="utf-8")
            keep(folder / facility_file(layer_id, "geojson")).write_text(
                json.dumps(facilities_geojson(edition, layer_id), ensure_ascii=False), encoding="utf-8")
        write_workbook(keep(folder / SUPPLY_XLSX), sheets)
    if edition.measures or edition.pack.programme_areas:
        register = measures_table(edition).map(neutralised)
        figures = programmes_table(edition).map(neutralised)
        sheets = {}
        if edition.measures:
            register.to_csv(keep(folder / MEASURES_CSV), index=False, encoding="utf-8")
            sheets["Massnahmen"] = register
        if edition.pack.programme_areas:
            figures.to_csv(keep(folder / PROGRAMMES_CSV), index=False, encoding="utf-8")
            sheets["Foerdergebiete"] = figures
        write_workbook(keep(folder / PROGRAMMES_XLSX), sheets)
    keep(folder / DATAPACKAGE).write_text(json.dumps(datapackage(edition), ensure_ascii=False, indent=1),
                                          encoding="utf-8")
    return written
