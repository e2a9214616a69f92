"""`sozialbericht init` drafts a pack from raw files that validates after at most a few edits."""
from __future__ import annotations

import re

import pytest

from analysis.cli import main
from analysis.pack.loader import load_city

from shapes import named_pack

FLENSBURG_FILES = ["fl_residents_by_district.csv", "fl_children_age_under_18_by_district.csv",
                   "fl_residents_age_18_to_under_65_by_district.csv", "fl_residents_age_65_and_above_by_district.csv",
                   "fl_unemployed_residents_by_district.csv", "fl_age_groups_by_district.csv",
                   "fl_births_by_district.csv", "flensburg_stadtteile.zip"]


@pytest.fixture
def project(pack_copy, monkeypatch):
    root = pack_copy()
    monkeypatch.chdir(root)
    yield root
    load_city.cache_clear()


def _init_and_validate(root, slug, files, capsys, edit=None) -> tuple[str, str]:
    assert main(["init", "--city", slug, "--name", "Teststadt", *map(str, files)]) == 0
    draft = (root / "data" / slug / "city.yml").read_text(encoding="utf-8")
    if edit:
        (root / "data" / slug / "city.yml").write_text(edit(draft), encoding="utf-8")
    load_city.cache_clear()
    capsys.readouterr()
    code = main(["validate", "--city", slug])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return draft, captured.out


def test_the_flensburg_files_give_a_pack_that_validates_unedited(project, capsys):
    raw = project / "data" / "flensburg" / "raw"
    draft, out = _init_and_validate(project, "entwurf", [raw / f for f in FLENSBURG_FILES], capsys)
    # areas from the table's ids, names and geometry ids matched from the polygons (STGT01 ↔ 1)
    assert '{id: "9", name: "Jürgensby", geometry_id: "STGT09"}' in draft
    assert 'crs: "EPSG:25832"' in draft and 'id_field: "AREA_ID"' in draft
    for variable in ("residents_total", "residents_under_18", "residents_18_to_64", "residents_65_plus",
                     "unemployed", "births"):
        assert re.search(rf"^      {variable}: ", draft, re.MULTILINE), variable
    assert '# VARIABLE: "birth_rate"' in draft       # a second column of the births file stays unassigned
    assert "arbeitslosenanteil (Katalog)" in out.split("Nicht berechenbar")[0]


def test_name_keyed_semicolon_files_need_one_edit_for_a_typo(project, capsys):
    named_pack(project)
    raw = project / "data" / "namen" / "raw"
    files = [raw / "einwohner.csv", raw / "altersgruppen.csv", raw / "stadtteile.zip"]

    def declare_the_typo(draft: str) -> str:   # the planner's one edit: the right name, the typo as alias
        return draft.replace('{id: "juergensbi", name: "Jürgensbi"}',
                             '{id: "juergensby", name: "Jürgensby", geometry_id: "STGT09", aliases: ["Jürgensbi"]}')

    draft, _ = _init_and_validate(project, "namen_entwurf", files, capsys, declare_the_typo)
    assert 'delimiter: ";"' in draft and 'year_pattern: "DD.MM.YYYY"' in draft
    assert 'year_pattern: "YYYY_MM_DD"' in draft and "area_key: name" in draft
    assert '{id: "muerwik", name: "Mürwik", geometry_id: "STGT11", aliases: ["MÃ¼rwik"]}' in draft
    assert 'category_column: "Merkmal"' in draft and 'value_column: "Anzahl"' in draft


def test_init_refuses_to_overwrite_a_pack(project, capsys):
    raw = project / "data" / "flensburg" / "raw"
    assert main(["init", "--city", "flensburg", str(raw / "fl_residents_by_district.csv")]) == 2
    assert "Das Stadtpaket gibt es schon" in capsys.readouterr().err
