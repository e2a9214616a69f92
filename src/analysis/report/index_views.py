"""Prose and tables for the chapters Sozialindex, Methodenvergleich and Sozialraumtypen, and for the
index paragraph of each profile. Written for council members: every number computed, no jargon left
unexplained."""
from __future__ import annotations

import math

import pandas as pd

from analysis.catalog.model import load_catalog
from analysis.compute.edition import Edition
from analysis.pack.model import CITY_AREA_ID
from analysis.report.prose import render
from analysis.report.tables import with_notes
from analysis.social_index.classes import (
    DYNAMIC_CLASSES,
    DYNAMIC_THRESHOLDS,
    METHOD_NAMES,
    STATUS_CLASSES,
    STATUS_THRESHOLDS,
    class_ranges,
)
from analysis.social_index.method import standardise
from analysis.text import SUPPRESSED, dative_plural, format_number, format_value

NEAR_PROBABILITY = 0.9


def _names(edition: Edition, ids) -> str:
    names = [edition.area_name(a) for a in ids]
    if not names:
        return "keine"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " und " + names[-1]


def _titles(edition: Edition, ids) -> str:
    """Reader titles from the full catalogue: an indicator may be named although this edition lacks its data."""
    titles = [load_catalog(edition.pack).get(i).short_title for i in ids]
    return titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " und " + titles[-1]


def _percent(probability: float) -> str:
    return f"{format_number(probability * 100)}\u202f%"


NO_INDEX = ("Für {city} ist kein Sozialindex eingerichtet: Das Stadtpaket (city.yml) hat keinen Abschnitt "
            "`social_index`, oder keiner der dort genannten Indikatoren hat in dieser Ausgabe Werte.")
NO_TYPES = ("Für {city} sind keine Sozialraumtypen eingerichtet (Abschnitt `district_types` in city.yml), oder "
            "es gibt zu wenige Gebiete oder Indikatoren mit Werten.")


def method_text(edition: Edition) -> str:
    """The method, explained from the pack's configuration (markdown)."""
    index = edition.social_index
    if index is None:
        return ""
    status_ranges, dynamic_ranges = class_ranges(STATUS_THRESHOLDS), class_ranges(DYNAMIC_THRESHOLDS)
    rows = [{"status_range": status_ranges[n], "status_class": STATUS_CLASSES[n],
             "dynamic_range": dynamic_ranges[n] if n < len(DYNAMIC_CLASSES) else "",
             "dynamic_class": DYNAMIC_CLASSES[n] if n < len(DYNAMIC_CLASSES) else ""}
            for n in range(len(STATUS_CLASSES))]
    return render("sozialindex_methode.md.j2", pack=edition.pack, index=index,
                  status_indicators=[edition.indicator(i) for i in index.status],
                  unavailable=_titles(edition, index.unavailable) if index.unavailable else "",
                  excluded=_names(edition, index.excluded) if index.excluded else "", class_rows=rows).rstrip("\n")


def summary_text(edition: Edition) -> str:
    index = edition.social_index
    if index is None:
        return NO_INDEX.format(city=edition.city_name)
    table = index.table
    label = edition.pack.area_label_plural
    counts = table["status_class"].value_counts()
    parts = [f"{format_number(counts.get(c, 0))} „{c}“" for c in STATUS_CLASSES]
    included = format_number(table["status_index"].notna().sum())
    text = (f"Von den {format_number(len(table))} {dative_plural(label)} gehen {included} "
            f"in den Index {index.year} ein. Ihr Status: {', '.join(parts)}.")
    low = table.index[table["status_class"].isin(["niedrig", "sehr niedrig"])]
    if len(low):
        text += f" Einen niedrigen oder sehr niedrigen Status haben {_names(edition, low)}."
    negative = table.index[table["dynamic_class"] == "negativ"]
    if index.dynamics_from:
        text += (f" Eine negative Dynamik ({index.dynamics_from}–{index.year}) zeigen "
                 f"{_names(edition, negative)}." if len(negative) else
                 f" Kein {edition.pack.area_label} zeigt {index.dynamics_from}–{index.year} eine negative Dynamik.")
    return text


