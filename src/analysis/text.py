"""German number formatting, glue helpers for the report's prose, and how area names are compared."""
from __future__ import annotations

import html
import math
import re
import unicodedata
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from myst_nb import glue

if TYPE_CHECKING:
    from analysis.catalog.model import Indicator

THIN_SPACE = "\u202f"
MISSING = "–"      # no value (not delivered, not computable)
SUPPRESSED = "."   # withheld by disclosure control (Geheimhaltung)


def format_number(value: float | int | None, decimals: int = 0) -> str:
    """1234.5 → '1.234,5': German grouping, decimal comma, commercial rounding; missing → '–'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)
    text = f"{abs(rounded):,.{decimals}f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return ("−" if rounded < 0 else "") + text


def rounded(value: float, decimals: int) -> float:
    """A value rounded as the report prints it (commercial rounding, 0,05 → 0,1), for downloads: they carry
    no more digits than the pages, since extra digits of a rate can pin down a withheld count."""
    return float(Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def format_value(value: float | None, indicator: Indicator) -> str:
    """A value with its unit: '23,8 %', '12,3 je 1.000', '5.052 Personen'."""
    number = format_number(value, indicator.decimals)
    if number == "–":
        return number
    return f"{number}{THIN_SPACE}%" if indicator.unit == "%" else f"{number} {indicator.unit}"


def signed(value: float | None, decimals: int) -> str:
    """A difference with its sign: '+1,2', '−0,4', '±0,0'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    number = format_number(abs(value), decimals)
    sign = "±" if not any(ch in "123456789" for ch in number) else ("+" if value > 0 else "−")
    return f"{sign}{number}"


def format_change(value: float | None, indicator: Indicator) -> str:
    """A signed difference with its unit: '+1,2 Prozentpunkte', '−0,4 je 1.000'."""
    text = signed(value, indicator.decimals)
    return text if text == "–" else f"{text} {indicator.change_unit}"


def markdown_literal(text: str) -> str:
    """A string from data (a name, a title) made safe to put into generated markdown: HTML and markdown
    characters are escaped, so it renders exactly as written."""
    return re.sub(r"([\\`*_\[\]|<>&#!])", r"\\\1", str(text))


def dative_plural(noun: str) -> str:
    """'Stadtteile' → 'Stadtteilen' (in den 13 Stadtteilen); 'Planungsräume' → 'Planungsräumen'."""
    return noun if noun.endswith(("n", "s")) else noun + "n"


class Prose:
    """Text for {glue:text} and {glue:md}.

    {glue:text} literal-evaluates text/plain, so it must be a quoted string literal: bare '3.890'
    would come back as the float 3.89."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return repr(self.text)

    def _repr_markdown_(self) -> str:
        # The prose holds markdown but never HTML: area names and notes come from data and must stay text.
        # Only the roles that take "text <target>" keep their angle brackets ({ref}, and {datei} and
        # {lesetitel} of book/_ext/reader_markup.py): docutils renders a role's content as text, and data
        # pass through markdown_literal, which escapes the backticks a role would need.
        escaped = self.text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return _TARGET_ROLE.sub(lambda role: html.unescape(role[0]), escaped)


_TARGET_ROLE = re.compile(r"(?<!\\)\{(?:ref|datei|lesetitel)\}`[^`]*`")


def glue_text(name: str, text: str) -> None:
    """Glue a formatted string so that {glue:text}`name` renders it exactly, without quotes."""
    glue(name, Prose(text), display=False)


def built_text(record: dict) -> str:
    """'21.11.2026, 14:03 Uhr' from a build record's ISO time."""
    return datetime.fromisoformat(record["built"]).strftime("%d.%m.%Y, %H:%M Uhr")


def repaired_umlauts(text: str) -> str:
    """UTF-8 read as Windows-1252 ('MÃ¼rwik') back to what was meant ('Mürwik'); other text unchanged."""
    if not re.search("[ÃÂ]", text):
        return text
    try:
        return text.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def name_key(text: str) -> str:
    """An area name as compared in tables keyed by name: case, spaces, dashes and broken umlauts ignored."""
    text = unicodedata.normalize("NFC", repaired_umlauts(text))
    text = re.sub("[\u2010-\u2015]", "-", text.replace("\u00a0", " "))
    return " ".join(text.split()).casefold()
