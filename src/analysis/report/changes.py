"""'Was hat sich geändert': this edition against the one before it.

Four comparisons: indicator values (latest year of each edition), catalogue definitions, and data
revisions (the same year's input value differing between the two editions' inputs)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.catalog.model import parse_catalog, with_current_axes
from analysis.compute.edition import Edition
from analysis.pack.model import CITY_AREA_ID, REPORTED_CITY_AREA_ID, UNASSIGNED_AREA_ID
from analysis.report.tables import with_count_cells, with_notes
from analysis.social_index import district_index
from analysis.text import built_text, dative_plural, format_change, format_number, format_value

COMPARED_FIELDS = {"title": "Titel", "numerator": "Zähler", "denominator": "Nenner", "scale": "Faktor",
                   "unit": "Einheit", "kind": "Art", "polarity": "Wertung", "topic": "Thema",
                   "decimals": "Nachkommastellen", "description": "Beschreibung", "source": "Quelle"}


def _latest(indicators: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    rows = indicators[(indicators["indicator"] == indicator_id) & indicators["value"].notna()]
    if rows.empty:
        return rows
    return rows[rows["year"] == rows["year"].max()].set_index("area_id")


def _first_after_area_change(edition: Edition) -> bool:
    """Whether the edition declared before this one lies before the pack's area change."""
    earlier = [y for y in edition.pack.editions if y < edition.year]
    return bool(earlier) and edition.before_area_change(earlier[-1])


CHANGE_COLUMNS = ["indicator", "area_id", "year_before", "before", "year_now", "now", "change", "spread_share"]


def indicator_changes(edition: Edition) -> pd.DataFrame:
    """Every area and the city, every indicator both editions have: value in each edition's latest year
    (computed once per edition; a copy each time).

    `spread_share` divides the change by the spread of the areas in the earlier edition, so that
    changes of indicators in different units can be ranked against each other."""
    return edition.remembered("indicator_changes", lambda: _indicator_changes(edition)).copy()


def _indicator_changes(edition: Edition) -> pd.DataFrame:
    previous = edition.previous
    if previous is None:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    order = pd.Index([*edition.pack.area_ids, CITY_AREA_ID])
    parts = []
    for indicator in edition.catalog.indicators:
        before, now = _latest(previous.indicators, indicator.id), _latest(edition.indicators, indicator.id)
        if before.empty or now.empty:
            continue
        spread = before["value"].drop(CITY_AREA_ID, errors="ignore").std()
        both = order[order.isin(before.index) & order.isin(now.index)]
        value_before, value_now = before["value"].reindex(both).to_numpy(), now["value"].reindex(both).to_numpy()
        change = value_now - value_before
        parts.append(pd.DataFrame({
            "indicator": indicator.id, "area_id": both.to_numpy(), "year_before": int(before["year"].iloc[0]),
            "before": value_before, "year_now": int(now["year"].iloc[0]), "now": value_now, "change": change,
            "spread_share": np.abs(change) / spread if spread and spread > 0 else np.nan}, columns=CHANGE_COLUMNS))
    parts = [part for part in parts if len(part)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=CHANGE_COLUMNS)


def _direction(change: float, polarity: str) -> str:
    if math.isnan(change) or change == 0 or polarity == "neutral":
        return "–"
    worse = (change > 0) == (polarity == "higher_is_worse")
    return "ungünstiger" if worse else "günstiger"


def _compared(edition: Edition, row) -> dict[str, str]:
    """One row of `indicator_changes`, formatted: the value in both editions, the change, its assessment."""
    indicator = edition.indicator(row.indicator)
    return {"Indikator": indicator.title,
            f"Ausgabe {edition.previous.year}": f"{format_value(row.before, indicator)} ({row.year_before})",
            f"Ausgabe {edition.year}": f"{format_value(row.now, indicator)} ({row.year_now})",
            "Veränderung": format_change(row.change, indicator),
            "Bewertung": _direction(row.change, indicator.polarity)}


