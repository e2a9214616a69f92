"""Report tables: indicator values formatted German-style, ready to display."""
from __future__ import annotations

import html
import re
from uuid import uuid4

import markupsafe
import numpy as np
import pandas as pd
from pandas.api.types import is_complex, is_float

from analysis.compute.disclosure import FOOTNOTE as SUPPRESSED_NOTE
from analysis.compute.disclosure import shows_mark
from analysis.compute.edition import Edition
from analysis.inputs.validate import FINDING_KINDS
from analysis.pack.model import CITY_AREA_ID, REPORTED_CITY_AREA_ID, UNASSIGNED_AREA_ID
from analysis.text import SUPPRESSED, format_change, format_number, format_value, signed

STEADY = 0.03   # a change of less than 3 % of the earlier value counts as "kaum verändert"
TREND_YEARS = 5
TREND_COLUMN = f"Trend (bis {TREND_YEARS} Jahre)"


def trend(series: pd.Series, indicator) -> str:
    """The direction since the earliest year within the last five, as an arrow and words, with its meaning
    where the indicator has a direction of need: '↑ steigt seit 2018 (ungünstig)', '→ kaum verändert seit
    2017'. `series` is year → value of one area or the city."""
    values = series.to_numpy(dtype=float)
    years = series.index.to_numpy()[~np.isnan(values)]
    values = values[~np.isnan(values)]
    if len(values) < 2:
        return "–"
    in_window = years >= int(years.max()) - TREND_YEARS
    years, values = years[in_window], values[in_window]
    if len(values) < 2:
        return "–"
    first, earlier, value = int(years.min()), values[0], values[-1]
    change = value - earlier
    if abs(change) <= STEADY * abs(earlier):
        return f"→ kaum verändert seit {first}"
    rising = change > 0
    words = f"{'↑ steigt' if rising else '↓ sinkt'} seit {first}"
    if not indicator.is_need:
        return words
    worse = rising == (indicator.need_sign > 0)
    return f"{words} ({'ungünstig' if worse else 'günstig'})"


def overview(edition: Edition) -> pd.DataFrame:
    """City value, changes and the range across areas for every indicator, in its latest year."""
    rows, counts = [], []
    for indicator in edition.catalog.indicators:
        frame = edition.table(indicator.id)
        if CITY_AREA_ID not in frame.index:
            continue
        counts.append(indicator.kind == "count")
        city = frame.loc[CITY_AREA_ID]
        areas = frame.drop(index=CITY_AREA_ID)["value"]
        def number(value, decimals=indicator.decimals):
            return format_number(value, decimals)

        rows.append({
            "Indikator": indicator.title,
            "Einheit": indicator.unit,
            "Jahr": str(int(city["year"])),
            edition.city_name: SUPPRESSED if city["suppressed"] else number(city["value"]),
            "zum Vorjahr": signed(city["change_1y"], indicator.decimals),
            "über 5 Jahre": signed(city["change_5y"], indicator.decimals),
            TREND_COLUMN: SUPPRESSED if city["suppressed"] else trend(edition.series(indicator.id, CITY_AREA_ID),
                                                                      indicator),
            "niedrigster Wert": number(areas.min()),
            "höchster Wert": number(areas.max()),
        })
    table = pd.DataFrame(rows)
    return with_notes(with_count_cells(table, counts, [edition.city_name, "niedrigster Wert", "höchster Wert"]))


def topic(edition: Edition, topic_id: str) -> pd.DataFrame:
    """Areas (rows) × the topic's indicators (columns), each in its latest year."""
    columns = {}
    for indicator in edition.catalog.by_topic().get(topic_id, []):
        frame = edition.table(indicator.id)
        year = int(frame["year"].iloc[0])
        rows = frame.reindex([*edition.pack.area_ids, CITY_AREA_ID])
        columns[f"{indicator.short_title} {year}"] = [marked(v, indicator, u, w) for v, u, w in
                                                      zip(rows["value"], rows["unstable"], rows["suppressed"])]
    names = [*(edition.area_name(a) for a in edition.pack.area_ids), f"Gesamtstadt {edition.city_name}"]
    table = pd.DataFrame(columns, index=pd.Index(names, name=edition.pack.area_label))
    count_columns = [c for c, i in zip(columns, edition.catalog.by_topic().get(topic_id, [])) if i.kind == "count"]
    return with_notes(with_count_cells(table, [True] * len(table), count_columns))


