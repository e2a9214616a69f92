"""How a figure reaches a page: the image with an alternative text written from its data, followed by
the data themselves as a table that screen readers and keyboard users can read (WCAG 1.1.1, 1.4.1).

The notebook output carries the alt text in the image's output metadata; the book's renderer
(`analysis.site.book_render`) writes it into the <img> tag."""
from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field

import pandas as pd
from IPython.display import display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from analysis.report.charts import add_source_line, small_png


def source_line(pack, year: int | None = None) -> str:
    """'Quelle: Sozialatlas der Stadt Flensburg (Stadt Flensburg), Daten 2022; Lizenz CC0-1.0' from the
    pack's attribution."""
    attribution = pack.attribution
    text = f"Quelle: {attribution.get('title', pack.name)} ({attribution.get('publisher', '')})"
    if year is not None:
        text += f", Daten {year}"
    return text + f"; Lizenz {attribution.get('licence', 'siehe Datenquellen')}"


@dataclass(frozen=True)
class Drawn:
    """A chart's finished image: SVG text as UTF-8, or PNG."""
    mime: str   # "image/svg+xml" or "image/png"
    data: bytes

    def data_uri(self) -> str:
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


@dataclass
class Chart:
    figure: Figure | Drawn   # a matplotlib figure, rasterised here, or an image drawn without matplotlib
    alt: str
    data: pd.DataFrame | None = None      # the figure's data as a table, first column the row labels
    data_note: str = ""                   # e.g. that the table is an excerpt, and where the rest is
    count_columns: list[str] = field(default_factory=list)   # marked for the disclosure audit
    source: str = ""                      # "Quelle: …; Lizenz …", written into a figure below the chart

    def image(self) -> Drawn:
        if isinstance(self.figure, Drawn):
            return self.figure
        if self.source:
            add_source_line(self.figure, self.source)
        # Rasterised once and encoded once (savefig would write a PNG only to have it decoded again).
        canvas = FigureCanvasAgg(self.figure)
        canvas.draw()
        image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        return Drawn("image/png", small_png(image))

    def table_html(self) -> str:
        if self.data is None or self.data.empty:
            return ""
        head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in self.data.columns)
        rows = []
        for row in self.data.itertuples(index=False):
            cells = [f'<th scope="row">{html.escape(str(row[0]))}</th>']
            for column, value in zip(self.data.columns[1:], row[1:]):
                marked = ' class="anzahl"' if column in self.count_columns else ""
                cells.append(f"<td{marked}>{html.escape(str(value))}</td>")
            rows.append(f"<tr>{''.join(cells)}</tr>")
        note = f"<p>{html.escape(self.data_note)}</p>" if self.data_note else ""
        return (f'<details class="grafik-daten"><summary>Daten der Grafik als Tabelle</summary>{note}'
                f'<div class="tabelle-rollbar" tabindex="0" role="region" aria-label="Daten der Grafik">'
                f'<table class="table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
                "</div></details>")

    def _ipython_display_(self) -> None:
        image = self.image()
        data = image.data.decode("utf-8") if image.mime == "image/svg+xml" else \
            base64.b64encode(image.data).decode("ascii")
        display({image.mime: data}, raw=True, metadata={image.mime: {"alt": self.alt}})
        table = self.table_html()
        if table:
            display({"text/html": table}, raw=True)
