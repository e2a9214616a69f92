"""Raw files → one tidy table (year, area_id, variable, value), by declarative readers.

Every parsing problem raises an InputError naming file, row and column; raw values are never edited."""
from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field

import pandas as pd

from analysis.catalog.model import parse_terms
from analysis.errors import InputError, did_you_mean, raise_all
from analysis.pack.model import REPORTED_CITY_AREA_ID, UNASSIGNED_AREA_ID, CityPack, Source
from analysis.text import name_key, repaired_umlauts

TIDY_COLUMNS = ["year", "area_id", "variable", "value"]
GROUPED_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")


def _whole_count(value: float, text: str, shown_as: str, row: int, column: str, decimal: str) -> float:
    """Counts are whole numbers: '4.0' is 4; '3.367' is an error, because it is almost always 3.367 people
    written with a thousands separator, and reading it as 3,367 would be silently wrong."""
    if math.isnan(value) or value == int(value):
        return value
    hint = ("Ist der Punkt ein Tausendertrennzeichen? Dann 'decimal: \",\"' in city.yml angeben oder die Zahl "
            "ohne Trennzeichen schreiben." if decimal == "." and "." in text else
            "Die Spalte ist als Anzahl deklariert; Anteile gehören in eine Quelle mit 'counts: false'.")
    raise InputError(f"'{text}' ist keine ganze Zahl, die Spalte enthält Anzahlen.", file=shown_as, row=row,
                     column=column, hint=hint)


@dataclass
class RawTable:
    """One source, parsed: `line` and `file` (where each row stands), year, area_id, value columns.

    `shown_as` is the declared file name (with {year} for a source of one file per year). `excluded` holds the
    rows not read by a declared rule (line, cell, reason), `repeated` the exact repeats of earlier rows
    (line, line of the first), `level_rows` the rows of units of a declared higher level."""
    source: Source
    shown_as: str
    frame: pd.DataFrame
    excluded: list = field(default_factory=list)
    repeated: list = field(default_factory=list)
    level_rows: list = field(default_factory=list)   # records of higher-level units (level, area_id = its id)


YEAR_TOKENS = {"YYYY": r"(?P<year>\d{4})", "MM": r"\d{1,2}", "DD": r"\d{1,2}"}
EXCLUDED = object()    # an area cell the pack declares as not to be read
LEVEL_ROW = object()   # an area cell that is the id of a unit of a declared higher level
ROW_ERRORS_PER_FILE = 50


def year_regex(pattern: str | None) -> re.Pattern:
    """'DD.MM.YYYY' → a pattern whose group 'year' is the year; None → four digits alone."""
    parts = re.split(r"(YYYY|MM|DD)", pattern or "YYYY")
    return re.compile("".join(YEAR_TOKENS.get(part, re.escape(part)) for part in parts))


