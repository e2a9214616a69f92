"""A published site is safe to open: data cannot inject HTML, downloads cannot run formulas, and no page
asks another host for anything.

The hostile edition renames an area to a script tag and puts markup into the pack's notes; it is built
once from the real Flensburg data."""
import csv
import re

import pytest

from analysis.build.pipeline import build_edition
from analysis.pack.loader import load_city
from analysis.report.downloads import neutralised

from browser import needs_chromium, page_requests, rendered_dom, served
from projects import copy_project

pytestmark = pytest.mark.integration

HOSTILE_AREA = "Tarup <script>alert(1)</script>"
HOSTILE_NOTE = 'Werte unter 4 <img src=x onerror="alert(2)"> geheim'
# Every page type of an edition (and of the city level).
PAGES = ["flensburg/index.html", "flensburg/ausgaben.html", "flensburg/2022/index.html",
         "flensburg/2022/notebooks/ueberblick.html", "flensburg/2022/notebooks/soziale_lage.html",
         "flensburg/2022/notebooks/sozialindex.html", "flensburg/2022/profiles/13-tarup-script-alert-1-script.html",
         "flensburg/2022/generated/methoden.html", "flensburg/2022/notebooks/datenqualitaet.html",
         "flensburg/2022/search.html"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("hostile"))
    city = root / "data" / "flensburg" / "city.yml"
    text = city.read_text(encoding="utf-8")
    text = text.replace("name: Tarup,", f'name: "{HOSTILE_AREA}",')
    text = text.replace("missing_meaning: Werte unter 4 sind in der Quelle aus Datenschutzgründen unkenntlich "
                        "gemacht.", f"missing_meaning: '{HOSTILE_NOTE}'")
    assert HOSTILE_AREA in text and HOSTILE_NOTE in text
    city.write_text(text, encoding="utf-8")
    load_city.cache_clear()
    try:
        build_edition("flensburg", 2022, root, report=lambda _: None)
        yield root / "_build" / "site"
    finally:
        load_city.cache_clear()


def test_names_and_notes_from_data_are_escaped_on_every_page(hostile):
    pages = sorted(hostile.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in html, page
        assert "<img src=x" not in html, page
    profile = (hostile / PAGES[6]).read_text(encoding="utf-8")
    assert "<h1>Tarup &lt;script&gt;alert(1)&lt;/script&gt;" in profile
    quality = (hostile / "flensburg/2022/notebooks/datenqualitaet.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=" in quality


@needs_chromium
def test_the_browser_shows_the_hostile_name_as_text(hostile):
    with served(hostile) as origin:
        dom = rendered_dom(f"{origin}/{PAGES[6]}")
    assert "<script>alert(1)</script>" not in dom
    assert re.search(r"<h1>Tarup &lt;script&gt;alert\(1\)&lt;/script&gt;", dom), dom[:500]


@needs_chromium
def test_no_page_requests_anything_from_another_host(hostile, tmp_path):
    with served(hostile) as origin:
        for number, page in enumerate(PAGES):
            log = tmp_path / f"net{number}.json"
            rendered_dom(f"{origin}/{page}", net_log=log)
            requested = page_requests(log, origin)
            assert any(url.startswith(f"{origin}/{page.rsplit('/', 1)[0]}") for url in requested), (page, requested)
            foreign = [url for url in requested if not url.startswith(origin)]
            assert foreign == [], (page, foreign)


def test_download_cells_that_would_run_as_formulas_are_neutralised(hostile):
    with open(hostile / "flensburg/2022/daten/indikatoren.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert any(row["gebiet"] == HOSTILE_AREA for row in rows)
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "@")), value
    assert [neutralised(v) for v in ["=1+1", "+49 461", "-2+3", "@SUM(A1)", "-1.5", "Neustadt", 3.5]] == \
        ["'=1+1", "'+49 461", "'-2+3", "'@SUM(A1)", "-1.5", "Neustadt", 3.5]
