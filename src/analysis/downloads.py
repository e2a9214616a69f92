"""Open-data downloads of an edition: every published indicator value, disclosure already applied.

Cells that a spreadsheet would run as a formula (text beginning with = + - @) are neutralised with a
leading apostrophe, the OWASP recommendation against CSV injection."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .config import CITY_AREA_ID
from .disclosure import SUPPRESSED
from .edition import Edition

FOLDER = "daten"
INDICATORS_CSV = "indikatoren.csv"
# Column names of the long indicator table; the audit reads downloads by these names.
COLUMNS = {"year": "jahr", "area_id": "gebiet_id", "area": "gebiet", "indicator": "indikator_id",
           "title": "indikator", "unit": "einheit", "kind": "art", "value": "wert"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula(cell) -> bool:
    """Text a spreadsheet would evaluate: starts with = + - @ (or tab/CR) and is not a plain number,
    with decimal point or German decimal comma."""
    return isinstance(cell, str) and cell.startswith(FORMULA_STARTS) and plain_number(cell) is None


def plain_number(text: str) -> float | None:
    """'1.5', '-1,5', '3' → the number; anything else → None."""
    text = text.strip().replace("\u202f", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def neutralised(cell):
    """A text cell a spreadsheet would evaluate gets a leading apostrophe; numbers stay numbers."""
    return "'" + cell if is_formula(cell) else cell


def indicator_table(edition: Edition) -> pd.DataFrame:
    """All published values: indicators × areas and the city × years, withheld values as "."."""
    frame = edition.indicators
    indicators = {i.id: i for i in edition.catalog.indicators}
    # Two digits more than the report shows, so users can round exactly as the report does.
    values = [SUPPRESSED if withheld else round(value, indicators[indicator].decimals + 2)
              for value, withheld, indicator in zip(frame["value"], frame["suppressed"], frame["indicator"])]
    table = pd.DataFrame({
        COLUMNS["year"]: frame["year"].astype(int),
        COLUMNS["area_id"]: frame["area_id"],
        COLUMNS["area"]: [edition.area_name(a) if a != CITY_AREA_ID else f"Gesamtstadt {edition.city_name}"
                          for a in frame["area_id"]],
        COLUMNS["indicator"]: frame["indicator"],
        COLUMNS["title"]: [indicators[i].title for i in frame["indicator"]],
        COLUMNS["unit"]: [indicators[i].unit for i in frame["indicator"]],
        COLUMNS["kind"]: [indicators[i].kind for i in frame["indicator"]],
        COLUMNS["value"]: values,
    })
    return table.sort_values([COLUMNS["indicator"], COLUMNS["year"], COLUMNS["area_id"]]).reset_index(drop=True)


def write(edition: Edition, site: Path) -> list[Path]:
    """Write the downloads into the built site; returns the files written."""
    folder = site / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    table = indicator_table(edition).map(neutralised)
    path = folder / INDICATORS_CSV
    table.to_csv(path, index=False, encoding="utf-8")
    return [path]