class AreaCells:
    """What an area cell of a source stands for: an area id, the city total, a unit of a higher level (a
    reference value the areas' sum is checked against), no area, or a row not to read."""

    def __init__(self, pack: CityPack, source: Source):
        self.pack, self.source = pack, source
        self.ids = set(pack.area_ids)
        self.parents = {level.parent_of(a): level.id for level in pack.levels for a in pack.area_ids}
        self.by_name = {}
        if source.area_key == "name":
            for area in pack.areas:
                for spelling in (area.name, *area.aliases):
                    self.by_name.setdefault(name_key(spelling), area.id)

    def resolve(self, cell: str, shown_as: str, line: int):
        """The area id, REPORTED_CITY_AREA_ID, UNASSIGNED_AREA_ID, (EXCLUDED, reason) or (LEVEL_ROW, level id)."""
        source = self.source
        if cell in source.city_rows:
            return REPORTED_CITY_AREA_ID
        if source.unassigned_value is not None and cell == source.unassigned_value:
            return UNASSIGNED_AREA_ID
        for rule in source.excluded_rows:
            if rule.holds(cell):
                return EXCLUDED, rule.reason
        if source.area_key == "id" and cell not in self.ids and cell in self.parents:
            return LEVEL_ROW, self.parents[cell]
        if source.area_key == "name":
            area_id = self.by_name.get(name_key(cell))
            if area_id is not None:
                return area_id
            names = [a.name for a in self.pack.areas]
            suggestion = did_you_mean(repaired_umlauts(cell).strip(), names)
            raise InputError(f"{self.pack.area_label} '{cell}' ist unbekannt.", file=shown_as, row=line,
                             column=source.area_column,
                             hint=(f"{suggestion} Dann die Schreibweise als alias des Gebiets deklarieren "
                                   f"(areas: - id: …, aliases: ['{cell.strip()}'])." if suggestion else
                                   self._other_rows_hint()))
        if cell in self.ids:
            return cell
        shown = ", ".join(self.pack.area_ids[:20]) + (" …" if len(self.ids) > 20 else "")
        # Numeric codes are not words: '001' is no typo of '101' but a row of another level, so only
        # names-like ids get a suggestion.
        suggestion = None if cell.isdigit() else did_you_mean(cell, self.ids)
        hint = f"{suggestion + ' ' if suggestion else ''}Bekannte IDs: {shown}. {self._other_rows_hint()}"
        raise InputError(f"{self.pack.area_label} '{cell}' ist unbekannt.", file=shown_as, row=line,
                         column=source.area_column, hint=hint)

    def _other_rows_hint(self) -> str:
        return ("Steht die Zeile für die Gesamtstadt, unter city_rows angeben; für eine Einheit einer höheren "
                "Ebene diese Ebene unter levels deklarieren (id_length oder parent_id), dann wird die Zeile mit "
                "der Summe ihrer Gebiete verglichen; Zeilen, die nicht gelesen werden sollen, unter excluded_rows "
                "(mit Grund); Fälle ohne Gebiet, die in der Summe der Stadt fehlen, unter unassigned_value.")


def _decode(data: bytes, source: Source, shown_as: str) -> str:
    if not data.strip():
        raise InputError("Datei ist leer.", file=shown_as, hint="Die gelieferte Datei neu exportieren.")
    if b"\x00" in data[:4096]:
        raise InputError("Datei ist keine Texttabelle (enthält Binärdaten).", file=shown_as,
                         hint="Als CSV exportieren (z. B. in Excel: 'Speichern unter' → CSV).")
    try:
        text = data.decode(source.encoding)
    except UnicodeDecodeError as exc:
        row = data[:exc.start].count(b"\n") + 1
        other = "cp1252" if source.encoding.lower().replace("-", "") in ("utf8",) else "utf-8"
        raise InputError(f"Zeichen nicht als {source.encoding} lesbar (Byte {data[exc.start]:#04x}).",
                         file=shown_as, row=row,
                         hint=f"Die Datei ist vermutlich {other}-kodiert: 'encoding: {other}' in city.yml "
                              "angeben oder die Datei als UTF-8 speichern.") from None
    # UTF-8 umlauts read as cp1252/latin-1 become 'Ã' plus a second character ('ü' → 'Ã¼').
    garbled = re.search("Ã[¤¶¼„–œŸ]", text) \
        if source.encoding.lower().replace("-", "").replace("_", "") in ("cp1252", "latin1", "iso88591") else None
    if garbled:
        raise InputError(f"Umlaute erscheinen doppelt kodiert ('{garbled.group(0)}'): Die Datei ist UTF-8, "
                         f"deklariert ist {source.encoding}.", file=shown_as,
                         row=text[:garbled.start()].count("\n") + 1,
                         hint="'encoding: utf-8' in city.yml angeben (oder die Zeile entfernen).")
    return text.lstrip("\ufeff")