UNSTABLE_MARK = "*"
UNSTABLE_NOTE = "* weniger als 20 Fälle: Der Wert ist statistisch unsicher und kann zufällig stark schwanken."
ESTIMATE_MARK = "\u202fs"   # as in official statistics: s = geschätzt


def estimate_note(edition) -> str:
    """What the mark s means, naming the edition's area change."""
    change = edition.area_change
    return (f"s geschätzt: Wert eines Jahres vor der Gebietsänderung ({change.title}, gültig ab "
            f"{change.date_text}), aus den Anzahlen der früheren Gebiete nach Flächenanteilen auf die heutigen "
            "umgerechnet (siehe Methoden).") if change else ""


def with_estimate_marks(texts: list[str], estimated: list[bool]) -> list[str]:
    """Formatted values with the mark s where they are estimates (not on withheld ones: "." stays alone)."""
    return [f"{text}{ESTIMATE_MARK}" if flag and text != SUPPRESSED else text for text, flag in zip(texts, estimated)]


def rank_text(row: pd.Series) -> str:
    """'3 von 13' from a row of the indicator table (rank in the direction of need)."""
    return f"{int(row['rank'])} von {int(row['rank_of'])}"


def marked(value: float, indicator, unstable, suppressed=False) -> str:
    """The formatted value, with * when it rests on fewer than 20 cases; "." when it is withheld."""
    if suppressed is True or suppressed == 1:
        return SUPPRESSED
    return format_value(value, indicator) + (UNSTABLE_MARK if unstable is True or unstable == 1 else "")


def with_count_cells(table: pd.DataFrame, rows: list[bool], columns: list[str]) -> pd.DataFrame:
    """Mark the cells that hold counts (class "anzahl" in the HTML), for the disclosure audit."""
    mask = pd.DataFrame(False, index=table.index, columns=table.columns)
    for column in columns:
        if column in mask.columns:
            mask[column] = rows
    table.attrs["count_cells"] = mask
    return table


def with_notes(table: pd.DataFrame) -> pd.DataFrame:
    """Footnotes for the marks the table uses: * (unstable) and . (withheld)."""
    cells = [str(v) for v in table.to_numpy().ravel()]
    notes = []
    if any(c.endswith(UNSTABLE_MARK) for c in cells):
        notes.append(UNSTABLE_NOTE)
    if any(shows_mark(c) for c in cells):
        notes.append(SUPPRESSED_NOTE)
    if notes:
        table.attrs["note"] = " ".join(notes)
    return table


def _parent_columns(edition: Edition, area_id: str) -> list[tuple[str, str, str]]:
    """(column title, level id, parent id) for the first and the top level above the area."""
    hierarchy = edition.hierarchy
    if hierarchy is None:
        return []
    shown = [hierarchy.levels[0], hierarchy.levels[-1]] if len(hierarchy.levels) > 1 else list(hierarchy.levels)
    columns = []
    for level in shown:
        parent, name = hierarchy.parent(area_id, level.id)
        columns.append((f"{level.label} {name}", level.id, parent))
    return columns


