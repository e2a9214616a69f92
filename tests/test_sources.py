"""Readers on real rows, and the clear errors they give for bad input (synthetic files, written here)."""
import pytest

from analysis.config import UNASSIGNED_AREA_ID, load_city
from analysis.edition import Edition
from analysis.errors import InputError
from analysis.sources import read_all, tidy_variables

RESIDENTS = "raw/fl_residents_by_district.csv"


def test_tidy_table_has_real_values():
    pack = load_city("flensburg")
    tidy = tidy_variables(read_all(pack))
    assert list(tidy.columns) == ["year", "area_id", "variable", "value"]
    row = tidy[(tidy.year == 2022) & (tidy.area_id == "2") & (tidy.variable == "residents_total")]
    assert row["value"].tolist() == [5052.0]  # fl_residents_by_district.csv: 2022,2,5052


def test_rows_without_district_are_kept_as_unassigned():
    tidy = tidy_variables(read_all(load_city("flensburg")))
    unassigned = tidy[(tidy.area_id == UNASSIGNED_AREA_ID) & (tidy.variable == "benefit_recipients_15_to_64")]
    assert sorted(unassigned["value"]) == [451.0, 482.0]  # the NULL rows of 2021 and 2022


def test_suppressed_source_values_stay_missing():
    tidy = tidy_variables(read_all(load_city("flensburg")))
    value = tidy[(tidy.year == 2021) & (tidy.area_id == "1") & (tidy.variable == "households_risk_homelessness")]
    assert value["value"].isna().all()


def _break(root, relative, transform):
    path = root / "data" / "flensburg" / relative
    path.write_bytes(transform(path.read_bytes()))
    load_city.cache_clear()


@pytest.mark.parametrize("transform, expected", [
    (lambda b: b.replace(b"\n2022,13,5675", b"\n2022,14,5675"), ["Zeile 92", "Spalte 'district_id'", "'14' ist unbekannt"]),
    (lambda b: b.replace(b"2022,13,5675", b"2022,13,viele"), ["Zeile 92", "Spalte 'residents'", "'viele' ist keine Zahl"]),
    (lambda b: b.replace(b"2022,13,5675", b"2022,13,-5675"), ["Zeile 92", "negativer Wert"]),
    (lambda b: b + b"2022,13,5675\n", ["Zeile 93", "doppelte Zeile"]),
    (lambda b: b.replace(b"year,district_id,residents", b"year,district_id,einwohner"),
     ["Spalte 'residents' fehlt", "Vorhandene Spalten"]),
    (lambda b: b.replace(b"year,district_id,residents", b"year,district_id,resident"),
     ["Spalte 'residents' fehlt", "Meinten Sie 'resident'"]),
    (lambda b: b.replace(b",", b";"), ["Zeile 1", "Trennzeichen"]),
    (lambda b: b.replace(b"2022,13,5675", b"2022,13,\"5675,5\""), ["Zeile 92", "Dezimalkomma"]),
    (lambda b: b"", ["ist leer"]),
    (lambda b: b"\x89PNG\r\n\x1a\n\x00\x00\x00", ["keine Texttabelle"]),
    (lambda b: b.replace(b"2022,13,5675", "2022,13,5675 Einwohner in Jürgensby".encode("cp1252")),
     ["Zeile 92", "nicht als utf-8 lesbar", "cp1252"]),
])
def test_bad_input_names_file_row_column(pack_copy, transform, expected):
    root = pack_copy()
    _break(root, RESIDENTS, transform)
    with pytest.raises(InputError) as error:
        Edition.compute("flensburg", 2022, root)
    message = str(error.value)
    assert "data/flensburg/raw/fl_residents_by_district.csv" in message
    for part in expected:
        assert part in message, message


def test_declared_year_without_data_is_an_error(pack_copy):
    root = pack_copy()
    _break(root, "city.yml", lambda b: b.replace(b"  - year: 2022\n", b"  - year: 2022\n  - year: 2023\n"))
    with pytest.raises(InputError, match="Ausgabe 2023 .* keine Zeilen für 2023"):
        Edition.compute("flensburg", 2022, root)


def test_typo_in_city_yml_key_suggests_the_right_one(pack_copy):
    root = pack_copy()
    _break(root, "city.yml", lambda b: b.replace(b"    year_column: year\n", b"    year_colum: year\n", 1))
    with pytest.raises(InputError) as error:
        Edition.compute("flensburg", 2022, root)
    assert "year_colum" in str(error.value) and "Meinten Sie 'year_column'" in str(error.value)


def test_a_copied_pack_is_a_new_city_without_code_changes(pack_copy):
    root = pack_copy("flensburg_kopie")
    edition = Edition.compute("flensburg_kopie", 2022, root)
    assert edition.pack.slug == "flensburg_kopie"
    assert round(edition.value("sgb2_quote", "1"), 4) == round(408 / (3907 - 396) * 100, 4)


def test_area_without_geometry_is_an_error(pack_copy):
    root = pack_copy()
    _break(root, "city.yml", lambda b: b.replace(b"geometry_id: STGT13", b"geometry_id: STGT99"))
    with pytest.raises(InputError, match=r"Keine Geometrie für Stadtteil 13 \(Tarup, ID 'STGT99'\)"):
        Edition.compute("flensburg", 2022, root)


def test_wrong_declared_crs_is_an_error(pack_copy):
    root = pack_copy()
    _break(root, "city.yml", lambda b: b.replace(b"crs: EPSG:25832", b"crs: EPSG:4326"))
    with pytest.raises(InputError, match="Koordinatensystem"):
        Edition.compute("flensburg", 2022, root)
