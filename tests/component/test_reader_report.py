"""The reader's layer on the real Flensburg 2022 edition: the first screen names the areas of special need
with their reasons, ranks run in the direction of need on every page, each profile says what stands out,
and every chart type draws all its text inside the image with unique tick labels and a source line."""
import re

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from analysis.pack.model import CITY_AREA_ID
from analysis.report import (
    comparison,
    fact_sheet,
    figures,
    index_views,
    infrastructure_views,
    interactive_map,
    lebenslagen_views,
    need_summary,
    programme_views,
    tables,
)
from analysis.report.chart_display import Drawn

from projects import svg_text_outside

NEUSTADT, NORDSTADT, WEICHE = "2", "3", "6"


def test_the_first_screen_names_the_areas_of_need_with_their_reasons(flensburg_2022):
    lines = dict(need_summary.areas_of_need(flensburg_2022))
    assert list(lines) == [NEUSTADT, NORDSTADT, WEICHE]   # most need first, then the area to watch
    assert "Höchstwerte der Stadt bei Kinderarmut (SGB II) mit 35,2 je 100 (Gesamtstadt 18,0 je 100)" \
        in lines[NEUSTADT]
    assert "SGB-II-Quote und Arbeitslosenanteil" in lines[NEUSTADT] and "Lage verbessert sich" in lines[NEUSTADT]
    assert "Arbeitslosenanteil mit 8,6\u202f% (Gesamtstadt 5,9\u202f%)" in lines[NORDSTADT]
    assert "beobachten" in lines[WEICHE] and "ungünstiger als die Stadt" in lines[WEICHE]
    screen = need_summary.first_screen(flensburg_2022)
    assert "1 Stadtteil mit sehr niedrigem Status (größter Handlungsbedarf), 1 mit niedrigem Status, " \
           "10 mit mittlerem Status und 1 mit hohem Status" in screen
    assert "Weiche (hoch → mittel)" in screen   # class change against the edition 2021


def test_without_a_social_index_the_first_screen_names_the_most_deviating_areas(flensburg_2022_copy):
    flensburg_2022_copy.social_index = None
    text = need_summary.first_screen(flensburg_2022_copy)
    assert "keinen Sozialindex" in text and "Neustadt" in text


def _profile_ranks(edition, area_id) -> dict[str, str]:
    table = tables.profile(edition, area_id)
    return dict(zip(table["Indikator"], table["Rang"]))


@pytest.mark.parametrize("area_id", [NEUSTADT, NORDSTADT, "13"])
def test_method_comparison_and_profiles_give_the_same_ranks(flensburg_2022, area_id):
    edition = flensburg_2022
    reason = index_views._reason(edition, area_id, "imd")
    profile = _profile_ranks(edition, area_id)
    for indicator_id in edition.social_index.status:
        indicator = edition.indicator(indicator_id)
        stated = re.search(rf"{re.escape(indicator.short_title)}: Rang (\d+) von (\d+) \(Rang 1 = ungünstigster Wert\)",
                           reason)
        assert stated, reason
        assert profile[indicator.title] == f"{stated[1]} von {stated[2]}"


def test_ranks_run_in_the_direction_of_need(flensburg_2022):
    sgb2 = flensburg_2022.table("sgb2_quote")
    employment = flensburg_2022.table("beschaeftigtenquote")
    areas = sgb2.drop(CITY_AREA_ID)
    assert areas.loc[areas["rank"] == 1, "value"].iloc[0] == areas["value"].max()      # highest = worst
    areas = employment.drop(CITY_AREA_ID)
    assert areas.loc[areas["rank"] == 1, "value"].iloc[0] == areas["value"].min()      # lowest = worst
    assert flensburg_2022.indicator("beschaeftigtenquote").rank_meaning == "Rang 1 = ungünstigster Wert"
    assert flensburg_2022.indicator("anteil_65_plus").rank_meaning == "Rang 1 = höchster Wert"


