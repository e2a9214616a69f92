"""`sozialbericht init`: a draft city pack from the raw files a city publishes.

Each file is inspected (encoding, delimiter, decimal mark, shape, candidate year, area and value columns;
for geometry files the CRS, the id and name fields and whether they hold polygons or points) and a
commented city.yml is written that a planner corrects instead of writing from scratch. Guesses are marked
as such in the comments; nothing is invented for the data themselves."""
from __future__ import annotations

import csv
import io
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from analysis.errors import InputError
from analysis.text import name_key, repaired_umlauts

GEOMETRY_SUFFIXES = (".zip", ".shp", ".geojson", ".json", ".gpkg")
DELIMITERS = [",", ";", "\t", "|"]
YEAR_NAMES = ("jahr", "year", "stichtag", "datum", "date", "zeit")
AREA_NAMES = ("district", "stadtteil", "gebiet", "bezirk", "raum", "quartier", "ortsteil", "area", "plr", "lor")
VALUE_NAMES = ("wert", "value", "anzahl", "count")
DATE_PATTERNS = [(re.compile(r"^\d{4}$"), None), (re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$"), "DD.MM.YYYY"),
                 (re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$"), "YYYY-MM-DD"),
                 (re.compile(r"^\d{4}_\d{1,2}_\d{1,2}$"), "YYYY_MM_DD"),
                 (re.compile(r"^\d{1,2}_\d{1,2}_\d{4}$"), "DD_MM_YYYY")]
# Words in a file or column name → the catalogue variable they most likely deliver (most specific first).
VARIABLE_WORDS = [
    (("unemployed", "arbeitslos"), "unemployed"),
    (("sgb", "beneficiar", "leistungsberecht", "buergergeld"), "sgb2_recipients"),
    (("employed", "beschaeftigt"), "employed_social_insurance"),
    (("housing_benefit", "wohngeld"), "housing_benefit_recipients"),
    (("birth", "geburt"), "births"),
    (("0_to_under_7", "under_7", "unter_7"), "residents_under_7"),
    (("18_to_under_30", "18_bis_unter_30", "18_to_29"), "residents_18_to_29"),
    (("under_18", "unter_18", "unter18", "children", "kinder"), "residents_under_18"),
    (("18_to_under_65", "18_bis_unter_65", "18_to_64", "18_bis_64"), "residents_18_to_64"),
    (("65_and_above", "65_plus", "ab_65", "65_und_aelter"), "residents_65_plus"),
    (("80_and_above", "80_plus", "ab_80"), "residents_80_plus"),
    (("foreign", "auslaend"), "migration_foreign_citizens"),
    (("residents", "einwohner", "bevoelkerung", "population"), "residents_total"),
]


@dataclass
class TableDraft:
    """What one CSV looks like, as far as it can be told from the file."""
    file: str
    encoding: str
    delimiter: str
    decimal: str
    header: list[str]
    rows: list[list[str]]
    year_column: str | None = None
    year_pattern: str | None = None
    area_column: str | None = None
    area_key: str = "id"
    name_column: str | None = None
    value_columns: list[str] = field(default_factory=list)
    years_in_columns: dict[str, list[int]] = field(default_factory=dict)   # template → years
    category_column: str | None = None
    value_column: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class GeometryDraft:
    file: str
    layer: str | None
    crs: str
    kind: str                 # "polygons" or "points"
    id_field: str
    name_field: str | None
    ids: list[str]
    names: list[str]


def _decode(data: bytes) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return ("utf-8" if encoding == "utf-8-sig" else encoding), text.lstrip("\ufeff")
    return "latin-1", data.decode("latin-1")


def _delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    counts = {d: [line.count(d) for line in lines] for d in DELIMITERS}
    steady = {d: c[0] for d, c in counts.items() if c and c[0] > 0 and len(set(c)) == 1}
    return max(steady, key=steady.get) if steady else max(counts, key=lambda d: sum(counts[d]))


def _is_number(cell: str, decimal: str) -> bool:
    text = cell.strip()
    if decimal == ",":
        text = text.replace(".", "").replace(",", ".")
    try:
        float(text)
    except ValueError:
        return False
    return True


def _decimal(rows: list[list[str]]) -> str:
    """',' where numbers are written with a decimal comma (and no cell reads as a plain number otherwise)."""
    cells = [c.strip() for row in rows for c in row if c.strip()]
    comma = sum(bool(re.fullmatch(r"-?\d+,\d+", c)) for c in cells)
    point = sum(bool(re.fullmatch(r"-?\d+\.\d+", c)) for c in cells)
    return "," if comma > point else "."


def _simple(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", repaired_umlauts(name).lower().replace("ä", "ae").replace("ö", "oe")
                  .replace("ü", "ue").replace("ß", "ss")).strip("_")


def inspect_table(path: Path, shown: str) -> TableDraft:
    encoding, text = _decode(path.read_bytes())
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = [row for row in reader if any(c.strip() for c in row)]
    if len(rows) < 2:
        raise InputError("Die Datei hat keine Datenzeilen.", file=shown)
    header, body = [h.strip() for h in rows[0]], rows[1:]
    draft = TableDraft(shown, encoding, delimiter, _decimal(body), header, body)
    columns = {name: [row[i].strip() for row in body if i < len(row)] for i, name in enumerate(header)}
    numeric = {name for name, cells in columns.items()
               if cells and all(_is_number(c, draft.decimal) or c in ("", "-", ".", "NULL") for c in cells)
               and any(_is_number(c, draft.decimal) for c in cells)}
    # wide by year: a year in several column names
    templates: dict[str, list[int]] = {}
    for name in header:
        match = re.search(r"(19|20)\d{2}", name)
        if match and name in numeric:
            templates.setdefault(name.replace(match.group(0), "{year}"), []).append(int(match.group(0)))
    draft.years_in_columns = {t: sorted(y) for t, y in templates.items() if len(y) > 1}
    if not draft.years_in_columns:
        for name in header:
            cells = [c for c in columns[name] if c]
            for pattern, written in DATE_PATTERNS:
                if cells and all(pattern.match(c) for c in cells) and (
                        written or any(w in name.lower() for w in YEAR_NAMES) or
                        all(1900 < int(c) < 2100 for c in cells)):
                    draft.year_column, draft.year_pattern = name, written
                    break
            if draft.year_column:
                break
    candidates = [n for n in header if n != draft.year_column and n not in draft.years_in_columns]
    keyed = [n for n in candidates if any(w in n.lower() for w in AREA_NAMES)]
    codes = [n for n in keyed if n.lower().endswith(("id", "nr", "_id", "schluessel")) or n in numeric]
    draft.area_column = (codes or keyed or [n for n in candidates if n not in numeric] or [None])[0]
    if draft.area_column and draft.area_column not in numeric and not any(
            n != draft.area_column and n in keyed and n in numeric for n in header):
        draft.area_key = "name"
    names = [n for n in keyed if n != draft.area_column and n not in numeric]
    draft.name_column = names[0] if names else None
    used = {draft.year_column, draft.area_column, draft.name_column}
    texts = [n for n in header if n not in numeric and n not in used]
    values = [n for n in header if n in numeric and n not in used and not re.search(r"(19|20)\d{2}", n)]
    value_named = [n for n in values if any(w in n.lower() for w in VALUE_NAMES)]
    if texts and len(value_named) == 1:
        # long format: one value column, the meaning of each row in a key column
        draft.value_column = value_named[0]
        draft.category_column = max(texts, key=lambda n: len(set(columns[n])) if len(set(columns[n])) > 1 else 0)
        draft.notes.append(f"lange Tabelle: die Werte stehen in '{draft.value_column}', ihre Bedeutung in "
                           f"'{draft.category_column}'")
    else:
        draft.value_columns = values
    if draft.area_column and draft.year_column:
        keys = Counter((row[header.index(draft.year_column)], row[header.index(draft.area_column)]) for row in body)
        if draft.category_column is None and keys and max(keys.values()) > 1:
            draft.notes.append("mehrere Zeilen je Jahr und Gebiet: wiederholte Blöcke oder eine Merkmalsspalte?")
    return draft


def inspect_geometry(path: Path, shown: str) -> GeometryDraft:
    import geopandas as gpd
    import pyogrio

    layer = None
    uri = str(path)
    if path.suffix == ".zip":
        layers = [name for name in _zip_names(path) if name.lower().endswith(".shp")]
        layer = layers[0] if layers else None
        uri = f"zip://{path}!{layer}" if layer else f"zip://{path}"
    try:
        frame = gpd.read_file(uri)
    except (pyogrio.errors.DataSourceError, OSError, ValueError) as exc:
        raise InputError(f"Geometrie nicht lesbar: {exc}", file=shown) from None
    if "geometry" not in frame or frame.geometry.isna().all():
        raise InputError("Die Datei enthält keine Geometrien.", file=shown)
    epsg = frame.crs.to_epsg() if frame.crs is not None else None
    crs = f"EPSG:{epsg}" if epsg else "from_file"
    kind = "points" if set(frame.geom_type.dropna()) <= {"Point"} else "polygons"
    fields = [c for c in frame.columns if c != "geometry"]
    unique = [c for c in fields if frame[c].astype(str).is_unique]
    id_field = next((c for c in unique if re.search(r"id|nr|schl|key|code", c.lower())), unique[0] if unique else "")
    texts = [c for c in unique if c != id_field and frame[c].map(lambda v: isinstance(v, str)).all()]
    name_field = next((c for c in texts if re.search(r"name|bez", c.lower())), texts[0] if texts else None)
    return GeometryDraft(shown, layer, crs, kind, id_field, name_field, frame[id_field].astype(str).tolist(),
                         frame[name_field].astype(str).tolist() if name_field else [])


def _zip_names(path: Path) -> list[str]:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def _guess_variable(*names: str) -> str | None:
    text = "_".join(_simple(n) for n in names)
    for words, variable in VARIABLE_WORDS:
        if any(word in text for word in words):
            return variable
    return None


def _matched_areas(table: TableDraft, geometry: GeometryDraft | None) -> list[dict]:
    """The areas of the first table keyed by area: ids as in the table, names from a name column or the
    geometry (a geometry id whose number equals the table's id, e.g. STGT01 ↔ 1), geometry_id where they differ."""
    column = table.header.index(table.area_column)
    name_at = table.header.index(table.name_column) if table.name_column else None
    ids = list(dict.fromkeys(row[column].strip() for row in table.rows if column < len(row)))
    if table.area_key == "name":
        # names as keys: one area per name (spellings that differ only in case, spaces or broken umlauts
        # are one area); the id is the name in lower case, for file names and addresses
        by_key = {}
        for cell in ids:
            by_key.setdefault(name_key(cell), []).append(cell)
        located = {}
        if geometry:
            for gid, shown in zip(geometry.ids, geometry.names or geometry.ids):
                located.setdefault(name_key(re.sub(r"^\d+\s+", "", shown)), gid)
        areas = []
        for spellings in by_key.values():
            name = " ".join(repaired_umlauts(spellings[0]).split())
            entry = {"id": _simple(name).replace("_", "-"), "name": name}
            if name_key(name) in located:
                entry["geometry_id"] = located[name_key(name)]
            aliases = [s for s in spellings if s != name]
            if aliases:
                entry["aliases"] = aliases
            areas.append(entry)
        return areas
    names = {row[column].strip(): row[name_at].strip() for row in table.rows if name_at is not None}
    by_number = {}
    if geometry:
        for gid, name in zip(geometry.ids, geometry.names or geometry.ids):
            number = re.search(r"(\d+)$", gid)
            if number:
                by_number.setdefault(int(number.group(1)), (gid, name))
    areas = []
    for area_id in ids:
        entry = {"id": area_id}
        matched = None
        if geometry and area_id in geometry.ids:
            matched = (area_id, geometry.names[geometry.ids.index(area_id)] if geometry.names else area_id)
        elif geometry and area_id.isdigit() and int(area_id) in by_number:
            matched = by_number[int(area_id)]
        name = names.get(area_id) or (matched[1] if matched else None)
        # "01 Altstadt": a number before the name is the id again
        entry["name"] = re.sub(r"^\d+\s+", "", name) if name else f"Gebiet {area_id}"
        if matched and matched[0] != area_id:
            entry["geometry_id"] = matched[0]
        areas.append(entry)
    return areas


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _variable_line(guess: str | None, column: str, file: str, taken: dict[str, str]) -> str:
    """'      residents_total: "residents"', or a commented line where no variable (or only a taken one) fits."""
    if guess and guess not in taken:
        taken[guess] = file
        return f"      {guess}: {_quoted(column)}"
    reason = f"{guess} kommt schon aus {taken[guess]}" if guess else "nicht zugeordnet"
    return f"      # VARIABLE: {_quoted(column)}   ({reason})"


def _years(table: TableDraft) -> list[int]:
    if table.years_in_columns:
        return sorted({y for years in table.years_in_columns.values() for y in years})
    if not table.year_column:
        return []
    column = table.header.index(table.year_column)
    found = {int(m.group(0)) for row in table.rows if column < len(row)
             for m in [re.search(r"(19|20)\d{2}", row[column])] if m}
    return sorted(found)


def draft_city_yml(name: str, tables: list[TableDraft], geometry: GeometryDraft | None) -> str:
    """The draft as YAML text with comments: what was found, and what the planner must check."""
    lines = [f"# Entwurf von 'sozialbericht init' für {name}. Bitte prüfen: jede Zeile mit PRÜFEN ist geraten.",
             "# Die Schlüssel erklärt docs/neue-stadt.md; 'sozialbericht validate --city <ordner>' prüft das Paket.",
             f"name: {_quoted(name)}", "area_label: Stadtteil        # PRÜFEN: Bezeichnung der Gebiete",
             "area_label_plural: Stadtteile", ""]
    keyed = next((t for t in tables if t.area_column), None)
    if keyed is None:
        raise InputError("Keine Tabelle mit einer Gebietsspalte erkannt.", file=tables[0].file if tables else None,
                         hint="Eine Tabelle mit einer Zeile je Gebiet (und Jahr) angeben.")
    areas = _matched_areas(keyed, geometry)
    lines.append(f"# {len(areas)} Gebiete aus {keyed.file}, Spalte '{keyed.area_column}'"
                 + (f"; Namen aus der Geometrie ({geometry.name_field})" if geometry and geometry.name_field else "")
                 + ".")
    lines.append("areas:")
    for area in areas:
        extra = f", geometry_id: {_quoted(area['geometry_id'])}" if "geometry_id" in area else ""
        if "aliases" in area:
            extra += ", aliases: [" + ", ".join(_quoted(a) for a in area["aliases"]) + "]"
        lines.append(f"  - {{id: {_quoted(area['id'])}, name: {_quoted(area['name'])}{extra}}}")
    lines.append("")
    if geometry:
        lines.append(f"# {geometry.kind}: {'Flächen' if geometry.kind == 'polygons' else 'ein Punkt je Gebiet'}")
        lines.append("geometry:")
        lines.append(f"  file: {_quoted(geometry.file)}")
        if geometry.layer:
            lines.append(f"  layer: {_quoted(geometry.layer)}")
        lines.append(f"  id_field: {_quoted(geometry.id_field)}   # PRÜFEN")
        origin = "   # aus der .prj-Datei" if geometry.crs == "from_file" else ""
        lines.append(f"  crs: {_quoted(geometry.crs)}{origin}")
    else:
        lines.append("# Keine Geometrie angegeben: der Bericht zeigt dann Balken statt Karten.")
    lines.append("")
    years = sorted(set().union(*(_years(t) for t in tables)))
    editions = years[-4:] if years else []
    lines.append(f"# Jahre in den Tabellen: {', '.join(map(str, years)) or 'keine erkannt'}")
    lines.append("editions:")
    lines += [f"  - year: {year}" for year in editions] or ["  - year: 2024   # PRÜFEN: kein Jahr erkannt"]
    lines += ["", "sources:"]
    taken: dict[str, str] = {}   # variable → the file that delivers it (each variable from one source)
    for table in tables:
        lines.append(f"  - file: {_quoted(table.file)}")
        lines.append(f"    title: {_quoted(Path(table.file).stem)}   # PRÜFEN: Titel der Tabelle")
        if table.delimiter != ",":
            lines.append(f"    delimiter: {_quoted(table.delimiter)}")
        if table.decimal != ".":
            lines.append(f"    decimal: {_quoted(table.decimal)}")
        if table.encoding != "utf-8":
            lines.append(f"    encoding: {table.encoding}")
        if table.year_column:
            lines.append(f"    year_column: {_quoted(table.year_column)}")
            if table.year_pattern:
                lines.append(f"    year_pattern: {_quoted(table.year_pattern)}")
        if table.area_column:
            lines.append(f"    area_column: {_quoted(table.area_column)}")
            if table.area_key == "name":
                lines.append("    area_key: name   # die Spalte nennt die Gebiete beim Namen")
        else:
            lines.append("    level: city   # PRÜFEN: keine Gebietsspalte erkannt")
        for note in table.notes:
            lines.append(f"    # {note}")
        if table.value_column:
            lines.append(f"    category_column: {_quoted(table.category_column)}")
            lines.append(f"    value_column: {_quoted(table.value_column)}")
            keys = list(dict.fromkeys(row[table.header.index(table.category_column)].strip() for row in table.rows))
            lines.append("    variables:   # PRÜFEN: Variable je Schlüssel; Schlüssel ohne Variable werden übergangen")
            for key in keys[:30]:
                lines.append(_variable_line(_guess_variable(table.file, key), key, table.file, taken))
        else:
            columns = list(table.years_in_columns) or table.value_columns
            lines.append("    variables:   # PRÜFEN: Katalogvariable je Spalte (Liste: sozialbericht validate)")
            assigned = [_variable_line(_guess_variable(table.file, column), column, table.file, taken)
                        for column in columns]
            lines += assigned
            if all(line.lstrip().startswith("#") for line in assigned):
                lines.append("      {}")
    lines += ["", "attribution:   # PRÜFEN: Herkunft und Lizenz der Daten (erscheinen im Bericht)",
              "  publisher: \"ERGÄNZEN: Datenhalter\"", f"  title: {_quoted(name + ': Daten der Statistikstelle')}",
              "  figures_source: \"ERGÄNZEN: Quelle der Zahlen\"", "  via: \"ERGÄNZEN: Bezugsweg (Portal, Adresse)\"",
              "  licence: \"ERGÄNZEN: Lizenz, z. B. dl-de/by-2-0\"", "  geometry: \"ERGÄNZEN: Quelle der Geometrie\""]
    return "\n".join(lines) + "\n"


def init_pack(root: Path, slug: str, name: str, files: list[Path], force: bool = False) -> Path:
    """Copy the files into data/<slug>/raw/ and write the draft data/<slug>/city.yml; return its path."""
    folder = root / "data" / slug
    target = folder / "city.yml"
    if target.exists() and not force:
        raise InputError("Das Stadtpaket gibt es schon.", file=f"data/{slug}/city.yml",
                         hint="Einen anderen Namen wählen oder --force angeben (überschreibt city.yml).")
    missing = [str(f) for f in files if not Path(f).is_file()]
    if missing:
        raise InputError(f"Datei nicht gefunden: {missing[0]}", file=missing[0])
    raw = folder / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    tables, geometry = [], None
    for file in files:
        copy = raw / Path(file).name
        if Path(file).resolve() != copy.resolve():
            shutil.copy2(file, copy)
        relative = f"raw/{copy.name}"
        shown = f"data/{slug}/{relative}"
        if copy.suffix.lower() in GEOMETRY_SUFFIXES:
            geometry = inspect_geometry(copy, shown)
            geometry.file = relative
        else:
            table = inspect_table(copy, shown)
            table.file = relative
            tables.append(table)
    if not tables:
        raise InputError("Keine Tabelle (CSV) angegeben.", hint="Mindestens eine Tabelle mit Werten je Gebiet nennen.")
    target.write_text(draft_city_yml(name, tables, geometry), encoding="utf-8")
    return target