def profile(edition: Edition, area_id: str) -> pd.DataFrame:
    """One area against its parents on the levels above (where the pack has levels) and the city."""
    rows, counts = [], []
    parents = _parent_columns(edition, area_id)
    for indicator in edition.catalog.indicators:
        area, city = edition.row(indicator.id, area_id), edition.row(indicator.id, CITY_AREA_ID)
        if area is None:
            continue
        withheld = bool(area["suppressed"])
        counts.append(indicator.kind == "count")
        low, high = (format_number(area[c], indicator.decimals) for c in ("ci_low", "ci_high"))
        interval = SUPPRESSED if withheld else "–" if pd.isna(area["ci_low"]) else f"{low} – {high}"
        rows.append({
            "Indikator": indicator.title,
            "Jahr": str(int(area["year"])),
            edition.area_name(area_id): marked(area["value"], indicator, area["unstable"], withheld),
            "95-%-Intervall": interval,
            **{title: _parent_value(edition.hierarchy, level_id, parent, indicator, int(area["year"]))
               for title, level_id, parent in parents},
            "Gesamtstadt": (marked(city["value"], indicator, False, city["suppressed"]) if city is not None
                            else "–"),
            "Rang": SUPPRESSED if withheld else rank_text(area),
            "zum Vorjahr": SUPPRESSED if withheld else format_change(area["change_1y"], indicator),
            TREND_COLUMN: SUPPRESSED if withheld else trend(edition.series(indicator.id, area_id), indicator),
        })
    table = pd.DataFrame(rows)
    value_columns = [edition.area_name(area_id), *(title for title, _, _ in parents), "Gesamtstadt"]
    return with_notes(with_count_cells(table, counts, value_columns))


def _parent_value(hierarchy, level_id: str, parent: str, indicator, year: int) -> str:
    row = hierarchy.published(level_id, indicator.id, year, parent)
    if row is None:
        return "–"  # e.g. supplied shares, which exist only on the level they were published for
    return marked(row["value"], indicator, bool(row["unstable"]), bool(row["suppressed"]))


PSEUDO_AREA_NAMES = {REPORTED_CITY_AREA_ID: "Gesamtstadt (gemeldet)", UNASSIGNED_AREA_ID: "nicht zuordenbar"}


def in_german(message: str, edition: Edition) -> str:
    """A finding's message with the variables and pseudo-areas in German: 'residents_under_18: 2.128 → …'
    → 'Einwohner unter 18 Jahren: 2.128 → …'. The variable names stay in `sozialbericht validate`."""
    names = {**edition.catalog.variables, **PSEUDO_AREA_NAMES}
    # whole words only; a file name (word.csv) is left as it is
    return re.sub(r"(?<![\w.])[a-z][a-z0-9_]*(?!\w|\.\w)", lambda m: names.get(m[0], m[0]), message)


def findings(edition: Edition) -> pd.DataFrame:
    frame = edition.findings
    table = with_notes(pd.DataFrame({
        "Art": frame["kind"].map(FINDING_KINDS),
        "Datei": frame["file"].str.replace(f"data/{edition.pack.slug}/raw/", "", regex=False),
        "Zeile": [str(int(r)) if r == r and r is not None else "" for r in frame["row"]],
        "Jahr": [str(int(y)) if y == y and y is not None else "" for y in frame["year"]],
        edition.pack.area_label: [PSEUDO_AREA_NAMES.get(a, edition.area_name(a)) if isinstance(a, str) else ""
                                  for a in frame["area_id"]],
        "Befund": [in_german(m, edition) for m in frame["message"]],
    }))
    table.attrs["css_class"] = "befunde"
    return table


class ScrollableTable:
    """A report table in its own scroll container. On a narrow screen every wide table scrolls, so the
    container is focusable and named (WCAG 2.1.1, axe rule scrollable-region-focusable); the site's
    repair pass (accessibility.py) names it after the section it stands in."""

    def __init__(self, html_of_table):
        self.html_of_table = html_of_table   # a pandas Styler, or a PlainTable

    def to_html(self) -> str:
        return self.html_of_table.to_html()

    def _repr_html_(self) -> str:
        return (f'<div class="{SCROLL_CLASS}" tabindex="0" role="region" aria-label="Tabelle">'
                f"{self.to_html()}</div>")


