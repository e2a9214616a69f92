"""The first screen of the report: which areas need attention and why, in plain German.

Areas of special need follow the MSS ("Gebiete mit besonderem Aufmerksamkeitsbedarf"): a low or very low
status; areas to watch have a middle status that is getting worse (negative dynamics). The reason names
the status indicators where the area is furthest on the side of need, with its value against the city's,
and how the area developed. Without a social index the areas are those whose need indicators deviate
notably from the city in the mean of the fields of action (Lebenslagen)."""
from __future__ import annotations

import pandas as pd

from analysis.compute import lebenslagen
from analysis.compute.edition import Edition
from analysis.pack.model import CITY_AREA_ID
from analysis.report.changes import previous_index
from analysis.social_index.classes import STATUS_CLASSES
from analysis.text import format_change, format_number, format_value, markdown_literal

NEED_STATUS = ("sehr niedrig", "niedrig")
WATCH = ("mittel", "negativ")
CLEAR_DEVIATION = 1.0     # standard deviations: "deutlich über dem Wert der Stadt"
FIRST_SCREEN_AREAS = 12   # named with their reasons; more would push everything else off the first screen
DYNAMICS_TEXT = {"positiv": "Lage verbessert sich", "stabil": "Lage stabil",
                 "negativ": "Lage verschlechtert sich"}
STATUS_MEANING = {"sehr niedrig": "sehr niedrigem Status (größter Handlungsbedarf)",
                  "niedrig": "niedrigem Status", "mittel": "mittlerem Status", "hoch": "hohem Status"}


def _joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " und " + parts[-1]


def _name(indicator) -> str:
    return markdown_literal(indicator.short_title)


def status_reason(edition: Edition, area_id: str) -> str:
    """'Höchstwerte der Stadt bei SGB-II-Quote mit 21,7 % (Gesamtstadt 12,4 %) und Kinderarmut (SGB II)' or
    'deutlich über dem Wert der Stadt bei …' (≥ 1 standard deviation), from the index's indicators."""
    index = edition.social_index
    values = index.table.loc[index.table["status_index"].notna(), index.status]
    z = (values - values.mean()) / values.std(ddof=0)
    ranked = {i: edition.table(i, index.year)["rank"].get(area_id) for i in index.status}
    order = sorted(index.status, key=lambda i: -z.at[area_id, i] if area_id in z.index else 0)

    def with_value(indicator_id: str) -> str:
        indicator = edition.indicator(indicator_id)
        city = edition.value(indicator_id, CITY_AREA_ID, index.year)
        return (f"{_name(indicator)} mit {format_value(index.table.at[area_id, indicator_id], indicator)} "
                f"(Gesamtstadt {format_value(city, indicator)})")

    highest = [i for i in order if ranked[i] == 1]
    clear = [i for i in order if i not in highest and area_id in z.index and z.at[area_id, i] >= CLEAR_DEVIATION]
    parts = []
    if highest:
        named = [with_value(highest[0])] + [_name(edition.indicator(i)) for i in highest[1:]]
        parts.append(f"Höchstwerte der Stadt bei {_joined(named)}" if len(named) > 1
                     else f"Höchstwert der Stadt bei {named[0]}")
    if clear:
        named = [with_value(i) if not parts and n == 0 else _name(edition.indicator(i)) for n, i in enumerate(clear)]
        parts.append(f"deutlich über dem Wert der Stadt bei {_joined(named)}")
    if not parts and order:
        parts.append(f"über dem Wert der Stadt bei {with_value(order[0])}")
    return "; ".join(parts)


def worsening_reason(edition: Edition, area_id: str) -> str:
    """'Arbeitslosenanteil −0,3 Prozentpunkte seit 2020, in der Gesamtstadt −1,0': the status indicator whose
    change is least favourable against the other areas (the dynamics index compares areas, not years)."""
    index = edition.social_index
    all_changes = index.table[index.dynamic_columns].astype(float)
    z = (all_changes.loc[area_id] - all_changes.mean()) / all_changes.std(ddof=0)
    column = z.idxmax()
    indicator_id = column.removesuffix("_change")
    indicator = edition.indicator(indicator_id)
    city = (edition.value(indicator_id, CITY_AREA_ID, index.year)
            - edition.value(indicator_id, CITY_AREA_ID, index.dynamics_from))
    return (f"{_name(indicator)} {format_change(all_changes.at[area_id, column], indicator)} seit "
            f"{index.dynamics_from}, in der Gesamtstadt {format_change(city, indicator)}")


