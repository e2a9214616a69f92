"""Schema checks (which stop the build) and plausibility findings (which are reported, never fixed)."""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from analysis.catalog.model import Catalog, parse_terms
from analysis.errors import InputError, did_you_mean
from analysis.inputs.sources import RawTable
from analysis.pack.model import CITY_AREA_ID, REPORTED_CITY_AREA_ID, UNASSIGNED_AREA_ID, CityPack
from analysis.text import SUPPRESSED, format_number

FINDING_KINDS = {
    "more_rows_than_areas": "Mehr Zeilen als Gebiete",
    "area_missing": "Gebiet fehlt in einer Datei",
    "missing_values": "Fehlende Werte in der Quelle",
    "jump": "Sprung zum Vorjahr",
    "sum_differs_from_city_total": "Summe der Gebiete weicht von der Gesamtstadt ab",
    "published_rate_not_reproduced": "Veröffentlichte Quote nicht reproduziert",
    "geometry_corrected": "Geometrie korrigiert (in city.yml deklariert)",
    "facility_area_differs": "Einrichtung liegt in einem anderen Gebiet als angegeben",
}


@dataclass(frozen=True)
class Finding:
    kind: str
    file: str
    row: int | None
    column: str | None
    year: int | None
    area_id: str | None
    message: str

    @property
    def kind_title(self) -> str:
        return FINDING_KINDS[self.kind]


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    columns = ["kind", "file", "row", "column", "year", "area_id", "message"]
    # A file declared twice (its counts and its shares as two sources) reports its flaws once.
    return pd.DataFrame([asdict(f) for f in findings], columns=columns).drop_duplicates().reset_index(drop=True)


def check_declared_years(pack: CityPack, tables: list[RawTable]) -> None:
    """Every declared edition year must have population data (the base of nearly every rate)."""
    for table in tables:
        if "residents_total" in table.source.variables and table.source.level == "area":
            present = set(table.frame["year"])
            for year in pack.editions:
                if year not in present:
                    raise InputError(f"Ausgabe {year} ist in city.yml deklariert, aber die Datei enthält "
                                     f"keine Zeilen für {year}.", file=table.shown_as,
                                     column=table.source.year_column,
                                     hint=f"Die Daten für {year} ergänzen oder die Ausgabe aus city.yml entfernen.")
            return
    raise InputError("Keine Quelle liefert die Variable 'residents_total' (Einwohner je Gebiet).",
                     file=f"data/{pack.slug}/city.yml", column="sources")


def check_variables_known(pack: CityPack, catalog: Catalog) -> None:
    """Every published comparison must point to an indicator or a variable the pack declares."""
    ids = {i.id for i in catalog.indicators}
    variables = {v for source in pack.sources for v in source.variables} | set(pack.derived_variables)
    for source in pack.sources:
        for published in source.published:
            if published.indicator and published.indicator not in ids:
                raise InputError(f"Vergleich mit unbekanntem Indikator '{published.indicator}'.",
                                 file=f"data/{pack.slug}/city.yml", column=f"{source.file}/published",
                                 hint=f"Bekannte Indikatoren: {', '.join(sorted(ids))}")
            if published.share_of_city_total and published.share_of_city_total not in variables:
                raise InputError(f"Vergleich mit unbekannter Variable '{published.share_of_city_total}'.",
                                 file=f"data/{pack.slug}/city.yml", column=f"{source.file}/published")


def check_headline(pack: CityPack, catalog: Catalog) -> None:
    if pack.headline_indicator and pack.headline_indicator not in {i.id for i in catalog.indicators}:
        raise InputError(f"headline_indicator '{pack.headline_indicator}' steht nicht im Indikatorenkatalog.",
                         file=f"data/{pack.slug}/city.yml", column="headline_indicator",
                         hint=did_you_mean(pack.headline_indicator, [i.id for i in catalog.indicators]))


def _row_count_findings(pack: CityPack, tables: list[RawTable]) -> list[Finding]:
    findings = []
    for table in tables:
        if table.source.level != "area":
            continue
        counts = table.frame.groupby("year").size()
        for year, count in counts[counts > len(pack.areas)].items():
            extra = table.frame[(table.frame["year"] == year) & (table.frame["area_id"] == UNASSIGNED_AREA_ID)]
            row = int(extra["line"].iloc[0]) if len(extra) else None
            findings.append(Finding(
                "more_rows_than_areas", table.shown_as, row, table.source.area_column, int(year), None,
                f"{count} Zeilen für {len(pack.areas)} {pack.area_label_plural}; "
                f"{len(extra)} Zeile(n) ohne {pack.area_label} werden als „nicht zuordenbar“ "
                "nur in der Gesamtstadt gezählt."))
    return findings


