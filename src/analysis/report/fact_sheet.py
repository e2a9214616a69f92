"""A district's fact sheet: "Auf einen Blick" (what stands out against the city, in both directions) and
the link to the area's figures as a CSV of its own (written by report.downloads).

What stands out is chosen by the standardised deviation from the city in the direction of need
(compute.lebenslagen.deviations): the largest on the side of need first, then the largest on the
favourable side. Values on fewer than 20 cases are not chosen: their deviation may be chance."""
from __future__ import annotations

import pandas as pd

from analysis.compute import lebenslagen
from analysis.compute.edition import Edition
from analysis.pack.model import CITY_AREA_ID
from analysis.report.downloads import area_file
from analysis.report.links import download_link
from analysis.text import format_value, markdown_literal

STANDS_OUT = 1.0        # standard deviations from the city
MOST_NEED = 3           # sentences on the side of need
MOST_FAVOURABLE = 2     # sentences on the favourable side


def _stable_deviations(edition: Edition, area_id: str) -> pd.Series:
    z = lebenslagen.deviations(edition)
    if area_id not in z.index:
        return pd.Series(dtype=float)
    row = z.loc[area_id].dropna()
    unstable = [i for i in row.index if bool(edition.table(i).get("unstable", pd.Series()).get(area_id, False))]
    return row.drop(unstable)


def _sentence(edition: Edition, area_id: str, indicator_id: str) -> str:
    """'Grundsicherung im Alter: 21,1 % gegenüber 7,3 % in der Gesamtstadt (2022).'"""
    indicator = edition.indicator(indicator_id)
    value = format_value(edition.value(indicator_id, area_id), indicator)
    city = edition.value(indicator_id, CITY_AREA_ID)
    reference = (f"{format_value(city, indicator)} in der Gesamtstadt" if pd.notna(city) else
                 f"{format_value(edition.area_values(indicator_id).mean(), indicator)} im Mittel der Gebiete")
    return (f"{markdown_literal(indicator.short_title)}: {value} gegenüber {reference} "
            f"({edition.latest_year(indicator_id)}).")


def at_a_glance(edition: Edition, area_id: str) -> str:
    """Three to five sentences: where the area has clearly more need than the city, then where clearly less."""
    row = _stable_deviations(edition, area_id)
    need = row[row >= STANDS_OUT].sort_values(ascending=False).head(MOST_NEED)
    favourable = row[row <= -STANDS_OUT].sort_values().head(MOST_FAVOURABLE)
    name = markdown_literal(edition.area_name(area_id))
    if need.empty and favourable.empty:
        return (f"In keinem Indikator weicht {name} deutlich (um mindestens eine Standardabweichung der "
                f"{edition.pack.area_label_plural}) vom Wert der Stadt ab.")
    lines = []
    if not need.empty:
        lines.append("**Mehr Bedarf als in der Stadt:**")
        lines += [f"- {_sentence(edition, area_id, i)}" for i in need.index]
    if not favourable.empty:
        lines.append("\n**Günstiger als in der Stadt:**")
        lines += [f"- {_sentence(edition, area_id, i)}" for i in favourable.index]
    lines.append(f"\nAusgewählt nach der Abweichung von der Gesamtstadt, gemessen an der Streuung der "
                 f"{edition.pack.area_label_plural} (mindestens eine Standardabweichung); Werte auf weniger als "
                 "20 Fällen sind nicht ausgewählt.")
    return "\n".join(lines)


def download_note(edition: Edition, area_id: str) -> str:
    """Markdown link to the area's CSV (written by report.downloads) and the hint to print the page."""
    return (f"Alle Zahlen dieses {markdown_literal(edition.pack.area_label)}s über alle Jahre, mit den Werten der "
            f"Gesamtstadt: {download_link(area_file(edition, area_id), 'Steckbrief als CSV')} (eine Zeile je "
            "Indikator, Gebiet und Jahr). Die Seite druckt sich als Steckbrief.")


