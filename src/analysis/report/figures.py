"""Figures for one edition: picks the data, draws with the house style in charts.py, and describes each
figure in words (alt text) and as a data table (chart_display.Chart)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from IPython import get_ipython
from matplotlib.ticker import MaxNLocator

from analysis.compute.edition import Edition
from analysis.pack.model import CITY_AREA_ID
from analysis.report import charts, index_views, svg_charts
from analysis.report.chart_display import Chart, Drawn, source_line
from analysis.report.downloads import FOLDER, indicator_file
from analysis.report.tables import ESTIMATE_MARK, estimate_note, with_estimate_marks
from analysis.social_index.classes import DYNAMIC_CLASSES, STATUS_CLASSES
from analysis.text import SUPPRESSED, dative_plural, format_number, format_value, signed

# Above this many rows, a figure's data table shows an excerpt and points to the downloads.
TABLE_ROWS_MAX = 60


def lead_indicator(edition: Edition) -> str:
    """The pack's headline indicator, else the first indicator of need in the catalogue, else the structure
    indicator that differs most between the areas."""
    if edition.pack.headline_indicator and edition.has(edition.pack.headline_indicator):
        return edition.pack.headline_indicator
    for indicator in edition.catalog.indicators:
        if indicator.polarity == "higher_is_worse":
            return indicator.id
    return (most_varied(edition) or [edition.catalog.indicators[0].id])[0]


def most_varied(edition: Edition) -> list[str]:
    """Structure indicators (shares, ratios, rates; no counts) ordered by how much the areas differ in the
    latest year (coefficient of variation): the most informative first, for a pack without need indicators."""
    return list(edition.remembered("most_varied", lambda: _by_variation(edition)))


def _by_variation(edition: Edition) -> list[str]:
    spread = {}
    for indicator in edition.catalog.indicators:
        if indicator.kind in ("count", "external"):
            continue
        values = edition.area_values(indicator.id).dropna()
        if len(values) > 1 and values.mean() > 0:
            spread[indicator.id] = values.std() / values.mean()
    return sorted(spread, key=spread.get, reverse=True)


TREND_PANELS_CHOSEN_FROM_DATA = 6


def trend_indicators(edition: Edition, area_id: str | None) -> list[str]:
    """The indicators of a trend panel: the pack's `trend_indicators`, else every indicator of need, else the
    structure indicators that differ most between the areas; only those with more than one year here."""
    if edition.pack.trend_indicators:
        wanted = list(edition.pack.trend_indicators)
    else:
        wanted = ([i.id for i in edition.catalog.indicators if i.is_need]
                  or most_varied(edition)[:TREND_PANELS_CHOSEN_FROM_DATA])
    place = area_id or CITY_AREA_ID
    return [i for i in wanted if edition.has(i) and len(edition.series(i, place).dropna()) > 1]


def fixed_bins(edition: Edition, indicator_id: str) -> list[float]:
    """Class breaks over every year the edition holds, so maps of different years compare."""
    rows = edition.indicators[(edition.indicators["indicator"] == indicator_id)
                              & (edition.indicators["area_id"] != CITY_AREA_ID)]
    classification = edition.indicator(indicator_id).classification
    return charts.class_bins(rows["value"], edition.indicator(indicator_id).decimals, classification.classes,
                             classification.scheme)


def published_texts(edition: Edition, indicator_id: str, year: int) -> dict[str, str]:
    """Each area's value as published: formatted with its unit, "." where withheld (an area without a row
    is missing: "–", see published_text). Made once per indicator and year."""
    def make() -> dict[str, str]:
        frame, indicator = edition.table(indicator_id, year), edition.indicator(indicator_id)
        return {area_id: SUPPRESSED if bool(withheld) else format_value(value, indicator)
                for area_id, value, withheld in zip(frame.index, frame["value"], frame["suppressed"])}

    return edition.remembered(("published_texts", indicator_id, year), make)


def published_text(edition: Edition, indicator_id: str, year: int, area_id: str) -> str:
    """An area's value as published: formatted with its unit, "." where withheld, "–" where missing."""
    return published_texts(edition, indicator_id, year).get(area_id, "–")


