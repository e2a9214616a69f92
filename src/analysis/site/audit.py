"""`sozialbericht audit SITE_DIR`: search a built site and its downloads for disclosure violations.

Independent of how the pages were made: it reads everything published: the HTML pages, their sources
(and any executed notebook or markdown source, should a site publish `_sources/`), the council
PDF, the texts of charts drawn as SVG, and the CSV, XLSX and (Geo)JSON downloads, and checks them against
the pack's rules. In the PDF the
tables have lost their structure, so its text is read like prose. Kinds of violation:

- small count: a count below the minimum in a count cell, in the prose or in a download;
- recomputable: the only withheld cell of a column, next to a published total;
- withheld numerator: a rate published although its numerator is withheld;
- formula: a download cell that a spreadsheet would run as a formula;
- build path: a path of the machine that built the site (`_build/work/…`, `_build/cache/…`, `/home/…`),
  in any text file.
"""
from __future__ import annotations

import csv
import html
import io
import json
import multiprocessing
import os
import re
import zipfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
from lxml import etree
from lxml import html as lxml_html
from openpyxl import load_workbook

from analysis.pack.loader import load_city
from analysis.pack.model import CITY_AREA_ID, DisclosureRules
from analysis.report.downloads import COLUMNS, COUNT_CODE, is_formula, plain_number
from analysis.text import SUPPRESSED

SKIPPED_FOLDERS = {"_static", "_sphinx_design_static", ".doctrees"}   # _images: its SVG charts are text
AUDITED_SUFFIXES = {".html", ".csv", ".xlsx", ".json", ".geojson", ".ipynb", ".md", ".pdf", ".svg"}
SKIPPED_FILES = {"versions.json", "provenance.json", "searchindex.js", "objects.inv"}
# Headers and row labels that announce counts; count cells may also carry class="anzahl".
COUNT_LABEL = re.compile(r"\b(Einwohner|Einwohnerinnen|Anzahl|Fälle|Personen|Haushalte)\b")
NOT_A_COUNT_COLUMN = re.compile(r"^(Jahr|Rang|Einheit|Indikator|zum Vorjahr|über 5 Jahre|95-%-Intervall)")
TOTAL_ROW = re.compile(r"^(Gesamtstadt|Insgesamt|Summe|Zusammen)\b")
COUNT_NOUNS = (r"Personen|Einwohnerinnen und Einwohner|Einwohnerinnen|Einwohner|Haushalte|Haushalten|"
               r"Kinder|Kindern|Fälle|Arbeitslose|Geburten|Leistungsberechtigte|Empfängerinnen|Empfänger")
COUNT_IN_TEXT = re.compile(rf"(?<![\d.,+−-])(\d{{1,3}}(?:\.\d{{3}})*)(?![\d,])\s+(?:{COUNT_NOUNS})\b")
CHANGE_IN_TEXT = re.compile(r"(?<![\d,])(\d{1,3}(?:\.\d{3})*)(?![\d,])\s*→\s*(\d{1,3}(?:\.\d{3})*)(?![\d,])")
# A folder of the building machine or of the build's work area; URLs (…/home/…) are not matched.
BUILD_PATH_FOLDERS = ("home", "tmp", "root", "Users", "work", "var/folders")
BUILD_PATH = re.compile(r"_build/(?:work|cache)\b|edition\.pkl|"
                        rf"(?<![\w./:-])/(?:{'|'.join(BUILD_PATH_FOLDERS)})/[\w.-]+")
# what every match of BUILD_PATH contains: a page without any of these is not searched (the pattern took a
# quarter of the pages' audit)
BUILD_PATH_PIECES = ("_build/", "edition.pkl", *(f"/{folder}/" for folder in BUILD_PATH_FOLDERS))
DIFFERENCE_IN_TEXT = re.compile(r"Differenz\s+[−-]?(\d{1,3}(?:\.\d{3})*)(?![\d,])")


