"""The edition as one PDF for the council (Ratsvorlage), printed offline by headless Chromium.

The built pages' article content is put together in reading order (title page, contents, chapters, the
area profiles as an appendix) into one print page with its own print stylesheet; code cells, folded
data tables and the interactive map are left out (the static maps and tables carry the same
information). Chromium writes a tagged PDF with a document outline.

Page numbers come from CSS page-margin boxes. The contents list needs the page of every chapter, which
Chromium cannot compute in CSS (no target-counter): a print's outline says on which page each chapter starts,
and the contents are printed again with those numbers (the contents keep their size, so no chapter moves):
only the title and contents pages, which replace the first print's (see _numbered_contents). A rebuild
starts from the numbers of the last print and prints once, unless a chapter moved.

Nothing is printed smaller than the stylesheet says: a table wider than the page would make Chromium
shrink every page to fit, so the cells of wide tables may break long words, and tables of many columns
are set in a smaller type (TABLE_WIDTHS)."""
from __future__ import annotations

import html as html_module
import io
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from lxml import html as lxml_html
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
)

from analysis.report.comparison import ONLINE_ONLY

PRINT_PAGE = "_druck.html"
PRINTS_MAX = 3   # the numbers settle after the second print; a third is a safety margin
APPENDIX_AREAS_MAX = 60    # above this, the appendix would run to thousands of pages; profiles stay online
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-pdf-header-footer", "--generate-pdf-document-outline", "--export-tagged-pdf"]
PRINT_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.4; color: #000; }
h1 { font-size: 18pt; break-before: page; } h2 { font-size: 13pt; } h3, h4 { font-size: 11pt; }
h1, h2, h3 { break-after: avoid; }
img { max-width: 100%; max-height: 245mm; break-inside: avoid; }  /* taller than a page: shrunk, not cut */
table { border-collapse: collapse; font-size: 8pt; margin: 0.5em 0; break-inside: auto; max-width: 100%; }
th, td { border-bottom: 1px solid #999; padding: 2px 4px; text-align: left; vertical-align: top; }
/* a cell may break a long word: a table wider than the page would make Chromium shrink every page to fit */
p, li, th, td { overflow-wrap: break-word; } td code, td code * { overflow-wrap: anywhere; }
/* tables of many columns (TABLE_WIDTHS): smaller, and the column heads may break within a word */
table.breit { font-size: 7pt; } table.sehr-breit { font-size: 6pt; }
:is(table.breit, table.sehr-breit) :is(th, td) { padding: 2px 2px; }
:is(table.breit, table.sehr-breit) thead th, :is(table.breit, table.sehr-breit) thead th * { overflow-wrap: anywhere; }
tr { break-inside: avoid; } a { color: #000; text-decoration: none; }
.titelseite { height: 240mm; display: flex; flex-direction: column; justify-content: center; }
.titelseite h1 { font-size: 28pt; break-before: auto; } .titelseite .impressum { margin-top: 30mm; font-size: 10pt; }
.inhalt ol { padding-left: 1.5em; } .inhalt li { margin: 0.25em 0; }
.inhalt a { display: flex; } .inhalt .punkte { flex: 1; border-bottom: 1px dotted #666; margin: 0 0.4em 0.3em; }
.inhalt .seite { min-width: 2.5em; text-align: right; font-variant-numeric: tabular-nums; }
.anhang h1 { font-size: 15pt; }
@page { @bottom-left { content: FOOTER_TEXT; font: 8pt "DejaVu Sans", sans-serif; color: #444; }
        @bottom-right { content: "Seite " counter(page) " von " counter(pages); font: 8pt "DejaVu Sans", sans-serif;
                        color: #444; } }
@page :first { @bottom-left { content: none; } @bottom-right { content: none; } }
.leerseite { break-before: page; height: 1px; }
"""
# (more columns than, class): a table too wide for the page would make Chromium shrink every page to fit
TABLE_WIDTHS = ((12, "sehr-breit"), (6, "breit"))
BLANK_PAGE = '<div class="leerseite"></div>'   # in place of a chapter's page, when only the contents are printed


@dataclass(frozen=True)
class TitlePage:
    title: str
    subtitle: str
    lines: tuple[str, ...] = ()    # publisher, contact, date: "Herausgeber: …"


def _with_class(name: str) -> str:
    """An XPath test for an element whose class attribute names `name`."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


NOT_PRINTED = " | ".join([   # code, folded details, chart data tables, the interactive map, heading links
    f".//*[{_with_class('cell_input')}]", f".//details[{_with_class('hide')}]",
    f".//details[{_with_class('grafik-daten')}]", f".//*[{_with_class('interaktive-karte')}]", ".//script",
    ".//noscript", f".//a[{_with_class('headerlink')}]", f".//*[{_with_class('tag_remove-cell')}]"])


def _article(page: Path, anchor: str) -> tuple[str, str]:
    """The page's article prepared for print, and its title."""
    root = lxml_html.document_fromstring(page.read_bytes(), parser=lxml_html.HTMLParser(encoding="utf-8"))
    article = next(iter(root.xpath(f"//article[{_with_class('bd-article')}]")), None)
    if article is None or article.xpath(f".//*[{_with_class(ONLINE_ONLY)}]"):   # a tool page means nothing on paper
        return "", ""
    for hidden in article.xpath(NOT_PRINTED):
        hidden.drop_tree()   # the text after it stays
    for image in article.iter("img"):
        image.set("src", re.sub(r"^(\.\./)+", "", image.get("src", "")))
    for link in article.iter("a"):
        link.attrib.pop("href", None)   # links between web pages mean nothing on paper
    for table in article.iter("table"):
        columns = max((len(row.xpath("./th | ./td")) for row in table.iter("tr")), default=0)
        width = next((name for most, name in TABLE_WIDTHS if columns > most), None)
        if width:
            table.set("class", f"{table.get('class', '')} {width}".strip())
    for element in article.xpath(".//*[@id]"):   # ids stay unique once all pages share one document
        element.set("id", f"{anchor}-{element.get('id')}")
    first = article.find(".//h1")
    if first is not None:
        first.set("id", anchor)
    title = " ".join(piece for piece in (raw.strip() for raw in first.itertext()) if piece) if first is not None else ""
    return lxml_html.tostring(article, encoding="unicode", with_tail=False), title


@dataclass(frozen=True)
class PrintArticles:
    """The articles of the pages to print, read once for all prints of the edition."""
    chapters: list[tuple[str, str, str]]   # (anchor, article HTML, title) in reading order
    appendix: list[str]                     # the area profiles' articles


def print_articles(site: Path, chapters: list[str], profiles: list[str]) -> PrintArticles:
    """chapters and profiles: page paths relative to the site, in reading order."""
    found = []
    for number, page in enumerate(chapters):
        anchor = f"kapitel-{number}"
        article, name = _article(site / page, anchor)
        if article:
            found.append((anchor, article, name))
    return PrintArticles(found, [_article(site / page, f"profil-{number}")[0] for number, page in enumerate(profiles)])


def print_page(articles: PrintArticles, title_page: TitlePage, pages: dict[str, int] | None = None,
               blank_pages: int | None = None) -> str:
    """pages: chapter title → page number in the printed PDF (from an earlier print), or None. blank_pages:
    the title page and the contents only, followed by that many empty pages (in place of the chapters)."""
    contents = []
    for anchor, _, name in articles.chapters:
        found = (pages or {}).get(_normalised(name))
        # without numbers the width of a page number is reserved, so printing them moves nothing
        shown = str(found) if found else "\u2007" * 3
        contents.append(f'<li><a href="#{anchor}"><span>{html_module.escape(name)}</span><span class="punkte">'
                        f'</span><span class="seite">{shown}</span></a></li>')
    if articles.appendix:
        contents.append(f"<li>Anhang: {len(articles.appendix)} Gebietsprofile</li>")
    parts = "".join(article for _, article, _ in articles.chapters)
    # the running footer as a CSS string
    footer = '"' + title_page.title.replace('\\', '\\\\').replace('"', '\\"').replace('<', '\\3c ') + '"'
    imprint = "".join(f"<p>{html_module.escape(line)}</p>" for line in title_page.lines)
    return (f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>{html_module.escape(title_page.title)}'
            f'</title><style>{PRINT_CSS.replace("FOOTER_TEXT", footer)}</style></head><body>'
            f'<section class="titelseite"><h1>{html_module.escape(title_page.title)}</h1>'
            f'<p>{html_module.escape(title_page.subtitle)}</p><div class="impressum">{imprint}</div></section>'
            f'<nav class="inhalt" aria-label="Inhalt"><h1>Inhalt</h1><ol>{"".join(contents)}</ol></nav>'
            + (f"<main>{parts}<section class=\"anhang\">{''.join(articles.appendix)}</section></main>"
               if blank_pages is None else f"<main>{BLANK_PAGE * blank_pages}</main>")
            + "</body></html>")


def _normalised(text: str) -> str:
    return " ".join(text.split())


def chapter_pages(pdf: Path) -> dict[str, int]:
    """Title of every top-level entry of the PDF's outline (the h1 headings) → its page, counted from 1."""
    reader = PdfReader(pdf)
    pages = {}
    for entry in reader.outline:
        if isinstance(entry, list):   # sub-headings of the entry before
            continue
        pages.setdefault(_normalised(entry.title), reader.get_destination_page_number(entry) + 1)
    return pages


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def available() -> bool:
    return _chromium() is not None


def file_name(site_key: str, year: int) -> str:
    return f"sozialbericht-{site_key}-{year}.pdf"


def _print(chromium: str, page: Path, target: Path) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={target}",
                        page.as_uri()], check=True, capture_output=True, timeout=900)


def write_pdf(site: Path, target: Path, title_page: TitlePage, chapters: list[str], profiles: list[str],
              expected_pages: dict[str, int] | None = None) -> dict[str, int] | None:
    """Print the edition into target; returns the page of every chapter, or None (and nothing written)
    where Chromium is not installed. With `expected_pages` (from the last print of the edition) the
    contents are printed with those numbers at once, and printed again only where a chapter moved."""
    chromium = _chromium()
    if chromium is None:
        return None
    page = site / PRINT_PAGE
    articles = print_articles(site, chapters, profiles)
    try:
        pages = expected_pages or None
        for _ in range(PRINTS_MAX):
            page.write_text(print_page(articles, title_page, pages), encoding="utf-8")
            _print(chromium, page, target)
            found = chapter_pages(target)
            if found == pages:
                break
            pages = found
            if _numbered_contents(chromium, page, articles, title_page, pages, target):
                break
        return found
    finally:
        page.unlink(missing_ok=True)


# What must be the same on a front page printed again: its tagged content and the scale of its drawing
LAYOUT = re.compile(rb"/(\w+) <</MCID (\d+) >>BDC|([-\d. ]+) cm")


def _numbered_contents(chromium: str, page: Path, articles: PrintArticles, title_page: TitlePage,
                       pages: dict[str, int], target: Path) -> bool:
    """The printed edition's front pages (title, contents) replaced by the same pages printed with the
    chapters' page numbers: the contents reserve the numbers' width, so nothing else moves, and only the
    few front pages are printed again instead of the whole edition. The link areas, the outline and the
    structure of the tagged PDF stay those of the full print; where the new front pages differ in anything
    but their text (their number, the tags of their content), nothing is replaced and the caller prints
    the whole edition again."""
    printed = PdfReader(target)
    starts = [pages[_normalised(name)] for _, _, name in articles.chapters if _normalised(name) in pages]
    front = min(starts, default=1) - 1   # the pages before the first chapter
    if front < 1:
        return False
    page.write_text(print_page(articles, title_page, pages, blank_pages=len(printed.pages) - front),
                    encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:   # not in the site, which is audited meanwhile
        numbered = Path(folder) / "inhalt.pdf"
        _print(chromium, page, numbered)
        renumbered = PdfReader(numbered)
        if len(renumbered.pages) != len(printed.pages) or any(
                LAYOUT.findall(renumbered.pages[n].get_contents().get_data())
                != LAYOUT.findall(printed.pages[n].get_contents().get_data()) for n in range(front)):
            return False
        _append_update(target, printed, [(printed.pages[n], renumbered.pages[n]) for n in range(front)])
        return True


def _append_update(target: Path, printed: PdfReader, replaced: list[tuple[PageObject, PageObject]]) -> None:
    """An incremental update of the PDF (appended, as a PDF editor saves): each page of `printed` gets the
    content and resources of its partner page from another PDF, whose objects are appended under new
    numbers. pypdf's writer would parse all of the tagged PDF's objects (tens of thousands) to do this."""
    numbers: dict[int, int] = {}   # object number in the other PDF → appended object's number
    appended: list[tuple[int, PdfObject]] = []
    first_free = int(printed.trailer["/Size"])

    def moved(value):
        """`value` with each reference into the other PDF turned into one to its appended copy."""
        if isinstance(value, IndirectObject):
            if value.idnum not in numbers:
                numbers[value.idnum] = first_free + len(numbers)
                referenced = value.get_object()
                appended.append((numbers[value.idnum], referenced))
                moved(referenced)
            return IndirectObject(numbers[value.idnum], 0, None)
        if isinstance(value, DictionaryObject):   # stream dictionaries too
            for key in list(value):
                value[key] = moved(value.raw_get(key))
        elif isinstance(value, ArrayObject):
            for position, item in enumerate(value):
                value[position] = moved(item)
        return value

    pages = []
    for kept, other in replaced:
        kept[NameObject("/Contents")] = moved(other.raw_get("/Contents"))
        kept[NameObject("/Resources")] = moved(other.raw_get("/Resources"))
        pages.append((kept.indirect_reference.idnum, kept))
    data = target.read_bytes()
    previous = int(re.findall(rb"startxref\s+(\d+)", data[-1024:])[-1])
    update, offsets = io.BytesIO(), {}
    update.write(b"\n")
    for number, value in [*appended, *pages]:
        offsets[number] = len(data) + update.tell()
        update.write(f"{number} 0 obj\n".encode())
        value.write_to_stream(update)
        update.write(b"\nendobj\n")
    table = len(data) + update.tell()
    update.write(b"xref\n0 1\n0000000000 65535 f \n")
    for number in sorted(offsets):
        update.write(f"{number} 1\n{offsets[number]:010d} 00000 n \n".encode())
    trailer = DictionaryObject({NameObject("/Size"): NumberObject(first_free + len(numbers)),
                                NameObject("/Prev"): NumberObject(previous),
                                **{NameObject(key): printed.trailer.raw_get(key)
                                   for key in ("/Root", "/Info", "/ID") if key in printed.trailer}})
    update.write(b"trailer\n")
    trailer.write_to_stream(update)
    update.write(f"\nstartxref\n{table}\n%%EOF\n".encode())
    with target.open("ab") as out:
        out.write(update.getvalue())


FACT_SHEET_CSS = """
@page { size: A4; margin: 14mm 14mm 14mm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 8.5pt; line-height: 1.35; color: #000; margin: 0; }
section.steckbrief { break-before: page; } section.steckbrief:first-child { break-before: auto; }
h1 { font-size: 18pt; margin: 0; } h2 { font-size: 11pt; margin: 8pt 0 3pt; }
.unterzeile { margin: 2pt 0 6pt; color: #333; }
img.lage { float: right; width: 55mm; margin: 0 0 4pt 8pt; }
ul { margin: 2pt 0; padding-left: 14pt; } p { margin: 3pt 0; }
table { border-collapse: collapse; width: 100%; font-size: 7.5pt; clear: both; }
th, td { border-bottom: 1px solid #aaa; padding: 1.5pt 3pt; text-align: left; vertical-align: top; }
.fuss { font-size: 7pt; color: #333; margin-top: 6pt; }
"""


def write_fact_sheets(sheets: dict[str, str], folder: Path, title: str) -> int:
    """Print every area's sheet (stem → HTML section) into folder/<stem>.pdf: all in one Chromium run, then
    split at each sheet's heading (from the PDF outline), so a sheet that runs over a page stays whole.
    Returns the number written; 0 where Chromium is not installed."""
    chromium = _chromium()
    if chromium is None or not sheets:
        return 0
    with tempfile.TemporaryDirectory() as work:
        page, printed = Path(work) / "steckbriefe.html", Path(work) / "steckbriefe.pdf"
        page.write_text(f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
                        f"<title>{html_module.escape(title)}</title><style>{FACT_SHEET_CSS}</style></head>"
                        f"<body>{''.join(sheets.values())}</body></html>", encoding="utf-8")
        _print(chromium, page, printed)
        reader = PdfReader(printed)
        starts = [reader.get_destination_page_number(entry) for entry in reader.outline
                  if not isinstance(entry, list)]
        if len(starts) != len(sheets):
            raise RuntimeError(f"Steckbriefe: {len(starts)} Überschriften im PDF, {len(sheets)} erwartet")
        ends = [*starts[1:], len(reader.pages)]
        for stem, start, end in zip(sheets, starts, ends):
            writer = PdfWriter()
            for number in range(start, end):
                writer.add_page(reader.pages[number])
            writer.add_metadata({"/Title": f"{title}: {stem}", "/Lang": "de"})
            with open(folder / f"{stem}.pdf", "wb") as handle:
                writer.write(handle)
    return len(sheets)