def city_table(edition: Edition) -> pd.DataFrame:
    """The city's value of each indicator in both editions."""
    changes = indicator_changes(edition)
    city = changes[changes["area_id"] == CITY_AREA_ID]
    return pd.DataFrame([_compared(edition, row) for row in city.itertuples()])


def largest_area_changes(edition: Edition, n: int = 10) -> pd.DataFrame:
    """The n area × indicator pairs whose value moved most, measured against the spread of the areas."""
    changes = indicator_changes(edition)
    changes = changes[(changes["area_id"] != CITY_AREA_ID) & changes["spread_share"].notna()]
    top = changes.sort_values(["spread_share", "indicator", "area_id"], ascending=[False, True, True]).head(n)
    return pd.DataFrame([{edition.pack.area_label: edition.area_name(row.area_id), **_compared(edition, row)}
                         for row in top.itertuples()])


def _as_text(value) -> str:
    return "–" if value is None else str(value)


def catalog_changes(before_document: dict, after_document: dict) -> pd.DataFrame:
    """Indicators added, removed, or defined differently (one row per changed field)."""
    earlier = parse_catalog(with_current_axes(before_document), "Katalog der früheren Ausgabe")
    before = {i.id: i for i in earlier.indicators}
    after = {i.id: i for i in parse_catalog(after_document).indicators}
    rows = []
    for indicator_id in sorted(after.keys() - before.keys()):
        rows.append({"Indikator": after[indicator_id].title, "Änderung": "neu", "Feld": "", "vorher": "",
                     "jetzt": ""})
    for indicator_id in sorted(before.keys() - after.keys()):
        rows.append({"Indikator": before[indicator_id].title, "Änderung": "entfallen", "Feld": "", "vorher": "",
                     "jetzt": ""})
    for indicator_id in sorted(before.keys() & after.keys()):
        for field, label in COMPARED_FIELDS.items():
            old, new = getattr(before[indicator_id], field), getattr(after[indicator_id], field)
            if old != new:
                rows.append({"Indikator": after[indicator_id].title, "Änderung": "geändert", "Feld": label,
                             "vorher": _as_text(old), "jetzt": _as_text(new)})
    return pd.DataFrame(rows, columns=["Indikator", "Änderung", "Feld", "vorher", "jetzt"])


def data_revisions(edition: Edition) -> pd.DataFrame:
    """Input values for years both editions cover that differ between their inputs (added, removed, changed)."""
    columns = ["variable", "area_id", "year", "before", "now"]
    previous = edition.previous
    if previous is None:
        return pd.DataFrame(columns=columns)
    keys = ["variable", "area_id", "year"]
    # A need plan's places come from today's facility list, set into each edition's own year: not a source value.
    snapshots = {plan.variable for plan in edition.pack.need_plan if plan.variable}
    before = previous.tidy[(previous.tidy["year"] <= previous.year) & ~previous.tidy["variable"].isin(snapshots)]
    now = edition.tidy[(edition.tidy["year"] <= previous.year) & ~edition.tidy["variable"].isin(snapshots)]
    before, now = before[keys + ["value"]], now[keys + ["value"]]
    merged = before.merge(now, on=keys, how="outer", suffixes=("_before", "_now"))
    differs = ~np.isclose(merged["value_before"], merged["value_now"], rtol=0, atol=1e-9, equal_nan=True)
    revised = merged[differs].rename(columns={"value_before": "before", "value_now": "now"})
    return revised.sort_values(["variable", "year", "area_id"])[columns].reset_index(drop=True)


def _place(edition: Edition, area_id: str) -> str:
    special = {REPORTED_CITY_AREA_ID: f"{edition.city_name} (Stadtsumme der Quelle)",
               UNASSIGNED_AREA_ID: "nicht zuordenbar"}
    return special.get(area_id) or edition.area_name(area_id)