def extremes_text(edition: Edition, values: pd.Series, indicator_id: str) -> str:
    """'höchster Wert Neustadt 23,8 %, niedrigster Tarup 5,6 %' over the published values."""
    clean = values.dropna()
    if clean.empty:
        return "keine veröffentlichten Werte"
    indicator = edition.indicator(indicator_id)
    high, low = clean.idxmax(), clean.idxmin()
    return (f"höchster Wert {edition.area_name(high)} {format_value(clean[high], indicator)}, "
            f"niedrigster {edition.area_name(low)} {format_value(clean[low], indicator)}")


def _excerpt_note(edition: Edition, indicator_id: str, shown: int, total: int) -> str:
    return (f"Auszug: {shown} von {total} Gebieten. Alle Werte stehen in der Datei {FOLDER}/"
            f"{indicator_file(indicator_id)} (Seite „Daten“).")


def map_areas(edition: Edition):
    """The shapes the edition's maps draw (charts.map_shapes), made once per edition."""
    return edition.remembered("map_shapes", lambda: charts.map_shapes(edition.areas))


def indicator_map(edition: Edition, indicator_id: str, year: int | None = None) -> Chart:
    """The indicator's map; for a pack without geometry the ranked bars of its areas stand in for it."""
    if edition.area_geometry == "none":
        return ranking(edition, indicator_id)
    indicator = edition.indicator(indicator_id)
    year = year or edition.latest_year(indicator_id)
    unstable = edition.table(indicator_id, year)["unstable"].astype(bool)
    values = edition.area_values(indicator_id, year)
    edges = fixed_bins(edition, indicator_id)
    figure = charts.choropleth(map_areas(edition), values, indicator, edges, f"{indicator.short_title} {year}",
                               unstable)
    city = edition.value(indicator_id, CITY_AREA_ID, year)
    named = indicator.short_title if indicator.short_title == indicator.title else \
        f"{indicator.short_title} ({indicator.title})"
    kind = "Karte mit einem Kreis je Gebiet" if edition.area_geometry == "points" else "Karte"
    alt = (f"{kind}: {named} {year} nach "
           f"{dative_plural(edition.pack.area_label_plural)}; "
           f"{extremes_text(edition, values, indicator_id)}"
           + (f"; Gesamtstadt {format_value(city, indicator)}" if not math.isnan(city) else "") + ".")
    labels = charts.bin_labels(edges, indicator.decimals)
    ordered = values.sort_values(ascending=False, na_position="last")
    rows = [{edition.pack.area_label: edition.area_name(a),
             f"{indicator.short_title} {year}": published_text(edition, indicator_id, year, a),
             "Farbklasse": labels[charts.class_of(v, edges)] if not pd.isna(v) else "–",
             "unsicher (< 20 Fälle)": "ja" if bool(unstable.get(a, False)) else ""}
            for a, v in ordered.items()]
    table = pd.DataFrame(rows)
    note = ""
    if len(table) > TABLE_ROWS_MAX:
        note = _excerpt_note(edition, indicator_id, TABLE_ROWS_MAX, len(table)) + " Geordnet nach Wert."
        table = table.head(TABLE_ROWS_MAX)
    return Chart(figure, alt, table, note, source=source_line(edition.pack, year))


# Status: light = favourable, dark = need (YlOrBr, as the indicator maps); dynamics: diverging blue/red;
# types: ColorBrewer Set2 (qualitative). All distinguishable with the common colour-vision deficiencies.
STATUS_COLOURS = ["#ffffd4", "#fed98e", "#fe9929", "#cc4c02"]
DYNAMIC_COLOURS = ["#4393c3", "#e0e0e0", "#d6604d"]
TYPE_COLOURS = ["#fc8d62", "#66c2a5", "#8da0cb", "#e78ac3", "#a6d854", "#ffd92f"]


