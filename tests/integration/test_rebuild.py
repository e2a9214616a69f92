"""A rebuild after a prose change in one chapter executes that chapter's notebook only; the others come
from the last build, because nothing their outputs depend on changed (data, analysis code, parameters).
Sphinx writes that chapter's page only, and the audit reads again only what Sphinx wrote anew."""
from __future__ import annotations

import json
import re

import pytest

from analysis.build.pipeline import STAMPS, BuildError, build_edition
from analysis.pack.loader import load_city

from projects import copy_project
from shapes import no_geometry_pack

NEW_SENTENCE = "Dieser Satz wurde nach dem ersten Bau ergänzt."


@pytest.mark.integration
def test_a_prose_change_in_one_chapter_re_executes_only_that_chapter(tmp_path):
    project = copy_project(tmp_path)
    no_geometry_pack(project)
    steps = []
    load_city.cache_clear()
    try:
        build_edition("ohne_geometrie", 2022, project, report=lambda _: None)
        chapter = project / "notebooks" / "bevoelkerung.ipynb"
        notebook = json.loads(chapter.read_text(encoding="utf-8"))
        prose = next(c for c in notebook["cells"] if c["cell_type"] == "markdown" and not
                     "".join(c["source"]).lstrip().startswith("#"))
        prose["source"] = ["".join(prose["source"]).rstrip() + f" {NEW_SENTENCE}\n"]
        chapter.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        kept = project / "_build" / "cache" / "stage" / "ohne_geometrie" / "2022" / "book" / "_build" / "html"
        written = {page: (kept / page).stat().st_mtime_ns for page in UNCHANGED_PAGES + [CHANGED_PAGE]}
        site = build_edition("ohne_geometrie", 2022, project, report=steps.append).site
    finally:
        load_city.cache_clear()
    assert any("die Indikatoren aus dem letzten Bau" in s for s in steps), steps
    sources = int(re.search(r"Jupyter Book bauen \((\d+) geänderte Quelldateien\)", "\n".join(steps)).group(1))
    assert 1 <= sources <= 3, steps   # the chapter; the provenance and imprint pages (their build time)
    assert all((kept / page).stat().st_mtime_ns == written[page] for page in UNCHANGED_PAGES)
    assert (kept / CHANGED_PAGE).stat().st_mtime_ns > written[CHANGED_PAGE]
    # every published page, written anew or not, carries this build's time
    built = json.loads((site / "provenance.json").read_text(encoding="utf-8"))["built"]
    shown = f"{built[8:10]}.{built[5:7]}.{built[:4]}, {built[11:16]} Uhr"
    for page in UNCHANGED_PAGES + [CHANGED_PAGE]:
        assert f"gebaut am {shown}" in (site / page).read_text(encoding="utf-8"), page
    assert not [p for p in site.rglob("*") if p.is_file() and p.suffix in {".html", ".js", ".json", ".md"}
                and any(stamp in p.read_text(encoding="utf-8") for stamp in STAMPS.values())]
    executed = next(s for s in steps if "Notebooks ausführen" in s)
    assert "1 von " in executed, executed
    assert NEW_SENTENCE in (site / "notebooks" / "bevoelkerung.html").read_text(encoding="utf-8")
    # the kept notebooks are this build's: one per page, nothing left over from the edit
    kept = list((project / "_build" / "cache" / "notebooks" / "ohne_geometrie" / "2022").glob("*.ipynb"))
    total = int(executed.split(" von ")[1].split()[0])
    assert len(kept) == total


@pytest.mark.integration
def test_a_changed_chapter_title_reaches_the_navigation_of_every_page(tmp_path):
    """Sphinx writes the sidebar into every page but rewrites only the changed ones: a new title makes the
    rebuild write every page."""
    project = copy_project(tmp_path)
    no_geometry_pack(project)
    load_city.cache_clear()
    try:
        build_edition("ohne_geometrie", 2022, project, report=lambda _: None)
        chapter = project / "notebooks" / "bevoelkerung.ipynb"
        notebook = json.loads(chapter.read_text(encoding="utf-8"))
        title = next(c for c in notebook["cells"] if "".join(c["source"]).startswith("# "))
        title["source"] = ["# Bevölkerung im Wandel"]
        chapter.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        site = build_edition("ohne_geometrie", 2022, project, report=lambda _: None).site
    finally:
        load_city.cache_clear()
    for page in UNCHANGED_PAGES:
        assert "Bevölkerung im Wandel" in (site / page).read_text(encoding="utf-8"), page


UNCHANGED_PAGES = ["notebooks/vergleich.html", "notebooks/datenqualitaet.html"]   # no glue from the changed one
CHANGED_PAGE = "notebooks/bevoelkerung.html"


@pytest.mark.integration
def test_the_audit_reads_again_a_page_that_changed_after_it_was_found_clean(tmp_path):
    """The audit skips a page only when it is byte for byte the one it found clean: a page changed behind
    Sphinx's back in the kept stage is read again, and its small count stops the build."""
    project = copy_project(tmp_path)
    no_geometry_pack(project)
    load_city.cache_clear()
    try:
        site = build_edition("ohne_geometrie", 2022, project, report=lambda _: None).site
        before = (site / "notebooks" / "ueberblick.html").read_bytes()
        kept = project / "_build" / "cache" / "stage" / "ohne_geometrie" / "2022" / "book" / "_build" / "html"
        page = kept / "notebooks" / "vergleich.html"
        planted = page.read_text(encoding="utf-8").replace("</main>", "<p>Im Gebiet leben 2 Personen.</p></main>")
        page.write_text(planted, encoding="utf-8")
        with pytest.raises(BuildError, match="notebooks/vergleich.html"):
            build_edition("ohne_geometrie", 2022, project, report=lambda _: None, force=True)
    finally:
        load_city.cache_clear()
    assert (site / "notebooks" / "ueberblick.html").read_bytes() == before   # nothing published
