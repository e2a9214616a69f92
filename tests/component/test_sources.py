"""Readers on real rows, and the clear errors they give for bad input (synthetic files, written here)."""
import pytest

from analysis.compute.edition import Edition
from analysis.errors import InputError
from analysis.inputs.sources import read_all, tidy_variables
from analysis.pack.loader import load_city
from analysis.pack.model import UNASSIGNED_AREA_ID

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
    (lambda b: b.replace(b"\n2022,13,5675", b"\n2022,14,5675"),
     ["Zeile 92", "Spalte 'district_id'", "'14' ist unbekannt"]),
    (lambda b: b.replace(b"2022,13,5675", b"2022,13,viele"),
     ["Zeile 92", "Spalte 'residents'", "'viele' ist keine Zahl"]),
    (lambda b: b.replace(b"2022,13,5675", b"2022,13,-5675"), ["Zeile 92", "negativer Wert"]),
    (lambda b: b + b"2022,13,5676\n", ["Zeile 93", "doppelte Zeile", "anderen Werten", "Zeile 92"]),
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


def test_utf8_file_declared_as_cp1252_is_an_error_with_its_row(pack_copy):
    root = pack_copy()
    _break(root, "city.yml", lambda b: b.replace(b"    title: Einwohnerinnen und Einwohner in den Stadtteilen\n",
                                                 b"    title: Einwohnerinnen und Einwohner in den Stadtteilen\n"
                                                 b"    encoding: cp1252\n"))
    _break(root, RESIDENTS, lambda b: b.replace(b"2022,13,5675", "2022,13,5675 Jürgensby".encode("utf-8")))
    with pytest.raises(InputError) as error:
        Edition.compute("flensburg", 2022, root)
    message = str(error.value)
    for part in ["fl_residents_by_district.csv", "Zeile 92", "doppelt kodiert", "encoding: utf-8"]:
        assert part in message, message


def _geometry_variant(root, change):
    """The pack's polygons, changed, written as a GeoPackage the pack then declares."""
    import geopandas as gpd

    pack = root / "data" / "flensburg"
    frame = gpd.read_file(f"zip://{pack / 'raw/flensburg_stadtteile.zip'}!Stadtteile.shp")
    change(frame)
    frame.to_file(pack / "raw" / "stadtteile.gpkg", driver="GPKG")
    _break(root, "city.yml", lambda b: b.replace(b"  file: raw/flensburg_stadtteile.zip\n  layer: Stadtteile.shp\n",
                                                 b"  file: raw/stadtteile.gpkg\n"))


def test_duplicated_geometry_id_is_an_error_with_its_row(pack_copy):
    root = pack_copy()

    def duplicate(frame):
        frame.loc[frame["AREA_ID"] == "STGT12", "AREA_ID"] = "STGT13"
    _geometry_variant(root, duplicate)
    with pytest.raises(InputError, match=r"stadtteile.gpkg.*Zeile \d+.*Spalte 'AREA_ID'.*'STGT13' kommt mehrfach vor"):
        Edition.compute("flensburg", 2022, root)


def test_invalid_geometry_is_an_error_naming_the_area_and_why(pack_copy):
    from shapely.geometry import Polygon

    root = pack_copy()

    def bowtie(frame):
        x, y = frame.geometry.iloc[0].centroid.coords[0]
        frame.loc[frame.index[0], "geometry"] = Polygon([(x, y), (x + 100, y + 100), (x + 100, y), (x, y + 100)])
    _geometry_variant(root, bowtie)
    with pytest.raises(InputError) as error:
        Edition.compute("flensburg", 2022, root)
    message = str(error.value)
    for part in ["stadtteile.gpkg", "Zeile 1", "Ungültige Geometrie", "Self-intersection"]:
        assert part in message, message


@pytest.mark.parametrize("change, expected", [
    (lambda b: b.replace(b"headline_indicator: sgb2_quote", b"headline_indicator: sgb2_qoute"),
     ["Spalte 'headline_indicator'", "'sgb2_qoute' steht nicht im Indikatorenkatalog", "Meinten Sie 'sgb2_quote'"]),
    (lambda b: b.replace(b"status: [arbeitslosenanteil,", b"status: [arbeitslosenanteill,"),
     ["'arbeitslosenanteill' steht nicht im Indikatorenkatalog", "social_index/status/0",
      "Meinten Sie 'arbeitslosenanteil'"]),
    (lambda b: b + b"derived_variables:\n  residents_adult: residents_totl - residents_under_18\n",
     ["unbekannte Variable 'residents_totl'", "derived_variables/residents_adult", "Meinten Sie 'residents_total'"]),
    (lambda b: b + b"derived_variables:\n  a_part: b_part + residents_total\n  b_part: a_part - births\n",
     ["Zirkulärer Bezug: a_part → b_part → a_part"]),
    (lambda b: b.replace(b"disclosure:\n  min_count: 3", b"disclosure:\n  min_cuont: 3"),
     ["unbekannter Schlüssel 'min_cuont'", "Meinten Sie 'min_count'"]),
])
def test_unknown_or_circular_references_in_city_yml_are_errors(pack_copy, change, expected):
    root = pack_copy()
    _break(root, "city.yml", change)
    with pytest.raises(InputError) as error:
        Edition.compute("flensburg", 2022, root)
    message = str(error.value)
    assert "data/flensburg/city.yml" in message
    for part in expected:
        assert part in message, message


def test_derived_variables_are_computed_per_year_and_area(pack_copy):
    root = pack_copy()
    _break(root, "city.yml",
           lambda b: b + b"derived_variables:\n  residents_18_plus: residents_total - residents_under_18\n")
    tidy = Edition.compute("flensburg", 2022, root, with_previous=False).tidy
    value = lambda v: tidy[(tidy.variable == v) & (tidy.year == 2022) & (tidy.area_id == "1")]["value"].iloc[0]
    assert value("residents_18_plus") == value("residents_total") - value("residents_under_18")