def _category_chart(edition: Edition, figure, labels: pd.Series, order: list[str], what: str,
                    title: str, extra: dict[str, pd.Series] | None = None) -> Chart:
    labels = labels.reindex(edition.pack.area_ids)
    counts = [f"{label}: {int((labels == label).sum())}" for label in order]
    missing = int(labels.isna().sum())
    alt = (f"Karte: {title} nach {dative_plural(edition.pack.area_label_plural)}; Zahl der Gebiete je {what}: "
           + ", ".join(counts) + (f", ohne Klasse: {missing}" if missing else "") + ".")
    rank = {label: i for i, label in enumerate(order)}
    ordered = sorted(labels.index, key=lambda a: (rank.get(labels[a], len(order)), edition.area_name(a)))
    rows = []
    for area_id in ordered:
        row = {edition.pack.area_label: edition.area_name(area_id),
               what: labels[area_id] if isinstance(labels[area_id], str) else "–"}
        for column, series in (extra or {}).items():
            row[column] = "ja" if bool(series.get(area_id, False)) else ""
        rows.append(row)
    return Chart(figure, alt, pd.DataFrame(rows), "Geordnet nach Klasse, dann nach Name.",
                 source=source_line(edition.pack))


def status_map(edition: Edition) -> Chart | None:
    index = edition.social_index
    if edition.area_geometry == "none":   # the classes stand in the index table
        return None
    figure = charts.category_map(map_areas(edition), index.table["status_class"], list(STATUS_CLASSES), STATUS_COLOURS,
                                 f"Statusklassen {index.year}", "Status (dunkler = ungünstiger)",
                                 missing_label="nicht im Index", dotted=index.table["near_threshold"],
                                 dotted_label="nahe an einer Klassengrenze")
    return _category_chart(edition, figure, index.table["status_class"], list(STATUS_CLASSES), "Statusklasse",
                           f"Statusklassen {index.year}",
                           {"nahe an einer Klassengrenze": index.table["near_threshold"].fillna(False)})


def dynamics_map(edition: Edition) -> Chart | None:
    index = edition.social_index
    if not index.dynamics_from:
        return None
    if edition.area_geometry == "none":
        return None
    title = f"Dynamikklassen {index.dynamics_from}–{index.year}"
    figure = charts.category_map(map_areas(edition), index.table["dynamic_class"], list(DYNAMIC_CLASSES),
                                 DYNAMIC_COLOURS, title,
                                 "Dynamik (rot = Lage verschlechtert\nsich schneller als im Schnitt)",
                                 missing_label="nicht im Index")
    return _category_chart(edition, figure, index.table["dynamic_class"], list(DYNAMIC_CLASSES), "Dynamikklasse",
                           title)


def types_map(edition: Edition) -> Chart | None:
    types = edition.types
    if edition.area_geometry == "none":   # the types and their members stand in the text below
        return None
    names = {letter: index_views.type_label(edition, letter) for letter in types.profiles.index}
    order = list(names.values())
    labels = types.labels.map(names)
    figure = charts.category_map(map_areas(edition), labels, order, TYPE_COLOURS[:len(order)],
                                 "Sozialraumtypen", "Sozialraumtyp")
    return _category_chart(edition, figure, labels, order, "Typ", "Sozialraumtypen")


