"""Editions over time, in a copy of the project: a planner adds a year, old editions stay as published,
failed builds publish nothing, an unchanged rebuild does nothing.

The copy starts without 2022 (rows removed from every raw file) and gets it back, as a new year's
delivery would arrive. With it comes one synthetic revision of a 2020 value, so that the comparison
page has a real revision to find."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from analysis.build.pipeline import BuildError, EditionFrozen, build_edition
from analysis.compute import disclosure
from analysis.errors import InputError
from analysis.pack.loader import load_city

from browser import needs_chromium, rendered_dom, served
from projects import copy_project

pytestmark = pytest.mark.integration

REVISED_FILE = "raw/fl_residents_by_district.csv"
REVISED_ROW = ("2020", "1")  # year, district_id: Altstadt 2020, 3739 residents in the source
REVISED_VALUE = "3749"


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def quiet(_text: str) -> None:
    pass


def without_year(text: str, year_column: str, year: str) -> str:
    lines = text.splitlines(keepends=True)
    header = next(csv.reader([lines[0]]))
    position = header.index(year_column)
    return lines[0] + "".join(line for line in lines[1:] if next(csv.reader([line]))[position] != year)


def with_revision(text: str) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    year, district = header.index("year"), header.index("district_id")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        if (row[year], row[district]) == REVISED_ROW:
            row[header.index("residents")] = REVISED_VALUE
        writer.writerow(row)
    return out.getvalue()


class Project:
    """A copy of the project root; the pack's files can be rolled back and forward."""

    def __init__(self, root: Path, original: Path):
        self.root, self.original = root, original
        self.pack = root / "data" / "flensburg"

    def build(self, year: int, **options):
        load_city.cache_clear()
        return build_edition("flensburg", year, self.root, report=quiet, **options)

    def site(self, year: int) -> Path:
        return self.root / "_build" / "site" / "flensburg" / str(year)

    def digests(self) -> dict[int, dict[str, str]]:
        return {year: tree_digest(self.site(year)) for year in (2021, 2022) if self.site(year).exists()}

    def city_yml(self) -> str:
        return (self.pack / "city.yml").read_text(encoding="utf-8")

    def set_city_yml(self, text: str) -> None:
        (self.pack / "city.yml").write_text(text, encoding="utf-8")
        load_city.cache_clear()

    def remove_year(self, year: int) -> None:
        pack = load_city("flensburg", self.root)
        for source in pack.sources:
            path = self.pack / source.file
            path.write_text(without_year(path.read_text(encoding="utf-8"), source.year_column, str(year)),
                            encoding="utf-8")
        text = self.city_yml().replace(f"  - year: {year}\n", "")
        self.set_city_yml(text.replace(f"default_edition: {year}", f"default_edition: {year - 1}"))

    def deliver_year(self) -> None:
        """The full original pack comes back, with one revised earlier value."""
        shutil.rmtree(self.pack)
        shutil.copytree(self.original / "data" / "flensburg", self.pack)
        revised = self.pack / REVISED_FILE
        revised.write_text(with_revision(revised.read_text(encoding="utf-8")), encoding="utf-8")
        load_city.cache_clear()


@pytest.fixture(scope="module")
def project(tmp_path_factory, root):
    folder = tmp_path_factory.mktemp("editions")
    copy_project(folder)
    project = Project(folder, root)
    project.remove_year(2022)
    yield project
    load_city.cache_clear()


@pytest.fixture(scope="module")
def first(project):
    """Edition 2021 built before 2022's data existed."""
    result = project.build(2021)
    assert result.status == "built"
    return tree_digest(result.site)


@pytest.fixture(scope="module")
def second(project, first):
    """2022 delivered, declared and built; 2021 must not have changed."""
    project.deliver_year()
    result = project.build(2022)
    assert result.status == "built"
    return result


