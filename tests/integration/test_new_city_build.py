"""A new city with demographic data only, built end to end: the report follows the data (no empty heading,
no image without data, no topic the city has no data for)."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from analysis.build.pipeline import build_edition
from analysis.pack.loader import load_city

from projects import copy_project, empty_sections, images_without_data
from shapes import LOCATED, long_pack, no_geometry_pack, points_pack

# Words of topics and methods a report of residents and age groups must not claim.
NOT_IN_THE_DATA = ["Handlungsbedarf", "Sozialindex", "Transferleistung", "SGB", "Arbeitslos", "Armut", "belastet",
                   "ungünstig", "Soziale Lage", "Sozialraumtyp"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("new-city"))
    long_pack(project)
    load_city.cache_clear()
    try:
        yield build_edition("lang", 2022, project, report=lambda _: None).site
    finally:
        load_city.cache_clear()


def _pages(site):
    for page in sorted(site.rglob("*.html")):
        if "_static" not in page.parts and page.name != "glossar.html":   # the glossary explains every term
            yield page, BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")


@pytest.mark.integration
def test_a_demographic_pack_has_no_empty_heading_and_no_image_without_data(site):
    assert empty_sections(site) == []
    assert images_without_data(site) == []


@pytest.mark.integration
def test_no_page_claims_a_topic_the_data_do_not_have(site):
    claims = []
    for page, soup in _pages(site):
        main = soup.select_one("main")
        text = main.get_text(" ", strip=True) if main else ""
        claims += [f"{page.relative_to(site)}: {word}" for word in NOT_IN_THE_DATA if word in text]
    assert claims == []
    overview = BeautifulSoup((site / "notebooks" / "ueberblick.html").read_text(encoding="utf-8"), "html.parser")
    assert "5 Indikatoren im Handlungsfeld Bevölkerung ," in overview.get_text(" ", strip=True)


@pytest.mark.integration
def test_chapters_follow_the_data_and_name_the_packs_areas(site):
    present = {p.stem for p in (site / "notebooks").glob("*.html")}
    assert {"ueberblick", "bevoelkerung", "entwicklung", "stadtteilprofile", "vergleich"} <= present
    assert not present & {"soziale_lage", "sozialindex", "methodenvergleich", "sozialraumtypen", "lebenslagen"}
    profiles = BeautifulSoup((site / "notebooks" / "stadtteilprofile.html").read_text(encoding="utf-8"), "html.parser")
    assert profiles.select_one("main h1").get_text(strip=True).rstrip("#") == "Profile der Stadtteile"
    assert len(list((site / "profiles").glob("*.html"))) == 13


@pytest.mark.integration
def test_trend_panels_show_structure_indicators_when_there_is_no_need_indicator(site):
    page = BeautifulSoup((site / "profiles" / "103-nordstadt.html").read_text(encoding="utf-8"), "html.parser")
    trend = next(img for img in page.select("main img") if img.get("alt", "").startswith("Liniendiagramme"))
    assert re.search(r"Ältere ab 65 von [\d,]+\s%\s\(2019\) auf [\d,]+\s%\s\(2022\)", trend["alt"]), trend["alt"]


@pytest.mark.integration
def test_data_quality_lists_the_rows_left_out_and_the_repaired_polygon(site):
    text = BeautifulSoup((site / "notebooks" / "datenqualitaet.html").read_text(encoding="utf-8"),
                         "html.parser").get_text(" ", strip=True)
    assert "Schlüssel in Merkmal-ID ohne Variable" in text and "Nordstadt: ungültige Fläche" in text
    sources = " ".join(BeautifulSoup((site / "generated" / "datenquellen.html").read_text(encoding="utf-8"),
                                     "html.parser").get_text(" ", strip=True).split())
    assert "1 von 1 Dateien sind nicht die veröffentlichten selbst" in sources and "tests/shapes.py" in sources


@pytest.fixture(scope="module")
def points_and_none(tmp_path_factory):
    """Two more packs in one project: areas as points for ten of 13 Stadtteile, and no geometry at all."""
    project = copy_project(tmp_path_factory.mktemp("points-and-none"))
    points_pack(project)
    no_geometry_pack(project)
    load_city.cache_clear()
    try:
        yield {slug: build_edition(slug, 2022, project, report=lambda _: None).site
               for slug in ("punkte", "ohne_geometrie")}
    finally:
        load_city.cache_clear()


@pytest.mark.integration
def test_points_make_dot_maps_and_no_geometry_makes_ranked_bars(points_and_none):
    import json

    points, none = points_and_none["punkte"], points_and_none["ohne_geometrie"]
    for site in (points, none):
        assert empty_sections(site) == [] and images_without_data(site) == []
    page = BeautifulSoup((points / "notebooks" / "soziale_lage.html").read_text(encoding="utf-8"), "html.parser")
    assert len(page.select(".interaktive-karte path")) == LOCATED
    assert "Ohne Lage in den Daten, daher nicht in der Karte: Mürwik, Engelsby, Tarup" in page.get_text(" ")
    maps = [img["alt"] for img in page.select("main img") if img.get("alt", "").startswith("Karte")]
    assert maps and all(alt.startswith("Karte mit einem Kreis je Gebiet") for alt in maps)
    geojson = json.loads((points / "daten" / "gebiete.geojson").read_text(encoding="utf-8"))
    assert {f["geometry"]["type"] for f in geojson["features"]} == {"Point"} and len(geojson["features"]) == LOCATED
    # without geometry: no map, no interactive map, no boundaries published; bars stand in on the overview
    assert not (none / "daten" / "gebiete.geojson").exists()
    overview = BeautifulSoup((none / "notebooks" / "ueberblick.html").read_text(encoding="utf-8"), "html.parser")
    assert not any(img.get("alt", "").startswith("Karte") for img in overview.select("main img"))
    assert any("nach Wert geordnet" in img.get("alt", "") for img in overview.select("main img"))
    population = (none / "notebooks" / "bevoelkerung.html").read_text(encoding="utf-8")
    assert "Karten" not in BeautifulSoup(population, "html.parser").select_one("main").get_text(" ")
