"""Figures for one edition: picks the data, then draws with the house style in charts.py."""
from __future__ import annotations

import math

from matplotlib.figure import Figure

from . import charts
from .config import CITY_AREA_ID
from .edition import Edition
from .text import format_number


def lead_indicator(edition: Edition) -> str:
    """The pack's headline indicator, else the first indicator of need in the catalogue."""
    if edition.pack.headline_indicator and edition.has(edition.pack.headline_indicator):
        return edition.pack.headline_indicator
    for indicator in edition.catalog.indicators:
        if indicator.polarity == "higher_is_worse":
            return indicator.id
    return edition.catalog.indicators[0].id


def fixed_bins(edition: Edition, indicator_id: str) -> list[float]:
    """Class breaks over every year the edition holds, so maps of different years compare."""
    rows = edition.indicators[(edition.indicators["indicator"] == indicator_id)
                              & (edition.indicators["area_id"] != CITY_AREA_ID)]
    return charts.class_bins(rows["value"], edition.indicator(indicator_id).decimals)


def indicator_map(edition: Edition, indicator_id: str, year: int | None = None) -> Figure:
    indicator = edition.indicator(indicator_id)
    year = year or edition.latest_year(indicator_id)
    unstable = edition.table(indicator_id, year)["unstable"].astype(bool)
    return charts.choropleth(edition.areas, edition.area_values(indicator_id, year), indicator,
                             fixed_bins(edition, indicator_id), f"{indicator.title} {year}", unstable)


# Status: light = favourable, dark = need (YlOrBr, as the indicator maps); dynamics: diverging blue/red;
# types: ColorBrewer Set2 (qualitative). All distinguishable with the common colour-vision deficiencies.
STATUS_COLOURS = ["#ffffd4", "#fed98e", "#fe9929", "#cc4c02"]
DYNAMIC_COLOURS = ["#4393c3", "#e0e0e0", "#d6604d"]
TYPE_COLOURS = ["#fc8d62", "#66c2a5", "#8da0cb", "#e78ac3", "#a6d854", "#ffd92f"]


def status_map(edition: Edition) -> Figure:
    from .social_index import STATUS_CLASSES

    index = edition.social_index
    return charts.category_map(edition.areas, index.table["status_class"], list(STATUS_CLASSES), STATUS_COLOURS,
                               f"Statusklassen {index.year}", "Status (dunkler = ungünstiger)",
                               missing_label="nicht im Index", dotted=index.table["near_threshold"],
                               dotted_label="nahe an einer Klassengrenze")


def dynamics_map(edition: Edition) -> Figure | None:
    from .social_index import DYNAMIC_CLASSES

    index = edition.social_index
    if not index.dynamics_from:
        return None
    return charts.category_map(edition.areas, index.table["dynamic_class"], list(DYNAMIC_CLASSES),
                               DYNAMIC_COLOURS, f"Dynamikklassen {index.dynamics_from}–{index.year}",
                               "Dynamik (rot = Lage verschlechtert\nsich schneller als im Schnitt)",
                               missing_label="nicht im Index")


def types_map(edition: Edition) -> Figure:
    types = edition.types
    order = list(types.profiles.index)
    labels = types.labels.map(lambda letter: f"Typ {letter}")
    return charts.category_map(edition.areas, labels, [f"Typ {t}" for t in order], TYPE_COLOURS[:len(order)],
                               "Sozialraumtypen", "Typ (A = größter Bedarf)")


def topic_maps(edition: Edition, topic: str) -> list[Figure]:
    return [indicator_map(edition, i.id) for i in edition.catalog.by_topic().get(topic, [])
            if i.kind != "count"]


def ranking(edition: Edition, indicator_id: str, highlight: str | None = None) -> Figure:
    indicator = edition.indicator(indicator_id)
    year = edition.latest_year(indicator_id)
    frame = edition.table(indicator_id, year)
    withheld = list(frame.index[frame["suppressed"].astype(bool) & (frame.index != CITY_AREA_ID)])
    return charts.ranking(edition.area_values(indicator_id), edition.pack.area_names,
                          edition.value(indicator_id, CITY_AREA_ID), indicator,
                          f"{indicator.title} {year}", highlight, withheld)


def trends(edition: Edition, area_id: str | None, indicator_ids: list[str] | None = None,
           columns: int = 2) -> Figure:
    """Small multiples over the years: the area (if given) against the city."""
    ids = [i for i in (indicator_ids or [i.id for i in edition.catalog.indicators if i.polarity != "neutral"])
           if edition.has(i) and len(edition.series(i, area_id or CITY_AREA_ID)) > 1]
    rows = max(1, math.ceil(len(ids) / columns))
    fig = charts.panel_figure(9.2, 2.6, rows, legend=bool(ids))
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    for ax, indicator_id in zip(axes, ids):
        indicator = edition.indicator(indicator_id)
        lines = {}
        if area_id:
            lines[edition.area_name(area_id)] = edition.series(indicator_id, area_id)
        lines[f"Gesamtstadt {edition.city_name}"] = edition.series(indicator_id, CITY_AREA_ID)
        styles = [charts.AREA_COLOUR, charts.CITY_COLOUR] if area_id else [charts.CITY_COLOUR]
        for (label, series), colour in zip(lines.items(), styles):
            dashed = colour == charts.CITY_COLOUR and area_id is not None
            ax.plot(series.index, series.to_numpy(), color=colour, linestyle="--" if dashed else "-",
                    marker="s" if dashed else "o", markersize=4, linewidth=1.8, label=label)
        unit = "%" if indicator.unit == "%" else indicator.unit
        ax.set_title(f"{indicator.short_title} ({unit})", loc="left", fontsize=10, fontweight="bold")
        charts.german_axis(ax, indicator.decimals)
    for ax in axes[len(ids):]:
        ax.set_visible(False)
    if ids:
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", ncols=2, frameon=False, fontsize=9)
    return fig


def locator(edition: Edition, area_id: str) -> Figure:
    return charts.locator_map(edition.areas, area_id)


def share_text(part: float, whole: float) -> str:
    return f"{format_number(part / whole * 100, 1)}\u202f%" if whole else "–"


def _inline_figures_as_drawn() -> None:
    """In a notebook, show figures at the size they are laid out (constrained layout) instead of cropping
    them to a tight box: cropping renders every figure twice, which doubles the time of a profile."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        shell.run_line_magic("config", "InlineBackend.print_figure_kwargs = {'bbox_inches': None}")


_inline_figures_as_drawn()
