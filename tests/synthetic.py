"""A tiny synthetic city pack for the unit tests: three square areas, four years, generated with a fixed
seed. It is synthetic on purpose (the unit layer must run in seconds and know every number); the real
Flensburg pack is what the component and integration layers test."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np

AREAS = {"1": "Nordhafen", "2": "Mitte", "3": "Südfeld"}
YEARS = (2019, 2020, 2021, 2022)
SEED = 20261121
SIDE = 1000.0  # metres; the areas are squares side by side in EPSG:25832

CITY_YML = """\
name: Kleinstadt
area_label: Stadtteil
area_label_plural: Stadtteile
areas:
  - {id: "1", name: Nordhafen}
  - {id: "2", name: Mitte}
  - {id: "3", name: Südfeld}
geometry:
  file: raw/gebiete.geojson
  id_field: id
  crs: EPSG:25832
editions:
  - year: 2021
  - year: 2022
headline_indicator: sgb2_quote
social_index:
  status: [arbeitslosenanteil, sgb2_quote, kinderarmut_sgb2]
  replicates: 200
attribution:
  title: Synthetische Testdaten
  publisher: Sozialbericht-Tests
  licence: CC0
sources:
  - file: raw/bevoelkerung.csv
    title: Einwohner nach Altersgruppen
    year_column: jahr
    area_column: gebiet
    variables: {residents_total: einwohner, residents_under_18: unter_18, residents_18_to_64: von_18_bis_64,
                residents_65_plus: ab_65}
  - file: raw/leistungen.csv
    title: Arbeitslose und SGB II
    year_column: jahr
    area_column: gebiet
    variables: {unemployed: arbeitslose, sgb2_recipients: sgb2, sgb2_non_employable: sgb2_kinder}
"""


def counts(seed: int = SEED) -> dict[tuple[int, str], dict[str, int]]:
    """(year, area) → the raw counts of both files, reproducible from the seed."""
    rng = np.random.default_rng(seed)
    rows = {}
    for number, area in enumerate(AREAS):
        base = 2000 + 1500 * number
        for year in YEARS:
            total = int(base + rng.integers(-50, 50))
            under_18 = int(total * (0.14 + 0.03 * number))
            over_65 = int(total * 0.2)
            working = total - under_18 - over_65
            need = 0.04 + 0.05 * (2 - number)   # area 1 has the most need, area 3 the least
            rows[(year, area)] = {
                "einwohner": total, "unter_18": under_18, "von_18_bis_64": working, "ab_65": over_65,
                "arbeitslose": int(working * need * 0.6 + rng.integers(0, 10)),
                "sgb2": int((total - over_65) * need + rng.integers(0, 10)),
                "sgb2_kinder": int(under_18 * need * 1.3 + rng.integers(0, 5)),
            }
    return rows


def _write_csv(path: Path, columns: list[str], rows: dict) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["jahr", "gebiet", *columns])
        for (year, area), values in sorted(rows.items()):
            writer.writerow([year, area, *(values[c] for c in columns)])


def square(number: int) -> list[list[list[float]]]:
    x0, y0 = 500000.0 + number * SIDE, 6000000.0
    return [[[x0, y0], [x0 + SIDE, y0], [x0 + SIDE, y0 + SIDE], [x0, y0 + SIDE], [x0, y0]]]


def write_tiny_pack(root: Path, slug: str = "kleinstadt") -> Path:
    """A project root holding data/<slug>/ (city.yml, two CSVs, a GeoJSON) and the _toc.yml that marks it."""
    pack = root / "data" / slug
    (pack / "raw").mkdir(parents=True)
    (root / "_toc.yml").write_text("format: jb-book\nroot: notebooks/ueberblick\n", encoding="utf-8")
    (pack / "city.yml").write_text(CITY_YML, encoding="utf-8")
    rows = counts()
    _write_csv(pack / "raw" / "bevoelkerung.csv", ["einwohner", "unter_18", "von_18_bis_64", "ab_65"], rows)
    _write_csv(pack / "raw" / "leistungen.csv", ["arbeitslose", "sgb2", "sgb2_kinder"], rows)
    features = [{"type": "Feature", "properties": {"id": area},
                 "geometry": {"type": "Polygon", "coordinates": square(number)}}
                for number, area in enumerate(AREAS)]
    (pack / "raw" / "gebiete.geojson").write_text(json.dumps({
        "type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
        "features": features}), encoding="utf-8")
    return root
