"""The Berlin pack built end to end, cut down to one Bezirk (the full build is benchmarks/berlin.py)."""
from __future__ import annotations

from analysis.build.pipeline import build_edition
from analysis.pack.loader import load_city
from analysis.report import links

from projects import copy_project, reduce_berlin_to_bezirk, tables_without_scroll_region


def test_reduced_berlin_build_of_one_bezirk(tmp_path, monkeypatch):
    """The whole build for the Planungsräume of Mitte (the full build is benchmarks/berlin.py), with the
    sidebar limit lowered so that this small build takes the path of the full one."""
    monkeypatch.setattr(links, "SIDEBAR_PROFILES_MAX", 20)
    project = reduce_berlin_to_bezirk(copy_project(tmp_path), "01")
    load_city.cache_clear()
    try:
        site = build_edition("berlin", 2020, project, report=lambda _: None).site
        pack = load_city("berlin", project)
    finally:
        load_city.cache_clear()
    profiles = sorted((site / "profiles").glob("*.html"))
    assert len(profiles) == len(pack.areas) > 30
    page = (site / "profiles" / "01011101-stulerstrasse.html").read_text(encoding="utf-8")
    assert "Bezirksregion Tiergarten Süd" in page and "Bezirk Mitte" in page
    # a pack without facility layers: no infrastructure chapter, and the profiles' section is dropped
    assert "Soziale Infrastruktur" not in page and not (site / "notebooks" / "infrastruktur.html").exists()
    assert (site / "notebooks" / "mss_vergleich.html").is_file()
    overview = (site / "notebooks" / "stadtteilprofile.html").read_text(encoding="utf-8")
    assert overview.count('href="../profiles/') >= len(pack.areas)
    sidebar = (site / "notebooks" / "bevoelkerung.html").read_text(encoding="utf-8")
    assert "01011101-stulerstrasse" not in sidebar  # profiles are linked from their overview, not every page
    # the Lebenslagen chapter works without facilities and with shares published without a city value
    assert (site / "notebooks" / "lebenslagen.html").is_file()
    assert (site / "lebenslagen" / "kinder-und-jugendliche.html").is_file()
    assert not (site / "lebenslagen" / "alleinerziehende.html").exists()   # no Berlin table describes them
    missing, checked = tables_without_scroll_region(site)
    assert checked > 40 and not missing