def matrix(edition: Edition) -> pd.DataFrame:
    """The 4 × 3 matrix of status and dynamics classes with the areas in each cell."""
    table = edition.social_index.table
    cells = {}
    for dynamic in DYNAMIC_CLASSES:
        cells[f"Dynamik {dynamic}"] = [
            ", ".join(edition.area_name(a) for a in table.index[(table["status_class"] == status)
                                                               & (table["dynamic_class"] == dynamic)]) or "–"
            for status in STATUS_CLASSES]
    return pd.DataFrame(cells, index=[f"Status {s}" for s in STATUS_CLASSES])


def area_table(edition: Edition) -> pd.DataFrame:
    index = edition.social_index
    table = index.table
    rows = []
    for area_id, row in table.iterrows():
        entry = {edition.pack.area_label: edition.area_name(area_id)}
        for indicator_id in index.status:
            entry[edition.indicator(indicator_id).short_title] = (
                SUPPRESSED if edition.withheld(indicator_id, area_id, index.year)
                else format_value(row[indicator_id], edition.indicator(indicator_id)))
        included = not math.isnan(row["status_index"])
        entry["Statusindex"] = format_number(row["status_index"], 2) if included else "–"
        entry["Status"] = row["status_class"] if included else "–"
        entry["Sicherheit der Klasse"] = _percent(row["probability"]) if included and index.from_counts else "–"
        entry["Dynamikindex"] = format_number(row["dynamic_index"], 2) if isinstance(row["dynamic_class"], str) else "–"
        entry["Dynamik"] = row["dynamic_class"] if isinstance(row["dynamic_class"], str) else "–"
        entry["Hinweis"] = row["note"] or ("nahe an einer Klassengrenze" if row["near_threshold"] else "")
        rows.append(entry)
    return with_notes(pd.DataFrame(rows))


def certainty_text(edition: Edition) -> str:
    index = edition.social_index
    if index is None:
        return ""
    if not index.from_counts:
        return ("Die Statusindikatoren sind veröffentlichte Anteile ohne die Fallzahlen dahinter. Wie fest eine "
                "Einstufung gegenüber zufälligen Schwankungen der Fallzahlen ist, lässt sich deshalb nicht "
                "nachrechnen; die Spalte „Sicherheit der Klasse“ bleibt leer.")
    table = index.table[index.table["status_index"].notna()]
    near = table.index[table["near_threshold"]]
    uncertain = table.index[table["probability"] < NEAR_PROBABILITY]
    label = edition.pack.area_label
    text = (
        "Jede Quote beruht auf gezählten Fällen. Wären in einem Jahr zufällig ein paar Fälle mehr oder weniger "
        "gezählt worden, sähe der Index etwas anders aus. Um zu zeigen, wie fest eine Einstufung ist, wurde der "
        f"Index {format_number(index.replicates)}-mal neu berechnet, jedes Mal mit zufällig schwankenden "
        "Fallzahlen (Poisson-Verteilung, so wie Zählungen natürlicherweise schwanken; fester Startwert "
        f"{index.seed}, damit jeder Bau dasselbe Ergebnis liefert). „Sicherheit der Klasse“ ist der Anteil "
        "dieser Neuberechnungen, in denen der "
        f"{label} in seiner Statusklasse bleibt. ")
    if len(uncertain):
        text += (f"Unter {_percent(NEAR_PROBABILITY)} liegt sie für {_names(edition, uncertain)}: Hier kann die "
                 "Einstufung schon durch Zufall anders ausfallen. ")
    else:
        text += f"Für alle {edition.pack.area_label_plural} liegt sie bei mindestens {_percent(NEAR_PROBABILITY)}. "
    if len(near):
        text += (f"Nahe an einer Klassengrenze (die Grenze liegt innerhalb der mittleren 95 % der "
                 f"Neuberechnungen) liegen: {_names(edition, near)}.")
    else:
        text += "Kein Gebiet liegt so nahe an einer Klassengrenze, dass der Zufall sie überschreiten ließe."
    return text


