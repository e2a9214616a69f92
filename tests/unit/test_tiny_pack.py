"""A whole edition computed on the synthetic three-area pack: every number can be checked by hand."""
from __future__ import annotations

import pytest

from analysis.pack.model import CITY_AREA_ID

from synthetic import AREAS, counts


def test_rates_are_computed_from_the_raw_counts(tiny_edition):
    raw = counts()[(2022, "1")]
    expected = raw["sgb2"] / (raw["einwohner"] - raw["ab_65"]) * 100
    assert tiny_edition.value("sgb2_quote", "1", 2022) == pytest.approx(expected)


def test_the_city_rate_pools_numerators_and_denominators(tiny_edition):
    rows = [counts()[(2022, area)] for area in AREAS]
    expected = sum(r["arbeitslose"] for r in rows) / sum(r["von_18_bis_64"] for r in rows) * 100
    assert tiny_edition.value("arbeitslosenanteil", CITY_AREA_ID, 2022) == pytest.approx(expected)


def test_the_area_with_the_most_need_has_the_lowest_status_class(tiny_edition):
    table = tiny_edition.social_index.table
    assert table["status_index"].idxmax() == "1" and table["status_index"].idxmin() == "3"
    assert tiny_edition.social_index.dynamics_from == 2020   # the default span of two years


def test_only_indicators_with_data_are_in_the_edition(tiny_edition):
    ids = {i.id for i in tiny_edition.catalog.indicators}
    assert {"sgb2_quote", "arbeitslosenanteil", "kinderarmut_sgb2", "anteil_unter_18"} <= ids
    assert "geburtenrate" not in ids   # the pack has no births
