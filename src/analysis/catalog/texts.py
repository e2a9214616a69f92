"""Texts derived from catalogue entries: formulas as written on the methods page, kind descriptions."""
from __future__ import annotations

from analysis.catalog.model import KIND_NAMES, Indicator, parse_terms

SCALE_TEXT = {1: "", 100: " × 100", 1000: " × 1.000"}
KIND_TEXT = {**KIND_NAMES,
             "external": "übernommener Wert (veröffentlicht ohne Fallzahlen; keine Gesamtstadt, keine Summen "
                         "auf höhere Ebenen)"}


def expression_text(expression: str) -> str:
    """'a + b - c' → '`a` + `b` − `c`'."""
    parts = []
    for index, (sign, name) in enumerate(parse_terms(expression)):
        parts.append(f"`{name}`" if index == 0 else f"{'+' if sign > 0 else '−'} `{name}`")
    return " ".join(parts)


def formula_text(indicator: Indicator) -> str:
    """'`a` ÷ (`b` − `c`) × 100' with the variable names of the city pack."""
    numerator = expression_text(indicator.numerator)
    if indicator.denominator is None:
        return numerator
    denominator = expression_text(indicator.denominator)
    if " " in numerator:
        numerator = f"({numerator})"
    if " " in denominator:
        denominator = f"({denominator})"
    return f"{numerator} ÷ {denominator}{SCALE_TEXT[indicator.scale]}"
