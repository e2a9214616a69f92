"""New-city fixture packs: the real Flensburg rows rewritten into the shapes other offices publish.

Every value comes from the Flensburg files of the copied project; only layout, keys and spelling change,
so a fixture that builds must give Flensburg's numbers. Where a shape needs rows Flensburg does not have,
they are made from its rows and said so: the Stadtbezirk rows of the long table are sums of Stadtteile
(Flensburg has no level between Stadtteil and city), the 3-D custom CRS and the broken polygon are
transformations of the real polygons."""
from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import yaml

FLENSBURG = [("1", "Altstadt"), ("2", "Neustadt"), ("3", "Nordstadt"), ("4", "Westliche Höhe"),
             ("5", "Friesischer Berg"), ("6", "Weiche"), ("7", "Südstadt"), ("8", "Sandberg"),
             ("9", "Jürgensby"), ("10", "Fruerlund"), ("11", "Mürwik"), ("12", "Engelsby"), ("13", "Tarup")]
# Groups of Stadtteile summed into the long table's Stadtbezirk rows (made for the test, see above); a
# Stadtteil's id there is its Bezirk's digit and its number in the Bezirk (101 … 104, 201 …, 301 … 305).
BEZIRKE = {"001": ["1", "2", "3", "4"], "002": ["5", "6", "7", "8"], "003": ["9", "10", "11", "12", "13"]}
LONG_IDS = {district: f"{int(bezirk)}{number:02d}" for bezirk, members in BEZIRKE.items()
            for number, district in enumerate(members, start=1)}
# A transverse Mercator with a 2,500 km false easting, as some cities' own systems have.
CUSTOM_CRS = "+proj=tmerc +lat_0=0 +lon_0=9 +k=0.9996 +x_0=2500000 +y_0=0 +ellps=GRS80 +units=m +no_defs"
DEMOGRAPHY = {  # variable → (Flensburg file, column)
    "residents_total": ("fl_residents_by_district.csv", "residents"),
    "residents_under_18": ("fl_children_age_under_18_by_district.csv", "residents"),
    "residents_18_to_64": ("fl_residents_age_18_to_under_65_by_district.csv", "residents"),
    "residents_65_plus": ("fl_residents_age_65_and_above_by_district.csv", "residents"),
}
YEARS = (2019, 2020, 2021, 2022)


def _flensburg_rows(project: Path, file: str) -> list[dict]:
    text = (project / "data" / "flensburg" / "raw" / file).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def flensburg_values(project: Path, variable_files: dict) -> dict[tuple[str, int, str], int]:
    """(variable, year, Flensburg district id) → count, for the years of the fixtures."""
    values = {}
    for variable, (file, column) in variable_files.items():
        for row in _flensburg_rows(project, file):
            if int(row["year"]) in YEARS and row["district_id"] != "NULL":
                values[(variable, int(row["year"]), row["district_id"])] = int(row[column])
    return values


def _write_csv(path: Path, rows: list[list], delimiter: str = ";", encoding: str = "utf-8") -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buffer.getvalue(), encoding=encoding)


def _pack(project: Path, slug: str, config: dict) -> Path:
    folder = project / "data" / slug
    folder.mkdir(parents=True, exist_ok=True)
    for source in config["sources"]:
        source.setdefault("prepared", "für die Tests aus den Dateien des Flensburger Sozialatlas umgeformt "
                                      "(tests/shapes.py)")
    base = {"name": f"Testpaket {slug}", "editions": [{"year": 2021}, {"year": 2022}],
            "attribution": {"publisher": "Stadt Flensburg", "title": "Sozialatlas der Stadt Flensburg (umgeformt)",
                            "figures_source": "Stadt Flensburg, Sozialatlas", "via": "OK Lab Flensburg",
                            "licence": "CC0-1.0", "geometry": "Stadt Flensburg, Stadtteile"}}
    (folder / "city.yml").write_text(yaml.safe_dump({**base, **config}, allow_unicode=True, sort_keys=False),
                                     encoding="utf-8")
    return folder


