"""The chapter "Soziale Infrastruktur": supply next to need per area, as map, table and sentences."""
from __future__ import annotations

import math

import pandas as pd

from analysis.catalog.model import Indicator
from analysis.compute.edition import Edition
from analysis.pack.model import CITY_AREA_ID, NeedPlan
from analysis.report import charts
from analysis.report.chart_display import Chart
from analysis.report.prose import render
from analysis.report.tables import with_count_cells, with_notes
from analysis.text import dative_plural, format_number, markdown_literal, signed

FACILITY_COLOUR = "#1a1a1a"
CATCHMENT_COLOUR = "#4d4d4d"


def plans(edition: Edition) -> list[tuple[NeedPlan, pd.DataFrame]]:
    return edition.infrastructure.supply if edition.infrastructure else []


def supply_measure(plan: NeedPlan) -> Indicator:
    """The supply of a plan as an indicator, so that its map is drawn like every other."""
    return Indicator(id=f"versorgung_{plan.facility}", title=plan.title, short_title=plan.title,
                     description=plan.title, numerator="places", denominator="target_population",
                     scale=int(plan.target_per), unit=f"Plätze je {format_number(plan.target_per)}", kind="ratio",
                     polarity="higher_is_better", topic="infrastruktur", source=plan.target_source, decimals=1)


def supply_map(edition: Edition, number: int) -> Chart:
    """Places per `per` of the target group as a choropleth, the facilities as dots with their catchment."""
    plan, table = plans(edition)[number]
    facilities = edition.infrastructure.layers[plan.facility]
    measure = supply_measure(plan)
    values = table["places_per"].drop(CITY_AREA_ID)
    edges = charts.class_bins(values, measure.decimals)
    year = int(table["population_year"].iloc[0])
    figure = charts.choropleth(edition.areas, values, measure, edges, f"{plan.title} ({year})")
    ax = figure.axes[0]
    points = facilities.points.to_crs(edition.areas.crs)
    points.buffer(plan.straight_line_m).boundary.plot(ax=ax, color=CATCHMENT_COLOUR, linewidth=0.5, alpha=0.6)
    points.plot(ax=ax, color=FACILITY_COLOUR, markersize=9, zorder=5)
    ax.set_title(f"{plan.title} ({year})\nPunkte: {facilities.layer.title}; Kreise: Einzugsbereich "
                 f"({format_number(plan.distance_m)} m Fußweg)", loc="left", fontsize=11, fontweight="bold")
    lowest, highest = values.idxmin(), values.idxmax()
    alt = (f"Karte: {plan.title} nach {dative_plural(edition.pack.area_label_plural)} mit "
           f"{format_number(len(points))} Einrichtungen als Punkten und ihrem Einzugsbereich; am wenigsten "
           f"{edition.area_name(lowest)} ({format_number(values[lowest], 1)}), am meisten "
           f"{edition.area_name(highest)} ({format_number(values[highest], 1)}); Gesamtstadt "
           f"{format_number(table.at[CITY_AREA_ID, 'places_per'], 1)} {measure.unit}.")
    data = pd.DataFrame({edition.pack.area_label: [edition.area_name(a) for a in values.sort_values().index],
                         measure.unit: [format_number(v, 1) for v in values.sort_values()]})
    return Chart(figure, alt, data)


def supply_table(edition: Edition, number: int) -> pd.DataFrame:
    plan, table = plans(edition)[number]
    year, since = int(table["population_year"].iloc[0]), int(table["trend_from"].iloc[0])
    count = lambda value: edition.rules.count_text(value, format_number)   # noqa: E731 - a formatter
    names = [edition.area_name(a) if a != CITY_AREA_ID else f"Gesamtstadt {edition.city_name}" for a in table.index]
    population = f"Zielgruppe {year}"
    frame = pd.DataFrame({
        edition.pack.area_label: names,
        population: [count(v) for v in table["target_population"]],
        "Einrichtungen": [format_number(v) for v in table["facilities"]],
        "Plätze": [format_number(v) for v in table["places"]],
        f"Plätze je {format_number(plan.target_per)}": [format_number(v, 1) for v in table["places_per"]],
        "Soll nach Richtwert": [format_number(v) for v in table["target_places"]],
        "Differenz": [signed(v, 0) for v in table["gap"]],
        "Fläche im Einzugsbereich": [f"{format_number(v * 100)}\u202f%" for v in table["catchment_share"]],
        f"Zielgruppe seit {since}": ([signed(v, 0) if not math.isnan(v) else "–" for v in table["population_change"]]
                                    if since < year else ["–"] * len(table)),
    })
    return with_notes(with_count_cells(frame, [True] * len(frame), [population]))


def summary_text(edition: Edition) -> str:
    """Where supply is lowest, where the most places are missing, where the target group grows fastest."""
    parts = []
    for plan, table in plans(edition):
        areas = table.drop(CITY_AREA_ID)
        lowest = areas["places_per"].idxmin()
        missing = areas[areas["gap"] < 0].sort_values("gap")
        per = format_number(plan.target_per)
        city = format_number(table.at[CITY_AREA_ID, "places_per"], 1)
        text = (f"**{plan.title}:** In {edition.city_name} kommen {city} Plätze auf {per} Kinder der Zielgruppe; "
                f"der Richtwert sind {format_number(plan.target_value)}. "
                f"Am geringsten ist das Angebot in {edition.area_name(lowest)} "
                f"({format_number(areas.at[lowest, 'places_per'], 1)} je {per}).")
        if len(missing):
            names = ", ".join(f"{edition.area_name(a)} ({signed(v, 0)})" for a, v in missing["gap"].head(3).items())
            text += (f" Gemessen am Richtwert fehlen Plätze in {format_number(len(missing))} "
                     f"{dative_plural(edition.pack.area_label_plural)}, am meisten in {names}.")
        growth = areas["population_change_share"].dropna()
        since = int(table["trend_from"].iloc[0])
        if len(growth):
            fastest = growth.idxmax()
            text += (f" Am stärksten wächst die Zielgruppe seit {since} in {edition.area_name(fastest)} "
                     f"({signed(growth[fastest] * 100, 1)} %).")
        parts.append(text)
    for plan in (edition.infrastructure.unavailable if edition.infrastructure else []):
        parts.append(f"**{plan.title}:** In dieser Ausgabe liegen noch keine Zahlen zur Zielgruppe vor.")
    return "\n\n".join(parts)


def method_text(edition: Edition) -> str:
    infrastructure = edition.infrastructure
    if infrastructure is None:
        return ""
    return render("infrastruktur_methode.md.j2", layers=list(infrastructure.layers.values()),
                  plans=plans(edition), unavailable=infrastructure.unavailable, pack=edition.pack,
                  md=markdown_literal)
