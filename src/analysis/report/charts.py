"""Figures in one house style: choropleths with fixed bins, locator maps, time series, rankings. The
charts of the area profiles are written as SVG in svg_charts.py, in the same style.

Figures are built with matplotlib.figure.Figure (not pyplot), so a notebook shows each exactly once."""
from __future__ import annotations

import io
import math
import textwrap

import mapclassify
import matplotlib.patheffects as path_effects
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator
from PIL import Image, ImageDraw

from analysis.catalog.model import Classification, Indicator
from analysis.text import SUPPRESSED, format_number

# ColorBrewer sequential schemes: distinguishable under the common colour-vision deficiencies.
NEED_PALETTE = "YlOrBr"      # darker = more need
NEUTRAL_PALETTE = "Blues"    # darker = more, no judgement
MISSING_HATCH = "////"
UNSTABLE_HATCH = "..."
WITHHELD_LABEL = f"{SUPPRESSED} (aus Datenschutzgründen nicht veröffentlicht)"
UNSTABLE_LABEL = "unsicher: weniger\nals 20 Fälle"
HIGHLIGHT = "#b2182b"
CITY_COLOUR = "#4d4d4d"
AREA_COLOUR = "#2166ac"


# The mapclassify schemes an indicator may declare (catalogue: classification/scheme).
CLASSIFIERS = {"quantiles": mapclassify.Quantiles, "fisher_jenks": mapclassify.FisherJenks,
               "equal_interval": mapclassify.EqualInterval, "natural_breaks": mapclassify.NaturalBreaks,
               "jenks_caspall": mapclassify.JenksCaspall}


def class_bins(values: pd.Series, decimals: int, n_classes: int = Classification.classes,
               scheme: str = Classification.scheme) -> list[float]:
    """Class breaks over all areas and years, so the same colour means the same range every year: the
    inner breaks from mapclassify's scheme, the outer ones the rounded minimum and maximum."""
    clean = np.asarray(values.dropna(), dtype=float)
    if clean.size == 0:
        return [0.0, 1.0]
    step = 10 ** -decimals
    low = math.floor(clean.min() / step) * step
    high = math.ceil(clean.max() / step) * step
    if high <= low:
        high = low + step
    classes = min(n_classes, len(np.unique(clean)))
    inner = CLASSIFIERS[scheme](clean, k=classes).bins[:-1] if classes > 1 else []
    edges = [round(low, decimals), *[round(float(q), decimals) for q in inner], round(high, decimals)]
    unique = sorted(set(edges))
    return unique if len(unique) >= 2 else [low, high]


def class_of(value: float, edges: list[float]) -> int:
    """The class (0 … len(edges) − 2) a value falls into; the top edge belongs to the last class."""
    return int(np.clip(np.searchsorted(edges, value, side="right") - 1, 0, len(edges) - 2))


def bin_labels(edges: list[float], decimals: int) -> list[str]:
    return [f"{format_number(a, decimals)} bis {'unter ' if i < len(edges) - 2 else ''}{format_number(b, decimals)}"
            for i, (a, b) in enumerate(zip(edges[:-1], edges[1:]))]


def class_colours(indicator: Indicator, n: int) -> list:
    cmap = colormaps[NEUTRAL_PALETTE if indicator.polarity == "neutral" else NEED_PALETTE]
    colours = [cmap(x) for x in np.linspace(0.12, 0.9, n)]
    return colours[::-1] if indicator.polarity == "higher_is_better" else colours


def _polarity_note(indicator: Indicator) -> str:
    # two lines where one would run out of the figure
    return {"higher_is_worse": "dunkler = ungünstiger", "higher_is_better": "dunkler = ungünstiger\n(niedriger)",
            "neutral": "dunkler = höherer Wert"}[indicator.polarity]


# Above this many areas, maps carry no name labels (they would cover the map) and rankings show the
# distribution with the highlighted area instead of one labelled bar per area.
MANY_AREAS = 40


def _edge_width(areas) -> float:
    return 0.8 if len(areas) <= MANY_AREAS else 0.2


def _edge_colour(areas) -> str:
    """White between neighbouring polygons; grey around the circles of a point map, so a light class shows."""
    return "#666666" if areas.attrs.get("symbols") else "white"