def _stadtteile(project: Path):
    import geopandas as gpd

    return gpd.read_file(f"zip://{project / 'data' / 'flensburg' / 'raw' / 'flensburg_stadtteile.zip'}!Stadtteile.shp")


def long_pack(project: Path, slug: str = "lang") -> Path:
    """One long table (Tabelle, Jahr, Raum-ID, Merkmal-ID, Wert) with city rows 000, Stadtbezirk rows 001–003
    (a level whose ids the template 00{id[0]} makes from the Stadtteile's) and Stadtteile 101 … 305, a table
    the pack does not use, and a Merkmal without variable; polygons in a 3-D custom CRS with a false easting,
    one of them invalid."""
    import shapely
    from shapely.geometry import Polygon

    values = flensburg_values(project, DEMOGRAPHY)
    oldest = {(int(r["year"]), r["district_id"]): r["age_80_and_above"]
              for r in _flensburg_rows(project, "fl_age_groups_by_district.csv")}
    keys = {"residents_total": ("T01", "1", "Einwohner insgesamt"),
            "residents_under_18": ("T02", "10", "unter 18 Jahre"),
            "residents_18_to_64": ("T02", "11", "18 bis unter 65 Jahre"),
            "residents_65_plus": ("T02", "12", "65 Jahre und älter")}
    rows = [["Tabelle", "Tabellenname", "Jahr", "Raum-ID", "Raumname", "Merkmal-ID", "Merkmal", "Wert"]]
    for year in YEARS:
        for variable, (table, key, label) in keys.items():
            by_area = {d: values[(variable, year, d)] for d, _ in FLENSBURG}
            rows.append([table, "Bevölkerung", year, "000", "Flensburg", key, label, sum(by_area.values())])
            for bezirk, members in BEZIRKE.items():
                rows.append([table, "Bevölkerung", year, bezirk, f"Bezirk {bezirk}", key, label,
                             sum(by_area[m] for m in members)])
            for district, name in FLENSBURG:
                rows.append([table, "Bevölkerung", year, LONG_IDS[district], name, key, label, by_area[district]])
        for district, name in FLENSBURG:   # a Merkmal the pack does not declare
            if (year, district) in oldest:
                rows.append(["T02", "Bevölkerung", year, LONG_IDS[district], name, "13", "80 Jahre und älter",
                             oldest[(year, district)]])
    for row in _flensburg_rows(project, "fl_births_by_district.csv"):   # a table the pack does not use
        if int(row["year"]) in YEARS and row["district_id"] in LONG_IDS:
            rows.append(["T05", "Geburten", row["year"], LONG_IDS[row['district_id']], "", "50", "Geburten",
                         row["births"]])
    folder = project / "data" / slug
    _write_csv(folder / "raw" / "bevoelkerung_lang.csv", rows)

    frame = _stadtteile(project)
    frame["ID"] = frame["AREA_ID"].str[-2:].astype(int).astype(str).map(LONG_IDS)
    frame = frame[["ID", "AREA_NAME", "geometry"]].to_crs(CUSTOM_CRS)
    frame = frame.set_geometry(shapely.force_3d(frame.geometry.values))
    # Nordstadt's outline with a stretch of its vertices in reverse order: a self-intersecting ring.
    nordstadt = frame.index[frame["ID"] == LONG_IDS["3"]][0]
    polygon = frame.geometry[nordstadt]
    polygon = max(getattr(polygon, "geoms", [polygon]), key=lambda p: p.area)
    ring = list(polygon.exterior.coords)
    middle = len(ring) // 2
    ring[5:middle] = reversed(ring[5:middle])
    broken = Polygon(ring)
    assert not broken.is_valid
    frame.loc[nordstadt, "geometry"] = broken
    (folder / "raw" / "geo").mkdir(parents=True, exist_ok=True)
    frame.to_file(folder / "raw" / "geo" / "stadtteile.shp")

    return _pack(project, slug, {
        "area_label": "Stadtteil", "area_label_plural": "Stadtteile",
        "areas": [{"id": LONG_IDS[d], "name": n} for d, n in FLENSBURG],
        "levels": [{"id": "stadtbezirk", "label": "Stadtbezirk", "label_plural": "Stadtbezirke",
                    "parent_id": "00{id[0]}", "names": {b: f"Bezirk {int(b)}" for b in BEZIRKE}}],
        "geometry": {"file": "raw/geo/stadtteile.shp", "id_field": "ID", "crs": "from_file",
                     "repair": "make_valid"},
        "sources": [{
            "file": "raw/bevoelkerung_lang.csv", "title": "Bevölkerung (lange Tabelle)", "delimiter": ";",
            "year_column": "Jahr", "area_column": "Raum-ID", "category_column": "Merkmal-ID",
            "value_column": "Wert", "filters": {"Tabelle": ["T01", "T02"]}, "city_rows": ["000"],
            "variables": {variable: key for variable, (_, key, _) in keys.items()}}],
    })