def unstable_text(edition: Edition) -> str:
    """How many published rates rest on fewer than 20 cases."""
    latest = []
    for indicator in edition.catalog.indicators:
        if indicator.denominator is None:
            continue
        frame = edition.table(indicator.id)
        latest.append(frame[frame.index != CITY_AREA_ID])
    rows = pd.concat(latest)
    flagged = rows[rows["unstable"].astype(bool)]
    if flagged.empty:
        return "Keine der aktuellen Quoten beruht auf weniger als 20 Fällen."
    names = sorted({edition.indicator(i).title for i in flagged["indicator"]})
    return (f"{format_number(len(flagged))} der {format_number(len(rows))} aktuellen Quoten der "
            f"{edition.pack.area_label_plural} beruhen auf weniger als 20 Fällen ({', '.join(names)}). Sie sind in "
            "Tabellen mit * markiert und in Karten gepunktet: Solche Werte können von Jahr zu Jahr allein durch "
            "Zufall stark schwanken.")


def profile_text(edition: Edition, area_id: str) -> str:
    """The profile's paragraph on the index, or nothing where the pack has no index."""
    index = edition.social_index
    if index is None or area_id not in index.table.index:
        return ""
    row = index.table.loc[area_id]
    name = edition.area_name(area_id)
    if math.isnan(row["status_index"]):
        return f"{name} geht nicht in den Sozialindex {index.year} ein ({row['note']})."
    text = f"Im Sozialindex {index.year} hat {name} den Status „{row['status_class']}“"
    if isinstance(row["dynamic_class"], str):
        text += f" und die Dynamik „{row['dynamic_class']}“ ({index.dynamics_from}–{index.year})"
    if not index.from_counts:
        text += "."
    else:
        kept = round(row["probability"] * 100)
        text += (f". Wie sicher ist diese Einstufung? Würden die zugrunde liegenden Fallzahlen zufällig etwas anders "
                 f"ausfallen, bliebe {name} in {format_number(kept)} von 100 Neuberechnungen in dieser Statusklasse")
        text += (" – die Einstufung liegt nahe an einer Klassengrenze." if row["near_threshold"] else ".")
    if edition.types is not None and area_id in edition.types.labels.index:
        letter = edition.types.labels[area_id]
        text += (f" Nach seinem gesamten Profil gehört {name} zum Sozialraumtyp {letter} "
                 f"({type_names(edition)[letter]}).")
    return text


def lead_interval_text(edition: Edition, area_id: str, indicator_id: str) -> str:
    table = edition.table(indicator_id)
    if area_id not in table.index:   # no value (an area without residents)
        return ""
    row = table.loc[area_id]
    indicator = edition.indicator(indicator_id)
    if math.isnan(row["ci_low"]):
        return ""
    text = (f"Mit 95 % Wahrscheinlichkeit liegt der zugrunde liegende Wert zwischen "
            f"{format_value(row['ci_low'], indicator)} und {format_value(row['ci_high'], indicator)}.")
    if row["unstable"]:
        text += " Der Wert beruht auf weniger als 20 Fällen und ist daher unsicher."
    return text


# --- Methodenvergleich ------------------------------------------------------------------------------

def comparison_table(edition: Edition) -> pd.DataFrame:
    index = edition.social_index
    columns = {edition.pack.area_label: [edition.area_name(a) for a in index.table.index],
               METHOD_NAMES[index.method]: index.table["status_class"].fillna("–").tolist()}
    for method, result in index.alternatives.items():
        columns[METHOD_NAMES[method]] = result["status_class"].reindex(index.table.index).fillna("–").tolist()
    return pd.DataFrame(columns)


