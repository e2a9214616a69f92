"""WCAG 2.1 A/AA (BITV 2.0): axe-core over every page type of a built edition, in Debian's Chromium.

`make test` installs axe-core and playwright-core from npm into tests/a11y/node_modules (npm ci)."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from browser import needs_chromium, served
from projects import tables_without_scroll_region

A11Y = Path(__file__).resolve().parents[1] / "a11y"
needs_axe = pytest.mark.skipif(shutil.which("node") is None or not (A11Y / "node_modules" / "axe-core").is_dir(),
                               reason="node or tests/a11y/node_modules missing (make test runs npm ci there)")

PAGE_TYPES = {
    "overview": "2022/notebooks/ueberblick.html",
    "chapter": "2022/notebooks/soziale_lage.html",
    "Lebenslagen heat maps": "2022/notebooks/lebenslagen.html",
    "group page with city series": "2022/lebenslagen/kinder-und-jugendliche.html",
    "map and index page": "2022/notebooks/sozialindex.html",
    "infrastructure chapter": "2022/notebooks/infrastruktur.html",
    "supply page with priority list": "2022/versorgung/kitas.html",
    "programme area": "2022/foerdergebiete/neustadt.html",
    "local knowledge": "2022/notebooks/vor_ort.html",
    "profile with an assessment on site": "2022/profiles/02-neustadt.html",
    "profile": "2022/profiles/01-altstadt.html",
    "comparison of areas": "2022/notebooks/vergleich.html",
    "development across areas": "2022/notebooks/entwicklung.html",
    "imprint with citation": "2022/generated/impressum.html",
    "methods": "2022/generated/methoden.html",
    "downloads": "2022/generated/daten.html",
    "glossary": "2022/book/glossar.html",
    "editions overview": "ausgaben.html",
}


def axe_violations(urls: list[str]) -> dict[str, list[dict]]:
    result = subprocess.run(["node", str(A11Y / "axe.mjs"), *urls], capture_output=True, text=True, timeout=600,
                            cwd=A11Y)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


@needs_chromium
@needs_axe
def test_every_page_type_passes_axe_wcag21_aa(built_site):
    city_folder = built_site.parent
    for page in PAGE_TYPES.values():
        assert (city_folder / page).is_file(), page
    with served(city_folder) as origin:
        found = axe_violations([f"{origin}/{page}" for page in PAGE_TYPES.values()])
    report = [f"{where.replace(origin + '/', '')}: {v['id']} ({v['impact']}, {v['count']}×): {v['help']} – "
              + "; ".join(n["target"] for n in v["nodes"])
              for where, violations in found.items() for v in violations]
    assert len(found) == 2 * len(PAGE_TYPES)   # desktop and phone
    assert not report, "\n".join(report)


@needs_chromium
@needs_axe
def test_axe_finds_a_violation_when_there_is_one(tmp_path):
    """The check can fail: an image without alt text and a grey-on-white paragraph are reported."""
    (tmp_path / "bad.html").write_text(
        '<!doctype html><html lang="de"><head><title>x</title></head><body><main>'
        '<img src="a.png"><p style="color:#bbb;background:#fff">blass</p></main></body></html>', encoding="utf-8")
    with served(tmp_path) as origin:
        found = axe_violations([f"{origin}/bad.html"])
    for width in ("1280px", "390px"):
        rules = {v["id"] for v in found[f"{width} {origin}/bad.html"]}
        assert {"image-alt", "color-contrast"} <= rules


@needs_chromium
@needs_axe
def test_axe_finds_a_wide_table_that_cannot_be_reached_by_keyboard(tmp_path):
    """The defect the scroll regions answer, shown on a phone: a wide table in a plain scroll box."""
    cells = "".join(f"<td>Wert {n}</td>" for n in range(30))
    (tmp_path / "wide.html").write_text(
        '<!doctype html><html lang="de"><head><title>x</title></head><body><main><h1>x</h1>'
        f'<div style="overflow-x:auto"><table><tr>{cells}</tr></table></div></main></body></html>',
        encoding="utf-8")
    with served(tmp_path) as origin:
        found = axe_violations([f"{origin}/wide.html"])
    assert "scrollable-region-focusable" in {v["id"] for v in found[f"390px {origin}/wide.html"]}


def test_every_table_scrolls_in_a_focusable_named_region(built_site):
    """Independent of layout: whether a table overflows depends on the screen, so every table sits in a
    region that the keyboard reaches and a screen reader names."""
    missing, checked = tables_without_scroll_region(built_site)
    assert checked > 50
    assert not missing


def test_figures_carry_alt_text_written_from_their_data(built_site):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((built_site / "notebooks" / "soziale_lage.html").read_text(encoding="utf-8"), "html.parser")
    images = [img for img in soup.find_all("img") if "_images/" in img.get("src", "")]
    assert images
    for image in images:
        assert image.get("alt", "").strip(), image
    alts = [img["alt"] for img in images]
    assert any(a.startswith("Karte: SGB-II-Quote 2022 nach Stadtteilen; höchster Wert ") for a in alts), alts
    # every chart is followed by its data as a table
    assert len(soup.select("details.grafik-daten table")) >= len(images) - 1




def test_every_page_declares_german(built_site):
    pages = [p for p in sorted(built_site.rglob("*.html")) if "_static" not in p.parts]
    assert len(pages) > 20
    for page in pages:
        head = page.read_text(encoding="utf-8")[:400]
        if head.startswith('<meta http-equiv="Refresh"'):
            continue   # Jupyter Book's forward from index.html to the first page, never shown
        assert '<html lang="de"' in head, page.relative_to(built_site)


def test_repairs_still_match_the_theme_markup(built_site):
    """Each repair in accessibility.py found its pattern in the themes' output (else it silently stopped)."""
    page = (built_site / "notebooks" / "soziale_lage.html").read_text(encoding="utf-8")
    assert 'aria-label="Toggle hidden content"' not in page
    assert "theme-switch-button" not in page
    assert "Unterseiten ein- oder ausblenden" in page