SCROLL_CLASS = "tabelle-rollbar"


def styled(frame: pd.DataFrame, index: bool = False) -> ScrollableTable:
    """A plain HTML table in the book's style (the theme styles <table>). Every text is HTML-escaped:
    area names and notes come from data."""
    classes = " ".join(["table", "sozialbericht", *filter(None, [frame.attrs.get("css_class")])])
    caption = html.escape(frame.attrs["note"]) if frame.attrs.get("note") else None
    count_cells = frame.attrs.get("count_cells")
    if not index and PlainTable.takes(frame):
        return ScrollableTable(PlainTable(frame, f'class="{classes}"', caption, count_cells))
    styler = frame.style.format(escape="html").format_index(escape="html", axis=0).format_index(
        escape="html", axis=1)
    if not index:
        styler = styler.hide(axis="index")
    if count_cells is not None:
        styler = styler.set_td_classes(count_cells.replace({True: "anzahl", False: ""}))
    if caption:
        styler = styler.set_caption(caption)
    return ScrollableTable(styler.set_table_attributes(f'class="{classes}"'))


class PlainTable:
    """The HTML that pandas' Styler writes for a table without its index, without Styler, which took about a
    seventh of an area profile's run (a test compares the two for the same id).

    Cells as Styler's format(escape="html") shows them: text escaped, a float with six decimals, anything
    else as str(); a count cell (count_cells) gets the class "anzahl"."""

    def __init__(self, frame: pd.DataFrame, attributes: str, caption: str | None,
                 count_cells: pd.DataFrame | None = None, uuid: str | None = None):
        self.frame, self.attributes, self.caption, self.count_cells = frame, attributes, caption, count_cells
        self.uuid = uuid or uuid4().hex[:STYLER_UUID_LENGTH]

    @staticmethod
    def takes(frame: pd.DataFrame) -> bool:
        """Styler's layout of a table with one row of column names (else Styler writes it)."""
        return (frame.columns.nlevels == 1 and len(frame.columns) > 0 and frame.size <= STYLER_MAX_ELEMENTS
                and not isinstance(frame.columns, pd.MultiIndex))

    def to_html(self) -> str:
        table = f"T_{self.uuid}"
        lines = ['<style type="text/css">', "</style>", f'<table id="{table}" {self.attributes}>']
        if self.caption:
            lines.append(f"  <caption>{self.caption}</caption>")
        lines += ["  <thead>", "    <tr>"]
        lines += [f'      <th id="{table}_level0_col{c}" class="col_heading level0 col{c}" >{_shown(name)}</th>'
                  for c, name in enumerate(self.frame.columns)]
        lines += ["    </tr>", "  </thead>", "  <tbody>"]
        marked = (self.count_cells.reindex(index=self.frame.index, columns=self.frame.columns).fillna(False)
                  .to_numpy(dtype=bool) if self.count_cells is not None else np.zeros(self.frame.shape, dtype=bool))
        for r, row in enumerate(self.frame.itertuples(index=False, name=None)):
            lines.append("    <tr>")
            lines += [f'      <td id="{table}_row{r}_col{c}" class="data row{r} col{c}'
                      f'{COUNT_CLASS if marked[r, c] else ""}" >{_shown(value)}</td>' for c, value in enumerate(row)]
            lines.append("    </tr>")
        lines += ["  </tbody>", "</table>", ""]
        return "\n".join(lines)


STYLER_UUID_LENGTH = 5
STYLER_MAX_ELEMENTS = 262_144   # pandas' styler.render.max_elements: above it, Styler trims the table
COUNT_CLASS = " anzahl"


def _shown(value) -> str:
    """A cell as Styler's format(escape="html") shows it."""
    if isinstance(value, str):
        return str(markupsafe.escape(value))
    if is_float(value) or is_complex(value):
        return f"{value:.{STYLER_PRECISION}f}"
    return str(value)


STYLER_PRECISION = 6   # pandas' styler.format.precision