def test_a_profile_says_what_stands_out_in_both_directions(flensburg_2022):
    text = fact_sheet.at_a_glance(flensburg_2022, NEUSTADT)
    need, favourable = text.split("**Günstiger als in der Stadt:**")
    assert "Grundsicherung im Alter: 21,1\u202f% gegenüber 7,3\u202f% in der Gesamtstadt (2022)." in need
    assert 3 <= need.count("\n- ") + favourable.count("\n- ") <= 5
    assert favourable.count("\n- ") >= 1


def _every_chart(edition):
    lead = figures.lead_indicator(edition)
    yield "map", figures.indicator_map(edition, lead)
    yield "ranking", figures.ranking(edition, lead, highlight=NEUSTADT)
    yield "trends", figures.trends(edition, NEUSTADT)
    yield "city trends", figures.trends(edition, None)
    yield "locator", figures.locator(edition, NEUSTADT)
    yield "index classes", figures.status_map(edition)
    yield "types", figures.type_profiles(edition)
    yield "supply map", infrastructure_views.supply_map(edition, edition.pack.need_plan[0].facility)
    yield "programme", programme_views.programme_chart(edition, edition.pack.programme_areas[0].id)
    yield "dynamics", figures.dynamics_map(edition)
    yield "types map", figures.types_map(edition)
    yield "areas over time", figures.areas_over_time(edition, "kinderarmut_sgb2")
    yield "city-level series", lebenslagen_views.city_trends(edition, list(edition.city_catalog.indicators[:3]))


def test_every_chart_type_keeps_its_text_inside_the_image_with_unique_ticks(flensburg_2022):
    problems = []
    for kind, chart in _every_chart(flensburg_2022):
        image = chart.image()   # draws, with the source line
        if isinstance(chart.figure, Drawn):
            if image.mime == "image/svg+xml":
                problems += svg_text_outside(image.data, kind)
            continue   # a PNG drawn without matplotlib: the locator, on a background with the source line
        figure = chart.figure
        # measured as drawn into the PNG: no second draw, which would let a layout engine settle further
        renderer = FigureCanvasAgg(figure).get_renderer()
        box = figure.bbox
        undrawn = {id(t) for ax in figure.axes if not ax.axison or not ax.get_visible()
                   for axis in (ax.xaxis, ax.yaxis) for t in axis.findobj(Text)}   # axes turned off (maps)
        for ax in figure.axes:   # ticks outside the view limits are not drawn
            for axis, limits in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
                low, high = sorted(limits)
                undrawn |= {id(t) for tick in axis.get_major_ticks() + axis.get_minor_ticks()
                            if not low - 1e-9 <= tick.get_loc() <= high + 1e-9 for t in (tick.label1, tick.label2)}
        texts = [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip() and id(t) not in undrawn]
        assert any(t.get_text().startswith("Quelle: ") for t in texts), kind
        for text in texts:
            extent = text.get_window_extent(renderer)
            if not (extent.x0 >= box.x0 - 1 and extent.x1 <= box.x1 + 1 and extent.y0 >= box.y0 - 1
                    and extent.y1 <= box.y1 + 1):
                problems.append(f"{kind}: „{text.get_text()[:40]}“ reicht über den Rand")
        for ax in figure.axes:
            if not ax.get_visible() or not ax.axison:
                continue
            for axis, limits in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
                low, high = sorted(limits)
                shown = [label.get_text() for tick, label in zip(axis.get_majorticklocs(), axis.get_ticklabels())
                         if label.get_visible() and label.get_text() and low <= tick <= high]
                if len(shown) != len(set(shown)):
                    problems.append(f"{kind}: doppelte Achsenbeschriftung {shown}")
    assert not problems, "\n".join(problems)


def test_the_index_summary_uses_the_dative_plural(flensburg_2022):
    assert index_views.summary_text(flensburg_2022).startswith("Von den 13 Stadtteilen gehen 13 in den Index 2022")