def _reason(edition: Edition, area_id: str, method: str) -> str:
    """Why the area's class differs: where its indicators stand, and how each method weighs that."""
    index = edition.social_index
    values = index.table.loc[index.table["status_index"].notna(), index.status]
    z = pd.DataFrame(standardise(values.to_numpy(float)), index=values.index, columns=values.columns)
    row_z = z.loc[area_id]
    extreme = row_z.abs().idxmax()
    # the edition's ranks, as in the profiles: Rang 1 = ungünstigster Wert, among all areas with a value
    ranks = {i: edition.table(i, index.year).loc[area_id, ["rank", "rank_of"]] for i in index.status}
    parts = [f"{edition.indicator(i).short_title}: Rang {format_number(ranks[i]['rank'])} von "
             f"{format_number(ranks[i]['rank_of'])} ({edition.indicator(i).rank_meaning}), "
             f"z = {format_number(row_z[i], 2)}" for i in index.status]
    if method == "imd":
        why = ("Der IMD-Stil wertet nur die Rangfolge und dehnt mit der Exponentialtransformation das ungünstigste "
               "Ende, während er das günstige zusammendrückt: Nur die allerletzten Ränge heben den Wert stark, "
               "sehr günstige Ränge senken ihn kaum.")
    else:
        why = ("Der SVI-Stil wertet nur die Rangfolge (Perzentilränge): Ein weiter Abstand zum Durchschnitt zählt "
               "nicht mehr als ein knapper, solange die Reihenfolge gleich bleibt.")
    return (f"{'; '.join(parts)}. Am weitesten vom Durchschnitt entfernt: {edition.indicator(extreme).short_title}. "
            + why)


def comparison_text(edition: Edition) -> str:
    """Which areas change class under the alternatives, and why (markdown list)."""
    index = edition.social_index
    if index is None:
        return NO_INDEX.format(city=edition.city_name)
    if not index.alternatives:
        return "Im Stadtpaket sind keine alternativen Verfahren eingestellt."
    lines = []
    for method, result in index.alternatives.items():
        changed = [a for a in index.table.index
                   if isinstance(index.table.at[a, "status_class"], str)
                   and result.at[a, "status_class"] != index.table.at[a, "status_class"]]
        label = edition.pack.area_label_plural if len(changed) != 1 else edition.pack.area_label
        lines.append(f"**{METHOD_NAMES[method]}:** "
                     + (f"{format_number(len(changed))} {label} mit anderer Statusklasse als im MSS." if changed
                        else "dieselben Statusklassen wie im MSS."))
        lines.append("")
        for area_id in changed:
            lines.append(f"- {edition.area_name(area_id)}: MSS „{index.table.at[area_id, 'status_class']}“, "
                         f"hier „{result.at[area_id, 'status_class']}“. {_reason(edition, area_id, method)}")
        lines.append("")
    return "\n".join(lines).strip()


# --- Sozialraumtypen -----------------------------------------------------------------------------------

# Mean z of the need indicators (need direction) → how a type's need is named.
NEED_WORDS = ((1.0, "stark belastet"), (0.3, "belastet"), (-0.3, "durchschnittlich belastet"),
              (-1.0, "wenig belastet"), (-math.inf, "kaum belastet"))
TRAIT_DEVIATION = 0.75  # a structure indicator this many standard deviations off the mean names the type
TRAITS_MAX = 2


def type_names(edition: Edition) -> dict[str, str]:
    """Letter → a descriptive name from the type's profile: its need (mean z-value of the need indicators,
    signed by polarity) and up to two structure indicators where it stands out, worded by the catalogue's
    profile_words: 'stark belastet, hoher Ausländeranteil, wenige Ältere'."""
    return edition.remembered("type_names", lambda: _type_names(edition))


def _type_names(edition: Edition) -> dict[str, str]:
    names = {}
    for letter, profile in edition.types.profiles.iterrows():
        need = [profile[i] * edition.indicator(i).need_sign for i in profile.index if edition.indicator(i).is_need]
        parts = []
        if need:
            mean_need = sum(need) / len(need)
            parts.append(next(words for limit, words in NEED_WORDS if mean_need >= limit))
        structure = profile[[i for i in profile.index if not edition.indicator(i).is_need]]
        for indicator_id in structure.abs().sort_values(ascending=False).index[:TRAITS_MAX]:
            if abs(structure[indicator_id]) < TRAIT_DEVIATION:
                break
            indicator = edition.indicator(indicator_id)
            high = structure[indicator_id] > 0
            words = indicator.profile_words
            parts.append(words[0 if high else 1] if words else
                         f"{indicator.short_title} {'hoch' if high else 'niedrig'}")
        names[letter] = ", ".join(parts) if parts else "nahe am Durchschnitt"
    return names


