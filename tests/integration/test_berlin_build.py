"""The Berlin pack built end to end, cut down to one Bezirk (the full build is benchmarks/berlin.py): the
first edition on the LOR-2021 areas, with the years before the reform apportioned and marked."""
from __future__ import annotations

import csv
import re

from analysis.build.pipeline import build_edition
from analysis.pack.loader import load_city
from analysis.report import links

from projects import copy_project, reduce_berlin_to_bezirk, tables_without_scroll_region

SPLIT, UNCHANGED = "01100414", "01100101"   # Nordbahnhof (part of an earlier area), Stülerstraße (whole)


def test_reduced_berlin_2021_build_of_one_bezirk(tmp_path, monkeypatch):
    """The whole build for the Planungsräume of Mitte, with the sidebar limit lowered so that this small
    build takes the path of the full one."""
    monkeypatch.setattr(links, "SIDEBAR_PROFILES_MAX", 20)
    project = reduce_berlin_to_bezirk(copy_project(tmp_path), "01")
    load_city.cache_clear()
    try:
        site = build_edition("berlin", 2021, project, report=lambda _: None).site
        pack = load_city("berlin", project)
    finally:
        load_city.cache_clear()
    profiles = sorted((site / "profiles").glob("*.html"))
    assert len(profiles) == len(pack.areas) > 30
    unchanged = (site / "profiles" / "01100101-stulerstrasse.html").read_text(encoding="utf-8")
    assert "Bezirksregion Tiergarten Süd" in unchanged and "Bezirk Mitte" in unchanged
    assert "2015" in unchanged and "\u202fs" not in unchanged   # counted back to 2015, nothing estimated
    split = next(p for p in profiles if p.name.startswith(SPLIT)).read_text(encoding="utf-8")
    assert "\u202fs" in split and "s geschätzt" in split and "Gepunktet" in split
    # a pack without facility layers: no infrastructure chapter, and the profiles' section is dropped
    assert "Soziale Infrastruktur" not in unchanged and not (site / "notebooks" / "infrastruktur.html").exists()
    # the MSS ends in 2017 on the earlier areas: no social index on today's, and no comparison with it
    assert not (site / "notebooks" / "mss_vergleich.html").exists()
    methods = (site / "generated" / "methoden.html").read_text(encoding="utf-8")
    assert "Gebietsänderung und Rückrechnung" in methods and "berlin-lor-matches.json" in methods
    overview = (site / "notebooks" / "stadtteilprofile.html").read_text(encoding="utf-8")
    assert overview.count('href="../profiles/') >= len(pack.areas)
    sidebar = (site / "notebooks" / "bevoelkerung.html").read_text(encoding="utf-8")
    assert "01100101-stulerstrasse" not in sidebar  # profiles are linked from their overview, not every page
    # the profiles, outside the table of contents, share one sidebar (built once per folder and Sphinx
    # process, see book/_ext/fast_build.py): the same on every profile, and every link of it leads to a page
    navigations = {re.search(r'<nav class="bd-links bd-docs-nav".*?</nav>', p.read_text(encoding="utf-8"), re.S)[0]
                   for p in profiles}
    assert len(navigations) == 1
    targets = re.findall(r'href="([^"#]+)', navigations.pop())
    assert len(targets) > 5 and all((site / "profiles" / target).resolve().is_file() for target in targets)
    # the population tables describe structure, not need: no Lebenslagen chapter without the MSS shares
    assert not (site / "notebooks" / "lebenslagen.html").exists() and not (site / "lebenslagen").exists()
    with open(site / "daten" / "indikatoren" / "einwohner.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    marks = {(r["gebiet_id"], r["jahr"]): r["geschaetzt"] for r in rows}
    assert marks[(SPLIT, "2015")] == "ja" and marks[(SPLIT, "2021")] == "nein"
    assert marks[(UNCHANGED, "2015")] == "nein" and marks[("stadt", "2015")] == "nein"
    missing, checked = tables_without_scroll_region(site)
    assert checked > 40 and not missing