def type_profiles(edition: Edition) -> Chart:
    """The district types' profiles (mean z-value of every indicator) as a seaborn heatmap, with the
    values as a table."""
    types = edition.types
    z_values = types.profiles.T
    z_values.index = [edition.indicator(i).short_title for i in z_values.index]
    z_values.columns = [f"Typ {c}" for c in z_values.columns]
    figure = charts.profile_heatmap(z_values, "Profile der Sozialraumtypen: mittlerer z-Wert je Indikator")
    stacked = z_values.stack()
    high, low = stacked.idxmax(), stacked.idxmin()
    alt = (f"Heatmap: mittlere z-Werte von {len(z_values.columns)} Sozialraumtypen über {len(z_values)} "
           f"Indikatoren; am weitesten über dem Durchschnitt {high[1]} bei {high[0]} "
           f"({signed(stacked.max(), 1)}), am weitesten darunter {low[1]} bei {low[0]} ({signed(stacked.min(), 1)}).")
    table = z_values.map(lambda v: format_number(v, 1)).reset_index(names="Indikator")
    return Chart(figure, alt, table, source=source_line(edition.pack))


def topic_maps(edition: Edition, topic: str) -> list[Chart]:
    return [indicator_map(edition, i.id) for i in edition.catalog.by_topic().get(topic, [])
            if i.kind != "count"]


def ranking(edition: Edition, indicator_id: str, highlight: str | None = None) -> Chart:
    indicator = edition.indicator(indicator_id)
    year = edition.latest_year(indicator_id)
    frame = edition.table(indicator_id, year)
    withheld = list(frame.index[frame["suppressed"].astype(bool) & (frame.index != CITY_AREA_ID)])
    values = edition.area_values(indicator_id)
    city = edition.value(indicator_id, CITY_AREA_ID)
    title = f"{indicator.short_title} {year}"
    ordered = charts.need_sorted(values, indicator)
    if len(values) > charts.MANY_AREAS:   # too many to name: sorted columns, drawn as SVG (one per profile)
        shown_columns = ordered.drop([a for a in withheld if a in ordered.index])
        figure = Drawn("image/svg+xml", svg_charts.distribution(
            shown_columns, edition.pack.area_names, city, indicator.decimals, indicator.unit, title,
            indicator.rank_meaning, len(withheld), source_line(edition.pack, year), highlight).encode("utf-8"))
    else:
        figure = charts.ranking(values, edition.pack.area_names, city, indicator, title, highlight, withheld)
    alt = f"Diagramm: {indicator.title} {year}, alle {edition.pack.area_label_plural} nach Wert geordnet " \
          f"({indicator.rank_meaning}); " \
          f"{extremes_text(edition, values, indicator_id)}"
    if highlight in ordered.index:
        alt += (f"; {edition.area_name(highlight)} {format_value(ordered[highlight], indicator)}, Rang "
                f"{ordered.index.get_loc(highlight) + 1} von {len(ordered)}")
    if not math.isnan(city):
        alt += f"; Gesamtstadt {format_value(city, indicator)}"
    alt += "."
    ranks = list(ordered.index)
    if len(ranks) > TABLE_ROWS_MAX:
        # top and bottom five, and the highlighted area with its neighbours
        keep = set(ranks[:5] + ranks[-5:])
        if highlight in ordered.index:
            at = ranks.index(highlight)
            keep |= set(ranks[max(0, at - 2):at + 3])
        shown = [a for a in ranks if a in keep]
        note = _excerpt_note(edition, indicator_id, len(shown), len(ranks))
    else:
        shown, note = ranks, ""
    listed_withheld = withheld if len(ranks) <= TABLE_ROWS_MAX else []   # an excerpt names none of them
    column = f"{indicator.short_title} {year}"
    table = pd.DataFrame([{"Rang": str(ranks.index(a) + 1), edition.pack.area_label: edition.area_name(a),
                           column: format_value(ordered[a], indicator)} for a in shown]
                         + [{"Rang": "–", edition.pack.area_label: edition.area_name(a), column: SUPPRESSED}
                            for a in listed_withheld])
    if not math.isnan(city):
        table.loc[len(table)] = ["–", f"Gesamtstadt {edition.city_name}", format_value(city, indicator)]
    return Chart(figure, alt, table, note, source=source_line(edition.pack, year))


