"""Facility layers and supply next to need on the synthetic three-area pack: squares of 1 km side by side
in EPSG:25832 (x from 500,000 m), so every distance and share can be worked out by hand."""
from __future__ import annotations

import math

import pytest

from analysis.compute.edition import Edition
from analysis.errors import InputError
from analysis.pack.loader import load_city

from synthetic import SIDE, counts

LAYER = """
facilities:
  - id: kitas
    title: Kitas
    file: raw/kitas.csv
    crs: EPSG:25832
    x_field: x
    y_field: y
    id_field: nummer
    name_field: name
    area_name_field: stadtteil
    reference_date: "2024-01"
    source: Testdaten
    capacities:
      - {field: plaetze, title: Plätze, target_group: Kinder}
    published_fields: [name, plaetze]
need_plan:
  - facility: kitas
    title: Kita-Plätze
    target_group: Kinder unter 18 Jahren
    capacity: plaetze
    target_population: residents_under_18
    target_ratio: {value: 50, per: 100, source: Testannahme}
    catchment: {distance_m: 650, detour_factor: 1.3, source: Testannahme}
"""
# centre of square 1 (Nordhafen), a second Kita in square 1 near its west edge, one in square 3 (Südfeld)
ROWS = [("k1", "Kita Mitte eins", "Nordhafen", 500500, 6000500, "60"),
        ("k2", "Kita West", "Nordhafen", 500100, 6000500, "40"),
        ("k3", "Kita Süd", "Südfeld", 502500, 6000500, "25")]


def with_layer(root, rows=ROWS, header="nummer,name,stadtteil,x,y,plaetze", layer=LAYER):
    pack = root / "data" / "kleinstadt"
    (pack / "raw" / "kitas.csv").write_text(
        header + "\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n", encoding="utf-8")
    (pack / "city.yml").write_text((pack / "city.yml").read_text(encoding="utf-8") + layer, encoding="utf-8")
    load_city.cache_clear()
    return Edition.compute("kleinstadt", 2022, root, with_previous=False)


def test_places_per_100_children_and_the_gap_by_hand(tiny_copy):
    edition = with_layer(tiny_copy)
    (plan, table), = edition.infrastructure.supply
    children = counts()[(2022, "1")]["unter_18"]
    assert table.at["1", "places"] == 100
    assert table.at["1", "places_per"] == pytest.approx(100 / children * 100)
    assert table.at["1", "gap"] == pytest.approx(100 - children * 0.5)
    assert table.at["2", "places"] == 0 and table.at["2", "facilities"] == 0
    assert table.at["stadt", "places"] == 125


def test_a_catchment_is_measured_in_metres(tiny_copy):
    """650 m walking / detour 1.3 = 500 m straight: the circle around the centre of square 1 covers π·500²
    of its 1 km²; the Kita 100 m from its west edge adds the part of its circle inside square 1."""
    edition = with_layer(tiny_copy, rows=[ROWS[0]])
    (_, table), = edition.infrastructure.supply
    assert table.at["1", "catchment_share"] == pytest.approx(math.pi * 500 ** 2 / SIDE ** 2, rel=0.01)
    assert table.at["2", "catchment_share"] == pytest.approx(0, abs=1e-6)   # the circle only touches it
    assert table.at["3", "catchment_share"] == 0


def test_a_facility_whose_stated_area_differs_from_its_coordinates_is_a_finding(tiny_copy):
    rows = [*ROWS[:2], ("k3", "Kita Süd", "Mitte", 502500, 6000500, "25")]
    findings = with_layer(tiny_copy, rows=rows).findings
    differs = findings[findings["kind"] == "facility_area_differs"]
    assert len(differs) == 1
    row = differs.iloc[0]
    assert row["row"] == 4 and row["area_id"] == "3" and "„Mitte“" in row["message"] and "Südfeld" in row["message"]


@pytest.mark.parametrize("rows, header, layer, message", [
    ([("k1", "Kita", "Nordhafen", "", "", "60")], None, LAYER, "Koordinaten fehlen"),
    ([("k1", "Kita", "Nordhafen", 600000, 6000500, "60")], None, LAYER, "außerhalb der Gebiete"),
    ([("k1", "Kita", "Nordhafen", 500500, 6000500, "viele")], None, LAYER, "Kapazität 'viele' ist keine Zahl"),
    (ROWS, None, LAYER.replace("published_fields: [name, plaetze]", "published_fields: [name, telefon]"),
     "Feld 'telefon' fehlt"),
    (ROWS, None, LAYER.replace("target_population: residents_under_18", "target_population: kinder"),
     "Variable 'kinder' liefert keine Quelle"),
], ids=["missing coordinates", "outside the city", "capacity not a number", "unknown field", "unknown variable"])
def test_bad_facility_files_give_clear_errors(tiny_copy, rows, header, layer, message):
    with pytest.raises(InputError, match=message) as error:
        with_layer(tiny_copy, rows=rows, header=header or "nummer,name,stadtteil,x,y,plaetze", layer=layer)
    assert "kitas.csv" in str(error.value) or "city.yml" in str(error.value)


def test_only_published_and_planned_fields_are_kept(tiny_copy):
    rows = [(*r, "0461 1234") for r in ROWS]
    edition = with_layer(tiny_copy, rows=rows, header="nummer,name,stadtteil,x,y,plaetze,telefon")
    points = edition.infrastructure.layers["kitas"].points
    assert "telefon" not in points.columns and {"name", "plaetze", "area_id"} <= set(points.columns)