def _parse_number(cell: str, source: Source, shown_as: str, row: int, column: str) -> float:
    text = cell.strip()
    if text in source.missing_values:
        return math.nan
    if text in source.zero_values:
        return 0.0
    if text == "":
        raise InputError("leere Zelle in einer Zahlenspalte.", file=shown_as, row=row, column=column,
                         hint="Fehlende Werte in der Quelle kennzeichnen und unter missing_values deklarieren.")
    normal = text
    if source.decimal == ",":
        if "." in text and not GROUPED_THOUSANDS.match(text):
            raise InputError(f"'{text}' passt nicht zum deklarierten Dezimalkomma: Ein Punkt kann hier nur "
                             "Tausender trennen (1.234,5).", file=shown_as, row=row, column=column,
                             hint="Steht der Punkt für Dezimalstellen, 'decimal: \".\"' in city.yml angeben.")
        normal = text.replace(".", "").replace(",", ".")
    elif "," in text and text.replace(",", "").replace("-", "").isdigit():
        raise InputError(f"'{text}' enthält ein Dezimalkomma, deklariert ist der Dezimalpunkt.",
                         file=shown_as, row=row, column=column, hint="'decimal: \",\"' in city.yml angeben.")
    try:
        value = float(normal)
    except ValueError:
        raise InputError(f"'{text}' ist keine Zahl.", file=shown_as, row=row, column=column,
                         hint="Nur Zahlen oder deklarierte Fehlwert-Kennungen (missing_values) verwenden.") from None
    if not math.isfinite(value):
        raise InputError(f"'{text}' ist keine endliche Zahl.", file=shown_as, row=row, column=column)
    if value < 0:
        raise InputError(f"negativer Wert {text}; Anzahlen und Quoten sind nie negativ.",
                         file=shown_as, row=row, column=column, hint="Die Lieferung beim Datenhalter prüfen.")
    return value


def _read_rows(pack: CityPack, source: Source, relative: str, fixed_year: int | None,
               shown_as: str) -> list[list[str]]:
    path = pack.path(relative)
    if not path.is_file():
        hint = (f"Für jedes Jahr unter years wird eine Datei erwartet ({source.file})." if fixed_year
                else "Datei in den Ordner raw/ des Stadtpakets legen.")
        raise InputError("Datei fehlt.", file=shown_as, hint=hint)
    pack.limits.check_size(path, shown_as)
    text = _decode(path.read_bytes(), source, shown_as)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=source.delimiter)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise InputError(f"keine lesbare CSV-Tabelle: {exc}", file=shown_as, row=reader.line_num) from None
    header = [h.strip() for h in rows[0]] if rows else []
    if len(header) < 2:
        other = ";" if source.delimiter == "," else ","
        hint = (f"Trennzeichen ist offenbar '{other}': 'delimiter: \"{other}\"' in city.yml angeben."
                if header and other in header[0] else "Die Datei muss eine Kopfzeile mit Spaltennamen haben.")
        raise InputError("keine Tabelle mit mehreren Spalten erkannt.", file=shown_as, row=1, hint=hint)
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        raise InputError(f"Spalte '{repeated[0]}' steht {header.count(repeated[0])}-mal in der Kopfzeile.",
                         file=shown_as, row=1, column=repeated[0],
                         hint="Jede Spalte braucht einen eigenen Namen; sonst ist nicht klar, welche gemeint ist.")
    return [header, *rows[1:]]


def _year_columns(source: Source, header: list[str], shown_as: str) -> dict[int, dict[str, str]]:
    """Wide by year: year → {template: column of that year} for templates like 'Einwohner {year}'."""
    by_year: dict[int, dict[str, str]] = {}
    for template in source.variables.values():
        pattern = re.compile(re.escape(template).replace(re.escape("{year}"), r"(?P<year>\d{4})"))
        for column in header:
            match = pattern.fullmatch(column)
            if match:
                by_year.setdefault(int(match["year"]), {})[template] = column
    if not by_year:
        template = next(iter(source.variables.values()))
        raise InputError(f"Keine Spalte passt zu '{template}' ({{year}} steht für eine vierstellige Jahreszahl).",
                         file=shown_as, row=1, column=template, hint=f"Vorhandene Spalten: {', '.join(header)}")
    return by_year