def _missing_area_findings(pack: CityPack, tables: list[RawTable]) -> list[Finding]:
    """An area without a row in a year its file covers: its values are missing, and so is every city total
    summed from them. Reported with file, year and area, never passed over in silence."""
    findings = []
    for table in tables:
        if table.source.level != "area":
            continue
        present = table.frame.groupby("year")["area_id"].agg(set)
        for year, areas in present.items():
            for area in pack.areas:
                if (area.first_year or 0) <= year and area.id not in areas:
                    findings.append(Finding(
                        "area_missing", table.shown_as, None, table.source.area_column, int(year), area.id,
                        f"Für {pack.area_label} {area.name} ({area.id}) fehlt die Zeile des Jahres {year}. "
                        "Seine Werte und die daraus summierten Werte der Gesamtstadt fehlen in diesem Jahr."))
    return findings


def _missing_value_findings(tables: list[RawTable]) -> list[Finding]:
    findings = []
    for table in tables:
        for column in table.source.variables.values():
            missing = table.frame[table.frame[column].isna()]
            if len(missing):
                meaning = table.source.missing_meaning or "Der Wert fehlt in der Quelle."
                places = ", ".join(f"{r.year}/{r.area_id}" for r in missing.itertuples())
                findings.append(Finding("missing_values", missing["file"].iloc[0], int(missing["line"].iloc[0]), column,
                                        None, None, f"{len(missing)} fehlende Werte ({places}). {meaning}"))
    return findings


def _jump_findings(pack: CityPack, tables: list[RawTable]) -> list[Finding]:
    findings, rules = [], pack.disclosure
    for table in tables:
        frame = table.frame[~table.frame["area_id"].isin([UNASSIGNED_AREA_ID])].sort_values(["area_id", "year"])
        for variable, column in table.source.variables.items():
            previous = frame.groupby("area_id")[column].shift(1)
            previous_year = frame.groupby("area_id")["year"].shift(1)
            consecutive = frame["year"] - previous_year == 1
            share = (frame[column] - previous).abs() / previous.where(previous > 0)
            big_enough = np.maximum(frame[column], previous) >= pack.plausibility.min_count_for_jump
            flagged = frame[consecutive & big_enough & (share > pack.plausibility.max_jump_share)]
            for row in flagged.itertuples():
                before = previous.loc[row.Index]
                after = frame.at[row.Index, column]
                if rules.is_small_count(before) or rules.is_small_count(after):
                    # The percentage would reveal the withheld side.
                    change = f"{SUPPRESSED} → {SUPPRESSED}"
                else:
                    change = (f"{format_number(before)} → {format_number(after)} "
                              f"({'+' if after > before else '−'}"
                              f"{format_number(abs(after - before) / before * 100)} %)")
                findings.append(Finding(
                    "jump", row.file, int(row.line), column, int(row.year), row.area_id,
                    f"{variable}: {change} gegenüber {row.year - 1}; "
                    f"Grenze ±{format_number(pack.plausibility.max_jump_share * 100)} %."))
    return findings


def check_shares(pack: CityPack, catalog: Catalog, tables: list[RawTable], indicators: pd.DataFrame) -> None:
    """A share's numerator is part of its denominator: a larger numerator means a broken delivery."""
    shares = {i.id: i for i in catalog.indicators if i.kind == "share"}
    broken = indicators[indicators["indicator"].isin(shares) &
                        (indicators["numerator"] > indicators["denominator"])]
    if broken.empty:
        return
    row = broken.iloc[0]
    indicator = shares[row["indicator"]]
    variable = parse_terms(indicator.numerator)[0][1]
    file, line, column = f"data/{pack.slug}/city.yml", None, variable
    for table in tables:
        if variable in table.source.variables:
            file, column = table.shown_as, table.source.variables[variable]
            match = table.frame[(table.frame["year"] == row["year"]) & (table.frame["area_id"] == row["area_id"])]
            if len(match):
                file, line = match["file"].iloc[0], int(match["line"].iloc[0])
    place = "Gesamtstadt" if row["area_id"] == CITY_AREA_ID else f"{pack.area_label} '{row['area_id']}'"
    raise InputError(
        f"Zähler größer als Nenner: {indicator.title} {int(row['year'])}, {place}: {indicator.numerator} = "
        f"{format_number(row['numerator'])}, aber {indicator.denominator} = {format_number(row['denominator'])}"
        f"{f' (und {len(broken) - 1} weitere Fälle)' if len(broken) > 1 else ''}.",
        file=file, row=line, column=column,
        hint="Ein Anteil kann nicht größer als seine Bezugsgröße sein: Spalten vertauscht oder Lieferung "
             "unvollständig? Beim Datenhalter nachfragen.")


def _city_total_findings(pack: CityPack, tidy: pd.DataFrame, wide_city: pd.DataFrame,
                         tables: list[RawTable]) -> list[Finding]:
    findings, rules = [], pack.disclosure
    reported = tidy[tidy["area_id"] == REPORTED_CITY_AREA_ID]
    city_files = {v: t.shown_as for t in tables if t.source.level == "city" for v in t.source.variables}
    for row in reported.itertuples():
        key = (row.year, CITY_AREA_ID)
        if key not in wide_city.index or row.variable not in wide_city.columns:
            continue
        computed = wide_city.loc[key, row.variable]
        if pd.notna(computed) and pd.notna(row.value) and computed != row.value:
            difference = abs(row.value - computed)
            # A small difference is a small count. The areas' sum can be rebuilt from the published
            # area values, so the reported total is withheld with it.
            if rules.is_small_count(difference):
                numbers = (SUPPRESSED, SUPPRESSED, SUPPRESSED)
            else:
                numbers = (format_number(computed), format_number(row.value), format_number(row.value - computed))
            findings.append(Finding(
                "sum_differs_from_city_total", city_files.get(row.variable, ""), None, row.variable,
                int(row.year), None,
                f"{row.variable}: Summe der {pack.area_label_plural} {numbers[0]}, gemeldete Gesamtstadt "
                f"{numbers[1]} (Differenz {numbers[2]})."))
    return findings


def reconcile_published(pack: CityPack, catalog: Catalog, tables: list[RawTable],
                        tidy: pd.DataFrame, indicators: pd.DataFrame, wide: pd.DataFrame) -> pd.DataFrame:
    """Compare every percentage the source publishes with our own computation."""
    rows = []
    ids = {i.id for i in catalog.indicators}
    for table in tables:
        for published in table.source.published:
            observed = table.frame[["year", "area_id", published.column]].dropna()
            observed = observed[observed["area_id"] != UNASSIGNED_AREA_ID]
            if published.indicator:
                if published.indicator not in ids:
                    continue
                ours = indicators[indicators["indicator"] == published.indicator][["year", "area_id", "value"]]
                method = f"Indikator {catalog.get(published.indicator).title}"
            else:
                variable = published.share_of_city_total
                values = tidy[tidy["variable"] == variable]
                totals = (values.groupby("year")["value"].sum(min_count=1)).rename("total")
                ours = values.merge(totals, on="year")
                ours = ours.assign(value=ours["value"] / ours["total"] * 100)[["year", "area_id", "value"]]
                method = f"Anteil an der Summe aller Zeilen (einschließlich nicht zuordenbar) von {variable}"
            merged = observed.merge(ours, on=["year", "area_id"], how="inner")
            if merged.empty:
                continue
            decimals = max(len(f"{v:g}".partition(".")[2]) for v in merged[published.column])
            tolerance = 0.5 * 10 ** -decimals + 1e-9
            difference = (merged["value"] - merged[published.column]).abs()
            rows.append({
                "file": table.shown_as, "column": published.column, "label": published.label,
                "method": method, "compared": len(merged), "reproduced": int((difference <= tolerance).sum()),
                "max_difference": float(difference.max()), "mean_difference":
                    float((merged["value"] - merged[published.column]).mean()),
                "note": published.note or ""})
    return pd.DataFrame(rows, columns=["file", "column", "label", "method", "compared", "reproduced",
                                       "max_difference", "mean_difference", "note"])


def correction_findings(pack: CityPack, corrections) -> list[Finding]:
    """The geometry corrections the pack declares, reported with the feature they changed."""
    return [Finding("geometry_corrected", pack.display_path(pack.geometry.file), c.feature,
                    pack.geometry.id_field, None, c.new_id,
                    f"Objekt {c.feature}: ID {c.old_id} → {c.new_id}. {c.reason}") for c in corrections]


def plausibility_findings(pack: CityPack, catalog: Catalog, tables: list[RawTable], tidy: pd.DataFrame,
                          indicators: pd.DataFrame, wide: pd.DataFrame,
                          reconciliation: pd.DataFrame) -> list[Finding]:
    findings = (_row_count_findings(pack, tables) + _missing_area_findings(pack, tables)
                + _missing_value_findings(tables) + _jump_findings(pack, tables)
                + _city_total_findings(pack, tidy, wide, tables))
    for row in reconciliation.itertuples():
        if row.reproduced < row.compared and not row.note:
            findings.append(Finding("published_rate_not_reproduced", row.file, None, row.column, None, None,
                                    f"{row.label}: {row.compared - row.reproduced} von {row.compared} Werten "
                                    f"weichen ab (höchstens {format_number(row.max_difference, 2)}); "
                                    "city.yml erklärt nicht, warum."))
    return findings
