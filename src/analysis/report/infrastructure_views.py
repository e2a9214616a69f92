"""The chapter "Soziale Infrastruktur": an overview (inventory, statements on housing developments) and one
page per need plan (map, supply table, priority list, method), and the infrastructure section of a profile."""
from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd

from analysis.catalog.model import Indicator
from analysis.compute.edition import Edition
from analysis.pack.model import CITY_AREA_ID, Development, NeedPlan, PriorityCriterion
from analysis.planning import development as projects
from analysis.planning.need import counted_facilities
from analysis.report import charts, links
from analysis.report.chart_display import Chart, source_line
from analysis.report.prose import render
from analysis.report.tables import with_count_cells, with_notes
from analysis.text import SUPPRESSED, dative_plural, format_number, markdown_literal, signed

FACILITY_COLOUR = "#1a1a1a"
CATCHMENT_COLOUR = "#4d4d4d"
SHARE_MEASURES = ("catchment_share", "population_change_share")
MEASURE_NAMES = {"places_per": "die Versorgung je Zielgruppe", "gap": "die Differenz zum Soll",
                 "facilities": "die Zahl der Einrichtungen", "catchment_share": "die Fläche in Reichweite",
                 "population_change_share": "das Wachstum der Zielgruppe"}


def plans(edition: Edition) -> list[tuple[NeedPlan, pd.DataFrame]]:
    return edition.infrastructure.supply if edition.infrastructure else []


def plan(edition: Edition, facility: str) -> tuple[NeedPlan, pd.DataFrame] | tuple[NeedPlan, None]:
    """The plan of a facility layer and its supply table (None in an edition without its target group yet)."""
    for candidate, table in plans(edition):
        if candidate.facility == facility:
            return candidate, table
    for candidate in edition.infrastructure.unavailable if edition.infrastructure else []:
        if candidate.facility == facility:
            return candidate, None
    raise KeyError(f"no need plan for the facility layer '{facility}'")


def page_link(plan_: NeedPlan) -> str:
    """A link to a plan's page from a chapter, a profile or another plan's page (all one folder deep)."""
    return links.section_page(links.SUPPLY_FOLDER, plan_.facility)


def supply_measure(plan_: NeedPlan) -> Indicator:
    """The supply of a plan as an indicator, so that its map is drawn like every other."""
    return Indicator(id=f"versorgung_{plan_.facility}", title=plan_.title, short_title=plan_.title,
                     description=plan_.title, numerator="places", denominator="target_population",
                     scale=int(plan_.target_per), unit=plan_.supply_unit, kind="ratio",
                     polarity="higher_is_better", topic="infrastruktur", source=plan_.target_source or "", decimals=1)


def _measure_text(table: pd.DataFrame, area_id: str, column: str, decimals: int = 1) -> str:
    value = table.at[area_id, column]
    return SUPPRESSED if table.at[area_id, "withheld"] else format_number(value, decimals)


# --- one plan's page ------------------------------------------------------------------------------

def supply_map(edition: Edition, facility: str) -> Chart:
    """Supply per `per` of the target group as a choropleth, the facilities as dots with their catchment."""
    plan_, table = plan(edition, facility)
    points = counted_facilities(plan_, edition.infrastructure.layers[facility]).to_crs(edition.areas.crs)
    measure = supply_measure(plan_)
    values = table["places_per"].drop(CITY_AREA_ID)
    edges = charts.class_bins(values, measure.decimals)
    year = int(table["population_year"].iloc[0])
    figure = charts.choropleth(edition.areas, values, measure, edges, f"{plan_.title} ({year})")
    ax = figure.axes[0]
    metric = points.to_crs(plan_.metric_crs)
    circles = gpd.GeoSeries(metric.buffer(plan_.straight_line_m), crs=plan_.metric_crs).to_crs(edition.areas.crs)
    circles.boundary.plot(ax=ax, color=CATCHMENT_COLOUR, linewidth=0.5, alpha=0.6)
    points.plot(ax=ax, color=FACILITY_COLOUR, markersize=9, zorder=5)
    layer = edition.infrastructure.layers[facility].layer
    ax.set_title(f"{plan_.title} ({year})\nPunkte: {layer.title}; Kreise: Einzugsbereich "
                 f"({format_number(plan_.distance_m)} m Fußweg)", loc="left", fontsize=11, fontweight="bold")
    shown = values.dropna()
    alt = (f"Karte: {plan_.title}, {measure.unit} {plan_.target_group}, nach "
           f"{dative_plural(edition.pack.area_label_plural)}, mit {format_number(len(points))} Einrichtungen als "
           f"Punkten und ihrem Einzugsbereich; ")
    if len(shown):
        lowest, highest = shown.idxmin(), shown.idxmax()
        alt += (f"am wenigsten {edition.area_name(lowest)} ({format_number(shown[lowest], 1)}), am meisten "
                f"{edition.area_name(highest)} ({format_number(shown[highest], 1)}); ")
    else:
        alt += "alle Werte aus Datenschutzgründen unterdrückt; "
    alt += f"Gesamtstadt {_measure_text(table, CITY_AREA_ID, 'places_per')}."
    order = values.sort_values(na_position="last").index
    data = pd.DataFrame({edition.pack.area_label: [edition.area_name(a) for a in order],
                         measure.unit: [_measure_text(table, a, "places_per") for a in order]})
    return Chart(figure, alt, data, source=source_line(edition.pack, year))


