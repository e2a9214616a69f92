"""The council PDF of an edition: printed offline, tagged, with every chapter and the profiles appendix."""
from __future__ import annotations

import re

from browser import needs_chromium


@needs_chromium
def test_edition_pdf_is_tagged_linked_from_the_start_page_and_holds_the_profiles(built_site):
    pdf = built_site / "sozialbericht-flensburg-2022.pdf"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert b"/StructTreeRoot" in data          # tagged: headings, lists and tables for screen readers
    assert b"/Outlines" in data                # document outline (bookmarks)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert pages > 13 + 10                     # chapters plus one or more pages per profile
    start = (built_site / "notebooks" / "ueberblick.html").read_text(encoding="utf-8")
    assert 'href="../sozialbericht-flensburg-2022.pdf"' in start
    assert not (built_site / "_druck.html").exists()   # the print page is not published


@needs_chromium
def test_pdf_title_page_names_publisher_and_date_and_contents_give_page_numbers(built_site):
    from pypdf import PdfReader

    reader = PdfReader(built_site / "sozialbericht-flensburg-2022.pdf")
    title = reader.pages[0].extract_text()
    assert "Herausgeber: Projekt Sozialbericht" in title and "Kontakt:" in title and "Stand: " in title
    contents = reader.pages[1].extract_text()
    listed = dict(re.findall(r"\d+\. (Soziale Lage|Sozialindex|Methoden) (\d+)", contents))
    assert set(listed) == {"Soziale Lage", "Sozialindex", "Methoden"}, contents
    # each number is the page on which the chapter starts in the final PDF (its outline entry)
    starts = {entry.title: reader.get_destination_page_number(entry) + 1 for entry in reader.outline
              if not isinstance(entry, list)}
    assert all(starts[chapter] == int(page) for chapter, page in listed.items()), (listed, starts)
    assert re.search(r"Seite 3 von \d+", reader.pages[2].extract_text())
    assert "Stadtteile vergleichen" not in contents   # a browser tool, not printed


@needs_chromium
def test_pdf_pages_are_printed_at_full_size(built_site):
    """A table wider than the page made Chromium shrink every page of the edition to two thirds. Each page's
    content is drawn at 1 CSS pixel = 0.75 pt, the front pages too, which a short second print numbered."""
    from pypdf import PdfReader

    reader = PdfReader(built_site / "sozialbericht-flensburg-2022.pdf")
    # a page's text area: clipped, then scaled from CSS pixels (0.24 pt each, set at the top of the stream)
    bodies = [re.search(rb"W\* n\nq\n(\d\.\d+) 0 0 \1 ", page.get_contents().get_data()) for page in reader.pages]
    scales = {number: body.group(1) for number, body in enumerate(bodies, start=1) if body}
    assert len(scales) > len(reader.pages) / 2
    assert set(scales.values()) == {b"3.125"}, scales
