"""Berlin across the LOR reform of 2021, on the real data: the earlier years apportioned to the 542
Planungsräume of today add up exactly to what was counted on the 448 earlier ones, the published exact
correspondences win over the overlay, and only values that are not sums of whole earlier areas are marked
as estimates."""
from __future__ import annotations

import re

import pytest

from analysis.compute.edition import Edition
from analysis.inputs import back_series, sources
from analysis.pack.loader import load_city
from analysis.pack.model import CITY_AREA_ID
from analysis.report import comparison, figures, interactive_map
from analysis.report.charts import ESTIMATE_LABEL

SPARRPLATZ_BEFORE, SPARRPLATZ_NOW, NORDUFER_NOW = "01044202", "01401047", "01401046"


@pytest.fixture(scope="module")
def pack():
    return load_city("berlin")


@pytest.fixture(scope="module")
def back(pack):
    return back_series.compute(pack)


@pytest.fixture(scope="module")
def edition():
    return Edition.compute("berlin", 2024, with_previous=False)


def test_the_pack_has_two_area_editions(pack):
    assert len(pack.areas) == 542 and pack.default_edition == 2024
    assert len(pack.for_edition(2020).areas) == 448 and pack.for_edition(2021) is pack
    assert [lv.id for lv in pack.levels] == ["bezirksregion", "prognoseraum", "bezirk"]
    assert pack.levels[0].names["011001"] == "Tiergarten Süd"


def test_apportioned_counts_add_up_to_the_earlier_counts_citywide_exactly(pack, back):
    earlier = pack.before_change()
    counted = sources.tidy_variables(sources.read_all(earlier))
    counted = counted[counted["area_id"].isin(earlier.area_ids) & ~counted["variable"].isin(pack.non_count_variables)]
    now = back.tidy[back.tidy["area_id"].isin(pack.area_ids)]
    before_sums = counted.groupby(["year", "variable"])["value"].sum()
    now_sums = now.groupby(["year", "variable"])["value"].sum()
    assert len(before_sums) == 6 * 15 and before_sums.index.equals(now_sums.index)   # 2015–2020, 15 counts
    assert not now["variable"].isin(pack.non_count_variables).any()   # supplied shares do not cross the change
    assert (before_sums == now_sums).all()   # whole numbers: equal, not merely close
    assert now["value"].dropna().map(float.is_integer).all()


def test_the_city_series_runs_through_the_change_unchanged(edition):
    earlier = Edition.compute("berlin", 2020, with_previous=False)
    for year in range(2015, 2021):
        assert edition.value("einwohner", CITY_AREA_ID, year) == earlier.value("einwohner", CITY_AREA_ID, year)
    assert edition.value("einwohner", CITY_AREA_ID, 2020) == 3769962
    rows = edition.indicators
    assert not rows.loc[rows["area_id"] == CITY_AREA_ID, "estimated"].any()


def test_exact_correspondences_take_precedence_and_disagreements_are_findings(back, edition):
    shares = back.crosswalk.shares
    sparrplatz = shares[shares["old_id"] == SPARRPLATZ_BEFORE]
    assert sparrplatz[["new_id", "share"]].values.tolist() == [[SPARRPLATZ_NOW, 1.0]]
    overlay = back.crosswalk.overlay
    in_nordufer = overlay[(overlay["old_id"] == SPARRPLATZ_BEFORE) & (overlay["new_id"] == NORDUFER_NOW)]
    assert in_nordufer["share"].iloc[0] > 0.4
    found = edition.findings[edition.findings["kind"] == "crosswalk_disagrees"]
    assert found["column"].eq(SPARRPLATZ_BEFORE).sum() == 1
    assert "Es gilt die Zuordnung" in found.loc[found["column"] == SPARRPLATZ_BEFORE, "message"].iloc[0]
    # Nordufer gets nothing of Sparrplatz by the match: its series starts with the new areas, said as a finding
    assert edition.pack.areas[edition.pack.area_ids.index(NORDUFER_NOW)].first_year == 2021
    assert (edition.findings["area_id"] == NORDUFER_NOW).any()


def test_estimates_are_marked_where_areas_were_redrawn_only(edition, back):
    rows = edition.indicators[edition.indicators["indicator"] == "einwohner"]
    marked = rows.groupby("area_id")["estimated"].any()
    exact = back.crosswalk.exact_areas()
    with_earlier_values = set(rows.loc[rows["year"] < 2021, "area_id"])
    assert marked[sorted(exact)].eq(False).all()
    assert marked[sorted(back.estimated_areas & with_earlier_values)].all()
    assert 100 < len(exact) < 542 - 100   # both kinds are common in Berlin
    assert not rows.loc[rows["year"] >= 2021, "estimated"].any()
    # an unchanged area (one earlier area, whole) has its earlier values as counted
    unchanged = sorted(exact)[0]
    earlier_id = back.crosswalk.shares.loc[back.crosswalk.shares["new_id"] == unchanged, "old_id"]
    assert len(earlier_id) >= 1


def test_the_comparison_draws_one_line_with_the_estimated_part_marked(edition):
    drawn = comparison.development(edition)
    assert drawn["years"] == list(range(2015, 2025))
    split = drawn["areas"]["01100414"]   # Nordbahnhof, a part of an earlier area
    assert split["estimated"] == list(range(2015, 2021)) and None not in split["values"]
    assert "estimated" not in drawn["areas"]["01100101"] and "estimated" not in drawn["city"]
    assert "Flächenanteilen" in drawn["estimate_note"]


def test_the_interactive_map_says_which_earlier_values_are_estimates(edition):
    layer = next(layer for layer in interactive_map.layers(edition) if "by_year" in layer
                 and "2015" in layer["by_year"] and "2024" in layer["by_year"])
    before, now = layer["by_year"]["2015"], layer["by_year"]["2024"]
    assert before["texts"]["01100414"].endswith("(geschätzt)")   # Nordbahnhof, split off an earlier area
    assert not before["texts"]["01100101"].endswith("(geschätzt)")   # Stülerstraße, a whole earlier area
    assert "umgerechnet" in before["note"] and "umgerechnet" not in now["note"]


def test_a_split_areas_trend_chart_draws_its_estimated_years_dotted(edition):
    shown = ["anteil_65_plus", "anteil_unter_18"]
    split = figures.trends(edition, "01100414", shown).image().data.decode("utf-8")   # Nordbahnhof
    unchanged = figures.trends(edition, "01100101", shown).image().data.decode("utf-8")   # Stülerstraße
    # per panel: the dotted part 2015–2021 (joined to the first counted year) and the counted part 2021–2024
    assert split.count('class="geschaetzt"') == 2 and ESTIMATE_LABEL in split
    assert len(re.findall(r'class="geschaetzt" points="([^"]+)"', split)[0].split()) == 7
    assert 'class="geschaetzt"' not in unchanged and ESTIMATE_LABEL not in unchanged