def broken_umlauts(name: str) -> str:
    """'Mürwik' as a UTF-8 file read as Windows-1252 and saved again shows it: 'MÃ¼rwik'."""
    return name.encode("utf-8").decode("cp1252")


def named_pack(project: Path, slug: str = "namen") -> Path:
    """Semicolon files keyed by Stadtteil name: dates as 31.12.2022 and 2022_12_31, names with typos,
    trailing spaces and broken umlauts, one year block repeated, counts written '4.0', and a Merkmal column
    with rows the pack does not read."""
    values = flensburg_values(project, DEMOGRAPHY)
    spelled = {d: n for d, n in FLENSBURG}
    spelled["9"] = "Jürgensbi"                    # a typo, declared as alias
    spelled["2"] = "Neustadt  "                   # trailing spaces
    spelled["11"] = broken_umlauts("Mürwik")
    spelled["7"] = broken_umlauts("Südstadt")
    rows = [["Stichtag", "Stadtteil", "Einwohner"]]
    for year in YEARS:
        rows += [[f"31.12.{year}", spelled[d], f"{values[('residents_total', year, d)]}.0"] for d, _ in FLENSBURG]
    rows += [r for r in rows[1:] if r[0] == "31.12.2021"]          # the 2021 block delivered twice
    folder = project / "data" / slug
    _write_csv(folder / "raw" / "einwohner.csv", rows)

    oldest = {(int(r["year"]), r["district_id"]): r["age_80_and_above"]
              for r in _flensburg_rows(project, "fl_age_groups_by_district.csv")}
    bands = {"residents_under_18": "Personen unter 18 Jahren", "residents_18_to_64": "Personen 18 bis unter 65",
             "residents_65_plus": "Personen 65 Jahre und älter"}
    rows = [["Datum", "Stadtteil", "Merkmal", "Anzahl"]]
    for year in YEARS:
        for d, name in FLENSBURG:
            rows += [[f"{year}_12_31", name, label, values[(variable, year, d)]] for variable, label in bands.items()]
            if (year, d) in oldest:     # a Merkmal the pack does not read
                rows.append([f"{year}_12_31", name, "Personen 80 Jahre und älter", oldest[(year, d)]])
    _write_csv(folder / "raw" / "altersgruppen.csv", rows)
    shutil.copy(project / "data" / "flensburg" / "raw" / "flensburg_stadtteile.zip", folder / "raw" / "stadtteile.zip")

    areas = [{"id": f"STGT{int(d):02d}", "name": n} for d, n in FLENSBURG]
    areas[8]["aliases"] = ["Jürgensbi"]
    return _pack(project, slug, {
        "area_label": "Stadtteil", "area_label_plural": "Stadtteile", "areas": areas,
        "geometry": {"file": "raw/stadtteile.zip", "layer": "Stadtteile.shp", "id_field": "AREA_ID",
                     "crs": "EPSG:25832"},
        "sources": [
            {"file": "raw/einwohner.csv", "title": "Einwohner nach Stadtteilen", "delimiter": ";",
             "year_column": "Stichtag", "year_pattern": "DD.MM.YYYY", "area_column": "Stadtteil",
             "area_key": "name", "variables": {"residents_total": "Einwohner"}},
            {"file": "raw/altersgruppen.csv", "title": "Altersgruppen", "delimiter": ";",
             "year_column": "Datum", "year_pattern": "YYYY_MM_DD", "area_column": "Stadtteil", "area_key": "name",
             "category_column": "Merkmal", "value_column": "Anzahl",
             "variables": bands},
        ],
    })


