"""The project's social index next to a published one (social_index: official_classes in the pack).

For every year the official classification covers, the project's index is computed on that year's
status indicators (dynamics: their change over `dynamics_years`) and compared area by area."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pandas as pd

from analysis.compute.edition import Edition
from analysis.errors import InputError, did_you_mean
from analysis.social_index.classes import DYNAMIC_CLASSES, STATUS_CLASSES
from analysis.social_index.district_index import area_values
from analysis.social_index.method import compute_index
from analysis.text import dative_plural, format_number


@dataclass
class YearComparison:
    year: int
    dynamics_from: int | None
    table: pd.DataFrame      # per area: ours and official status and dynamics class


def read_official(edition: Edition) -> dict[int, pd.DataFrame]:
    """Year → official classes per area (index area_id; columns status, dynamics)."""
    config = edition.pack.social_index.official_classes
    known = set(edition.pack.area_ids)
    result = {}
    for year in config.years:
        relative = config.file.replace("{year}", str(year))
        shown = edition.pack.display_path(relative)
        path = edition.pack.path(relative)
        if not path.is_file():
            raise InputError("Datei fehlt.", file=shown, hint="Datei der amtlichen Klassen ins Stadtpaket legen.")
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
        header = list(rows[0]) if rows else []
        for column in (config.area_column, config.status_column, config.dynamics_column):
            if column not in header:
                raise InputError(f"Spalte '{column}' fehlt.", file=shown, row=1, column=column,
                                 hint=did_you_mean(column, header))
        records = []
        for line, row in enumerate(rows, start=2):
            area_id = row[config.area_column].strip()
            if area_id not in known:
                raise InputError(f"{edition.pack.area_label} '{area_id}' ist unbekannt.", file=shown, row=line,
                                 column=config.area_column)
            status = config.status_labels.get(row[config.status_column], row[config.status_column])
            dynamics = config.dynamics_labels.get(row[config.dynamics_column],
                                                            row[config.dynamics_column])
            for value, allowed, column in ((status, STATUS_CLASSES, "status_column"),
                                           (dynamics, DYNAMIC_CLASSES, "dynamics_column")):
                if value not in allowed:
                    raise InputError(f"Klasse '{value}' ist unbekannt (erwartet: {', '.join(allowed)}).",
                                     file=shown, row=line, column=getattr(config, column),
                                     hint=f"Übersetzung unter social_index/official_classes/{column[:-7]}_labels "
                                          "angeben.")
            records.append({"area_id": area_id, "status": status, "dynamics": dynamics})
        result[year] = pd.DataFrame(records).set_index("area_id")
    return result


def compare(edition: Edition) -> list[YearComparison]:
    """For each official year the edition reaches: both classifications side by side."""
    index = edition.social_index
    if index is None:
        return []
    span = edition.pack.social_index.dynamics_years
    years_with_data = set(edition.indicators["year"])
    comparisons = []
    for year, official in read_official(edition).items():
        if year > edition.year or year not in years_with_data:
            continue
        frame = pd.DataFrame({i: area_values(edition.indicators, i, year) for i in index.status}).reindex(
            edition.pack.area_ids)
        if frame.isna().all().any():
            continue
        dynamic = []
        if year - span in years_with_data:
            for i in index.status:
                frame[f"{i}_change"] = frame[i] - area_values(edition.indicators, i, year - span).reindex(
                    edition.pack.area_ids)
            dynamic = [f"{i}_change" for i in index.status]
        ours = compute_index(frame, index.status, dynamic, None, 0, index.excluded, index.method,
                             shown_as=f"data/{edition.pack.slug}/city.yml")
        table = pd.DataFrame({
            "status_ours": ours["status_class"], "status_official": official["status"],
            "dynamics_ours": ours["dynamic_class"] if dynamic else None, "dynamics_official": official["dynamics"],
        }).reindex(edition.pack.area_ids)
        comparisons.append(YearComparison(year, year - span if dynamic else None, table))
    return comparisons


def agreement(comparison: YearComparison, kind: str) -> tuple[int, int]:
    """(areas with the same class, areas classified by both) for 'status' or 'dynamics'."""
    both = comparison.table[[f"{kind}_ours", f"{kind}_official"]].dropna()
    return int((both[f"{kind}_ours"] == both[f"{kind}_official"]).sum()), len(both)


def crosstab(comparison: YearComparison, kind: str) -> pd.DataFrame:
    """Rows: the project's classes, columns: the official ones; counts of areas (published: no small counts,
    these are counts of areas, not of people)."""
    classes = STATUS_CLASSES if kind == "status" else DYNAMIC_CLASSES
    both = comparison.table[[f"{kind}_ours", f"{kind}_official"]].dropna()
    table = pd.crosstab(both[f"{kind}_ours"], both[f"{kind}_official"]).reindex(
        index=list(classes), columns=list(classes), fill_value=0)
    table.index = [f"Projekt: {c}" for c in table.index]
    table.columns = [f"amtlich: {c}" for c in table.columns]
    table = table.map(format_number)
    span = f"{comparison.dynamics_from}–{comparison.year}" if kind == "dynamics" else str(comparison.year)
    table.attrs["note"] = f"{'Statusklassen' if kind == 'status' else 'Dynamikklassen'} {span}: Anzahl der Gebiete"
    return table


def differences(edition: Edition, comparison: YearComparison) -> pd.DataFrame:
    """Areas classified by both whose status or dynamics class differs, with both classes."""
    table = comparison.table.dropna(subset=["status_ours", "status_official"])
    differs = table["status_ours"] != table["status_official"]
    if comparison.dynamics_from:
        differs |= table["dynamics_ours"].notna() & (table["dynamics_ours"] != table["dynamics_official"])
    differing = table[differs]
    frame = pd.DataFrame({
        edition.pack.area_label: [edition.area_name(a) for a in differing.index],
        "ID": differing.index,
        "Status (Projekt)": differing["status_ours"].to_numpy(),
        "Status (amtlich)": differing["status_official"].to_numpy(),
        "Dynamik (Projekt)": differing["dynamics_ours"].fillna("–").to_numpy(),
        "Dynamik (amtlich)": differing["dynamics_official"].to_numpy(),
    })
    frame.attrs["note"] = f"{comparison.year}: Gebiete mit abweichender Status- oder Dynamikklasse"
    return frame


def summary_text(edition: Edition) -> str:
    comparisons = compare(edition)
    official = edition.pack.social_index.official_classes if edition.pack.social_index else None
    if not comparisons:
        return (f"Für diese Ausgabe liegt kein Jahr vor, für das es sowohl den Index des Projekts als auch "
                f"{official.title if official else 'die amtlichen Klassen'} gibt.")
    parts = []
    for comparison in comparisons:
        same, total = agreement(comparison, "status")
        text = (f"**{comparison.year}**: Statusklasse bei {format_number(same)} von {format_number(total)} "
                f"{dative_plural(edition.pack.area_label_plural)} gleich ({format_number(same / total * 100, 1)} %)")
        same_d, total_d = agreement(comparison, "dynamics")
        if total_d:
            text += (f"; Dynamikklasse bei {format_number(same_d)} von {format_number(total_d)} gleich "
                     f"({format_number(same_d / total_d * 100, 1)} %, Veränderung {comparison.dynamics_from}–"
                     f"{comparison.year})")
        parts.append(text + ".")
    return "\n".join(f"- {p}" for p in parts)