def revisions_table(edition: Edition) -> pd.DataFrame:
    titles = {}
    for source in edition.pack.sources:
        for variable in source.variables:
            titles.setdefault(variable, source.title)
    revised = data_revisions(edition)
    count = lambda value: edition.rules.count_text(value, format_number)
    table = pd.DataFrame({
        "Merkmal": [f"{titles.get(v, v)} (`{v}`)" for v in revised["variable"]],
        edition.pack.area_label: [_place(edition, a) for a in revised["area_id"]],
        "Jahr": revised["year"].astype(str),
        f"Ausgabe {edition.previous.year if edition.previous else ''}": [count(v) for v in revised["before"]],
        f"Ausgabe {edition.year}": [count(v) for v in revised["now"]],
    })
    columns = [f"Ausgabe {edition.previous.year if edition.previous else ''}", f"Ausgabe {edition.year}"]
    return with_notes(with_count_cells(table, [True] * len(table), columns))


def comparison_intro(edition: Edition) -> str:
    """Which edition this one is compared with, and how that edition's data were obtained."""
    previous = edition.previous
    if previous is None and _first_after_area_change(edition):
        change = edition.area_change
        return (f"Die Ausgabe {edition.year} ist die erste auf den Gebieten, die seit dem {change.date_text} gelten "
                f"({change.title}). Die Ausgaben davor zeigen andere Gebiete; ein Vergleich Gebiet für Gebiet ist "
                f"nicht möglich. Die Jahre vor {change.first_year} stehen in dieser Ausgabe, auf die heutigen Gebiete "
                "umgerechnet (siehe Methoden).")
    if previous is None:
        return (f"Die Ausgabe {edition.year} ist die erste Ausgabe des Sozialberichts {edition.city_name}. "
                "Es gibt keine frühere Ausgabe, mit der sie verglichen werden könnte.")
    text = f"Diese Ausgabe {edition.year} wird mit der Ausgabe {previous.year} verglichen"
    if previous.from_archive and previous.provenance:
        text += (f", so wie diese am {built_text(previous.provenance)} gebaut und archiviert wurde "
                 "(Eingabedaten, Indikatorentabelle und Katalog der damaligen Ausgabe).")
    else:
        text += (". Die Ausgabe liegt nicht im Archiv dieses Rechners vor; sie wurde deshalb aus den heutigen "
                 "Eingabedaten und dem heutigen Katalog neu berechnet. Datenrevisionen und geänderte "
                 "Definitionen lassen sich so nicht erkennen.")
    return text


def previous_index(edition: Edition) -> district_index.DistrictIndex | None:
    """The previous edition's social index, recomputed from its stored indicator table with today's
    index configuration (None without a previous edition or index)."""
    if edition.previous is None or edition.social_index is None:
        return None
    before_catalog = edition.catalog.restricted_to(set(edition.previous.indicators["indicator"]))
    return edition.remembered("previous_index", lambda: district_index.compute(
        edition.pack, before_catalog, edition.previous.indicators))


def class_changes(edition: Edition) -> pd.DataFrame:
    """Areas whose social-index status or dynamics class differs from the previous edition's.

    The previous classes are recomputed from the previous edition's stored indicator table with today's
    index configuration, so only the data, not a changed configuration, can move an area."""
    columns = [edition.pack.area_label, "vorher", "jetzt"]
    before = previous_index(edition)
    if before is None:
        return pd.DataFrame(columns=columns)
    now = edition.social_index.table
    rows = []
    for area_id in now.index:
        old, new = before.table.at[area_id, "combined_class"], now.at[area_id, "combined_class"]
        if isinstance(old, str) and isinstance(new, str) and old != new:
            rows.append({edition.pack.area_label: edition.area_name(area_id),
                         "vorher": f"{old} ({before.year})", "jetzt": f"{new} ({edition.social_index.year})"})
    return pd.DataFrame(rows, columns=columns)


def _counted(count: int, singular: str, plural: str) -> str:
    return f"{format_number(count)} {singular if count == 1 else plural}"


