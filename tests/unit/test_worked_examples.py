"""The inline method cells: the visible computation is checked against what the page publishes."""
from __future__ import annotations

import pytest

from analysis.compute import uncertainty
from analysis.report.worked_examples import RecomputationDiffers, example_area, rate_table, z_value_table


def _z_values(edition):
    index = edition.social_index
    values = index.table[index.status]
    z = (values - values.mean()) / values.std(ddof=0)
    z["Summe"] = z.sum(axis=1)
    z["Statusindex"] = (z["Summe"] - z["Summe"].mean()) / z["Summe"].std(ddof=0)
    return z


def test_the_recomputed_rate_and_interval_are_shown_beside_the_published_value(tiny_edition):
    indicator = tiny_edition.indicator("sgb2_quote")
    area = example_area(tiny_edition, "sgb2_quote")
    assert area == "3"   # the largest denominator of the three synthetic areas
    row = tiny_edition.table("sgb2_quote").loc[area]
    low, high = uncertainty.rate_interval(row["numerator"], row["denominator"], 100, is_share=True)
    table = rate_table(tiny_edition, "sgb2_quote", area, row["numerator"] / row["denominator"] * 100, low, high)
    assert table.iloc[2, 1] == table.iloc[4, 1]
    with pytest.raises(RecomputationDiffers):
        rate_table(tiny_edition, "sgb2_quote", area, row["value"] + 0.01, low, high)
    assert indicator.kind == "share"


def test_the_z_values_must_reproduce_the_published_status_index(tiny_edition):
    z = _z_values(tiny_edition)
    table = z_value_table(tiny_edition, z)
    assert list(table["Stadtteil"]) == ["Nordhafen", "Mitte", "Südfeld"]   # highest status index first
    z["Statusindex"] = z["Statusindex"] * 1.01
    with pytest.raises(RecomputationDiffers):
        z_value_table(tiny_edition, z)