def trends(edition: Edition, area_id: str | None, indicator_ids: list[str] | None = None,
           columns: int = 2) -> Chart | None:
    """Small multiples over the years: the area (if given) against the city."""
    ids = [i for i in (indicator_ids or trend_indicators(edition, area_id))
           if edition.has(i) and len(edition.series(i, area_id or CITY_AREA_ID)) > 1]
    if not ids:   # nothing with more than one year: no chart (its heading goes, see without_empty_sections)
        return None
    described, table_rows, panels = [], [], []
    place = edition.area_name(area_id) if area_id else f"Gesamtstadt {edition.city_name}"
    for indicator_id in ids:
        indicator = edition.indicator(indicator_id)
        lines, places = {}, {}
        if area_id:
            lines[edition.area_name(area_id)] = edition.series(indicator_id, area_id)
            places[edition.area_name(area_id)] = area_id
        city = edition.series(indicator_id, CITY_AREA_ID)
        if city.notna().any() or not area_id:   # adopted shares have no city value: no empty line in the legend
            lines[f"Gesamtstadt {edition.city_name}"] = city
            places[f"Gesamtstadt {edition.city_name}"] = CITY_AREA_ID
        known = sorted(set().union(*(s.dropna().index for s in lines.values())))
        span = charts.year_steps(known)   # a year without data stays a gap in the line (2012 … 2017)
        unit = "%" if indicator.unit == "%" else indicator.unit
        panels.append(svg_charts.Panel(
            f"{indicator.short_title} ({unit})", span,
            [svg_charts.Line(label, series,
                             charts.CITY_COLOUR if places[label] == CITY_AREA_ID else charts.AREA_COLOUR,
                             reference=places[label] == CITY_AREA_ID and area_id is not None,
                             estimated=edition.estimated_years(indicator_id, places[label]))
             for label, series in lines.items()],
            edition.interval(indicator_id, area_id or CITY_AREA_ID)))
        own = next(iter(lines.values())).dropna()
        if len(own):
            described.append(f"{indicator.short_title} von {format_value(own.iloc[0], indicator)} ({own.index[0]}) "
                             f"auf {format_value(own.iloc[-1], indicator)} ({own.index[-1]})")
        years = sorted(set().union(*(s.index for s in lines.values())))
        # year → value and the estimated years of each line, looked up once for all its years
        by_line = {label: (dict(zip(series.index, series.to_numpy())),
                           edition.estimated_years(indicator_id, places[label])) for label, series in lines.items()}
        for year in years:
            row = {"Indikator": f"{indicator.short_title} ({unit})", "Jahr": str(int(year))}
            for label, (values, estimated) in by_line.items():
                withheld = edition.withheld(indicator_id, places[label], int(year))
                text = SUPPRESSED if withheld else format_number(values.get(year), indicator.decimals)
                row[label] = with_estimate_marks([text], [int(year) in estimated])[0]
            table_rows.append(row)
    versus = " im Vergleich zur Gesamtstadt (gestrichelt)" if area_id else ""
    alt = (f"Liniendiagramme: Entwicklung in {place}{versus}. " + "; ".join(described) + "."
           if described else f"Liniendiagramme: Entwicklung in {place}.")
    table = pd.DataFrame(table_rows)
    marks = table.drop(columns=["Indikator", "Jahr"]).map(lambda text: str(text).endswith(ESTIMATE_MARK)).any(axis=None)
    if marks:
        alt += f" Gepunktet: {charts.ESTIMATE_ALT}."
    image = svg_charts.trend_panels(panels, columns, source_line(edition.pack), f"Entwicklung in {place}")
    return Chart(Drawn("image/svg+xml", image.encode("utf-8")), alt, table,
                 data_note=estimate_note(edition) if marks else "")