def _label_areas(ax, areas, size: float = 7.5) -> None:
    if len(areas) > MANY_AREAS:
        return
    symbols = areas.attrs.get("symbols", False)
    for _, row in areas.iterrows():
        point = row.geometry.representative_point()
        # a circle (point map) keeps its colour visible: the name stands below it
        anchor, offset, va = ((point.x, row.geometry.bounds[1]), (0, -2), "top") if symbols else \
            ((point.x, point.y), (0, 0), "center")
        ax.annotate(row["name"], anchor, xytext=offset, textcoords="offset points", ha="center", va=va,
                    fontsize=size, color="#1a1a1a",
                    path_effects=[path_effects.withStroke(linewidth=2.5, foreground="white")])


def _dot_overlay(ax, shapes) -> None:
    shapes.plot(ax=ax, facecolor="none", edgecolor="#333333", hatch=UNSTABLE_HATCH, linewidth=0)


MISSING_LABEL = "keine Angabe oder\naus Datenschutz-\ngründen unterdrückt"
SYMBOL_SHARE = 0.03     # radius of an area's circle on a point map, as a share of the map's extent
POINTS_LABEL = "Kreis = Lage des Gebiets\n(Punkt der Quelle);\nkeine Gebietsgrenzen"


def map_shapes(areas):
    """What a map draws for the areas: their polygons; for areas given as points, a circle around each point
    (in a metric projection), marked in attrs so that the legend says so; areas without a location are left
    out and named in attrs["unlocated"]."""
    located = areas[areas.geometry.notna() & ~areas.geometry.is_empty]
    if not len(located) or not set(located.geom_type) <= {"Point"}:
        return areas
    metric = located.to_crs(located.estimate_utm_crs()) if located.crs and located.crs.is_geographic else located
    minx, miny, maxx, maxy = metric.total_bounds
    radius = max(maxx - minx, maxy - miny, 1.0) * SYMBOL_SHARE
    circles = metric.assign(geometry=metric.buffer(radius))
    circles.attrs["symbols"] = True
    circles.attrs["unlocated"] = list(areas.loc[areas.index.difference(located.index, sort=False), "name"])
    return circles


def _symbol_notes(areas) -> list:
    """Legend entries of a point map: what a circle means, and which areas have no location."""
    if not areas.attrs.get("symbols"):
        return []
    notes = [Patch(facecolor="#d9d9d9", edgecolor="#888888", label=POINTS_LABEL)]
    unlocated = areas.attrs.get("unlocated", [])
    if unlocated:
        shown = ", ".join(unlocated[:6]) + (" …" if len(unlocated) > 6 else "")
        notes.append(Patch(facecolor="none", edgecolor="none",
                           label=textwrap.fill(f"ohne Lage, nicht gezeigt: {shown}", LEGEND_WRAP)))
    return notes


TITLE_WIDTH = 60   # characters per line of a map's title (long indicator titles wrap)


