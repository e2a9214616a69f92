"""Plausibility findings on the real data, and on synthetic breakage."""
import pytest

from analysis.compute.edition import Edition
from analysis.errors import InputError


@pytest.fixture(scope="module")
def findings():
    return Edition.compute("flensburg", 2022).findings


def test_tables_with_more_rows_than_districts_are_reported(findings):
    rows = findings[findings.kind == "more_rows_than_areas"]
    assert {f.split("/")[-1] for f in rows.file} == {
        "fl_unemployed_residents_categorized_by_district.csv",
        "fl_beneficiaries_age_15_to_under_65_by_district.csv",
        "fl_basic_benefits_income_by_district.csv",
        "fl_beneficiaries_characteristics_by_district.csv",
    }


def test_district_sums_that_differ_from_city_totals_are_reported(findings):
    rows = findings[(findings.kind == "sum_differs_from_city_total") & (findings.year == 2021)]
    # 2021: districts sum to 14944 under-18s, the city table reports 14947
    assert any("14.944" in m and "14.947" in m for m in rows.message)


def test_implausible_jumps_are_reported_with_their_row(findings):
    jumps = findings[findings.kind == "jump"]
    births = jumps[jumps.file.str.endswith("fl_births_by_district.csv") & (jumps.area_id == "11")]
    assert births["row"].tolist() == [83]  # Mürwik 2012: 32 → 123 births
    assert "32 → 123" in births["message"].iloc[0]


def test_numerator_greater_than_denominator_is_an_error_naming_file_row_column(pack_copy):
    root = pack_copy()
    path = root / "data/flensburg/raw/fl_beneficiaries_by_district.csv"
    path.write_text(path.read_text().replace("2022,1,408", "2022,1,9999"))
    with pytest.raises(InputError) as error:
        Edition.compute("flensburg", 2022, root)
    message = str(error.value)
    assert "fl_beneficiaries_by_district.csv" in message and "Zähler größer als Nenner" in message
    lines = path.read_text().splitlines()
    line = lines.index(next(text for text in lines if text.startswith("2022,1,9999"))) + 1
    assert f"Zeile {line}" in message and "9.999" in message


def test_the_jump_threshold_is_configurable(pack_copy):
    root = pack_copy()
    city = root / "data/flensburg/city.yml"
    city.write_text(city.read_text().replace("max_jump_share: 0.5", "max_jump_share: 5"))
    findings = Edition.compute("flensburg", 2022, root).findings
    assert not (findings.kind == "jump").any()


def test_validate_command_prints_findings(capsys):
    from analysis.cli import main

    assert main(["validate", "--city", "flensburg"]) == 0
    out = capsys.readouterr().out
    assert "Mehr Zeilen als Gebiete" in out and "fl_births_by_district.csv, Zeile 83" in out


def test_validate_command_fails_clearly_on_unknown_city(capsys):
    from analysis.cli import main

    assert main(["validate", "--city", "flensbrg"]) == 2
    assert "Meinten Sie 'flensburg'" in capsys.readouterr().err
