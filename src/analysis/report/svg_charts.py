"""The charts of an area profile as SVG: time series as small multiples, and the sorted columns of all
areas with one highlighted. Same house style as the matplotlib figures of analysis.report.charts (colours,
line styles, German number format); sizes in pixels at matplotlib's 100 dpi, fonts at 1 pt = 100/72 px."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.report.charts import AREA_COLOUR, CITY_COLOUR, ESTIMATE_LABEL, HIGHLIGHT, tick_text
from analysis.report.svg import (
    Drawing,
    fitted,
    nice_ticks,
    source_strip,
    source_strip_height,
    text_width,
    wrapped,
)
from analysis.text import format_number

PT = 100 / 72               # pixels per point
TICK_SIZE = 10 * PT
TITLE_SIZE = 10 * PT
LEGEND_SIZE = 9 * PT
LINE_WIDTH = 1.8 * PT
MARKER_SIZE = 4 * PT
AXIS_COLOUR = "#000000"
GRID_COLOUR = "#dddddd"
BAND_LABEL = "95-%-Intervall"
CITY_DASH = f"{3.7 * LINE_WIDTH:.1f},{1.6 * LINE_WIDTH:.1f}"      # matplotlib's "--"
ESTIMATE_DASH = f"{1 * LINE_WIDTH:.1f},{1.65 * LINE_WIDTH:.1f}"   # matplotlib's ":"


@dataclass
class Line:
    label: str
    values: pd.Series            # indexed by the panel's years; NaN is a gap
    colour: str
    reference: bool = False      # the city beside an area: dashed, with squares
    estimated: set[int] = field(default_factory=set)   # years apportioned across an area change


@dataclass
class Panel:
    title: str
    years: list[int]
    lines: list[Line]
    band: pd.DataFrame | None = None   # ci_low, ci_high by year


# Trend panels: 9.2 × 2.6 inches per row as before, margins fixed in pixels.
TRENDS_WIDTH = 920
ROW_HEIGHT = 260
ROW_GAP = 75
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP = 60, 20, 30
LEGEND_HEIGHT = 35
COLUMN_GAP_SHARE = 0.22


def _runs(years: list[int], values: np.ndarray) -> list[list[int]]:
    """Indexes of consecutive known values: a missing year breaks a line."""
    runs, current = [], []
    for index, value in enumerate(values):
        if math.isfinite(value):
            current.append(index)
        elif current:
            runs.append(current)
            current = []
    return [*runs, current] if current else runs


class _Axes:
    """A plotting box with data limits: x from years, y from values, both with 5 % margins."""

    def __init__(self, left: float, top: float, width: float, height: float, years: list[int], low: float,
                 high: float):
        self.left, self.top, self.width, self.height = left, top, width, height
        first, last = years[0], years[-1]
        pad = (last - first) * 0.05 or 0.5
        self.x0, self.x1 = first - pad, last + pad
        if high == low:
            high, low = high + (abs(high) * 0.1 or 1), low - (abs(low) * 0.1 or 1)
        pad = (high - low) * 0.05
        self.y0, self.y1 = low - pad, high + pad

    def x(self, year: float) -> float:
        return self.left + (year - self.x0) / (self.x1 - self.x0) * self.width

    def y(self, value: float) -> float:
        return self.top + (self.y1 - value) / (self.y1 - self.y0) * self.height

    @property
    def bottom(self) -> float:
        return self.top + self.height


def _draw_axes(drawing: Drawing, axes: _Axes, years: list[int]) -> None:
    for value in nice_ticks(axes.y0, axes.y1, 6):
        y = axes.y(value)
        drawing.line(axes.left, y, axes.left + axes.width, y, GRID_COLOUR, 0.8)
        drawing.line(axes.left - 4.9, y, axes.left, y, AXIS_COLOUR, 1.1)
        drawing.text(axes.left - 8, y + TICK_SIZE * 0.36, tick_text(value), TICK_SIZE, anchor="end")
    for year in nice_ticks(years[0], years[-1], 6, integer=True):
        x = axes.x(year)
        drawing.line(x, axes.bottom, x, axes.bottom + 4.9, AXIS_COLOUR, 1.1)
        drawing.text(x, axes.bottom + 8 + TICK_SIZE * 0.9, str(int(year)), TICK_SIZE, anchor="middle")
    drawing.line(axes.left, axes.top, axes.left, axes.bottom, AXIS_COLOUR, 1.1)
    drawing.line(axes.left, axes.bottom, axes.left + axes.width, axes.bottom, AXIS_COLOUR, 1.1)


def _draw_line(drawing: Drawing, axes: _Axes, years: list[int], line: Line) -> None:
    values = _on_years(line.values, years)
    estimated = [y in line.estimated for y in years]
    if any(estimated):
        # the estimated years dotted with open markers, joined to the first counted year: one line
        last = max(i for i, e in enumerate(estimated) if e)
        part = np.where([e or i == last + 1 for i, e in enumerate(estimated)], values, np.nan)
        for run in _runs(years, part):
            points = [(axes.x(years[i]), axes.y(part[i])) for i in run]
            drawing.polyline(points, line.colour, LINE_WIDTH, dash=ESTIMATE_DASH, css_class="geschaetzt")
            drawing.markers([p for i, p in zip(run, points) if estimated[i]], "o", line.colour, MARKER_SIZE,
                            hollow=True)
        values = np.where(estimated, np.nan, values)
    for run in _runs(years, values):
        points = [(axes.x(years[i]), axes.y(values[i])) for i in run]
        drawing.polyline(points, line.colour, LINE_WIDTH, dash=CITY_DASH if line.reference else None, css_class="daten")
        drawing.markers(points, "s" if line.reference else "o", line.colour, MARKER_SIZE)


def _draw_band(drawing: Drawing, axes: _Axes, years: list[int], band: pd.DataFrame, colour: str) -> None:
    low, high = _on_years(band["ci_low"], years), _on_years(band["ci_high"], years)
    for run in _runs(years, low + high):
        upper = [(axes.x(years[i]), axes.y(high[i])) for i in run]
        lower = [(axes.x(years[i]), axes.y(low[i])) for i in reversed(run)]
        drawing.polygon(upper + lower, colour, opacity=0.18, css_class="intervall")


def _on_years(values: pd.Series, years: list[int]) -> np.ndarray:
    """The values (indexed by year) in the order of `years`, NaN where one is missing: what
    values.reindex(years) gives, without pandas' cost for each call (a profile's charts make dozens)."""
    by_year = dict(zip(values.index.tolist(), values.to_numpy(dtype=float).tolist()))
    return np.array([by_year.get(year, np.nan) for year in years], dtype=float)


def _limits(panel: Panel) -> tuple[float, float]:
    arrays = [_on_years(line.values, panel.years) for line in panel.lines]
    if panel.band is not None:
        arrays += [_on_years(panel.band[c], panel.years) for c in ("ci_low", "ci_high")]
    known = np.concatenate(arrays) if arrays else np.array([])
    known = known[np.isfinite(known)]
    return (float(known.min()), float(known.max())) if len(known) else (0.0, 1.0)


def _legend(drawing: Drawing, entries: list[tuple[str, str, dict]], top: float) -> float:
    """Entries ("band" | "line", label, style) centred in rows below the panels; returns the bottom of the
    last row."""
    handle, gap, spacing = 28, 8, 26
    widths = [handle + gap + text_width(label, LEGEND_SIZE) for _, label, _ in entries]
    rows, row, used = [], [], 0.0
    for entry, width in zip(entries, widths):
        if row and used + spacing + width > drawing.width - 40:
            rows.append(row)
            row, used = [], 0.0
        row.append((entry, width))
        used += (spacing if len(row) > 1 else 0) + width
    rows.append(row)
    for number, row in enumerate(rows):
        total = sum(w for _, w in row) + spacing * (len(row) - 1)
        x = (drawing.width - total) / 2
        y = top + number * (LEGEND_SIZE + 8)
        for (kind, label, style), width in row:
            middle = y - LEGEND_SIZE * 0.35
            if kind == "band":
                drawing.rect(x, middle - 5, handle, 10, style["colour"], opacity=0.18)
            else:
                drawing.line(x, middle, x + handle, middle, style["colour"], LINE_WIDTH, style.get("dash"))
                drawing.markers([(x + handle / 2, middle)], style.get("marker", "o"), style["colour"], MARKER_SIZE,
                                hollow=style.get("hollow", False))
            drawing.text(x + handle + gap, y, label, LEGEND_SIZE)
            x += width + spacing
    return top + (len(rows) - 1) * (LEGEND_SIZE + 8) + LEGEND_SIZE * 0.3


def trend_panels(panels: list[Panel], columns: int, source: str, title: str) -> str:
    """Small multiples, `columns` to a row, with one legend below and the source line at the bottom."""
    rows = max(1, math.ceil(len(panels) / columns))
    plot_width = TRENDS_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    axes_width = plot_width / (columns + COLUMN_GAP_SHARE * (columns - 1))
    axes_height = ROW_HEIGHT - ROW_GAP
    drawing = Drawing(TRENDS_WIDTH, 0)   # the height once the legend's rows are known
    legend: dict[str, tuple[str, str, dict]] = {}
    for number, panel in enumerate(panels):
        row, column = divmod(number, columns)
        left = MARGIN_LEFT + column * axes_width * (1 + COLUMN_GAP_SHARE)
        top = MARGIN_TOP + row * ROW_HEIGHT
        axes = _Axes(left, top, axes_width, axes_height, panel.years, *_limits(panel))
        _draw_axes(drawing, axes, panel.years)
        own = panel.lines[0].colour if panel.lines else AREA_COLOUR
        if panel.band is not None and panel.band["ci_low"].notna().any():
            _draw_band(drawing, axes, panel.years, panel.band, own)
            legend.setdefault(BAND_LABEL, ("band", BAND_LABEL, {"colour": own}))
        for line in panel.lines:
            _draw_line(drawing, axes, panel.years, line)
            style = {"colour": line.colour, "marker": "s" if line.reference else "o",
                     "dash": CITY_DASH if line.reference else None}
            legend.setdefault(line.label, ("line", line.label, style))
            if line.estimated & set(panel.years):
                legend.setdefault(ESTIMATE_LABEL, ("line", ESTIMATE_LABEL, {
                    "colour": line.colour, "dash": ESTIMATE_DASH, "hollow": True}))
        drawing.text(left, top - 9, fitted(panel.title, TITLE_SIZE, axes_width * (1 + COLUMN_GAP_SHARE) - 10,
                                           bold=True), TITLE_SIZE, bold=True)
    order = [BAND_LABEL, *(k for k in legend if k not in (BAND_LABEL, ESTIMATE_LABEL)), ESTIMATE_LABEL]
    bottom = _legend(drawing, [legend[k] for k in order if k in legend], MARGIN_TOP + rows * ROW_HEIGHT - ROW_GAP + 50)
    drawing.height = bottom + 16 + source_strip_height(source, TRENDS_WIDTH)
    source_strip(drawing, source)
    return drawing.document(title)


# The columns of all areas, sorted: 7.2 × 3 inches as before.
DISTRIBUTION_WIDTH, DISTRIBUTION_HEIGHT = 720, 300
DISTRIBUTION_BOX = (70, 35, 720 - 70 - 15, 300 - 35 - 75)   # left, top, width, height
COLUMN_COLOUR = "#c9c9c9"
_backgrounds: dict[tuple, tuple] = {}


def _distribution_background(ordered: pd.Series, city_value: float, decimals: int, unit: str, title: str,
                             rank_meaning: str, withheld: int, source: str) -> tuple[list[str], float, float]:
    """Everything but the highlight, kept per indicator and values: every profile shows the same columns."""
    key = (title, city_value, withheld, source, rank_meaning, hash(ordered.to_numpy().tobytes()))
    if key in _backgrounds:
        return _backgrounds[key]
    left, top, width, height = DISTRIBUTION_BOX
    drawing = Drawing(DISTRIBUTION_WIDTH, DISTRIBUTION_HEIGHT)
    count = len(ordered)
    values = ordered.to_numpy(float)
    high = max(float(np.nanmax(values)) if count else 1.0, 0.0 if math.isnan(city_value) else city_value) * 1.05 \
        or 1.0
    x_max = count + 1

    def x(rank: float) -> float:
        return left + rank / x_max * width

    def y(value: float) -> float:
        return top + (high - value) / high * height

    for value in nice_ticks(0, high, 6):
        drawing.line(left - 4.9, y(value), left, y(value), AXIS_COLOUR, 1.1)
        drawing.text(left - 8, y(value) + TICK_SIZE * 0.36, tick_text(value), TICK_SIZE, anchor="end")
    # one filled step outline for all columns
    outline = [(x(0.5), y(0))]
    for rank, value in enumerate(values, start=1):
        outline += [(x(rank - 0.5), y(value)), (x(rank + 0.5), y(value))]
    outline.append((x(count + 0.5), y(0)))
    drawing.polygon(outline, COLUMN_COLOUR, css_class="daten")
    if not math.isnan(city_value):
        drawing.line(left, y(city_value), left + width, y(city_value), CITY_COLOUR, 1.2 * PT, CITY_DASH)
        label = f"Gesamtstadt {format_number(city_value, decimals)}"
        label_x = left + width - text_width(label, 8.5 * PT)
        drawing.line(label_x - 36, top + 14 - 4, label_x - 8, top + 14 - 4, CITY_COLOUR, 1.2 * PT, CITY_DASH)
        drawing.text(label_x, top + 14, label, 8.5 * PT, colour=CITY_COLOUR)
    for rank in nice_ticks(0, x_max, 8, integer=True):
        drawing.line(x(rank), top + height, x(rank), top + height + 4.9, AXIS_COLOUR, 1.1)
        drawing.text(x(rank), top + height + 8 + TICK_SIZE * 0.9, str(int(rank)), TICK_SIZE, anchor="middle")
    drawing.line(left, top, left, top + height, AXIS_COLOUR, 1.1)
    drawing.line(left, top + height, left + width, top + height, AXIS_COLOUR, 1.1)
    drawing.text(left, top - 10, fitted(title, 11 * PT, DISTRIBUTION_WIDTH - left - 10, bold=True), 11 * PT,
                 bold=True)
    drawing.text(22, top + height / 2, "Anteil in %" if unit == "%" else unit, TICK_SIZE, anchor="middle",
                 rotate=True)
    caption = [f"{count} Gebiete, nach Wert geordnet ({rank_meaning})" + (";" if withheld else "")]
    if withheld:
        caption.append(f"{withheld} aus Datenschutzgründen nicht veröffentlicht")
    for number, text in enumerate(line for part in caption for line in wrapped(part, TICK_SIZE, width)):
        drawing.text(left + width / 2, top + height + 42 + number * (TICK_SIZE + 3), text, TICK_SIZE,
                     anchor="middle")
    strip = source_strip_height(source, DISTRIBUTION_WIDTH)
    drawing.height += strip
    source_strip(drawing, source)
    if len(_backgrounds) > 16:   # a kernel renders one edition: a handful of indicators
        _backgrounds.clear()
    _backgrounds[key] = (drawing.elements, high, drawing.height)
    return _backgrounds[key]


def distribution(ordered: pd.Series, names: dict[str, str], city_value: float, decimals: int, unit: str,
                 title: str, rank_meaning: str, withheld: int, source: str, highlight: str | None = None) -> str:
    """All areas as sorted columns (too many to name), least favourable first; the highlighted one in red,
    named with its value and rank; the city as a dashed reference line; how many areas are withheld."""
    elements, high, full_height = _distribution_background(ordered, city_value, decimals, unit, title,
                                                           rank_meaning, withheld, source)
    drawing = Drawing(DISTRIBUTION_WIDTH, full_height)
    drawing.elements = list(elements)
    if highlight in ordered.index:
        left, top, width, height = DISTRIBUTION_BOX
        rank = ordered.index.get_loc(highlight) + 1
        value = float(ordered[highlight])
        x_max = len(ordered) + 1
        bar = max(1.0, len(ordered) / 150) / x_max * width
        x = left + rank / x_max * width
        y = top + (high - value) / high * height
        drawing.rect(x - bar / 2, y, bar, top + height - y, HIGHLIGHT, css_class="hervorgehoben")
        # the label on the side with room for it; a name too long for either side is cut
        size, after = 9 * PT, f": {format_number(value, decimals)} (Rang {rank})"
        room_right, room_left = DISTRIBUTION_WIDTH - 4 - (x + 6), x - 6 - 4
        leftwards = rank >= len(ordered) * 0.6
        label = names.get(highlight, highlight) + after
        wide = text_width(label, size, bold=True)
        if wide > (room_left if leftwards else room_right):
            leftwards = room_left > room_right
        room = room_left if leftwards else room_right
        if wide > room:
            label = fitted(names.get(highlight, highlight), size, room - text_width(after, size, bold=True),
                           bold=True) + after
        drawing.text(x - 6 if leftwards else x + 6, y - 6, label, size, colour=HIGHLIGHT,
                     anchor="end" if leftwards else "start", bold=True, halo=True)
    return drawing.document(title)