@needs_chromium
@needs_axe
def test_interactive_map_works_by_keyboard_and_offline(built_site):
    with served(built_site) as origin:
        result = subprocess.run(["node", str(A11Y / "map_check.mjs"), f"{origin}/notebooks/soziale_lage.html"],
                                capture_output=True, text=True, timeout=300, cwd=A11Y)
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout)
    # the second area alphabetically, with its value under the second layer (SGB-II-Quote)
    assert seen["info"].startswith("Engelsby: ") and "SGB-II-Quote 2022" in seen["info"], seen["info"]
    assert seen["chosen"] == 1
    # the year box goes back one year, with the same area and layer
    assert seen["infoEarlier"].startswith("Engelsby: ") and "SGB-II-Quote 2021" in seen["infoEarlier"], seen
    assert seen["legend"].startswith("SGB-II-Quote 2021"), seen["legend"]
    assert seen["info"] != seen["infoEarlier"]
    assert seen["firstFill"] and seen["secondFill"] and seen["firstFill"] != seen["secondFill"]
    assert all(url.startswith(origin) for url in seen["requests"]), seen["requests"]


@needs_chromium
@needs_axe
def test_area_comparison_works_by_keyboard_offline_and_by_address(built_site):
    with served(built_site) as origin:
        result = subprocess.run(["node", str(A11Y / "compare_check.mjs"), f"{origin}/notebooks/vergleich.html"],
                                capture_output=True, text=True, timeout=300, cwd=A11Y)
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout)
    # before any choice: the two areas of special need (Neustadt, Nordstadt) and the city
    assert seen["before"] == ["Indikator", "Neustadt", "Nordstadt", "Gesamtstadt Flensburg"], seen["before"]
    # the third list's first area (alphabetically Altstadt) joins as a third column
    assert seen["after"] == ["Indikator", "Neustadt", "Nordstadt", "Altstadt", "Gesamtstadt Flensburg"]
    assert len(seen["row"]) == 5 and all(cell.strip() for cell in seen["row"]), seen["row"]
    assert "#vergleich=" in seen["address"] and seen["reopened"] == seen["after"]
    # the development of the lead indicator for the chosen areas, described for screen readers, with its table;
    # Flensburg's areas never changed: nothing is drawn as an estimate
    assert seen["development"].startswith("Liniendiagramm") and "Altstadt von " in seen["development"]
    assert seen["developmentRows"] >= 2 and seen["dotted"] == 0
    assert all(url.startswith(origin) for url in seen["requests"]), seen["requests"]