def test_district_types_are_named_from_their_profile(flensburg_2022):
    names = index_views.type_names(flensburg_2022)
    assert names == {"A": "stark belastet, hoher Ausländeranteil, wenige Ältere", "B": "durchschnittlich belastet",
                     "C": "kaum belastet, viele Kinder und Jugendliche, niedriger Ausländeranteil"}
    assert "Sozialraumtyp A (stark belastet" in index_views.profile_text(flensburg_2022, NEUSTADT)
    assert "mittleren Silhouette" in index_views.types_method_text(flensburg_2022)
    assert "Silhouette" not in index_views.types_text(flensburg_2022)


@pytest.mark.parametrize("values, polarity, expected", [
    ({2018: 10.0, 2019: 9.0, 2022: 8.0}, "higher_is_worse", "↓ sinkt seit 2018 (günstig)"),
    ({2016: 10.0, 2019: 11.0, 2022: 12.0}, "higher_is_worse", "↑ steigt seit 2019 (ungünstig)"),   # 5-year window
    ({2012: 1.0, 2022: 12.0}, "higher_is_worse", "–"),
    ({2017: 50.0, 2022: 51.0}, "higher_is_better", "→ kaum verändert seit 2017"),
    ({2017: 50.0, 2022: 60.0}, "neutral", "↑ steigt seit 2017"),
    ({2022: 5.0}, "higher_is_worse", "–"),
])
def test_trend_names_direction_span_and_meaning(flensburg_2022, values, polarity, expected):
    from dataclasses import replace

    import pandas as pd

    indicator = replace(flensburg_2022.indicator("sgb2_quote"), polarity=polarity)
    assert tables.trend(pd.Series(values), indicator) == expected


def test_the_comparison_carries_published_values_with_their_marks(flensburg_2022):
    rows = {row["title"]: row for row in comparison.comparison_rows(flensburg_2022)}
    sgb2 = rows["SGB-II-Quote"]
    assert sgb2["values"][NEUSTADT] == "21,7\u202f%" and sgb2["ranks"][NEUSTADT] == "Rang 1 von 13"
    assert sgb2["city"] == "12,4\u202f%" and sgb2["field"] == "Armut"
    marked = [v for row in rows.values() for v in row["values"].values() if v.endswith("*")]
    assert marked   # values on fewer than 20 cases keep their mark here too
    assert comparison.default_choice(flensburg_2022) == [NEUSTADT, NORDSTADT]
    assert "Anteil Menschen ab 65 Jahren" == rows["Ältere ab 65"]["definition"] and not rows["Ältere ab 65"]["ranks"]


def test_the_interactive_map_offers_every_year_on_the_same_class_breaks(flensburg_2022):
    layer = next(layer for layer in interactive_map.layers(flensburg_2022) if layer["title"] == "SGB-II-Quote")
    assert layer["years"] == [2018, 2019, 2020, 2021, 2022]
    assert layer["by_year"]["2018"]["texts"][NEUSTADT] == "25,1\u202f%"
    assert layer["by_year"]["2022"]["texts"][NEUSTADT] == "21,7\u202f%"
    # fixed breaks: Neustadt falls from the top class in 2018 ... and its class is computed on the same edges
    assert layer["by_year"]["2018"]["classes"][NEUSTADT] == layer["by_year"]["2022"]["classes"][NEUSTADT] == 4


def test_data_quality_findings_read_in_german(flensburg_2022):
    from analysis.catalog.model import load_catalog

    catalog = load_catalog()
    used = {v for i in catalog.indicators for v in i.variables} | {v for p in catalog.partitions
                                                                   for v in (p.total, *p.parts)}
    assert used <= set(catalog.variables)   # every variable of a formula has its German name
    messages = " ".join(tables.findings(flensburg_2022)["Befund"])
    assert not [v for v in used if re.search(rf"\b{v}\b", messages)]
    assert "Wohngeldhaushalte: 484 → 759" in messages


def test_downloads_name_the_kind_of_value_in_german(flensburg_2022):
    from analysis.report import downloads

    kinds = set(downloads.indicator_table(flensburg_2022)["art"]) | set(downloads.supply_table(flensburg_2022)["art"])
    assert kinds == {"anzahl", "anteil", "verhaeltnis", "rate", "uebernommen", "angebot", "veraenderung"}, kinds