def supply_table(edition: Edition, facility: str) -> pd.DataFrame:
    plan_, table = plan(edition, facility)
    year, since = int(table["population_year"].iloc[0]), int(table["trend_from"].iloc[0])
    names = [edition.area_name(a) if a != CITY_AREA_ID else f"Gesamtstadt {edition.city_name}" for a in table.index]
    population = f"Zielgruppe {year}"
    hidden = table["withheld"]

    def shown(column: str, formatter) -> list[str]:
        return [SUPPRESSED if hide else formatter(v) for v, hide in zip(table[column], hidden)]

    columns = {
        edition.pack.area_label: names,
        population: [SUPPRESSED if hide else format_number(v)
                     for v, hide in zip(table["target_population"], table["count_withheld"])],
        "Standorte": [format_number(v) for v in table["facilities"]],
    }
    if plan_.capacity:
        columns["Plätze"] = [format_number(v) for v in table["places"]]
    columns[plan_.supply_unit] = shown("places_per", lambda v: format_number(v, 1))
    if plan_.target_value is not None:
        # the places the target asks for are places minus the difference (and in the downloads)
        columns["Differenz zum Soll"] = shown("gap", lambda v: signed(v, 0))
    columns["Fläche in Reichweite"] = [f"{format_number(v * 100)}\u202f%" for v in table["catchment_share"]]
    change = shown("population_change", lambda v: "–" if math.isnan(v) else signed(v, 0))
    columns[f"Zielgruppe ± seit {since}"] = change if since < year else ["–"] * len(table)
    frame = pd.DataFrame(columns)
    return with_notes(with_count_cells(frame, [True] * len(frame), [population]))


def plan_summary(edition: Edition, facility: str, link: bool = False) -> str:
    """Sentences on a plan: the city's supply, where it is lowest, where places are missing, where the
    target group grows fastest, which areas have no facility."""
    plan_, table = plan(edition, facility)
    title = f"[{markdown_literal(plan_.title)}]({page_link(plan_)})" if link else markdown_literal(plan_.title)
    if table is None:
        return f"**{title}:** In dieser Ausgabe liegen noch keine Zahlen zur Zielgruppe vor."
    areas = table.drop(CITY_AREA_ID)
    shown = areas.loc[~areas["withheld"]]
    unit, group = plan_.supply_unit, plan_.target_group
    text = (f"**{title}:** In {edition.city_name} kommen {_measure_text(table, CITY_AREA_ID, 'places_per')} "
            f"{unit.split(' je ')[0]} auf {format_number(plan_.target_per)} {group}")
    text += (f"; der Richtwert sind {format_number(plan_.target_value)}." if plan_.target_value is not None
             else "; einen Richtwert nennt der Plan nicht.")
    empty = areas.index[areas["facilities"] == 0]
    if len(shown) and shown["places_per"].min() > 0:
        lowest = shown["places_per"].idxmin()
        text += (f" Am geringsten ist das Angebot in {edition.area_name(lowest)} "
                 f"({format_number(shown.at[lowest, 'places_per'], 1)} je {format_number(plan_.target_per)}).")
    if len(empty):
        text += (f" Ohne eigene Einrichtung: {format_number(len(empty))} {edition.pack.area_label_plural}, "
                 f"{', '.join(edition.area_name(a) for a in empty)}.")
    missing = shown[shown["gap"] < 0].sort_values("gap")
    if len(missing):
        names = ", ".join(f"{edition.area_name(a)} ({signed(v, 0)})" for a, v in missing["gap"].head(3).items())
        text += (f" Gemessen am Richtwert fehlen Plätze in {format_number(len(missing))} "
                 f"{dative_plural(edition.pack.area_label_plural)}, am meisten in {names}.")
    growth = shown["population_change_share"].dropna()
    since = int(table["trend_from"].iloc[0])
    if len(growth):
        fastest = growth.idxmax()
        text += (f" Am stärksten wächst die Zielgruppe seit {since} in {edition.area_name(fastest)} "
                 f"({signed(growth[fastest] * 100, 1)} %).")
    ranked = edition.infrastructure.priorities.get(facility)
    if ranked is not None:
        top = ranked[ranked["points"] > 0].head(3)
        if len(top):
            named = [f"{edition.area_name(a)} ({format_number(p)} Punkte)" for a, p in top["points"].items()]
            text += f" Vorrang nach dem Punkteraster: {', '.join(named)}."
    return text