@dataclass(frozen=True)
class Violation:
    page: str
    place: str
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.page}: {self.place}: {self.kind} – {self.detail}"


def _german_count(text: str) -> float | None:
    """The whole number a cell starts with ('1.234', '2 Personen', '3*') → 1234, 2, 3; else None
    (decimals such as '12,3 %' are rates, not counts)."""
    match = re.match(r"\s*(\d{1,3}(?:\.\d{3})*)(?![\d,])", text)
    return float(match.group(1).replace(".", "")) if match else None


def _small(value: float | None, rules: DisclosureRules) -> bool:
    return value is not None and rules.is_small_count(value)


# --- HTML ------------------------------------------------------------------------------------------
def _text(element) -> str:
    """An element's text as a reader sees it: its pieces stripped, empty ones dropped, joined by spaces."""
    return " ".join(piece for piece in (raw.strip() for raw in element.itertext()) if piece)


def _cells(row) -> list:
    return list(row.iter("th", "td"))


def _table_grid(table) -> tuple[list[str], list[list[tuple[str, bool]]]]:
    """Header texts and body rows of one HTML table; each cell as (text, marked as a count)."""
    head = table.find(".//thead")
    header_rows = [[_text(c) for c in _cells(tr)] for tr in (head.iter("tr") if head is not None else [])]
    # pandas writes the column names in the first header row and the index name in a second one
    width = max((len(r) for r in header_rows), default=0)
    header = [next((r[i] for r in header_rows if i < len(r) and r[i]), "") for i in range(width)]
    body = [tr for tr in table.iter("tr") if not any(a.tag == "thead" for a in tr.iterancestors())]
    rows = [[(_text(c), "anzahl" in (c.get("class") or "").split()) for c in _cells(tr)] for tr in body]
    first = table.find(".//tr")
    if not header and rows and all(c.tag == "th" for c in _cells(first)):
        header, rows = [text for text, _ in rows[0]], rows[1:]
    return header, rows


def _audit_table(page: str, number: int, table, rules: DisclosureRules) -> list[Violation]:
    found = []
    header, rows = _table_grid(table)
    where = f"Tabelle {number}"
    count_columns = {i for i, h in enumerate(header) if COUNT_LABEL.search(h) and not NOT_A_COUNT_COLUMN.match(h)}
    for row in rows:
        label = row[0][0] if row else ""
        count_row = bool(COUNT_LABEL.search(label)) or label.startswith("Einwohnerinnen und Einwohner")
        for c, (text, marked) in enumerate(row):
            column = header[c] if c < len(header) else str(c + 1)
            is_count = marked or c in count_columns or (
                count_row and c > 0 and not NOT_A_COUNT_COLUMN.match(column))
            place = f"{where}, Zeile „{label}“, Spalte „{column}“"
            if is_count and _small(_german_count(text), rules):
                found.append(Violation(page, place, "kleine Fallzahl",
                                       f"„{text}“ liegt unter der Mindestfallzahl {rules.min_count}"))
            elif not is_count:
                found += audit_text(page, place, text, rules)
    if rules.secondary:
        found += _recomputable(page, where, header, rows)
    return found


def _recomputable(page: str, where: str, header: list[str], rows) -> list[Violation]:
    """A column whose only withheld cell sits next to a published total can be recomputed."""
    found = []
    totals = [r for r in rows if r and TOTAL_ROW.match(r[0][0])]
    parts = [r for r in rows if r and not TOTAL_ROW.match(r[0][0])]
    if not totals or len(parts) < 2:
        return found
    for c in range(1, max(len(r) for r in rows)):
        cells = [r[c][0] for r in parts if c < len(r)]
        withheld = [i for i, text in enumerate(cells) if text == SUPPRESSED]
        total = totals[0][c][0] if c < len(totals[0]) else SUPPRESSED
        if len(withheld) == 1 and total not in (SUPPRESSED, "–", ""):
            column = header[c] if c < len(header) else str(c + 1)
            found.append(Violation(page, f"{where}, Spalte „{column}“, Zeile „{parts[withheld[0]][0][0]}“",
                                   "rückrechenbar", "einziger unterdrückter Wert der Spalte neben dem "
                                                    f"veröffentlichten Wert „{totals[0][0][0]}: {total}“"))
    return found