def _dynamics(edition: Edition, area_id: str) -> str:
    index = edition.social_index
    dynamic = index.table.at[area_id, "dynamic_class"]
    if not isinstance(dynamic, str) or not index.dynamics_from:
        return "Entwicklung nicht bestimmbar"
    return f"{DYNAMICS_TEXT[dynamic]} (seit {index.dynamics_from})"


def _certainty(edition: Edition, area_id: str) -> str:
    probability = edition.social_index.table.at[area_id, "probability"]
    if pd.isna(probability) or probability >= 0.9:
        return ""
    return (f" Die Einstufung ist unsicher: Nur mit {format_number(probability * 100, 0)} % Wahrscheinlichkeit "
            "bliebe das Gebiet bei zufälligen Schwankungen der Fallzahlen in seiner Klasse.")


def areas_of_need(edition: Edition) -> list[tuple[str, str]]:
    """(area_id, markdown line) for every area of special need, most need first, then areas to watch."""
    index = edition.social_index
    table = index.table.dropna(subset=["status_index"]).sort_values("status_index", ascending=False)
    lines = []
    for area_id, row in table.iterrows():
        name = markdown_literal(edition.area_name(area_id))
        if row["status_class"] in NEED_STATUS:
            lines.append((area_id, f"**{name}** (Status {row['status_class']}): {status_reason(edition, area_id)}; "
                                   f"{_dynamics(edition, area_id)}.{_certainty(edition, area_id)}"))
    for area_id, row in table.iterrows():
        if (row["status_class"], row["dynamic_class"]) == WATCH:
            name = markdown_literal(edition.area_name(area_id))
            lines.append((area_id, f"**{name}** (Status mittel, beobachten): entwickelt sich ungünstiger als "
                                   f"die Stadt: {worsening_reason(edition, area_id)}.{_certainty(edition, area_id)}"))
    return lines


def class_counts(edition: Edition) -> str:
    """'Sozialindex 2022: 1 Stadtteil mit sehr niedrigem Status (größter Handlungsbedarf), 1 mit …'."""
    index = edition.social_index
    counts = index.table["status_class"].value_counts()
    label, plural = edition.pack.area_label, edition.pack.area_label_plural
    parts = []
    for status in reversed(STATUS_CLASSES):
        count = int(counts.get(status, 0))
        noun = label if count == 1 else plural
        parts.append(f"{format_number(count)} {noun if not parts else 'mit'}"
                     + (f" mit {STATUS_MEANING[status]}" if not parts else f" {STATUS_MEANING[status]}"))
    missing = int(index.table["status_class"].isna().sum())
    text = f"Sozialindex {index.year}: {_joined(parts)}."
    if missing:
        text += f" {format_number(missing)} ohne Einstufung (zu wenige Einwohner oder fehlende Werte)."
    return text


def _class_moves(edition: Edition) -> tuple[list[tuple[str, str, str]], int] | None:
    """(area id, status before, status now) for every area whose status class changed since the previous
    edition, and how many others changed their dynamics; None without a previous index."""
    before = previous_index(edition)
    if edition.previous is None or before is None:
        return None
    now = edition.social_index.table
    old = before.table.reindex(now.index)

    def changed(area_id: str, column: str) -> bool:
        before_class, now_class = old.at[area_id, column], now.at[area_id, column]
        return isinstance(before_class, str) and isinstance(now_class, str) and before_class != now_class

    moved = [(a, old.at[a, "status_class"], now.at[a, "status_class"]) for a in now.index if changed(a, "status_class")]
    turned = sum(1 for a in now.index if not changed(a, "status_class") and changed(a, "dynamic_class"))
    return moved, turned


def _moves_text(edition: Edition, moves, name) -> str:
    moved, turned = moves
    since = f"Seit der Ausgabe {edition.previous.year}"
    if moved:
        names = [f"{name(edition.area_name(a))} ({before} → {now})" for a, before, now in moved]
        text = (f"{since} hat {'ein Gebiet seine' if len(moved) == 1 else f'{format_number(len(moved))} Gebiete ihre'} "
                f"Statusklasse gewechselt: {_joined(names)}.")
    else:
        text = f"{since} hat kein {edition.pack.area_label} seine Statusklasse gewechselt."
    if turned:
        text += f" Bei {format_number(turned)} weiteren hat sich die Dynamik geändert"
    return text