def _compared_text(criterion: PriorityCriterion, value: float) -> str:
    if value is None or math.isnan(value):
        return SUPPRESSED
    if criterion.compare in ("city", "target"):
        return f"{format_number(value, 2)}×"
    if criterion.supply == "population_change_share":
        return f"{signed(value * 100, 1)} %"
    if criterion.supply in SHARE_MEASURES:
        return f"{format_number(value * 100)} %"
    return format_number(value, 1 if criterion.indicator else 0)


def step_text(criterion: PriorityCriterion) -> str:
    """The thresholds of a criterion in words, e.g. "ab 1,2×: 1 Punkt; ab 1,5×: 2 Punkte"."""
    parts = []
    for step in criterion.steps:
        bounds = []
        if step.at_least is not None:
            bounds.append(f"ab {_compared_text(criterion, step.at_least)}")
        if step.at_most is not None:
            bounds.append(f"höchstens {_compared_text(criterion, step.at_most)}")
        points = f"{format_number(step.points)} {'Punkt' if step.points == 1 else 'Punkte'}"
        parts.append(f"{' und '.join(bounds)}: {points}")
    return "; ".join(parts)


def priority_table(edition: Edition, facility: str) -> pd.DataFrame | None:
    """The ranking with, per criterion, its points and the compared value they come from."""
    plan_, _ = plan(edition, facility)
    ranked = edition.infrastructure.priorities.get(facility)
    if ranked is None:
        return None
    columns = {"Rang": [format_number(r) for r in ranked["rank"]],
               edition.pack.area_label: [edition.area_name(a) for a in ranked.index],
               "Punkte": [format_number(p) for p in ranked["points"]]}
    for criterion in plan_.priority.criteria:
        columns[criterion.title] = [f"{format_number(p)} ({_compared_text(criterion, v)})" for p, v in
                                    zip(ranked[f"{criterion.id}_points"], ranked[f"{criterion.id}_compared"])]
    return with_notes(pd.DataFrame(columns))


def priority_text(edition: Edition, facility: str) -> str:
    plan_, _ = plan(edition, facility)
    if edition.infrastructure.priorities.get(facility) is None:
        return ("Für diese Einrichtungsart ist kein Punkteraster deklariert "
                "(`need_plan.priority` in der Konfiguration der Stadt).")
    titles = {c.id: c.title for c in plan_.priority.criteria}
    tie_rules = [(titles.get(rule.by) or MEASURE_NAMES[rule.by], rule.order) for rule in plan_.priority.tie_break]
    return render("infrastruktur_prioritaet.md.j2", plan=plan_, steps=step_text, tie_rules=tie_rules,
                  area_label=edition.pack.area_label, area_label_plural=edition.pack.area_label_plural)


def plan_method(edition: Edition, facility: str) -> str:
    plan_, table = plan(edition, facility)
    return render("infrastruktur_methode.md.j2", plan=plan_, table=table,
                  facilities=edition.infrastructure.layers[facility], pack=edition.pack)


# --- the chapter's overview ---------------------------------------------------------------------

def overview_text(edition: Edition) -> str:
    return "\n\n".join(plan_summary(edition, p.facility, link=True) for p in edition.pack.need_plan)


def inventory_text(edition: Edition) -> str:
    return render("infrastruktur_einrichtungen.md.j2", layers=list(edition.infrastructure.layers.values()),
                  pack=edition.pack)