def page_text(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    inline = re.sub(r"</?(span|strong|em|a|code)\b[^>]*>", "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inline))


def test_new_year_leaves_the_first_edition_byte_identical(project, first, second):
    assert tree_digest(project.site(2021)) == first


def test_versions_list_both_editions_and_the_index_leads_to_the_latest(project, second):
    city = project.root / "_build" / "site" / "flensburg"
    versions = json.loads((city / "versions.json").read_text(encoding="utf-8"))
    assert versions["latest"] == 2022
    assert [e["year"] for e in versions["editions"]] == [2022, 2021]
    assert "notebooks/aenderungen.html" in versions["editions"][1]["pages"]
    assert (city / "versions.js").read_text(encoding="utf-8").startswith("window.SOZIALBERICHT_EDITIONS = {")
    assert 'content="0; url=2022/index.html"' in (city / "index.html").read_text(encoding="utf-8")


def test_each_edition_stores_its_inputs_indicators_catalogue_and_provenance(project, second):
    import pandas as pd

    archive = project.root / "_build" / "archive" / "flensburg"
    first_inputs = pd.read_csv(archive / "2021" / "inputs.csv", dtype={"area_id": str})
    assert first_inputs["year"].max() == 2021
    indicators = pd.read_csv(archive / "2022" / "indicators.csv", dtype={"area_id": str})
    sgb2 = indicators.query("indicator == 'sgb2_quote' and area_id == '2' and year == 2022")["value"]
    assert sgb2.iloc[0] == pytest.approx(1014 / (5052 - 370) * 100)
    assert "sgb2_quote" in (archive / "2022" / "catalog.yml").read_text(encoding="utf-8")


def test_provenance_lists_every_input_file_with_its_hash(project, second):
    record = json.loads((project.site(2022) / "provenance.json").read_text(encoding="utf-8"))
    files = {f["path"]: f["sha256"] for f in record["inputs"]}
    revised = project.pack / REVISED_FILE
    assert files[f"data/flensburg/{REVISED_FILE}"] == hashlib.sha256(revised.read_bytes()).hexdigest()
    assert len(files) == len([p for p in project.pack.rglob("*") if p.is_file()])
    assert record["edition"] == 2022 and record["code_version"]["label"]


def test_every_page_shows_edition_build_date_code_version_and_data_hash(project, second):
    record = json.loads((project.site(2022) / "provenance.json").read_text(encoding="utf-8"))
    pages = [p for p in record["pages"] if "http-equiv" not in (project.site(2022) / p).read_text("utf-8")[:200]]
    assert len(pages) > 20
    for page in pages:
        text = page_text(project.site(2022) / page)
        assert re.search(r"Ausgabe 2022 · gebaut am \d\d\.\d\d\.\d{4}, \d\d:\d\d Uhr · Code: \S", text), page
        assert f"Daten-Hash: {record['data_hash'][:12]}" in text, page


def test_comparison_page_finds_the_revision_and_the_changes(project, second):
    text = page_text(project.site(2022) / "notebooks" / "aenderungen.html")
    assert "mit der Ausgabe 2021 verglichen, so wie diese am" in text
    assert "1 Eingabewert der Jahre bis 2021 (1 Merkmal) unterscheidet sich" in text
    assert re.search(r"Altstadt 2020 3\.739 3\.749", text)
    assert "Keine Definition im Indikatorenkatalog hat sich geändert." in text
    # Neustadt's SGB II rate: 2021 edition vs 2022 edition, both from the raw counts.
    assert "SGB-II-Quote" in text


def test_rebuild_with_nothing_changed_does_nothing(project, second):
    before = project.digests()
    result = project.build(2022)
    assert result.status == "unchanged"
    assert project.digests() == before


def test_old_edition_is_frozen_once_its_inputs_changed(project, second):
    before = project.digests()
    with pytest.raises(EditionFrozen, match="--force"):
        project.build(2021)
    with pytest.raises(BuildError, match="Korrekturgrund"):
        project.build(2021, force=True)
    assert project.digests() == before


@contextmanager
def planted(path: Path, change):
    """The file changed for the duration of a failing build, then restored."""
    original = path.read_text(encoding="utf-8")
    path.write_text(change(original), encoding="utf-8")
    try:
        yield
    finally:
        path.write_text(original, encoding="utf-8")


def _with_failing_cell(text: str) -> str:
    document = json.loads(text)
    document["cells"].insert(3, {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                                 "source": "raise RuntimeError('absichtlicher Fehler')"})
    return json.dumps(document)


@pytest.mark.parametrize("where, change, error, reason", [
    ("pack", lambda text: text.replace(",3749", ",drei", 1), InputError, "fl_residents_by_district.csv"),
    ("notebook", _with_failing_cell, BuildError, "aenderungen.ipynb"),
    # strict builds (-W -n): a reference to a label that does not exist is a defect, not a warning
    ("book", lambda text: text + "\nSiehe {ref}`ein-abschnitt-den-es-nicht-gibt`.\n", BuildError,
     "ein-abschnitt-den-es-nicht-gibt"),
    # a school without coordinates (row 3 of the CSV: the second school)
    ("facilities", lambda text: text.replace(",54.78237219432031,9.410334207605427", ",,", 1), InputError,
     "schulen_flensburg.csv, Zeile 3"),
], ids=["invalid data", "notebook error", "sphinx warning", "facility without coordinates"])
def test_a_failing_build_says_why_and_publishes_nothing(project, second, where, change, error, reason):
    before = project.digests()
    path = {"pack": project.pack / REVISED_FILE, "notebook": project.root / "notebooks" / "aenderungen.ipynb",
            "book": project.root / "book" / "glossar.md",
            "facilities": project.pack / "raw" / "facilities" / "schulen_flensburg.csv"}[where]
    with planted(path, change), pytest.raises(error, match=reason):
        project.build(2022, force=True)
    assert project.digests() == before


def test_a_disclosure_leak_fails_the_audit_and_publishes_nothing(project, second, monkeypatch):
    before = project.digests()
    original = project.city_yml()
    project.set_city_yml(original.replace("  min_count: 3\n", "  min_count: 1000000\n"))
    # A bug that skips the central step: the raw table would go out unchanged.
    monkeypatch.setattr(disclosure, "apply", lambda table, kinds, rules, linkage=None, **_: disclosure.Disclosed(
        table.assign(suppressed=False), 0, 0))
    try:
        with pytest.raises(BuildError, match="Geheimhaltung") as error:
            project.build(2022, force=True)
    finally:
        project.set_city_yml(original)
    message = str(error.value)
    assert "notebooks/bevoelkerung.html" in message and "daten/indikatoren.csv" in message
    assert "kleine Fallzahl" in message and "Einwohner" in message
    assert project.digests() == before


def test_killed_build_publishes_nothing(project, second):
    before = project.digests()
    process = subprocess.Popen([sys.executable, "-m", "analysis.cli", "build", "--year", "2022", "--force"],
                               cwd=project.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    seen = []
    try:
        for line in process.stdout:
            seen.append(line)
            if re.search(r"Notebook \d+/", line):   # killed while the notebooks run
                break
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert any(re.search(r"Notebook \d+/", line) for line in seen), "".join(seen)
    assert project.digests() == before


def test_forced_correction_says_when_and_why_and_leaves_the_newer_edition_alone(project, second):
    newer = tree_digest(project.site(2022))
    reason = "Einwohnerzahl der Altstadt 2020 von der Statistikstelle berichtigt"
    project.set_city_yml(project.city_yml().replace("  - year: 2021\n",
                                                    f"  - year: 2021\n    correction: \"{reason}\"\n"))
    result = project.build(2021, force=True)
    assert result.status == "built"
    text = page_text(project.site(2021) / "notebooks" / "ueberblick.html")
    assert re.search(rf"Korrektur: Diese Ausgabe wurde am \d\d\.\d\d\.\d{{4}}, \d\d:\d\d Uhr neu gebaut\. "
                     rf"Grund: {reason}", text)
    assert tree_digest(project.site(2022)) == newer
    versions = json.loads((project.root / "_build" / "site" / "flensburg" / "versions.json").read_text("utf-8"))
    assert versions["editions"][1]["correction"] == reason


@needs_chromium
def test_switcher_in_an_old_edition_leads_to_the_newer_one_from_disk_and_over_http(project, second):
    site = project.root / "_build" / "site"
    page = "flensburg/2021/profiles/02-neustadt.html"
    with served(site) as origin:
        for base in (site.as_uri() + "/", f"{origin}/"):
            dom = rendered_dom(base + page)
            switcher = re.search(r'<nav class="sb-editions".*?</nav>', dom, re.S)
            assert switcher, dom[:300]
            links = dict(re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', switcher.group(0)))
            assert links.get(base + "flensburg/2022/profiles/02-neustadt.html") == "Zur neuesten Ausgabe 2022"
            assert "Ausgabe 2021</summary>" in switcher.group(0)
            assert f'href="{base}flensburg/2021/profiles/02-neustadt.html" aria-current="page"' in switcher.group(0)


def test_a_status_change_since_the_last_edition_appears_on_the_implementation_page(project, second):
    """2021 archived the register as it stood; a measure that has since been finished shows in 2022."""
    unchanged = page_text(project.site(2022) / "notebooks" / "umsetzung.html")
    assert "Seit der Ausgabe 2021 hat sich im Maßnahmenregister nichts geändert" in unchanged
    register = project.pack / "measures.yml"
    original = register.read_text(encoding="utf-8")
    finished = original.replace('status: beschlossen\n    status_date: "2017-11-02"',
                                'status: abgeschlossen\n    status_date: "2022-12-31"', 1)
    assert finished != original
    register.write_text(finished, encoding="utf-8")
    try:
        project.build(2022, force=True)
    finally:
        register.write_text(original, encoding="utf-8")
    text = page_text(project.site(2022) / "notebooks" / "umsetzung.html")
    assert "1 × abgeschlossen" in text
    assert "Neues Stadtteilzentrum gegenüber der Walzenmühle und Quartier Schwarzenbachtal abgeschlossen beschlossen" \
        " abgeschlossen 2022-12-31" in text
