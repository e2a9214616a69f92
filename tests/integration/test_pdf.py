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