def assessment(edition: Edition, development: Development) -> projects.Assessment:
    return projects.assess(edition.pack, development, plans(edition), edition.areas)


def statement(edition: Edition, development: Development, heading_level: int = 3) -> str:
    """The statement (Stellungnahme) on one housing development, as Markdown."""
    result = assessment(edition, development)
    dates = {layer_id: facilities.layer.reference_date
             for layer_id, facilities in edition.infrastructure.layers.items()}
    return render("stellungnahme.md.j2", a=result, d=development, balance=balance_text, dates=dates,
                  names=lambda ids: ", ".join(edition.area_name(a) for a in ids), hashes="#" * heading_level)


def balance_text(places: float) -> str:
    """Spare or missing places in words."""
    if math.isnan(places):
        return "nicht veröffentlicht"
    if round(places) < 0:
        return f"fehlen {format_number(-places)} Plätze"
    return f"{format_number(places)} Plätze über dem Soll"


def developments_text(edition: Edition) -> str:
    if edition.pack.development_demand is None:
        return ("Die Konfiguration dieser Stadt nennt keine Kennzahlen je Wohnung (`development_demand`); "
                "Stellungnahmen zu Neubauvorhaben sind daher nicht möglich.")
    if not edition.pack.developments:
        return (f"Für {edition.city_name} ist kein Neubauvorhaben mit Quelle hinterlegt. Planerinnen und Planer "
                "erhalten die Stellungnahme zu einem Vorhaben mit dem Befehl `sozialbericht development --city "
                f"{edition.pack.slug} --area GEBIET --flats WOHNUNGEN --year FERTIGSTELLUNG` (GEBIET ist die "
                f"Kennung des {edition.pack.area_label}s, etwa {edition.pack.area_ids[0]}), nach den "
                "Kennzahlen unten und den Zahlen dieser Ausgabe. Vorhaben mit Quelle werden unter `developments` "
                "in der Konfiguration eingetragen und erscheinen dann hier.")
    return "\n\n".join(statement(edition, d) for d in edition.pack.developments)


def demand_method(edition: Edition) -> str:
    ratios = edition.pack.development_demand
    if ratios is None:
        return ""
    return render("infrastruktur_neubau_methode.md.j2", ratios=ratios)


# --- a profile's section --------------------------------------------------------------------------

def profile_text(edition: Edition, area_id: str) -> str:
    """Per plan: the area's supply against the city, the facilities in the area and those within reach."""
    if edition.infrastructure is None:
        return ""
    parts = []
    for plan_, table in plans(edition):
        points = counted_facilities(plan_, edition.infrastructure.layers[plan_.facility])
        inside = points[points["area_id"] == area_id]
        area = edition.areas.loc[[area_id]].to_crs(plan_.metric_crs).geometry.iloc[0]
        metric = points.to_crs(plan_.metric_crs)
        reach = points[(points["area_id"] != area_id) & (metric.distance(area) <= plan_.straight_line_m)]
        link = f"[{markdown_literal(plan_.title)}]({page_link(plan_)})"
        text = (f"**{link}:** {_measure_text(table, area_id, 'places_per')} {plan_.supply_unit} {plan_.target_group} "
                f"(Gesamtstadt {_measure_text(table, CITY_AREA_ID, 'places_per')}"
                + (f", Richtwert {format_number(plan_.target_value)}" if plan_.target_value is not None else "")
                + f"); {format_number(table.at[area_id, 'catchment_share'] * 100)} % der Fläche liegen im "
                  f"Einzugsbereich (Stadt: {format_number(table.at[CITY_AREA_ID, 'catchment_share'] * 100)} %).")
        ranked = edition.infrastructure.priorities.get(plan_.facility)
        if ranked is not None:
            text += (f" Rang {format_number(ranked.at[area_id, 'rank'])} von {format_number(len(ranked))} "
                     f"nach dem Punkteraster ({format_number(ranked.at[area_id, 'points'])} Punkte).")
        text += ("\n\n- Im Gebiet: " + (", ".join(markdown_literal(n) for n in sorted(inside["name"])) or "keine")
                 + f"\n- In Reichweite ({format_number(plan_.distance_m)} m Fußweg) in Nachbargebieten: "
                 + (", ".join(f"{markdown_literal(n)} ({edition.area_name(a)})"
                              for n, a in sorted(zip(reach["name"], reach["area_id"]))) or "keine"))
        parts.append(text)
    return "\n\n".join(parts)