FIRST_INDEX = "Dies ist die erste Ausgabe mit Sozialindex; ein Vergleich mit einer früheren ist nicht möglich."


def changes_since_last_edition(edition: Edition) -> str:
    """Status classes that changed since the previous edition, by name; changed dynamics counted (markdown)."""
    moves = _class_moves(edition)
    if moves is None:
        return FIRST_INDEX
    text = _moves_text(edition, moves, markdown_literal)
    return text + (" ([Was hat sich geändert](aenderungen.ipynb))." if moves[1] else "")


def _without_index(edition: Edition) -> str:
    """Areas whose need indicators deviate most from the city, where the pack has no social index."""
    matrix = lebenslagen.by_field(edition)
    mean = matrix.values.mean(axis=1, skipna=True).sort_values(ascending=False)
    notable = mean[mean >= lebenslagen.NOTABLE_DEVIATION]
    if notable.empty:
        return ("Dieser Bericht hat keinen Sozialindex, und kein Gebiet weicht in seinen Bedarfsindikatoren "
                "im Mittel der Handlungsfelder merklich (um mindestens eine halbe Standardabweichung) vom Wert "
                "der Stadt ab.")
    names = [f"**{markdown_literal(edition.area_name(a))}** (mittlere Abweichung "
             f"{format_number(v, 1)} Standardabweichungen)" for a, v in notable.items()]
    return ("Dieser Bericht hat keinen Sozialindex. Im Mittel der Handlungsfelder weichen diese Gebiete um "
            f"mindestens eine halbe Standardabweichung zur Seite des Bedarfs vom Wert der Stadt ab: {_joined(names)}.")


def first_screen(edition: Edition) -> str:
    """Markdown: the areas of special need with their reasons (the first FIRST_SCREEN_AREAS of them; a city
    of hundreds of areas names the rest on the index page), the class counts and what changed."""
    if edition.social_index is None:
        return _without_index(edition)
    lines = areas_of_need(edition)
    if lines:
        text = "\n".join(f"- {line}" for _, line in lines[:FIRST_SCREEN_AREAS])
        if len(lines) > FIRST_SCREEN_AREAS:
            text += (f"\n- … und {format_number(len(lines) - FIRST_SCREEN_AREAS)} weitere Gebiete: alle im Kapitel "
                     "[Sozialindex](sozialindex.ipynb), Abschnitt „Alle Gebiete“.")
    else:
        text = f"Kein {edition.pack.area_label} hat einen niedrigen oder sehr niedrigen Status im Sozialindex."
    return f"{text}\n\n{class_counts(edition)} {changes_since_last_edition(edition)}"


def edition_highlights(edition: Edition) -> list[str]:
    """Three lines "Neu in dieser Ausgabe" for the list of editions (plain text, no markdown): the data it
    covers, what changed in the social index, and the headline indicator against the year before."""
    from analysis.report.figures import lead_indicator

    indicators = edition.all_indicators.indicators
    coverage = (f"Daten bis {edition.year} für {format_number(len(edition.pack.area_ids))} "
                f"{edition.pack.area_label_plural} und {format_number(len(indicators))} Indikatoren")
    if edition.previous is not None:
        before = {entry["id"] for entry in edition.previous.catalog_document["indicators"]}
        added = [i for i in indicators if i.id not in before]
        if added:
            coverage += f", davon {format_number(len(added))} neu"
    lines = [coverage + "."]
    if edition.social_index is not None:
        moves = _class_moves(edition)
        text = FIRST_INDEX if moves is None else _moves_text(edition, moves, str)
        lines.append(text if text.endswith(".") else text + ".")
    lead = lead_indicator(edition)
    frame = edition.table(lead)
    if CITY_AREA_ID in frame.index and not frame.at[CITY_AREA_ID, "suppressed"]:
        city, indicator = frame.loc[CITY_AREA_ID], edition.indicator(lead)
        change = "" if pd.isna(city["change_1y"]) else f" ({format_change(city['change_1y'], indicator)} zum Vorjahr)"
        lines.append(f"{indicator.short_title} der Gesamtstadt {int(city['year'])}: "
                     f"{format_value(city['value'], indicator)}{change}.")
    return lines