def audit_text(page: str, place: str, text: str, rules: DisclosureRules) -> list[Violation]:
    found = []
    for match in COUNT_IN_TEXT.finditer(text):
        if _small(_german_count(match.group(1)), rules):
            found.append(Violation(page, place, "kleine Fallzahl", f"„{match.group(0)}“"))
    for match in CHANGE_IN_TEXT.finditer(text):
        if any(_small(_german_count(g), rules) for g in match.groups()):
            found.append(Violation(page, place, "kleine Fallzahl", f"„{match.group(0)}“"))
    for match in DIFFERENCE_IN_TEXT.finditer(text):
        if _small(_german_count(match.group(1)), rules):
            found.append(Violation(page, place, "kleine Fallzahl", f"„{match.group(0)}“"))
    return found


UTF8_HTML = lxml_html.HTMLParser(encoding="utf-8")
BLOCKS = ("p", "li", "dd", "dt", "figcaption", "h1", "h2", "h3", "h4", "blockquote")


def audit_html(page: str, document: str, rules: DisclosureRules) -> list[Violation]:
    """A page (or an HTML fragment, such as a notebook's table output): its tables cell by cell, then the
    text of every block outside them, then the images' alternative texts; of the page's main part only."""
    try:   # as bytes, so that a declared encoding does not stop the parser
        root = lxml_html.document_fromstring(document.encode("utf-8"), parser=UTF8_HTML)
    except etree.ParserError:   # nothing but whitespace or comments
        return []
    for hidden in list(root.iter("script", "style", "noscript")):
        hidden.drop_tree()   # the text after it stays
    main = next((found for found in (root.find(".//main"), root.find(".//article"), root.find("body"))
                 if found is not None), root)
    found = []
    for number, table in enumerate(list(main.iter("table")), start=1):
        found += _audit_table(page, number, table, rules)
        for caption in table.iter("caption"):
            found += audit_text(page, f"Tabelle {number}, Überschrift", _text(caption), rules)
        if table.getparent() is not None:
            table.drop_tree()
    for block in main.iter(*BLOCKS):
        if block.find(".//p") is not None or block.find(".//li") is not None:
            continue  # the inner blocks are read on their own
        text = _text(block)
        found += audit_text(page, f"Text „{text[:60]}…“" if len(text) > 60 else f"Text „{text}“", text, rules)
    for image in main.iter("img"):
        found += audit_text(page, "Alternativtext eines Bildes", image.get("alt", ""), rules)
    return found


def _joined(text) -> str:
    return "".join(text) if isinstance(text, list) else str(text or "")


def audit_notebook(page: str, text: str, rules: DisclosureRules) -> list[Violation]:
    """An executed notebook as published in _sources/: its prose cells and every output (HTML tables,
    text, image alt texts). Code is not read: it holds no data, only names."""
    try:
        notebook = json.loads(text)
    except ValueError:
        return [Violation(page, "Datei", "unlesbar", "kein gültiges Notebook (JSON)")]
    found = []
    for number, cell in enumerate(notebook.get("cells", []), start=1):
        where = f"{page}, Zelle {number}"
        if cell.get("cell_type") == "markdown":
            found += audit_text(page, f"Zelle {number} (Text)", _joined(cell.get("source")), rules)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                found += audit_html(where, _joined(data["text/html"]), rules)
            for kind in ("text/markdown", "text/plain"):
                if kind in data:
                    found += audit_text(page, f"Zelle {number} (Ausgabe)", _joined(data[kind]), rules)
            if output.get("output_type") == "stream":
                found += audit_text(page, f"Zelle {number} (Ausgabe)", _joined(output.get("text")), rules)
            for meta in output.get("metadata", {}).values():
                if isinstance(meta, dict) and meta.get("alt"):
                    found += audit_text(page, f"Zelle {number}, Alternativtext", meta["alt"], rules)
    return found