def choropleth(areas, values: pd.Series, indicator: Indicator, edges: list[float], title: str,
               unstable: pd.Series | None = None) -> Figure:
    """Map of one indicator: fixed class bins, legend with unit, missing values hatched, values resting on
    fewer than 20 cases dotted."""
    fig = Figure(figsize=(8.6, 5.6), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    data = areas.assign(value=values.reindex(areas.index))
    colours = class_colours(indicator, len(edges) - 1)
    classes = np.array([class_of(v, edges) for v in data["value"]])
    has_value = data["value"].notna()
    data.loc[has_value].plot(ax=ax, color=[colours[c] for c in classes[has_value.to_numpy()]],
                             edgecolor=_edge_colour(areas), linewidth=_edge_width(areas))
    if (~has_value).any():
        data.loc[~has_value].plot(ax=ax, facecolor="white", edgecolor="#6b6b6b", hatch=MISSING_HATCH, linewidth=0.6)
    flagged = unstable.reindex(areas.index).fillna(False).astype(bool) if unstable is not None else None
    if flagged is not None and flagged.any():
        _dot_overlay(ax, data.loc[flagged & has_value])
    _label_areas(ax, data)
    ax.set_axis_off()
    ax.set_title(textwrap.fill(title, TITLE_WIDTH), loc="left", fontsize=12, fontweight="bold")
    handles = [Patch(facecolor=colour, edgecolor="#888888", label=label)
               for colour, label in zip(colours, bin_labels(edges, indicator.decimals))]
    handles.append(Patch(facecolor="white", edgecolor="#6b6b6b", hatch=MISSING_HATCH,
                         label=MISSING_LABEL))
    if flagged is not None and flagged.any():
        handles.append(Patch(facecolor="white", edgecolor="#333333", hatch=UNSTABLE_HATCH, label=UNSTABLE_LABEL))
    handles += _symbol_notes(areas)
    unit = "Anteil in %" if indicator.unit == "%" else indicator.unit
    _map_legend(fig, handles, f"{unit}\n({_polarity_note(indicator)})")
    return fig


def _map_legend(fig: Figure, handles: list, title: str) -> None:
    """The legend right of the map, as a figure legend placed "outside": the constrained layout then
    reserves its width in the first draw (an axes legend beside the map was clipped in the saved image)."""
    fig.legend(handles=handles, title=title, loc="outside right upper", frameon=False, fontsize=9,
               title_fontsize=9, alignment="left")


def category_map(areas, labels: pd.Series, order: list[str], colours: list, title: str, legend_title: str,
                 missing_label: str = "keine Angabe", dotted: pd.Series | None = None,
                 dotted_label: str = "") -> Figure:
    """Map of classes or types: one colour per category in legend order, missing hatched, some dotted."""
    fig = Figure(figsize=(8.6, 5.6), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    data = areas.assign(label=labels.reindex(areas.index))
    palette = dict(zip(order, colours))
    has_label = data["label"].isin(order)
    data.loc[has_label].plot(ax=ax, color=[palette[v] for v in data.loc[has_label, "label"]],
                             edgecolor=_edge_colour(areas), linewidth=_edge_width(areas))
    if (~has_label).any():
        data.loc[~has_label].plot(ax=ax, facecolor="white", edgecolor="#6b6b6b", hatch=MISSING_HATCH, linewidth=0.6)
    flagged = dotted.reindex(areas.index).fillna(False).astype(bool) if dotted is not None else None
    if flagged is not None and flagged.any():
        _dot_overlay(ax, data.loc[flagged])
    _label_areas(ax, data)
    ax.set_axis_off()
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    # long category names (district types) wrap, so the legend does not squeeze the map
    handles = [Patch(facecolor=palette[v], edgecolor="#888888", label=textwrap.fill(v, LEGEND_WRAP)) for v in order]
    if (~has_label).any():
        handles.append(Patch(facecolor="white", edgecolor="#6b6b6b", hatch=MISSING_HATCH, label=missing_label))
    if flagged is not None and flagged.any():
        handles.append(Patch(facecolor="white", edgecolor="#333333", hatch=UNSTABLE_HATCH, label=dotted_label))
    handles += _symbol_notes(areas)
    _map_legend(fig, handles, legend_title)
    return fig


LEGEND_WRAP = 32   # characters per line of a category legend entry
PALETTE_COLOURS = 128


def small_png(image: Image.Image) -> bytes:
    """A palette of 128 colours looks the same for these flat charts and maps and makes the file three
    times smaller than full colour (a profile's images are most of its weight)."""
    image = image.convert("RGB").quantize(colors=PALETTE_COLOURS, method=Image.Quantize.FASTOCTREE)
    encoded = io.BytesIO()
    image.save(encoded, format="PNG")
    return encoded.getvalue()


LOCATOR_SIZE = (3.6, 3.0)
LOCATOR_BOX = (0.02, 0.02, 0.96, 0.96)
SUPERSAMPLING = 4   # the highlight is drawn at four times the size and scaled down: smooth edges
_locator_backgrounds: dict[tuple, tuple] = {}


def _locator_background(areas, source: str) -> tuple:
    """All areas in grey with the source line below, drawn once per set of areas and reused as an image
    (redrawing hundreds of polygons for every profile would be most of its drawing time), and the affine
    map from the areas' coordinates to the image's pixels."""
    key = (id(areas), source)
    if key not in _locator_backgrounds:
        fig = Figure(figsize=LOCATOR_SIZE, dpi=100)
        ax = fig.add_axes(LOCATOR_BOX)
        areas.plot(ax=ax, facecolor="#e6e6e6", edgecolor="white", linewidth=_edge_width(areas))
        ax.set_axis_off()
        add_source_line(fig, source)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        width, height = canvas.get_width_height()
        (x0, y0), (x1, y1) = ax.transData.transform([(0, 0), (1, 1)])
        scale = (x1 - x0, -(y1 - y0))            # image rows run downwards
        offset = (x0, height - y0)
        image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")
        _locator_backgrounds[key] = (image, scale, offset, areas)   # keeps `areas` alive, so its id is not reused
    return _locator_backgrounds[key][:3]


def _rings(geometry):
    """(exterior, holes) of each polygon of a geometry."""
    for polygon in getattr(geometry, "geoms", [geometry]):
        if polygon.geom_type == "Polygon" and not polygon.is_empty:
            yield polygon.exterior.coords, [ring.coords for ring in polygon.interiors]


def locator_map(areas, area_id: str, source: str) -> bytes:
    """Small map as PNG: where the area lies in the city, drawn in red on the kept image of all areas."""
    background, (scale_x, scale_y), (offset_x, offset_y) = _locator_background(areas, source)
    geometry = areas.geometry.loc[area_id]
    minx, miny, maxx, maxy = geometry.bounds
    left, top = math.floor(offset_x + scale_x * minx) - 2, math.floor(offset_y + scale_y * maxy) - 2
    right, bottom = math.ceil(offset_x + scale_x * maxx) + 2, math.ceil(offset_y + scale_y * miny) + 2
    mask = Image.new("L", ((right - left) * SUPERSAMPLING, (bottom - top) * SUPERSAMPLING), 0)
    pen = ImageDraw.Draw(mask)

    def pixels(ring) -> list[tuple[float, float]]:
        return [((offset_x + scale_x * x - left) * SUPERSAMPLING, (offset_y + scale_y * y - top) * SUPERSAMPLING)
                for x, y, *_ in ring]

    for exterior, holes in _rings(geometry):
        # outlined as well as filled, so that the smallest areas still show as a red dot
        pen.polygon(pixels(exterior), fill=255, outline=255, width=SUPERSAMPLING)
        for hole in holes:
            pen.polygon(pixels(hole), fill=0)
    mask = mask.resize((right - left, bottom - top), Image.Resampling.BOX)
    image = background.copy()
    image.paste(Image.new("RGB", mask.size, HIGHLIGHT), (left, top), mask)
    return small_png(image)


ESTIMATE_LABEL = "Geschätzt (umgerechnet auf die heutigen Gebiete)"
ESTIMATE_ALT = "Werte vor der Gebietsänderung, geschätzt durch Umrechnung auf die heutigen Gebiete"


def estimated_part(ax, span: list[int], values: pd.Series, estimated: set[int], colour: str, **style) -> None:
    """The estimated years of a line, dotted with open markers, joined to the first counted year so that the
    series reads as one line."""
    years = [y for y in span if y in estimated]
    joined = [*years, *[y for y in span if y > max(years)][:1]]
    part = values.reindex(joined)
    ax.plot(joined, part.to_numpy(float), color=colour, linestyle=":", linewidth=style.get("linewidth", 1.8),
            marker="o", markersize=style.get("markersize", 4), markerfacecolor="white", label=ESTIMATE_LABEL)


def panel_figure(width: float, row_height: float, rows: int, legend: bool) -> Figure:
    """A figure for small multiples with margins fixed in inches: a layout engine would measure every label
    and make a profile's trend chart half again as slow to draw."""
    height = row_height * rows + (0.35 if legend else 0)
    fig = Figure(figsize=(width, height), dpi=100)
    fig.subplots_adjust(left=0.6 / width, right=1 - 0.2 / width, top=1 - 0.3 / height,
                        bottom=(0.75 if legend else 0.4) / height, wspace=0.22,
                        hspace=0.75 / (row_height - 0.75))
    return fig


SOURCE_LINE_HEIGHT = 0.13   # inches per line of the source line below a figure


def add_source_line(fig: Figure, text: str) -> None:
    """Write the source line ("Quelle: …, Lizenz …") into a strip added below the figure, so the image
    carries it wherever it is copied. What was drawn keeps its size and place in inches."""
    if getattr(fig, "_source_line", None) == text:
        return
    lines = textwrap.wrap(text, int(fig.get_figwidth() * 16))
    added = SOURCE_LINE_HEIGHT * len(lines) + 0.12
    old_height = fig.get_figheight()
    height = old_height + added
    fig.set_figheight(height)
    strip = added / height
    engine = fig.get_layout_engine()
    if engine is not None and "rect" in engine.get():
        engine.set(rect=(0, strip, 1, 1 - strip))
    else:
        for ax in fig.axes:
            x0, y0, width, box_height = ax.get_position().bounds
            ax.set_position((x0, (y0 * old_height + added) / height, width, box_height * old_height / height))
        for legend in fig.legends:
            legend.set_bbox_to_anchor((0, strip, 1, 1 - strip), transform=fig.transFigure)
    fig.text(0.008, 0.06 / height, "\n".join(lines), fontsize=7, color="#4d4d4d", ha="left", va="bottom",
             linespacing=1.2)
    fig._source_line = text
    fig._source_strip = strip


def tick_text(value: float) -> str:
    """An axis tick in German format, with a decimal only where the tick needs one (0,5 – 1 – 1,5)."""
    value = float(value)
    decimals = 0 if value.is_integer() else 1 if round(value, 1) == round(value, 6) else 2
    return format_number(value, decimals)


def year_steps(years) -> list[int]:
    """The years a time series is drawn over: from the first to the last at the data's own rhythm (the
    greatest common step), so a missing year of an annual series is a gap (2012 … 2017) while a series
    published every second year is one line."""
    known = sorted({int(y) for y in years})
    if len(known) < 2:
        return known
    step = math.gcd(*(b - a for a, b in zip(known, known[1:])))
    return list(range(known[0], known[-1] + 1, step))


def short_label(text: str, width: int) -> str:
    """A label cut to `width` characters with "…" (small panels; the data table carries the full name)."""
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def german_axis(ax, decimals: int) -> None:
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: tick_text(v)))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))   # ten years side by side would touch
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{int(v)}"))
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)