def section_texts(edition: Edition) -> dict[str, str]:
    """The page's prose, one paragraph per section; every number computed."""
    previous = edition.previous
    if previous is None:
        none = ("Kein Vergleich: Die Ausgabe davor zeigt andere Gebiete." if _first_after_area_change(edition)
                else "Kein Vergleich: Dies ist die erste Ausgabe.")
        return {"intro": comparison_intro(edition), "city": none, "areas": none, "classes": none,
                "definitions": none, "revisions": none}
    changes = indicator_changes(edition)
    areas = changes[changes["area_id"] != CITY_AREA_ID]
    need = {i.id: i.polarity for i in edition.catalog.indicators if i.polarity != "neutral"}
    directions = [_direction(r.change, need[r.indicator]) for r in areas.itertuples() if r.indicator in need]
    label = edition.pack.area_label_plural
    definitions = catalog_changes(previous.catalog_document, edition.catalog_document)
    revisions = data_revisions(edition)
    classes = class_changes(edition)
    texts = {
        "classes": ("Kein Gebiet hat seine Klasse im Sozialindex gewechselt." if classes.empty else
                    f"{_counted(len(classes), 'Gebiet hat', 'Gebiete haben')} die Klasse im Sozialindex "
                    "gewechselt. Die früheren Klassen sind aus der Indikatorentabelle der früheren Ausgabe mit "
                    "der heutigen Einstellung des Index berechnet."),
        "intro": comparison_intro(edition),
        "city": ("Für jeden Indikator steht der neueste Wert der Gesamtstadt in beiden Ausgaben. Die "
                 "Bewertung folgt der Wertung des Indikators im Katalog; Strukturmerkmale werden nicht bewertet."),
        "areas": ((f"Verglichen wurden {format_number(len(directions))} Werte von Bedarfsindikatoren in den "
                   f"{format_number(len(edition.pack.areas))} {dative_plural(label)}: "
                   f"{format_number(directions.count('ungünstiger'))} haben sich ungünstiger entwickelt, "
                   f"{format_number(directions.count('günstiger'))} günstiger. " if need else
                   "Die Indikatoren dieses Berichts beschreiben die Struktur der Bevölkerung und tragen keine "
                   "Wertung. ") +
                  "Die Tabelle zeigt die zehn größten Veränderungen aller Indikatoren. Damit Indikatoren in "
                  "verschiedenen Einheiten vergleichbar sind, wird jede Veränderung an der Streuung der "
                  f"{label} in der Ausgabe {previous.year} gemessen (Standardabweichung)."),
        "definitions": ("Keine Definition im Indikatorenkatalog hat sich geändert." if definitions.empty else
                        f"{_counted(len(definitions), 'Änderung', 'Änderungen')} am Indikatorenkatalog seit der "
                        f"Ausgabe {previous.year}. Werte beider Ausgaben sind bei geänderten Formeln nur "
                        "eingeschränkt vergleichbar."),
        "revisions": (f"Die Eingabedaten der Jahre bis {previous.year} sind in beiden Ausgaben gleich: "
                      "Es gibt keine Datenrevisionen." if revisions.empty else
                      f"{_counted(len(revisions), 'Eingabewert', 'Eingabewerte')} der Jahre bis {previous.year} "
                      f"({_counted(revisions['variable'].nunique(), 'Merkmal', 'Merkmale')}) "
                      f"{'unterscheidet' if len(revisions) == 1 else 'unterscheiden'} sich zwischen den "
                      f"Eingabedaten der Ausgabe {previous.year} und dieser Ausgabe: Die Quelle hat nachträglich "
                      "berichtigt (revidiert). Der Bericht verwendet stets die neuesten Daten; „–“ heißt, dass "
                      "der Wert in einer der beiden Ausgaben fehlt."),
    }
    if not previous.from_archive:
        texts["definitions"] = texts["revisions"] = (
            f"Nicht prüfbar: Die Ausgabe {previous.year} liegt nicht im Archiv (siehe oben).")
    return texts