def audit_pdf(page: str, path: Path, rules: DisclosureRules) -> list[Violation]:
    """The council PDF, page by page, read as text (by PDFium: a 180-page edition in half a second, where
    pypdf takes nine)."""
    try:
        document = pypdfium2.PdfDocument(path)
        texts = [document[number].get_textpage().get_text_bounded() for number in range(len(document))]
        document.close()
    except Exception as exc:  # noqa: BLE001 - an unreadable PDF is a finding itself
        return [Violation(page, "Datei", "unlesbar", f"PDF nicht lesbar: {exc}")]
    return [violation for number, text in enumerate(texts, start=1)
            for violation in audit_text(page, f"Seite {number}", text, rules)]


SVG_TEXT = re.compile(r"<text\b[^>]*>(.*?)</text>", re.S)


def svg_text(document: str) -> str:
    """The texts of an SVG image, a line each."""
    return "\n".join(html.unescape(text) for text in SVG_TEXT.findall(document))


# --- workbooks --------------------------------------------------------------------------------------
SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATION = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
CELL = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
CELL_START = re.compile(r"<c[\s/>]")
CELL_REFERENCE = re.compile(r'\br="([A-Z]+)(\d+)"')
CELL_TYPE = re.compile(r'\bt="(\w+)"')
VALUE = re.compile(r"<v>(.*?)</v>", re.S)
FORMULA = re.compile(r"<f\b[^>]*?(?:/>|>(.*?)</f>)", re.S)
TEXT_RUN = re.compile(r"<t\b[^>]*>(.*?)</t>", re.S)
# A cell as XlsxWriter writes it: reference, style, type, and a number or an inline text (or nothing).
PLAIN_CELL = re.compile(r'<c r="([A-Z]+)(\d+)"(?: s="\d+")?(?: t="(\w+)")?'
                        r'(?:/>|><v>([^<&]*)</v></c>|><is><t(?: xml:space="preserve")?>([^<]*)</t></is></c>)')
SHARED_STRING = re.compile(r"<si(?:\s*/>|>(.*?)</si>)", re.S)
SHARED_STRING_START = re.compile(r"<si[\s/>]")


class UnexpectedSheet(Exception):
    """A sheet's XML is not laid out as the quick reader expects; openpyxl reads it instead."""


