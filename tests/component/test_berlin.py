"""Berlin as a second city pack: declarative per-year reader, geometry correction, levels, aggregation,
supplied indicators without counts, and the comparison with the official MSS classes.

Expected values are recomputed here from the raw CSV files with the csv module, independently of the
package's reader."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml

from analysis.compute.edition import Edition
from analysis.errors import InputError
from analysis.pack import levels
from analysis.pack.loader import load_city
from analysis.pack.model import CITY_AREA_ID
from analysis.report import official_comparison

from projects import copy_project

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "berlin" / "raw" / "population"


def raw_rows(table: str, year: int = 2020) -> dict[str, dict[str, str]]:
    path = RAW / f"berlin-lor-population-{year}-02-{table}-planning-areas.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def berlin():
    return Edition.compute("berlin", 2020)


@pytest.fixture(scope="module")
def berlin_bezirke():
    return Edition.compute("berlin", 2020, level="bezirk")


def test_every_planungsraum_of_the_geometry_is_an_area(berlin):
    assert len(berlin.pack.areas) == 448
    assert berlin.table("einwohner").loc[CITY_AREA_ID, "value"] == 3769962  # the published city total 2020
    # 09041403 first appears on 31.12.2019; before, the city total is still complete.
    table = berlin.indicators
    assert ((table["indicator"] == "einwohner") & (table["area_id"] == CITY_AREA_ID) & (table["year"] == 2016)).any()


def test_the_duplicated_geometry_id_is_corrected_as_declared_and_reported(berlin):
    assert berlin.area_name("04030417").startswith("Schloßstraße")
    assert berlin.areas.loc["04030417"].geometry.centroid.y == pytest.approx(52.51, abs=0.01)
    corrected = berlin.findings[berlin.findings["kind"] == "geometry_corrected"]
    assert len(corrected) == 1
    assert "06010102 → 04030417" in corrected["message"].iloc[0]


def test_validation_finds_the_duplicated_id_without_the_correction(tmp_path):
    project = copy_project(tmp_path)
    city_yml = project / "data" / "berlin" / "city.yml"
    document = yaml.safe_load(city_yml.read_text(encoding="utf-8"))
    del document["area_change"]["before"]["geometry"]["corrections"]
    city_yml.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    load_city.cache_clear()
    try:
        with pytest.raises(InputError) as error:
            load_city("berlin", project)
    finally:
        load_city.cache_clear()
    message = str(error.value)
    assert "06010102" in message and "berlin-lor-planning-areas-until-2020.geojson" in message
    assert re.search(r"Zeile \d+", message) and "corrections" in message


def test_hierarchy_is_derived_from_the_ids(berlin):
    assert berlin.hierarchy.parent("01011101", "bezirksregion") == ("010111", "Tiergarten Süd")
    assert berlin.hierarchy.parent("01011101", "prognoseraum") == ("0101", "Zentrum")
    assert berlin.hierarchy.parent("04030417", "bezirk") == ("04", "Charlottenburg-Wilmersdorf")


def test_an_area_outside_the_polygon_its_id_names_is_an_error(berlin):
    base = berlin.pack
    swapped = berlin.areas.copy()
    swapped.loc["01011101", "geometry"] = berlin.areas.loc["12103115", "geometry"]  # a Reinickendorf polygon
    with pytest.raises(InputError, match=r"01011101 .* gehört nach seiner ID zu Bezirksregion 010111, liegt aber in"):
        levels.check_against_polygons(base, swapped)


def test_counts_are_summed_and_rates_recomputed_for_a_bezirk(berlin_bezirke):
    ages, origin = raw_rows("t2"), raw_rows("t1")
    mitte = [row for area_id, row in ages.items() if area_id.startswith("01")]
    residents = sum(int(r["inhabitants"]) for r in mitte)
    under_18 = sum(int(r["inhabitants_age_below_6"]) + int(r["inhabitants_age_6_15"]) + int(r["inhabitants_age_15_18"])
                   for r in mitte)
    foreigners = sum(int(r["inhabitants_foreigners"]) for a, r in origin.items() if a.startswith("01"))
    assert berlin_bezirke.value("einwohner", "01") == residents
    assert berlin_bezirke.value("anteil_unter_18", "01") == pytest.approx(under_18 / residents * 100)
    assert berlin_bezirke.value("auslaenderanteil", "01") == pytest.approx(foreigners / residents * 100)
    # Not the mean of the Planungsräume's shares:
    mean_of_shares = sum(float(r["inhabitants_age_below_6_percentage"]) + float(r["inhabitants_age_6_15_percentage"])
                         + float(r["inhabitants_age_15_18_percentage"]) for r in mitte) / len(mitte)
    assert abs(berlin_bezirke.value("anteil_unter_18", "01") - mean_of_shares) > 0.3
    assert berlin_bezirke.table("einwohner").loc[CITY_AREA_ID, "value"] == 3769962


def test_a_bezirksregion_in_the_profile_comparison_matches_its_planungsraume(berlin):
    ages = raw_rows("t2")
    region = [r for a, r in ages.items() if a.startswith("010111")]
    values = berlin.hierarchy.indicators["bezirksregion"].query(
        "indicator == 'anteil_65_plus' and year == 2020 and area_id == '010111'")["value"].iloc[0]
    expected = (sum(int(r["inhabitants_age_above_65"]) for r in region)
                / sum(int(r["inhabitants"]) for r in region) * 100)
    assert values == pytest.approx(expected)


def test_bezirk_edition_keeps_no_supplied_shares(berlin_bezirke):
    assert len(berlin_bezirke.pack.areas) == 12
    assert not berlin_bezirke.has("mss_arbeitslose")  # published per Planungsraum only: never summed


def test_supplied_mss_shares_have_values_but_no_counts_and_no_city_value(berlin):
    indicator = berlin.indicator("mss_arbeitslose")
    assert indicator.kind == "external" and "Monitoring Soziale Stadtentwicklung" in indicator.source
    rows = berlin.indicators[berlin.indicators["indicator"] == "mss_arbeitslose"]
    assert sorted(rows["year"].unique()) == [2013, 2015, 2017]
    assert rows["numerator"].isna().all() and rows["denominator"].isna().all()
    assert CITY_AREA_ID not in set(rows["area_id"])
    assert rows.query("area_id == '01011101' and year == 2017")["value"].iloc[0] == pytest.approx(4.98155)
    # Großer Tiergarten is not rated by the MSS (all shares 0 in the source): missing, not 0.
    assert rows.query("area_id == '01011102'").empty


def test_at_least_twelve_population_indicators(berlin):
    population = [i for i in berlin.catalog.indicators if i.topic == "bevoelkerung"]
    assert len(population) >= 12


def test_project_index_reproduces_the_official_status_classes(berlin):
    comparisons = official_comparison.compare(berlin)
    assert [c.year for c in comparisons] == [2013, 2015, 2017]
    for comparison in comparisons:
        same, total = official_comparison.agreement(comparison, "status")
        assert total >= 434 and same == total
    dynamics_same, dynamics_total = official_comparison.agreement(comparisons[-1], "dynamics")
    assert dynamics_total > 400 and dynamics_same / dynamics_total > 0.9


def test_a_missing_file_of_a_per_year_source_is_named(tmp_path):
    project = copy_project(tmp_path)
    missing = project / "data" / "berlin" / "raw" / "population" / "berlin-lor-population-2017-02-t3-planning-areas.csv"
    missing.unlink()
    load_city.cache_clear()
    try:
        with pytest.raises(InputError, match="2017-02-t3-planning-areas.csv: Datei fehlt"):
            Edition.compute("berlin", 2020, project)
    finally:
        load_city.cache_clear()
