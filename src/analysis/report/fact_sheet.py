"""A district's fact sheet: "Auf einen Blick" (what stands out against the city, in both directions), the
link to the area's figures as a CSV of its own (written by report.downloads) and the one-page sheet the
build prints as the area's PDF (site.print_pdf.write_fact_sheets).

What stands out is chosen by the standardised deviation from the city in the direction of need
(compute.lebenslagen.deviations): the largest on the side of need first, then the largest on the
favourable side. Values on fewer than 20 cases are not chosen: their deviation may be chance."""
from __future__ import annotations

import html

import pandas as pd

from analysis.compute import lebenslagen
from analysis.compute.edition import Edition
from analysis.pack.model import CITY_AREA_ID
from analysis.report.chart_display import source_line
from analysis.report.downloads import area_file
from analysis.report.links import download_link
from analysis.report.narrative import described_indicators
from analysis.report.tables import TREND_COLUMN, UNSTABLE_NOTE, marked, rank_text, trend
from analysis.text import SUPPRESSED, format_number, format_value, markdown_literal

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
    return f"{indicator.short_title}: {value} gegenüber {reference} ({edition.latest_year(indicator_id)})."


def standouts(edition: Edition, area_id: str) -> tuple[list[str], list[str]]:
    """The indicators where the area clearly has more need than the city (most first), and where clearly less."""
    row = _stable_deviations(edition, area_id)
    need = row[row >= STANDS_OUT].sort_values(ascending=False).head(MOST_NEED)
    favourable = row[row <= -STANDS_OUT].sort_values().head(MOST_FAVOURABLE)
    return list(need.index), list(favourable.index)


SELECTION_NOTE = ("Ausgewählt nach der Abweichung von der Gesamtstadt, gemessen an der Streuung der {plural} "
                  "(mindestens eine Standardabweichung); Werte auf weniger als 20 Fällen sind nicht ausgewählt.")


def _nothing_stands_out(edition: Edition, name: str) -> str:
    return (f"In keinem Indikator weicht {name} deutlich (um mindestens eine Standardabweichung der "
            f"{edition.pack.area_label_plural}) vom Wert der Stadt ab.")


def at_a_glance(edition: Edition, area_id: str) -> str:
    """Three to five sentences: where the area has clearly more need than the city, then where clearly less."""
    need, favourable = standouts(edition, area_id)
    if not need and not favourable:
        return _nothing_stands_out(edition, markdown_literal(edition.area_name(area_id)))
    lines = []
    if need:
        lines.append("**Mehr Bedarf als in der Stadt:**")
        lines += [f"- {markdown_literal(_sentence(edition, area_id, i))}" for i in need]
    if favourable:
        lines.append("\n**Günstiger als in der Stadt:**")
        lines += [f"- {markdown_literal(_sentence(edition, area_id, i))}" for i in favourable]
    lines.append("\n" + SELECTION_NOTE.format(plural=edition.pack.area_label_plural))
    return "\n".join(lines)


def download_note(edition: Edition, area_id: str, with_pdf: bool = False) -> str:
    """Markdown links to the area's CSV and, where the build prints them, its one-page PDF (both written into
    daten/steckbriefe/ by the build)."""
    label = markdown_literal(edition.pack.area_label)
    text = (f"Alle Zahlen dieses {label}s über alle Jahre, mit den Werten der Gesamtstadt: "
            f"{download_link(area_file(edition, area_id), 'Steckbrief als CSV')} (eine Zeile je Indikator, Gebiet "
            "und Jahr).")
    if with_pdf:
        text += (f" Das Wichtigste auf einer Seite zum Ausdrucken: "
                 f"{download_link(area_file(edition, area_id, 'pdf'), 'Steckbrief als PDF')}.")
    return text


def printable_sheet(edition: Edition, area_id: str, locator_uri: str | None) -> str:
    """One A4 page as HTML: the area's name, what stands out, its location (where the pack has one) and its
    need indicators (for a pack without any: its structure indicators) against the city with rank and trend.
    Every text from data is escaped."""
    name = html.escape(edition.area_name(area_id))
    need, favourable = standouts(edition, area_id)
    glance = ""
    for heading, ids in (("Mehr Bedarf als in der Stadt", need), ("Günstiger als in der Stadt", favourable)):
        if ids:
            items = "".join(f"<li>{html.escape(_sentence(edition, area_id, i))}</li>" for i in ids)
            glance += f"<p><strong>{heading}:</strong></p><ul>{items}</ul>"
    glance = glance or f"<p>{html.escape(_nothing_stands_out(edition, edition.area_name(area_id)))}</p>"
    rows = []
    shown = described_indicators(edition)
    for indicator in shown:
        frame = edition.table(indicator.id)
        if area_id not in frame.index:
            continue
        area = frame.loc[area_id]
        city = frame.loc[CITY_AREA_ID] if CITY_AREA_ID in frame.index else None
        withheld = bool(area["suppressed"])
        cells = [indicator.short_title, str(int(area["year"])),
                 marked(area["value"], indicator, area["unstable"], withheld),
                 marked(city["value"], indicator, False, city["suppressed"]) if city is not None else "–",
                 SUPPRESSED if withheld else rank_text(area),
                 SUPPRESSED if withheld else trend(edition.series(indicator.id, area_id), indicator)]
        rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{h}</th>" for h in ("Indikator", "Jahr", name, "Gesamtstadt", "Rang", TREND_COLUMN))
    image = (f'<img class="lage" src="{locator_uri}" alt="Lage von {name} im Stadtgebiet">' if locator_uri else "")
    compared = "Bedarfsindikatoren" if any(i.is_need for i in shown) else "Kennzahlen"
    publication = edition.pack.publication
    publisher = (f" Herausgeber: {html.escape(publication['publisher'])}, "
                 f"Kontakt: {html.escape(publication['contact'])}." if publication else "")
    return (f'<section class="steckbrief"><h1>{name}</h1>'
            f'<p class="unterzeile">Steckbrief · Sozialbericht {html.escape(edition.pack.edition_name)} '
            f"{edition.year}</p>"
            f"{image}<h2>Auf einen Blick</h2>{glance}"
            f"<h2>{compared} im Vergleich</h2><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
            f'<p class="fuss">Rang 1 = ungünstigster Wert unter {format_number(len(edition.pack.area_ids))} '
            f"{html.escape(edition.pack.area_label_plural)}. {html.escape(UNSTABLE_NOTE)} "
            f"{html.escape(source_line(edition.pack, edition.year))}{publisher}</p></section>")