def type_label(edition: Edition, letter: str) -> str:
    """'Typ A: stark belastet, hoher Ausländeranteil'."""
    return f"Typ {letter}: {type_names(edition)[letter]}"


def types_text(edition: Edition) -> str:
    types = edition.types
    if types is None:
        return NO_TYPES.format(city=edition.city_name)
    has_need = any(edition.indicator(i).is_need for i in types.indicators)
    text = (f"Die {format_number(len(edition.pack.areas))} {edition.pack.area_label_plural} wurden nach "
            f"{format_number(len(types.indicators))} Indikatoren zugleich in {format_number(types.count)} Typen "
            f"gruppiert ({_titles(edition, types.indicators)}; jeweils das neueste Jahr). Gebiete eines Typs "
            "ähneln sich in all diesen Werten mehr als Gebieten anderer Typen. Der Name jedes Typs beschreibt, "
            "wodurch er sich vom Durchschnitt der Gebiete unterscheidet")
    text += (": zuerst, wie stark er in den Bedarfsindikatoren belastet ist, dann bis zu zwei Merkmale der "
             "Bevölkerungsstruktur, in denen er deutlich abweicht. Typ A ist am stärksten belastet."
             if has_need else ", nach den Merkmalen, in denen er deutlich abweicht.")
    if types.unavailable:
        text += f" Nicht verfügbar in dieser Ausgabe: {_titles(edition, types.unavailable)}."
    return text


def types_method_text(edition: Edition) -> str:
    """For reviewers: standardisation, Ward's method and the silhouettes that chose the number of types."""
    types = edition.types
    if types is None:
        return ""
    silhouettes = ", ".join(f"{k} Typen {format_number(v, 2)}" for k, v in types.silhouettes.items())
    has_need = any(edition.indicator(i).is_need for i in types.indicators)
    naming = ("Die Buchstaben folgen dem mittleren z-Wert der Bedarfsindikatoren, A zuerst. "
              f"Ein Typ wird „{NEED_WORDS[0][1]}“ genannt ab einem mittleren z-Wert der Bedarfsindikatoren von "
              f"{format_number(NEED_WORDS[0][0], 1)}, „{NEED_WORDS[1][1]}“ ab {format_number(NEED_WORDS[1][0], 1)}; "
              if has_need else
              "Ohne Bedarfsindikatoren folgen die Buchstaben dem mittleren z-Wert aller Indikatoren, A zuerst; ")
    return ("Jeder Indikator wird zuerst standardisiert (z-Werte über die Gebiete), damit keiner allein durch "
            "seine Einheit überwiegt. Das Verfahren nach Ward fasst schrittweise die Gebiete zusammen, deren "
            "Zusammenlegung die Unterschiede innerhalb der Gruppen am wenigsten vergrößert. Die Zahl der Typen "
            f"ist die mit der höchsten mittleren Silhouette ({silhouettes}; höher = klarer getrennt): Bei "
            f"{format_number(types.count)} Typen sind die Gebiete im Mittel am deutlichsten ihrem eigenen Typ "
            f"näher als dem nächsten. {naming}ein Strukturmerkmal erscheint im Namen ab einer Abweichung von "
            f"{format_number(TRAIT_DEVIATION, 2)} Standardabweichungen.")


def type_profiles_text(edition: Edition) -> str:
    types = edition.types
    if types is None:
        return ""
    lines = []
    for letter, profile in types.profiles.iterrows():
        members = types.labels.index[types.labels == letter]
        high = [i for i in profile.sort_values(ascending=False).index if profile[i] >= 0.5][:3]
        low = [i for i in profile.sort_values().index if profile[i] <= -0.5][:3]
        traits = []
        if high:
            traits.append("überdurchschnittlich: " + ", ".join(edition.indicator(i).short_title for i in high))
        if low:
            traits.append("unterdurchschnittlich: " + ", ".join(edition.indicator(i).short_title for i in low))
        lines.append(f"- **{type_label(edition, letter)}** ({_names(edition, members)}): "
                     + ("; ".join(traits) if traits else "in allen Indikatoren nahe am Durchschnitt") + ".")
    return "\n".join(lines)