def _read_file(pack: CityPack, source: Source, relative: str, fixed_year: int | None,
               table: RawTable) -> list[dict]:
    """The records of one file: line, file, year, area_id and one entry per value column.

    Problems of single rows are collected and raised together (up to ROW_ERRORS_PER_FILE)."""
    shown_as = pack.display_path(relative)
    header, *body = _read_rows(pack, source, relative, fixed_year, shown_as)
    if source.year_in_columns:
        by_year = _year_columns(source, header, shown_as)
        references = list(source.variables.values())   # a template stands for its column of each year
        column_of = {}
    else:
        by_year = None
        references = list(dict.fromkeys([*source.variables.values(), *(p.column for p in source.published)]))
        column_of = {reference: source.category_of(reference)[0] for reference in references}
    category_of = {reference: source.category_of(reference)[1] for reference in references}
    count_columns = set(source.variables.values()) if source.counts else set()
    key_columns = [*([source.year_column] if source.year_column else []),
                   *([source.area_column] if source.level == "area" else []),
                   *([source.category_column] if source.category_column else []),
                   *(column for column, _ in source.filters)]
    needed = [*key_columns, *dict.fromkeys(column_of.values()),
              *(c for columns in (by_year or {}).values() for c in columns.values())]
    for column in needed:
        if column not in header:
            raise InputError(f"Spalte '{column}' fehlt.", file=shown_as, row=1, column=column,
                             hint=did_you_mean(column, header) or f"Vorhandene Spalten: {', '.join(header)}")
    position = {name: header.index(name) for name in needed}
    years_of_row = sorted(by_year) if by_year else [fixed_year]
    year_pattern = year_regex(source.year_pattern)
    areas = AreaCells(pack, source)
    declared_categories = sorted({c for c in category_of.values() if c is not None})
    # A long table declared by value_column holds rows of other topics too: keys without a variable are skipped.
    skip_undeclared = source.value_column is not None
    records, seen, by_key, errors, undeclared = [], {}, {}, [], {}
    for line, cells in enumerate(body, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(errors) >= ROW_ERRORS_PER_FILE:
            errors.append(InputError(f"weitere Zeilen nicht geprüft (mehr als {ROW_ERRORS_PER_FILE} Probleme).",
                                     file=shown_as))
            break
        try:
            if len(cells) != len(header):
                raise InputError(f"{len(cells)} Felder statt {len(header)} wie in der Kopfzeile.",
                                 file=shown_as, row=line, hint="Trennzeichen und Anführungszeichen prüfen.")
            if any(cells[position[column]].strip() not in wanted for column, wanted in source.filters):
                continue
            category = cells[position[source.category_column]].strip() if source.category_column else None
            if category is not None and category not in declared_categories:
                if skip_undeclared:
                    undeclared.setdefault(category, line)
                    continue
                raise InputError(f"Kategorie '{category}' ist nicht deklariert.", file=shown_as, row=line,
                                 column=source.category_column,
                                 hint=f"Deklariert: {', '.join(declared_categories)}; jede Kategorie der Datei als "
                                      "Variable 'Spalte[Kategorie]' angeben.")
            if source.level == "city":
                area_id = REPORTED_CITY_AREA_ID
            else:
                area_cell = cells[position[source.area_column]].strip()
                area_id = areas.resolve(area_cell, shown_as, line)
                if isinstance(area_id, tuple) and area_id[0] is EXCLUDED:
                    table.excluded.append((line, area_cell, area_id[1]))
                    continue
                if isinstance(area_id, tuple):   # a unit of a higher level: kept apart as a reference value
                    area_id = (area_id[1], area_cell)
            if source.year_column:
                year_text = cells[position[source.year_column]].strip()
                match = year_pattern.fullmatch(year_text)
                if not match:
                    expected = f" im Format {source.year_pattern}" if source.year_pattern else ""
                    raise InputError(f"'{year_text}' ist keine Jahreszahl{expected}.", file=shown_as, row=line,
                                     column=source.year_column,
                                     hint=None if source.year_pattern else
                                     "Steht hier ein Datum, sein Format unter year_pattern angeben, z. B. "
                                     "'DD.MM.YYYY' oder 'YYYY_MM_DD'.")
                years_of_row = [int(match["year"])]
            for year in years_of_row:
                parsed = {}
                for reference in references:
                    if category_of[reference] != category:
                        continue
                    column = by_year[year].get(reference) if by_year else column_of[reference]
                    if column is None:       # wide by year: this variable has no column for this year
                        parsed[reference] = math.nan
                        continue
                    cell = cells[position[column]]
                    parsed[reference] = _parse_number(cell, source, shown_as, line, column)
                    if reference in count_columns:
                        _whole_count(parsed[reference], cell.strip(), shown_as, line, column, source.decimal)
                if source.all_zero_means_missing and all(v == 0 for v in parsed.values()):
                    parsed = dict.fromkeys(parsed, math.nan)
                key = (year, area_id, category)
                if key in seen:
                    first_line, first_values = seen[key]
                    if _same_values(first_values, parsed):
                        table.repeated.append((line, first_line))
                        continue
                    raise InputError(f"doppelte Zeile für Jahr {year} und {pack.area_label} '{area_id}'"
                                     f"{f' (Kategorie {category})' if category else ''} mit anderen Werten "
                                     f"(schon in Zeile {first_line}).",
                                     file=shown_as, row=line, column=source.area_column or source.year_column,
                                     hint="Welche Zeile gilt? Beim Datenhalter nachfragen; gleiche Wiederholungen "
                                          "werden übersprungen und gemeldet.")
                seen[key] = (line, parsed)
                record = by_key.get((year, area_id))
                if record is None:
                    record = by_key[(year, area_id)] = {"line": line, "file": shown_as, "year": year,
                                                        "area_id": area_id}
                    if isinstance(area_id, tuple):
                        record.update(level=area_id[0], area_id=area_id[1])
                        table.level_rows.append(record)
                    else:
                        records.append(record)
                record.update(parsed)
        except InputError as error:
            errors.append(error)
    raise_all(errors)
    if undeclared:
        keys = sorted(undeclared, key=undeclared.get)
        table.excluded.append((undeclared[keys[0]], ", ".join(keys[:12]) + (" …" if len(keys) > 12 else ""),
                               f"{len(keys)} Schlüssel in {source.category_column} ohne Variable in city.yml"))
    if not records:
        raise InputError("Datei enthält keine Datenzeilen"
                         + (" (nach den Filtern)." if source.filters else "."), file=shown_as,
                         hint="Filterwerte unter filters prüfen." if source.filters else None)
    return records


def _same_values(first: dict, second: dict) -> bool:
    return first.keys() == second.keys() and all(
        (math.isnan(a) and math.isnan(b)) or a == b for a, b in ((first[k], second[k]) for k in first))


def read_source(pack: CityPack, source: Source) -> RawTable:
    """All files of one source (one, or one per declared year) as one table."""
    table = RawTable(source, pack.display_path(source.file), pd.DataFrame())
    records, errors = [], []
    for relative, year in source.files():
        try:
            records += _read_file(pack, source, relative, year, table)
        except InputError as error:
            errors.append(error)
    raise_all(errors)
    table.frame = pd.DataFrame.from_records(records)
    return table


def read_all(pack: CityPack) -> list[RawTable]:
    """Every source; the problems of all of them are raised together."""
    tables, errors = [], []
    for source in pack.sources:
        try:
            tables.append(read_source(pack, source))
        except InputError as error:
            errors.append(error)
    raise_all(errors)
    return tables


def tidy_variables(tables: list[RawTable]) -> pd.DataFrame:
    """One long table of every declared variable: year, area_id, variable, value (NaN = missing in source)."""
    parts = []
    for table in tables:
        for variable, column in table.source.variables.items():
            part = table.frame[["year", "area_id", column]].rename(columns={column: "value"})
            part.insert(2, "variable", variable)
            parts.append(part)
    if not parts:
        return pd.DataFrame(columns=TIDY_COLUMNS)
    tidy = pd.concat(parts, ignore_index=True)
    duplicated = tidy.duplicated(["year", "area_id", "variable"], keep=False)
    if duplicated.any():
        first = tidy[duplicated].iloc[0]
        owners = [t.shown_as for t in tables if first["variable"] in t.source.variables]
        raise InputError(f"Variable '{first['variable']}' wird für {first['year']} von mehreren Quellen "
                         f"geliefert: {', '.join(owners)}.", file=owners[0],
                         hint="Jede Variable darf je Jahr und Gebiet nur aus einer Quelle stammen.")
    return tidy.astype({"year": int, "value": float})[TIDY_COLUMNS]


def tidy_published(tables: list[RawTable]) -> pd.DataFrame:
    """Percentages the source publishes next to its counts, for reconciliation."""
    parts = []
    for table in tables:
        for published in table.source.published:
            part = table.frame[["year", "area_id", published.column]].rename(columns={published.column: "value"})
            part["file"] = table.shown_as
            part["column"] = published.column
            parts.append(part)
    columns = ["year", "area_id", "value", "file", "column"]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def derivation_order(pack: CityPack) -> list[str]:
    """The derived variables in an order where each comes after those it uses.

    Raises for a reference to a variable nobody declares and for a circular reference."""
    shown = f"data/{pack.slug}/city.yml"
    delivered = {v for source in pack.sources for v in source.variables}
    derived = pack.derived_variables
    for name, expression in derived.items():
        if name in delivered:
            raise InputError(f"Variable '{name}' wird geliefert und zugleich abgeleitet.", file=shown,
                             column=f"derived_variables/{name}")
        for _, used in parse_terms(expression):
            if used not in delivered and used not in derived:
                raise InputError(f"'{name}' verweist auf die unbekannte Variable '{used}'.", file=shown,
                                 column=f"derived_variables/{name}",
                                 hint=did_you_mean(used, delivered | set(derived))
                                 or "Nur Variablen aus sources oder derived_variables verwenden.")
    order, state = [], {}

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            cycle = path[path.index(name):] + [name]
            raise InputError(f"Zirkulärer Bezug: {' → '.join(cycle)}.", file=shown,
                             column=f"derived_variables/{name}",
                             hint="Eine abgeleitete Variable darf nicht (über andere) auf sich selbst verweisen.")
        state[name] = "visiting"
        for _, used in parse_terms(derived[name]):
            if used in derived:
                visit(used, path + [name])
        state[name] = "done"
        order.append(name)

    for name in derived:
        visit(name, [])
    return order


def with_derived_variables(tidy: pd.DataFrame, pack: CityPack) -> pd.DataFrame:
    """The tidy table plus the pack's derived variables (missing wherever one of their parts is missing)."""
    order = derivation_order(pack)
    if not order:
        return tidy
    wide = tidy.pivot_table(index=["year", "area_id"], columns="variable", values="value", aggfunc="first",
                            dropna=False)
    for name in order:
        total = pd.Series(0.0, index=wide.index)
        for sign, used in parse_terms(pack.derived_variables[name]):
            total = total + sign * wide[used]
        wide[name] = total
    derived = wide[order].stack(future_stack=True).rename("value").reset_index()
    return pd.concat([tidy, derived[TIDY_COLUMNS]], ignore_index=True)
