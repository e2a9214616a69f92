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
    return charts.choropleth(edition.areas, edition.area_values(indicator_id, year), indicator,
                             fixed_bins(edition, indicator_id), f"{indicator.title} {year}")


def topic_maps(edition: Edition, topic: str) -> list[Figure]:
    return [indicator_map(edition, i.id) for i in edition.catalog.by_topic().get(topic, [])
            if i.kind != "count"]


def ranking(edition: Edition, indicator_id: str, highlight: str | None = None) -> Figure:
    indicator = edition.indicator(indicator_id)
    year = edition.latest_year(indicator_id)
    return charts.ranking(edition.area_values(indicator_id), edition.pack.area_names,
                          edition.value(indicator_id, CITY_AREA_ID), indicator,
                          f"{indicator.title} {year}", highlight)


def trends(edition: Edition, area_id: str | None, indicator_ids: list[str] | None = None,
           columns: int = 2) -> Figure:
    """Small multiples over the years: the area (if given) against the city."""
    ids = [i for i in (indicator_ids or [i.id for i in edition.catalog.indicators if i.polarity != "neutral"])
           if edition.has(i) and len(edition.series(i, area_id or CITY_AREA_ID)) > 1]
    rows = max(1, math.ceil(len(ids) / columns))
    fig = Figure(figsize=(9.2, 2.6 * rows), dpi=100, layout="constrained")
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
        fig.legend(handles, labels, loc="outside lower center", ncols=2, frameon=False, fontsize=9)
    return fig


def locator(edition: Edition, area_id: str) -> Figure:
    return charts.locator_map(edition.areas, area_id)


def share_text(part: float, whole: float) -> str:
    return f"{format_number(part / whole * 100, 1)}\u202f%" if whole else "–"