def _column(letters: str) -> int:
    """'A' → 0, 'AB' → 27."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


def _number(text: str):
    """A number cell as openpyxl gives it: int where the text has no point or exponent, else float."""
    return float(text) if any(mark in text for mark in ".eE") else int(text)


def _text_of(xml: str) -> str:
    """The text of a string item (<t>…</t>, or several runs of it)."""
    if xml.startswith("<t>") and xml.endswith("</t>") and xml.count("<") == 2:   # the plain case, quickly
        return html.unescape(xml[3:-4])
    return html.unescape("".join(TEXT_RUN.findall(xml)))


def _cell_value(kind: str, inner: str, strings: list[str]):
    """What a cell holds, as openpyxl (data_only=False) reads it: a formula as "=…", text as text."""
    if "<f" in inner:
        formula = FORMULA.search(inner)
        return "=" + html.unescape(formula.group(1) or "") if formula else None
    if kind == "inlineStr":
        if not inner:
            return None
        return _text_of(inner[4:-5] if inner.startswith("<is>") and inner.endswith("</is>") else inner)
    if inner.startswith("<v>") and inner.endswith("</v>") and inner.count("<") == 2:
        text = html.unescape(inner[3:-4])
    else:
        value = VALUE.search(inner)
        if value is None:
            return None
        text = html.unescape(value.group(1))
    return _typed(kind, text, strings)


def _typed(kind: str, text: str, strings: list[str]):
    """The text of a cell's <v> as openpyxl gives it for the cell's type."""
    if kind == "s":
        return strings[int(text)]
    if kind == "b":
        return text == "1"
    if kind in ("str", "e", "d"):   # text, an error such as #N/A, a date written as text
        return text
    return _number(text)


def _plain_cell_value(kind: str | None, number: str | None, text: str | None, strings: list[str]):
    """_cell_value of a cell in the plain layout (PLAIN_CELL): a <v> (without entities) or an inline <t>,
    or nothing."""
    if text is not None:
        return html.unescape(text)
    return None if number is None else _typed(kind or "n", number, strings)


def _plain_cells(xml: str, strings: list[str]) -> list[tuple[int, str, object]] | None:
    """(row, column letters, value) of every cell, where all cells of the sheet are in the plain layout that
    XlsxWriter writes (a workbook of 720,000 cells is read in a third of the time); else None."""
    cells = [(int(m[2]), m[1], _plain_cell_value(m[3], m[4], m[5], strings)) for m in PLAIN_CELL.finditer(xml)]
    return cells if len(cells) == len(CELL_START.findall(xml)) else None


def _any_cells(xml: str, strings: list[str]) -> list[tuple[int, str, object]]:
    cells = CELL.findall(xml)
    if len(cells) != len(CELL_START.findall(xml)):
        raise UnexpectedSheet("cells the pattern does not take")
    found = []
    for attributes, inner in cells:
        reference, kind = CELL_REFERENCE.search(attributes), CELL_TYPE.search(attributes)
        if reference is None:
            raise UnexpectedSheet("a cell without its reference")
        found.append((int(reference.group(2)), reference.group(1),
                      _cell_value(kind.group(1) if kind else "n", inner, strings)))
    return found


def _sheet_rows(xml: str, strings: list[str]) -> list[tuple]:
    """The rows of one sheet from the first, each as wide as the widest (missing cells None)."""
    cells = _plain_cells(xml, strings)
    if cells is None:
        cells = _any_cells(xml, strings)
    rows: dict[int, dict[int, object]] = {}
    columns: dict[str, int] = {}
    for row, letters, value in cells:
        column = columns.get(letters)
        if column is None:
            column = columns[letters] = _column(letters)
        rows.setdefault(row, {})[column] = value
    if not rows:
        return []
    width = 1 + max(column for row in rows.values() for column in row)
    return [tuple(rows.get(number, {}).get(column) for column in range(width))
            for number in range(1, max(rows) + 1)]


def _workbook_sheets(path: Path) -> list[list[tuple]]:
    """Every sheet of a workbook, in the workbook's order, as rows of values. Read from the XML with
    patterns (openpyxl takes 7–12 s for a Berlin edition's 720,000 cells); where a sheet is not laid out as
    expected, openpyxl reads the workbook."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            shared = archive.read("xl/sharedStrings.xml").decode("utf-8") if "xl/sharedStrings.xml" in names else ""
            strings = [_text_of(item) for item in SHARED_STRING.findall(shared)]
            if len(strings) != len(SHARED_STRING_START.findall(shared)):
                raise UnexpectedSheet("shared strings the pattern does not take")
            relations = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            targets = {relation.get("Id"): relation.get("Target") for relation in relations}
            sheets = []
            for sheet in etree.fromstring(archive.read("xl/workbook.xml")).iter(f"{SHEET}sheet"):
                target = targets[sheet.get(f"{RELATION}id")]
                member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                sheets.append(_sheet_rows(archive.read(member).decode("utf-8"), strings))
            return sheets
    except UnexpectedSheet:
        return [list(sheet.iter_rows(values_only=True))
                for sheet in load_workbook(path, read_only=True, data_only=False).worksheets]


# --- downloads -------------------------------------------------------------------------------------
def _rows_of(path: Path) -> list[dict[str, str]]:
    """The rows of a tabular download as text, whatever its format."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
        sample = text[:4096]
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        return [dict(r) for r in csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)]
    if suffix == ".xlsx":
        rows = []
        for values in _workbook_sheets(path):
            if values:
                header = [str(h) for h in values[0]]
                rows += [{h: "" if v is None else str(v) for h, v in zip(header, row)} for row in values[1:]]
        return rows
    if suffix in (".json", ".geojson"):
        document = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(document, dict) and "features" in document:
            return [{k: "" if v is None else str(v) for k, v in (f.get("properties") or {}).items()}
                    for f in document["features"]]
    return []


def audit_download(page: str, path: Path, rules: DisclosureRules) -> list[Violation]:
    found = []
    rows = _rows_of(path)
    for number, row in enumerate(rows, start=2):
        for column, text in row.items():
            if is_formula(text):
                found.append(Violation(page, f"Zeile {number}, Spalte „{column}“", "Formel",
                                       f"Zelle beginnt mit „{text[:1]}“ und würde als Formel ausgeführt"))
    value, kind = COLUMNS["value"], COLUMNS["kind"]
    if not rows or value not in rows[0]:
        return found
    groups: dict[tuple, list[tuple[int, dict]]] = {}
    for number, row in enumerate(rows, start=2):
        number_value = plain_number(row.get(value, ""))
        if row.get(kind) == COUNT_CODE and _small(number_value, rules):
            found.append(Violation(page, f"Zeile {number}, Spalte „{value}“", "kleine Fallzahl",
                                   f"{row.get(COLUMNS['indicator'])} {row.get(COLUMNS['area'])}: {row[value]}"))
        for numerator in ("zaehler", "numerator"):
            if numerator in row and (row[numerator] == SUPPRESSED or _small(plain_number(row[numerator]), rules)) \
                    and row.get(value) not in (SUPPRESSED, ""):
                found.append(Violation(page, f"Zeile {number}, Spalte „{value}“", "Zähler unterdrückt",
                                       f"Quote veröffentlicht, obwohl ihr Zähler „{row[numerator]}“ unterdrückt ist"))
        key = (row.get(COLUMNS["indicator"]), row.get(COLUMNS["year"]))
        groups.setdefault(key, []).append((number, row))
    if rules.secondary:
        for (indicator, year), members in groups.items():
            city = [row for _, row in members if row.get(COLUMNS["area_id"]) == CITY_AREA_ID]
            areas = [(n, row) for n, row in members if row.get(COLUMNS["area_id"]) != CITY_AREA_ID]
            withheld = [(n, row) for n, row in areas if row.get(value) == SUPPRESSED]
            # A file of one area (its fact-sheet CSV) holds no other area to subtract: recomputing needs
            # the full table, which is audited as a file of its own.
            if len(withheld) == 1 and len(areas) > 1 and city and city[0].get(value) not in (SUPPRESSED, ""):
                n, row = withheld[0]
                found.append(Violation(page, f"Zeile {n}", "rückrechenbar",
                                       f"{indicator} {year}: einziger unterdrückter Wert ({row.get(COLUMNS['area'])}) "
                                       "neben dem veröffentlichten Wert der Gesamtstadt"))
    return found


# --- the site ---------------------------------------------------------------------------------------
def rules_for_site(site: Path) -> DisclosureRules:
    """The rules of the pack the site was built from (named in provenance.json), else the defaults."""
    for candidate in [site, *site.parents][:3]:
        record = candidate / "provenance.json"
        if record.is_file():
            try:
                parameters = json.loads(record.read_text(encoding="utf-8")).get("parameters", {})
                return load_city(parameters["city"]).disclosure
            except Exception:  # noqa: BLE001 - an unreadable record falls back to the defaults
                break
    return DisclosureRules()


def audit_build_paths(page: str, text: str) -> list[Violation]:
    if not any(piece in text for piece in BUILD_PATH_PIECES):
        return []
    return [Violation(page, "Datei", "Baupfad", f"„{match}“ verrät den Rechner, auf dem gebaut wurde")
            for match in sorted(set(BUILD_PATH.findall(text)))]


def _audit_file(site: Path, relative: str, rules: DisclosureRules) -> list[Violation]:
    path = site / relative
    suffix = path.suffix.lower()
    found = [] if suffix in {".pdf", ".xlsx"} else \
        audit_build_paths(relative, path.read_text(encoding="utf-8", errors="replace"))
    if suffix == ".html":
        return found + audit_html(relative, path.read_text(encoding="utf-8", errors="replace"), rules)
    if suffix == ".ipynb":
        return found + audit_notebook(relative, path.read_text(encoding="utf-8", errors="replace"), rules)
    if suffix == ".md":
        return found + audit_text(relative, "Quelltext", path.read_text(encoding="utf-8", errors="replace"), rules)
    if suffix == ".pdf":
        return audit_pdf(relative, path, rules)
    if suffix == ".svg":   # a chart drawn as SVG keeps its labels as text
        return found + audit_text(relative, "Grafik", svg_text(path.read_text(encoding="utf-8", errors="replace")),
                                  rules)
    return found + audit_download(relative, path, rules)


def _audit_files(site: Path, files: list[str], rules: DisclosureRules) -> list[Violation]:
    return [violation for relative in files for violation in _audit_file(site, relative, rules)]


def audited_files(site: Path) -> list[str]:
    """The site's pages and downloads the audit reads, relative to the site, in order."""
    files = []
    for path in sorted(Path(site).rglob("*")):
        relative = path.relative_to(site)
        if not path.is_file() or SKIPPED_FOLDERS & set(relative.parts) or path.name in SKIPPED_FILES:
            continue
        if path.suffix.lower() in AUDITED_SUFFIXES:
            files.append(relative.as_posix())
    return files


AUDIT_BATCH = 25
AUDIT_NICENESS = 10


def audit_site(site: Path, rules: DisclosureRules | None = None, workers: int = 1,
               files: list[str] | None = None) -> list[Violation]:
    """Every page and download of a site (or those of `files`, from audited_files); with workers > 1 the
    files are shared out among processes (a Berlin edition has about 550 pages), and the violations come
    back in file order."""
    site = Path(site)
    rules = rules or rules_for_site(site)
    files = audited_files(site) if files is None else files
    if workers <= 1 or len(files) < 100:
        return _audit_files(site, files, rules)
    # Largest files first, in small batches handed to whichever worker is free: the workbook of all
    # indicators alone takes as long as hundreds of pages.
    largest_first = sorted(files, key=lambda name: (site / name).stat().st_size, reverse=True)
    batches = [largest_first[i:i + AUDIT_BATCH] for i in range(0, len(largest_first), AUDIT_BATCH)]
    # At a lower priority: in a build, Chromium prints the PDF alongside, one print after the other, and
    # the build waits for whichever ends last; the audit's batches take any core that is free.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=os.nice,
                             initargs=(AUDIT_NICENESS,)) as pool:
        found = [v for part in pool.map(_audit_files, [site] * len(batches), batches, [rules] * len(batches))
                 for v in part]
    order = {name: i for i, name in enumerate(files)}
    return sorted(found, key=lambda v: order.get(v.page, len(order)))


def summary(violations: list[Violation], shown: int = 3) -> str:
    """Violations per page or file, with the first few of each."""
    pages: dict[str, list[Violation]] = {}
    for violation in violations:
        pages.setdefault(violation.page, []).append(violation)
    lines = [f"Die Prüfung der Geheimhaltung fand {len(violations)} Verstöße auf {len(pages)} Seiten/Dateien:"]
    for page, found in pages.items():
        lines.append(f"  {page}: {len(found)}")
        lines += [f"    {v.place}: {v.kind} – {v.detail}" for v in found[:shown]]
        if len(found) > shown:
            lines.append(f"    … und {len(found) - shown} weitere")
    return "\n".join(lines)
