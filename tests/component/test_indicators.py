"""Indicators against values computed by hand from real rows of the Flensburg tables."""
import math

import pytest

from analysis.compute.edition import Edition
from analysis.pack.model import CITY_AREA_ID


@pytest.fixture
def edition(flensburg_2022):
    return flensburg_2022


def test_sgb2_rate_from_real_rows(edition):
    # 2022, Altstadt: 408 recipients; 3907 residents, 396 aged 65+  → 408 / 3511 × 100
    assert edition.value("sgb2_quote", "1") == pytest.approx(408 / (3907 - 396) * 100)
    # 2022, Neustadt: 1014 / (5052 − 370)
    assert edition.value("sgb2_quote", "2") == pytest.approx(1014 / (5052 - 370) * 100)


def test_change_against_previous_year(edition):
    row = edition.table("sgb2_quote", 2022).loc["1"]
    assert row["change_1y"] == pytest.approx(408 / 3511 * 100 - 475 / (3866 - 413) * 100)


def test_change_against_five_years_earlier_only_where_data_reach(edition):
    # Residents exist for 2017 and 2022: a 5-year change; SGB II only from 2018: none.
    assert edition.table("einwohner", 2022).loc["1", "change_5y"] == 3907 - 3807
    assert math.isnan(edition.table("sgb2_quote", 2022).loc["1", "change_5y"])


def test_city_total_includes_unassigned_rows(edition):
    # 2021: 13 districts plus 451 persons without a district (NULL row) = 11579
    city = edition.table("leistungsbezug_15_64_quote", 2021).loc[CITY_AREA_ID]
    assert city["numerator"] == 11579


def test_city_rate_is_recomputed_from_sums_not_averaged(edition):
    frame = edition.table("sgb2_quote", 2022)
    areas = frame.drop(index=CITY_AREA_ID)
    pooled = areas["numerator"].sum() / areas["denominator"].sum() * 100
    assert frame.loc[CITY_AREA_ID, "value"] == pytest.approx(pooled)
    assert frame.loc[CITY_AREA_ID, "value"] != pytest.approx(areas["value"].mean())


def test_city_value_missing_when_a_district_is_missing(edition):
    # Risk of homelessness 2022: Tarup is suppressed in the source, so no honest city total exists.
    assert math.isnan(edition.value("wohnungslosigkeit_bedroht", CITY_AREA_ID, 2022))
    assert math.isnan(edition.value("wohnungslosigkeit_bedroht", "13", 2022))


def test_rank_one_is_the_highest_value(edition):
    frame = edition.table("sgb2_quote", 2022).drop(index=CITY_AREA_ID)
    assert frame["rank"].min() == 1
    assert frame.loc[frame["rank"] == 1].index.tolist() == ["2"]  # Neustadt
    assert set(frame["rank_of"]) == {13}


def test_edition_only_sees_data_up_to_its_year(flensburg_project):
    earlier = Edition.compute("flensburg", 2020, flensburg_project, with_previous=False)
    assert earlier.indicators["year"].max() == 2020


def test_published_share_of_city_total_is_reproduced(edition):
    row = edition.reconciliation.set_index("column").loc["percentage_of_total"]
    assert row["reproduced"] >= row["compared"] - 1  # one source row is off by 0,96 and is reported


def test_at_least_15_indicators_across_all_topics_for_flensburg(edition):
    assert len(edition.catalog.indicators) >= 15
    assert set(edition.catalog.by_topic()) == {"bevoelkerung", "arbeit", "transfer", "wohnen", "bildung"}
    # The integration topic's indicators come from a table of the whole city only.
    assert {i.topic for i in edition.city_catalog.indicators} == {"bildung", "transfer", "integration"}
