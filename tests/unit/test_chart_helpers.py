"""Small helpers of the charts: the years a series is drawn over, and labels cut for small panels."""
from analysis.report import charts


def test_a_missing_year_is_a_gap_but_a_biennial_series_is_one_line():
    assert charts.year_steps([2012, 2017, 2018, 2019]) == [2012, 2013, 2014, 2015, 2016, 2017, 2018, 2019]
    assert charts.year_steps([2013, 2015, 2017]) == [2013, 2015, 2017]
    assert charts.year_steps([2013, 2017, 2019]) == [2013, 2015, 2017, 2019]   # 2015 missing: a gap
    assert charts.year_steps([2022]) == [2022]


def test_long_names_are_cut_with_an_ellipsis():
    assert charts.short_label("Wriezener Bahnhof/Entwicklungsgebiet", 20) == "Wriezener Bahnhof/E…"
    assert charts.short_label("Neustadt", 20) == "Neustadt"
