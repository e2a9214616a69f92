"""The SVG charts of the area profiles: round ticks, gaps and estimates in the lines, every text inside the
image, names escaped. Synthetic values (fixed seed) where a shape of data is needed that no real edition
is guaranteed to have."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

import numpy as np
import pandas as pd
import pytest

from analysis.report import svg_charts
from analysis.report.charts import AREA_COLOUR, CITY_COLOUR, ESTIMATE_LABEL
from analysis.report.svg import Drawing, fitted, nice_ticks

from projects import svg_text_outside

SOURCE = "Quelle: Testdaten (synthetisch, Startwert 7); Lizenz CC0-1.0"


@pytest.mark.parametrize("low, high, integer, expected", [
    (13.2, 37.9, False, [15, 20, 25, 30, 35]),
    (2015, 2024, True, [2016, 2018, 2020, 2022, 2024]),
    (2021, 2022, True, [2021, 2022]),                      # no half years
    (0.0, 0.84, False, [0.0, 0.2, 0.4, 0.6, 0.8]),
    (0, 542, True, [0, 100, 200, 300, 400, 500]),
])
def test_ticks_are_round_and_inside_the_range(low, high, integer, expected):
    assert nice_ticks(low, high, 6, integer) == pytest.approx(expected)


def test_a_long_title_is_cut_to_its_width():
    title = "Kinder und Jugendliche mit Migrationshintergrund in Bedarfsgemeinschaften (%)"
    cut = fitted(title, 14, 200, bold=True)
    assert cut.endswith("…") and len(cut) < len(title)
    assert fitted("SGB-II-Quote (%)", 14, 200) == "SGB-II-Quote (%)"


def _panel(values: dict[int, float], city: dict[int, float], estimated: set[int] = frozenset()) -> svg_charts.Panel:
    years = list(range(min(values), max(values) + 1))
    return svg_charts.Panel("SGB-II-Quote (%)", years, [
        svg_charts.Line("Neustadt & Hafen <Nord>", pd.Series(values, dtype=float), AREA_COLOUR,
                        estimated=set(estimated)),
        svg_charts.Line("Gesamtstadt", pd.Series(city, dtype=float), CITY_COLOUR, reference=True)])


def _polylines(svg: str, css_class: str) -> list[list[str]]:
    return [points.split() for points in re.findall(rf'class="{css_class}" points="([^"]+)"', svg)]


def test_a_missing_year_breaks_the_line_and_names_are_escaped():
    area = {2011: 20.0, 2012: 21.0, 2013: np.nan, 2016: np.nan, 2017: 19.0, 2018: 18.5}
    city = {y: 12.0 for y in range(2011, 2019)}
    svg = svg_charts.trend_panels([_panel(area, city)], 2, SOURCE, "Entwicklung")
    ElementTree.fromstring(svg)   # well-formed: "&" and "<" of the name are escaped
    area_runs = [run for run in _polylines(svg, "daten") if len(run) < 8]
    assert sorted(len(run) for run in area_runs) == [2, 2]   # 2011–2012 and 2017–2018, nothing across the gap
    assert "Neustadt &amp; Hafen &lt;Nord&gt;" in svg
    assert ESTIMATE_LABEL not in svg and not svg_text_outside(svg.encode(), "trends")


def test_the_estimated_years_are_dotted_and_joined_to_the_first_counted_year():
    area = {y: 10.0 + y - 2015 for y in range(2015, 2025)}
    svg = svg_charts.trend_panels([_panel(area, {y: 9.0 for y in range(2015, 2025)}, set(range(2015, 2021)))],
                                  2, SOURCE, "Entwicklung")
    (dotted,) = _polylines(svg, "geschaetzt")
    counted = [run for run in _polylines(svg, "daten") if run != dotted and len(run) < 10]
    assert len(dotted) == 7 and len(counted) == 1 and len(counted[0]) == 4   # 2015–2021 dotted, 2021–2024 counted
    assert dotted[-1] == counted[0][0]   # one line: the dotted part ends where the counted part begins
    assert ESTIMATE_LABEL in svg and not svg_text_outside(svg.encode(), "trends")


@pytest.mark.parametrize("rank", [1, 300, 600])
def test_the_distribution_keeps_every_text_inside_wherever_the_highlight_stands(rank):
    values = pd.Series(np.random.default_rng(7).gamma(4, 4, 600),
                       index=[f"{i:08d}" for i in range(600)]).sort_values(ascending=False)
    highlight = values.index[rank - 1]
    names = {highlight: "Gebiet mit einem außergewöhnlich langen Namen an der Spree"}
    svg = svg_charts.distribution(values, names, float(values.mean()), 1, "%", "SGB-II-Quote 2024",
                                  "Rang 1 = ungünstigster Wert", 6, SOURCE, highlight)
    assert f"(Rang {rank})" in svg and 'class="hervorgehoben"' in svg
    assert "6 aus Datenschutzgründen nicht veröffentlicht" in svg
    assert not svg_text_outside(svg.encode(), f"Rang {rank}")


def test_the_text_check_finds_a_label_over_the_edge():
    drawing = Drawing(300, 100)
    drawing.text(290, 50, "Ein Name, der nicht mehr hineinpasst", 12)
    drawing.text(5, 95, SOURCE, 9)
    assert svg_text_outside(drawing.document("Test").encode(), "test") == [
        "test: „Ein Name, der nicht mehr hineinpasst“ reicht über den Rand"]
    drawing.text(5, 50, "Kein Rand berührt", 12)
    assert len(svg_text_outside(drawing.document("Test").encode(), "test")) == 1
