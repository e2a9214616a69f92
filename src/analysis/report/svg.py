"""A small SVG writer for the charts every area profile draws (time series, ranking).

matplotlib spends most of a profile's drawing time laying out and rasterising text: about 0.3 s for the
charts of one profile, which at Berlin's 542 profiles is most of the build. These charts have a fixed
layout, so they are written here as SVG text directly, in a few milliseconds, in the house style of
analysis.report.charts. The text stays text: smaller than a picture of it, sharp at any zoom, readable by
the disclosure audit, and set in a system font (no web font; the site works offline)."""
from __future__ import annotations

import html
import math
import os
from functools import lru_cache

import matplotlib
from PIL import ImageFont

# DejaVu Sans is what matplotlib draws with and what Chromium has on Debian; Verdana has nearly the same
# widths where DejaVu is missing. Text widths are measured with DejaVu's metrics.
FONT_FAMILY = "DejaVu Sans, Verdana, sans-serif"
TEXT_COLOUR = "#1a1a1a"
_FONT_FOLDER = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
_MEASURE_SIZE = 100


@lru_cache(maxsize=2)
def _font(bold: bool) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(os.path.join(_FONT_FOLDER, name), _MEASURE_SIZE)


@lru_cache(maxsize=4096)
def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of a line of text in pixels at font size `size` (pixels)."""
    return _font(bold).getlength(text) * size / _MEASURE_SIZE


def fitted(text: str, size: float, width: float, bold: bool = False) -> str:
    """The text, cut with "…" where it would be wider than `width` (the chart's table carries it whole)."""
    if text_width(text, size, bold) <= width:
        return text
    while text and text_width(text + "…", size, bold) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def wrapped(text: str, size: float, width: float) -> list[str]:
    """The text broken into lines no wider than `width` at word boundaries."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and text_width(candidate, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def nice_ticks(low: float, high: float, most: int = 6, integer: bool = False) -> list[float]:
    """Round tick values inside [low, high], at most `most` of them, at steps of 1, 2, 2.5 or 5 times a
    power of ten (whole steps only, for years and ranks)."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low] if math.isfinite(low) else []
    raw = (high - low) / max(1, most - 1)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * power
        if integer and (step < 1 or step != int(step)):
            continue
        first = math.ceil(low / step - 1e-9) * step
        count = math.floor((high - first) / step + 1e-9) + 1
        if count <= most:
            return [round(first + i * step, 10) for i in range(count)]
    return [low, high]


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def _points(points) -> str:
    return " ".join(f"{_number(x)},{_number(y)}" for x, y in points)


class Drawing:
    """SVG elements appended in drawing order; `document()` gives the file."""

    def __init__(self, width: float, height: float):
        self.width, self.height = width, height
        self.elements: list[str] = []

    def add(self, element: str) -> None:
        self.elements.append(element)

    def line(self, x1, y1, x2, y2, colour: str, width: float = 1.0, dash: str | None = None) -> None:
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        self.add(f'<line x1="{_number(x1)}" y1="{_number(y1)}" x2="{_number(x2)}" y2="{_number(y2)}" '
                 f'stroke="{colour}" stroke-width="{width}"{dashed}/>')

    def polyline(self, points, colour: str, width: float, dash: str | None = None, css_class: str = "") -> None:
        if len(points) < 2:
            return
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        marked = f' class="{css_class}"' if css_class else ""
        self.add(f'<polyline{marked} points="{_points(points)}" fill="none" stroke="{colour}" stroke-width="{width}"'
                 f' stroke-linejoin="round"{dashed}/>')

    def polygon(self, points, fill: str, opacity: float | None = None, css_class: str = "") -> None:
        faded = f' fill-opacity="{opacity}"' if opacity is not None else ""
        marked = f' class="{css_class}"' if css_class else ""
        self.add(f'<polygon{marked} points="{_points(points)}" fill="{fill}"{faded}/>')

    def rect(self, x, y, width, height, fill: str, opacity: float | None = None, css_class: str = "") -> None:
        faded = f' fill-opacity="{opacity}"' if opacity is not None else ""
        marked = f' class="{css_class}"' if css_class else ""
        self.add(f'<rect{marked} x="{_number(x)}" y="{_number(y)}" width="{_number(width)}" '
                 f'height="{_number(height)}" fill="{fill}"{faded}/>')

    def markers(self, points, shape: str, colour: str, size: float, hollow: bool = False) -> None:
        """Circles ("o") or squares ("s") of diameter `size`, filled with the colour or white (hollow)."""
        fill = "white" if hollow else colour
        half = size / 2
        if shape == "s":
            shapes = "".join(f'<rect x="{_number(x - half)}" y="{_number(y - half)}" width="{_number(size)}" '
                             f'height="{_number(size)}"/>' for x, y in points)
        else:
            shapes = "".join(f'<circle cx="{_number(x)}" cy="{_number(y)}" r="{_number(half)}"/>' for x, y in points)
        self.add(f'<g fill="{fill}" stroke="{colour}" stroke-width="1">{shapes}</g>')

    def text(self, x, y, text: str, size: float, colour: str = TEXT_COLOUR, anchor: str = "start",
             bold: bool = False, halo: bool = False, rotate: bool = False) -> None:
        """One line of text with its baseline at y (rotate: upwards, for a vertical axis label)."""
        attributes = f'x="{_number(x)}" y="{_number(y)}" font-size="{_number(size)}" fill="{colour}"'
        if anchor != "start":
            attributes += f' text-anchor="{anchor}"'
        if bold:
            attributes += ' font-weight="bold"'
        if halo:   # a white outline keeps a label readable over lines and columns
            attributes += ' stroke="white" stroke-width="3" paint-order="stroke" stroke-linejoin="round"'
        if rotate:
            attributes += f' transform="rotate(-90 {_number(x)} {_number(y)})"'
        self.add(f"<text {attributes}>{html.escape(text, quote=False)}</text>")

    def document(self, title: str) -> str:
        """The SVG file: `title` names it for tools that show SVG on its own (the page's <img> has the alt)."""
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_number(self.width)}" '
                f'height="{_number(self.height)}" viewBox="0 0 {_number(self.width)} {_number(self.height)}" '
                f'font-family="{FONT_FAMILY}"><title>{html.escape(title, quote=False)}</title>'
                f'<rect width="100%" height="100%" fill="white"/>{"".join(self.elements)}</svg>\n')


SOURCE_SIZE = 9.5
SOURCE_LINE_HEIGHT = 13


def source_strip_height(text: str, width: float) -> float:
    return len(wrapped(text, SOURCE_SIZE, width - 16)) * SOURCE_LINE_HEIGHT + 12 if text else 0


def source_strip(drawing: Drawing, text: str) -> None:
    """The source line ("Quelle: …; Lizenz …") at the bottom, so the image carries it wherever it is copied."""
    lines = wrapped(text, SOURCE_SIZE, drawing.width - 16)
    for number, line in enumerate(reversed(lines)):
        drawing.text(8, drawing.height - 8 - number * SOURCE_LINE_HEIGHT, line, SOURCE_SIZE, colour="#4d4d4d")