def wide_pack(project: Path, slug: str = "breit") -> Path:
    """One wide table with the year in the column names ('Einwohner 2019', …, 'Arbeitslose 2022')."""
    variables = {**DEMOGRAPHY, "unemployed": ("fl_unemployed_residents_by_district.csv", "residents")}
    values = flensburg_values(project, variables)
    labels = {"residents_total": "Einwohner", "residents_under_18": "unter 18", "residents_18_to_64": "18 bis 64",
              "residents_65_plus": "65 und älter", "unemployed": "Arbeitslose"}
    header = ["Nr", "Stadtteil", *(f"{labels[v]} {year}" for v in variables for year in YEARS)]
    rows = [header] + [[d, n, *(values[(v, year, d)] for v in variables for year in YEARS)] for d, n in FLENSBURG]
    folder = project / "data" / slug
    _write_csv(folder / "raw" / "stadtteile_breit.csv", rows)
    shutil.copy(project / "data" / "flensburg" / "raw" / "flensburg_stadtteile.zip", folder / "raw" / "stadtteile.zip")
    return _pack(project, slug, {
        "areas": [{"id": d, "name": n, "geometry_id": f"STGT{int(d):02d}"} for d, n in FLENSBURG],
        "geometry": {"file": "raw/stadtteile.zip", "layer": "Stadtteile.shp", "id_field": "AREA_ID",
                     "crs": "EPSG:25832"},
        "sources": [{"file": "raw/stadtteile_breit.csv", "title": "Stadtteile im Überblick", "delimiter": ";",
                     "area_column": "Nr", "variables": {v: f"{labels[v]} {{year}}" for v in variables}}],
        "sum_checks": [{"total": "residents_total",
                        "parts": ["residents_under_18", "residents_18_to_64", "residents_65_plus"],
                        "tolerance_share": 0.01}],
    })


LOCATED = 10   # of the 13 Stadtteile, only the first ten get a point (some offices publish points for some)


def points_pack(project: Path, slug: str = "punkte") -> Path:
    """The wide table with no polygons, only a CSV of points (lat/lon, keyed by name) for ten of the 13
    Stadtteile: a point inside each real Stadtteil polygon."""
    frame = _stadtteile(project).to_crs("EPSG:4326")
    names = {f"STGT{int(d):02d}": n for d, n in FLENSBURG}
    inside = dict(zip(frame["AREA_ID"].map(names), frame.geometry.representative_point()))
    rows = [["Stadtteil", "lat", "lon"]] + [[n, f"{inside[n].y:.6f}", f"{inside[n].x:.6f}"]
                                            for _, n in FLENSBURG[:LOCATED]]
    folder = wide_pack(project, slug)
    _write_csv(folder / "raw" / "stadtteilpunkte.csv", rows)
    (folder / "raw" / "stadtteile.zip").unlink()
    path = folder / "city.yml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["geometry"] = {"file": "raw/stadtteilpunkte.csv", "delimiter": ";", "id_field": "Stadtteil",
                          "area_key": "name", "x_field": "lon", "y_field": "lat", "crs": "EPSG:4326"}
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def no_geometry_pack(project: Path, slug: str = "ohne_geometrie") -> Path:
    """The name-keyed files without any geometry."""
    folder = named_pack(project, slug)
    (folder / "raw" / "stadtteile.zip").unlink()
    path = folder / "city.yml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    del config["geometry"]
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder
