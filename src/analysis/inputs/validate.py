"""Schema checks (which stop the build) and plausibility findings (which are reported, never fixed)."""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from analysis.catalog.model import Catalog, load_catalog, parse_terms
from analysis.errors import InputError, did_you_mean, raise_all
from analysis.inputs.sources import RawTable
from analysis.pack import levels
from analysis.pack.model import CITY_AREA_ID, REPORTED_CITY_AREA_ID, UNASSIGNED_AREA_ID, CityPack
from analysis.text import SUPPRESSED, dative_plural, format_number

FINDING_KINDS = {
    "more_rows_than_areas": "Mehr Zeilen als Gebiete",
    "area_missing": "Gebiet fehlt in einer Datei",
    "missing_values": "Fehlende Werte in der Quelle",
    "jump": "Sprung zum Vorjahr",
    "sum_differs_from_city_total": "Summe der Gebiete weicht von der Gesamtstadt ab",
    "published_rate_not_reproduced": "Veröffentlichte Quote nicht reproduziert",
    "geometry_corrected": "Geometrie korrigiert (in city.yml deklariert)",
    "facility_area_differs": "Einrichtung liegt in einem anderen Gebiet als angegeben",
    "geometry_repaired": "Geometrie repariert (in city.yml deklariert)",
    "area_without_location": "Gebiet ohne Lage in der Geometrie",
    "level_rows_differ": "Zeilen einer höheren Ebene weichen von der Summe ihrer Gebiete ab",
    "rows_excluded": "Zeilen nicht gelesen (in city.yml begründet)",
    "rows_repeated": "Wiederholte Zeilen übersprungen",
    "parts_exceed_total": "Teilgruppen größer als ihre Summe",
    "crosswalk_disagrees": "Zuordnung und Flächenverschneidung der Gebietsänderung weichen ab",
    "area_without_back_series": "Gebiet ohne Rückrechnung vor der Gebietsänderung",
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
    unknown = [(n, v) for n, check in enumerate(pack.sum_checks) for v in (check.total, *check.parts)
               if v not in pack.declared_variables]
    raise_all([InputError(f"sum_checks nennt die unbekannte Variable '{v}'.", file=f"data/{pack.slug}/city.yml",
                          column=f"sum_checks/{n}", hint=did_you_mean(v, pack.declared_variables))
               for n, v in unknown])


def configured_indicators(pack: CityPack) -> list[tuple[str, str]]:
    """(place in city.yml, indicator id) of every indicator the pack names outside `sources`."""
    named = [("headline_indicator", pack.headline_indicator)] if pack.headline_indicator else []
    if pack.social_index:
        named += [(f"social_index/status/{n}", i) for n, i in enumerate(pack.social_index.status)]
        if pack.social_index.population_indicator:
            named.append(("social_index/population_indicator", pack.social_index.population_indicator))
    if pack.district_types:
        named += [(f"district_types/indicators/{n}", i) for n, i in enumerate(pack.district_types.indicators)]
    named += [(f"trend_indicators/{n}", i) for n, i in enumerate(pack.trend_indicators)]
    for p, programme in enumerate(pack.programme_areas):
        named += [(f"programme_areas/{p}/indicators/{n}", i) for n, i in enumerate(programme.indicators)]
    return named


def missing_variables(indicator, pack: CityPack) -> list[str]:
    """The variables an indicator uses that the pack does not provide, sorted."""
    return sorted(indicator.variables - pack.declared_variables)


@dataclass(frozen=True)
class Availability:
    indicator: str
    origin: str                 # "Katalog", "Paket" (pack's own) or "Paket (ersetzt Katalog)"
    missing: tuple[str, ...]    # variables the pack does not provide; empty: computable


def indicator_availability(pack: CityPack, catalog: Catalog) -> list[Availability]:
    """For every indicator of the catalogue and the pack: computable from the pack's variables, or which
    variables are missing."""
    own = {entry["id"] for entry in pack.indicator_entries}
    standard = {i.id for i in load_catalog().indicators}
    return [Availability(i.id, ("Paket (ersetzt Katalog)" if i.id in standard else "Paket") if i.id in own
                         else "Katalog", tuple(missing_variables(i, pack))) for i in catalog.indicators]


def check_headline(pack: CityPack, catalog: Catalog) -> None:
    """Every indicator the pack names must exist and be computable from its variables; all problems at once."""
    by_id = {i.id: i for i in catalog.indicators}
    errors = []
    for place, indicator_id in configured_indicators(pack):
        if indicator_id not in by_id:
            errors.append(InputError(f"'{indicator_id}' steht nicht im Indikatorenkatalog.",
                                     file=f"data/{pack.slug}/city.yml", column=place,
                                     hint=did_you_mean(indicator_id, by_id) or
                                     "Eigene Indikatoren unter indicators: in city.yml definieren."))
            continue
        missing = missing_variables(by_id[indicator_id], pack)
        if missing:
            errors.append(InputError(f"'{indicator_id}' ist für {pack.name} nicht berechenbar: es fehlt "
                                     f"{', '.join(missing)}.", file=f"data/{pack.slug}/city.yml", column=place,
                                     hint="Die Variable unter sources liefern oder einen berechenbaren Indikator "
                                          "wählen (sozialbericht validate listet sie)."))
    raise_all(errors)


def _level_row_findings(pack: CityPack, catalog: Catalog, tables: list[RawTable], tidy: pd.DataFrame) -> list[Finding]:
    """Rows of higher-level units in a table (Stadtbezirk rows beside the Stadtteile) are reference values:
    the sum of their areas is checked against them, one finding per file, variable and level that differs."""
    findings = []
    for table in tables:
        if not table.level_rows:
            continue
        rows = pd.DataFrame(table.level_rows)
        for level in pack.levels:
            reported = rows[rows["level"] == level.id]
            for variable, column in table.source.variables.items():
                if reported.empty or column not in reported:
                    continue
                summed = levels.aggregate(tidy[tidy["variable"] == variable], pack, level)
                merged = reported[["year", "area_id", column, "line"]].merge(
                    summed[["year", "area_id", "value"]], on=["year", "area_id"]).dropna(subset=[column, "value"])
                differing = merged[merged[column] != merged["value"]]
                if differing.empty:
                    continue
                worst = differing.loc[(differing[column] - differing["value"]).abs().idxmax()]
                difference = worst[column] - worst["value"]
                numbers = ((SUPPRESSED,) * 3 if pack.disclosure.is_small_count(abs(difference)) else
                           (format_number(worst["value"]), format_number(worst[column]), format_number(difference)))
                findings.append(Finding(
                    "level_rows_differ", table.shown_as, int(worst["line"]), table.source.area_column,
                    int(worst["year"]), None,
                    f"{catalog.variable_name(variable)}: In {len(differing)} von {len(merged)} Zeilen der "
                    f"{level.label_plural} weicht die gemeldete Zahl von der Summe der {pack.area_label_plural} "
                    f"ab; am stärksten {level.label} {worst['area_id']} {int(worst['year'])}: Summe {numbers[0]}, "
                    f"gemeldet {numbers[1]} (Differenz {numbers[2]})."))
    return findings


def _sum_check_findings(pack: CityPack, catalog: Catalog, wide: pd.DataFrame) -> list[Finding]:
    """Disjoint parts adding up to more than their total (across sources): one finding per check and year."""
    findings = []
    for check in pack.sum_checks:
        used = [check.total, *check.parts]
        if not set(used) <= set(wide.columns):
            continue
        values = wide[used].dropna()
        values = values[~values.index.get_level_values("area_id").isin([UNASSIGNED_AREA_ID, CITY_AREA_ID])]
        parts = values[list(check.parts)].sum(axis=1)
        over = values[parts > values[check.total] * (1 + check.tolerance_share)]
        for year, rows in over.groupby(level="year"):
            worst = (parts[rows.index] / rows[check.total]).idxmax()
            share = (parts[worst] / values.loc[worst, check.total] - 1) * 100
            names = " + ".join(catalog.variable_name(p) for p in check.parts)
            findings.append(Finding(
                "parts_exceed_total", f"data/{pack.slug}/city.yml", None, "sum_checks", int(year), worst[1],
                f"{names} ist in {len(rows)} "
                f"{dative_plural(pack.area_label_plural) if len(rows) > 1 else 'einem ' + pack.area_label} "
                f"größer als {catalog.variable_name(check.total)}, am stärksten in {pack.area_names[worst[1]]} "
                f"(um {format_number(share)} %). Überschneiden sich die Gruppen, oder haben die Quellen "
                "verschiedene Stichtage?"))
    return findings


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


def _skipped_row_findings(tables: list[RawTable]) -> list[Finding]:
    """Rows a declared rule kept out, one finding per file and reason, and exact repeats of earlier rows."""
    findings = []
    for table in tables:
        by_reason: dict[str, list] = {}
        for line, cell, reason in table.excluded:
            by_reason.setdefault(reason, []).append((line, cell))
        for reason, rows in by_reason.items():
            cells = list(dict.fromkeys(cell for _, cell in rows))
            shown = ", ".join(cells[:10]) + (" …" if len(cells) > 10 else "")
            findings.append(Finding("rows_excluded", table.shown_as, rows[0][0], table.source.area_column, None,
                                    None, f"{len(rows)} Zeilen nicht gelesen ({shown}): {reason}."))
        if table.repeated:
            pairs = ", ".join(f"{line} = {first}" for line, first in table.repeated[:5])
            findings.append(Finding("rows_repeated", table.shown_as, table.repeated[0][0], None, None, None,
                                    f"{len(table.repeated)} Zeilen wiederholen frühere Zeilen Wert für Wert "
                                    f"(Zeile {pairs}{' …' if len(table.repeated) > 5 else ''}) und wurden "
                                    "einmal gezählt."))
    return findings


def _jump_findings(pack: CityPack, catalog: Catalog, tables: list[RawTable]) -> list[Finding]:
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
                    "jump", row.file, int(row.line), column.replace("{year}", str(int(row.year))), int(row.year),
                    row.area_id,
                    f"{catalog.variable_name(variable)}: {change} gegenüber {row.year - 1}; "
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


def correction_findings(pack: CityPack, corrections, repairs=(), unlocated=()) -> list[Finding]:
    """The geometry corrections and repairs the pack declares, reported with the feature they changed, and the
    areas a point file gives no location."""
    if pack.geometry is None:
        return []
    shown = pack.display_path(pack.geometry.file)
    found = [Finding("geometry_corrected", shown, c.feature, pack.geometry.id_field, None, c.new_id,
                     f"Objekt {c.feature}: ID {c.old_id} → {c.new_id}. {c.reason}") for c in corrections]
    for r in repairs:
        change = (r.area_after - r.area_before) / r.area_before * 100 if r.area_before else 0.0
        found.append(Finding("geometry_repaired", shown, r.feature, "geometry", None, r.area_id,
                             f"{r.name}: ungültige Fläche ({r.problem}) mit make_valid repariert; die Fläche "
                             f"ändert sich um {format_number(change, 2)} %."))
    if unlocated:
        names = ", ".join(pack.area_names[a] for a in unlocated)
        found.append(Finding("area_without_location", shown, None, pack.geometry.id_field, None, None,
                             f"{len(unlocated)} {pack.area_label_plural if len(unlocated) > 1 else pack.area_label} "
                             f"ohne Punkt in der Geometrie: {names}. Sie fehlen in den Karten; ihre Werte stehen in "
                             "den Tabellen."))
    return found


def check_polygons_where_needed(pack: CityPack, kind: str) -> None:
    """Facilities are joined to the areas and programme areas overlaid on them by polygon: both need
    polygons, not points."""
    needs = [("facilities", "Einrichtungen (facilities) werden den Gebieten über deren Flächen zugeordnet")
             ] if pack.facilities else []
    needs += [(f"programme_areas/{n}/polygon_file",
               f"Das Fördergebiet {p.name} wird mit den Gebietsflächen verschnitten")
              for n, p in enumerate(pack.programme_areas) if p.polygon_file]
    if kind != "polygons" and needs:
        place, reason = needs[0]
        raise InputError(f"{reason}; die Geometrie des Pakets hat aber {'Punkte' if kind == 'points' else 'keine'}.",
                         file=f"data/{pack.slug}/city.yml", column=place,
                         hint="Eine Geometrie mit Flächen angeben oder den Abschnitt entfernen.")


def plausibility_findings(pack: CityPack, catalog: Catalog, tables: list[RawTable], tidy: pd.DataFrame,
                          indicators: pd.DataFrame, wide: pd.DataFrame,
                          reconciliation: pd.DataFrame) -> list[Finding]:
    findings = (_row_count_findings(pack, tables) + _missing_area_findings(pack, tables)
                + _missing_value_findings(tables) + _skipped_row_findings(tables)
                + _jump_findings(pack, catalog, tables)
                + _city_total_findings(pack, tidy, wide, tables) + _sum_check_findings(pack, catalog, wide)
                + _level_row_findings(pack, catalog, tables, tidy))
    for row in reconciliation.itertuples():
        if row.reproduced < row.compared and not row.note:
            findings.append(Finding("published_rate_not_reproduced", row.file, None, row.column, None, None,
                                    f"{row.label}: {row.compared - row.reproduced} von {row.compared} Werten "
                                    f"weichen ab (höchstens {format_number(row.max_difference, 2)}); "
                                    "city.yml erklärt nicht, warum."))
    return findings