AREAS_OVER_TIME_MAX = 40   # panels per chart; more would be too small to read: the least favourable are shown
PANEL_COLUMNS = 5
PANEL_TITLE_WIDTH = 18   # characters of an area's name above its panel


def key_indicators(edition: Edition) -> list[str]:
    """The indicators whose development every area is compared in: the social index's status indicators,
    else the headline indicator and the first trend indicators (four in all)."""
    if edition.social_index is not None:
        wanted = list(edition.social_index.status)
    else:
        wanted = [lead_indicator(edition), *trend_indicators(edition, None)][:4]
    def years_with_values(indicator_id: str) -> int:
        table = edition.indicators
        return table.loc[(table["indicator"] == indicator_id) & table["value"].notna(), "year"].nunique()

    return [i for i in dict.fromkeys(wanted) if edition.has(i) and years_with_values(i) > 1]


def areas_over_time(edition: Edition, indicator_id: str) -> Chart:
    """One small panel per area with its line and the city's (dashed), all on the same scale, the area
    with the least favourable latest value first; of a pack with more than AREAS_OVER_TIME_MAX areas the
    AREAS_OVER_TIME_MAX least favourable (the profiles show every area)."""
    area_ids = edition.pack.area_ids
    indicator = edition.indicator(indicator_id)
    rows = edition.indicators[edition.indicators["indicator"] == indicator_id]
    wide = rows.pivot(index="area_id", columns="year", values="value").reindex([*area_ids, CITY_AREA_ID])
    years = [int(y) for y in wide.columns]
    span = charts.year_steps(years)
    wide = wide.reindex(columns=span)   # a year without data stays a gap in every line
    latest = wide[max(years)].reindex(area_ids)
    order = [*charts.need_sorted(latest, indicator).index, *latest.index[latest.isna()]][:AREAS_OVER_TIME_MAX]
    panel_rows = math.ceil(len(order) / PANEL_COLUMNS)
    fig = charts.panel_figure(9.2, 1.45, panel_rows, legend=True)
    # inner panels share the axes' labels, so rows need room for a title only; the top for the figure's title
    height, top, bottom, gap = fig.get_figheight(), 0.6, 0.75, 0.4
    panel = (height - top - bottom - gap * (panel_rows - 1)) / panel_rows
    fig.subplots_adjust(top=1 - top / height, bottom=bottom / height, hspace=gap / panel)
    axes = fig.subplots(panel_rows, PANEL_COLUMNS, squeeze=False, sharex=True, sharey=True).ravel()
    city = wide.loc[CITY_AREA_ID].to_numpy(float)
    has_city = not np.isnan(city).all()   # shares adopted without counts have no city value
    for ax, area_id in zip(axes, order):
        if has_city:
            ax.plot(span, city, color=charts.CITY_COLOUR, linestyle="--", linewidth=1.1,
                    label=f"Gesamtstadt {edition.city_name}")
        line = wide.loc[area_id]
        estimated = edition.estimated_years(indicator_id, area_id)
        if estimated:
            charts.estimated_part(ax, span, line, estimated, charts.AREA_COLOUR, markersize=2.5)
            line = line.where(~pd.Index(span).isin(list(estimated)))
        ax.plot(span, line.to_numpy(float), color=charts.AREA_COLOUR, linewidth=1.8, marker="o",
                markersize=2.5, label="Gebiet")
        ax.set_title(charts.short_label(edition.area_name(area_id), PANEL_TITLE_WIDTH), loc="left", fontsize=9,
                     fontweight="bold")
        charts.german_axis(ax, indicator.decimals)
        ax.tick_params(labelsize=7)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
    for position, ax in enumerate(axes[len(order):], start=len(order)):
        ax.set_visible(False)
        if position >= PANEL_COLUMNS:   # the panel above is the last in its column: it shows the years
            axes[position - PANEL_COLUMNS].xaxis.set_tick_params(labelbottom=True)
    legend = {}
    for ax in axes[:len(order)]:   # the estimated part may be drawn in some panels only
        legend.update(zip(*reversed(ax.get_legend_handles_labels())))
    fig.legend(list(legend.values()), list(legend), loc="lower center", ncols=3, frameon=False, fontsize=9)
    unit = "%" if indicator.unit == "%" else indicator.unit
    fig.suptitle(f"{indicator.short_title} ({unit}), {span[0]}–{span[-1]}", x=0.6 / 9.2, ha="left",
                 fontsize=11, fontweight="bold")
    first_year = {a: wide.loc[a].first_valid_index() for a in order}
    moved = {a: wide.at[a, max(years)] - wide.at[a, first_year[a]] for a in order if first_year[a] is not None}
    changes = pd.Series(moved, dtype=float).dropna() * indicator.need_sign if indicator.is_need else None
    first = "dem ungünstigsten" if indicator.is_need else "dem höchsten"
    which = (f"in jedem der {len(order)} {edition.pack.area_label_plural}" if len(order) == len(area_ids) else
             f"in den {len(order)} {dative_plural(edition.pack.area_label_plural)} mit {first} Wert "
             f"(von {len(area_ids)})")
    alt = (f"Kleine Liniendiagramme: {indicator.short_title} {which} von {span[0]} bis {span[-1]}"
           + (", je mit der Gesamtstadt (gestrichelt)" if has_city else "")
           + f", das Gebiet mit {first} Wert zuerst: {edition.area_name(order[0])}.")
    if changes is not None and len(changes):
        alt += (f" Am stärksten verschlechtert hat sich {edition.area_name(changes.idxmax())}, am stärksten "
                f"verbessert {edition.area_name(changes.idxmin())}.")
    rows_shown = [*order, CITY_AREA_ID] if has_city else order
    shown = wide.loc[rows_shown, years]
    table = pd.DataFrame({
        edition.pack.area_label: [edition.area_name(a) if a != CITY_AREA_ID else f"Gesamtstadt {edition.city_name}"
                                  for a in rows_shown],
        **{str(y): with_estimate_marks(
            [SUPPRESSED if edition.withheld(indicator_id, a, y) else format_number(v, indicator.decimals)
             for a, v in shown[y].items()],
            [y in edition.estimated_years(indicator_id, a) for a in shown.index]) for y in years}})
    marks = any(edition.estimated_years(indicator_id, a) for a in order)
    if marks:
        alt += f" Gepunktet: {charts.ESTIMATE_ALT}."
    return Chart(fig, alt, table, data_note=estimate_note(edition) if marks else "",
                 source=source_line(edition.pack, max(years)),
                 count_columns=[str(y) for y in years] if indicator.kind == "count" else [])


def locator(edition: Edition, area_id: str) -> Chart | None:
    """Where the area lies; nothing for a pack without geometry or an area its geometry file leaves out."""
    shapes = map_areas(edition)
    if edition.area_geometry == "none" or area_id not in shapes.index:
        return None
    geometry = shapes.geometry.loc[area_id]
    if geometry is None or geometry.is_empty:   # an area the geometry file leaves without a shape
        return None
    return Chart(Drawn("image/png", charts.locator_map(shapes, area_id, source_line(edition.pack))),
                 f"Lagekarte: {edition.area_name(area_id)} (rot hervorgehoben) im Stadtgebiet von "
                 f"{edition.city_name}.")


def share_text(part: float, whole: float) -> str:
    return f"{format_number(part / whole * 100, 1)}\u202f%" if whole else "–"


def _inline_figures_as_drawn() -> None:
    """In a notebook, show figures at the size they are laid out (constrained layout) instead of cropping
    them to a tight box: cropping renders every figure twice, which doubles the time of a profile."""
    shell = get_ipython()
    if shell is not None:
        shell.run_line_magic("config", "InlineBackend.print_figure_kwargs = {'bbox_inches': None}")


_inline_figures_as_drawn()