def need_sorted(values: pd.Series, indicator: Indicator) -> pd.Series:
    """The values without gaps, least favourable first (Rang 1), as Indicator.rank_meaning says."""
    return values.dropna().sort_values(ascending=indicator.polarity == "higher_is_better", kind="stable")


def ranking(values: pd.Series, names: dict[str, str], city_value: float, indicator: Indicator,
            title: str, highlight: str | None = None, withheld: list[str] = ()) -> Figure:
    """Horizontal bars of all areas, sorted, with the city value as a reference line; withheld areas are
    listed below the others with the suppression mark and no bar."""
    # barh draws upwards: Rang 1 (least favourable) last, so it stands on top
    ordered = pd.concat([pd.Series(0.0, index=[a for a in withheld if a in values.index]),
                         need_sorted(values, indicator)[::-1]])
    hidden = set(withheld)
    fig = Figure(figsize=(7.2, 0.32 * len(ordered) + 1.2), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    colours = [HIGHLIGHT if a == highlight else AREA_COLOUR for a in ordered.index]
    ax.barh([names.get(a, a) for a in ordered.index], ordered.to_numpy(), color=colours, height=0.7)
    if not math.isnan(city_value):
        ax.axvline(city_value, color=CITY_COLOUR, linestyle="--", linewidth=1.2, zorder=0)
        ax.annotate(f"Gesamtstadt {format_number(city_value, indicator.decimals)}", (city_value, len(ordered) - 0.4),
                    xytext=(4, 0), textcoords="offset points", fontsize=8.5, color=CITY_COLOUR, va="bottom")
    # Values in a column right of the bars, where the city's line cannot run through them.
    for y, (area, v) in enumerate(ordered.items()):
        ax.annotate(WITHHELD_LABEL if area in hidden else format_number(v, indicator.decimals), (1.0, y),
                    xycoords=ax.get_yaxis_transform(), xytext=(4, 0), textcoords="offset points",
                    color=CITY_COLOUR if area in hidden else "black", va="center", ha="left", fontsize=8,
                    annotation_clip=False)
    ax.set_title(title, loc="left", fontsize=11, fontweight="bold")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: tick_text(v)))
    ax.set_xlabel("Anteil in %" if indicator.unit == "%" else indicator.unit)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlim(0, ordered.max() * 1.05 if len(ordered) else 1)
    return fig


def profile_heatmap(z_values: pd.DataFrame, title: str) -> Figure:
    """Rows × columns of z-values as a diverging heatmap centred on 0 (the average), each cell labelled with
    its value in German format, so the colour is never the only carrier of the number."""
    height = 0.42 * len(z_values) + 1.3
    fig = Figure(figsize=(7.2, height), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    limit = max(1.0, float(np.nanmax(np.abs(z_values.to_numpy(dtype=float)))))
    labels = z_values.map(lambda v: format_number(v, 1))
    sns.heatmap(z_values.astype(float), ax=ax, cmap="RdBu_r", center=0, vmin=-limit, vmax=limit,
                annot=labels.to_numpy(), fmt="", annot_kws={"size": 8}, linewidths=0.6, linecolor="white",
                cbar_kws={"label": "mittlerer z-Wert (0 = Durchschnitt der Gebiete)", "shrink": 0.8})
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="both", length=0, labelsize=8)
    ax.set_title(title, loc="left", fontsize=10)
    colorbar = ax.collections[0].colorbar
    colorbar.ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: tick_text(value)))
    colorbar.ax.tick_params(labelsize=8)
    colorbar.set_label("mittlerer z-Wert (0 = Durchschnitt der Gebiete)", fontsize=8)
    return fig
