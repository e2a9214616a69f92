"""Input safety: paths stay inside the pack, nothing is misread in silence, encodings by the names Windows
users know, oversized files refused early, hostile names harmless in every download. Each class of fault
has its own case, on the synthetic pack (tests/synthetic.py)."""
from __future__ import annotations

import json
import os

import pytest

from analysis.compute.edition import Edition
from analysis.errors import InputError
from analysis.inputs import sources
from analysis.pack.loader import load_city
from analysis.report import downloads
from analysis.site.audit import audit_download

SLUG = "kleinstadt"


def city_yml(root):
    return root / "data" / SLUG / "city.yml"


def replace_in(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def compute(root):
    load_city.cache_clear()
    return Edition.compute(SLUG, 2022, root, with_previous=False)


# --- paths confined to the pack -------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["../../../etc/passwd", "/etc/passwd", "raw/../../../../etc/hostname"])
def test_a_source_path_out_of_the_pack_is_refused_before_it_is_opened(tiny_copy, path, monkeypatch):
    replace_in(city_yml(tiny_copy), "file: raw/leistungen.csv", f"file: {path}")
    opened, decode = [], sources._decode
    monkeypatch.setattr(sources, "_decode",
                        lambda data, source, shown: opened.append(shown) or decode(data, source, shown))
    with pytest.raises(InputError, match="aus dem Stadtpaket heraus") as error:
        compute(tiny_copy)
    assert "city.yml" in str(error.value) and not any("leistungen" in shown or "etc" in shown for shown in opened)


def test_a_geometry_path_out_of_the_pack_is_refused(tiny_copy):
    replace_in(city_yml(tiny_copy), "file: raw/gebiete.geojson", "file: ../../gebiete.geojson")
    with pytest.raises(InputError, match="aus dem Stadtpaket heraus"):
        compute(tiny_copy)


def test_a_symbolic_link_out_of_the_pack_is_refused(tiny_copy, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "secret.csv"
    outside.write_text("jahr,gebiet,einwohner\n", encoding="utf-8")
    os.symlink(outside, tiny_copy / "data" / SLUG / "raw" / "zusatz.csv")
    with pytest.raises(InputError, match="Verknüpfung auf eine Datei außerhalb") as error:
        compute(tiny_copy)
    assert "raw/zusatz.csv" in str(error.value)


# --- no silent misreads -----------------------------------------------------------------------------------

def test_a_thousands_separator_in_a_count_is_an_error_in_its_own_file_and_row(tiny_copy):
    raw = tiny_copy / "data" / SLUG / "raw" / "leistungen.csv"
    lines = raw.read_text(encoding="utf-8").splitlines()
    cells = lines[3].split(",")
    cells[3] = f"{cells[3][:-3]}.{cells[3][-3:]}" if len(cells[3]) > 3 else f"1.{int(cells[3]):03d}"
    lines[3] = ",".join(cells)
    raw.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="keine ganze Zahl") as error:
        compute(tiny_copy)
    message = str(error.value)
    assert "leistungen.csv" in message and "Zeile 4" in message and "Spalte 'sgb2'" in message
    assert "Tausendertrennzeichen" in message


def test_a_count_written_with_a_zero_decimal_is_that_count(tiny_copy):
    raw = tiny_copy / "data" / SLUG / "raw" / "leistungen.csv"
    lines = raw.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    original = int(cells[2])
    cells[2] = f"{original}.0"
    lines[1] = ",".join(cells)
    raw.write_text("\n".join(lines) + "\n", encoding="utf-8")
    edition = compute(tiny_copy)
    year, area = int(cells[0]), cells[1]
    tidy = edition.tidy
    value = tidy[(tidy.year == year) & (tidy.area_id == area) & (tidy.variable == "unemployed")]["value"]
    assert value.iloc[0] == original


def test_a_point_under_a_declared_decimal_comma_must_group_thousands(tiny_copy):
    replace_in(city_yml(tiny_copy), "    year_column: jahr\n    area_column: gebiet\n    variables: {unemployed",
               "    year_column: jahr\n    area_column: gebiet\n    decimal: \",\"\n    variables: {unemployed")
    raw = tiny_copy / "data" / SLUG / "raw" / "leistungen.csv"
    text = raw.read_text(encoding="utf-8").replace(",", ";")
    lines = text.splitlines()
    cells = lines[2].split(";")
    cells[2] = "4.0"
    lines[2] = ";".join(cells)
    raw.write_text("\n".join(lines) + "\n", encoding="utf-8")
    replace_in(city_yml(tiny_copy), "decimal: \",\"", "decimal: \",\"\n    delimiter: \";\"")
    with pytest.raises(InputError, match="passt nicht zum deklarierten Dezimalkomma") as error:
        compute(tiny_copy)
    assert "Zeile 3" in str(error.value)


def test_a_column_name_twice_in_the_header_is_an_error(tiny_copy):
    raw = tiny_copy / "data" / SLUG / "raw" / "leistungen.csv"
    text = raw.read_text(encoding="utf-8")
    raw.write_text(text.replace("jahr,gebiet,arbeitslose,sgb2", "jahr,gebiet,arbeitslose,arbeitslose", 1),
                   encoding="utf-8")
    with pytest.raises(InputError, match="Spalte 'arbeitslose' steht 2-mal in der Kopfzeile"):
        compute(tiny_copy)


def test_a_key_twice_in_city_yml_is_an_error_not_the_last_one_winning(tiny_copy):
    path = city_yml(tiny_copy)
    path.write_text(path.read_text(encoding="utf-8") + "disclosure:\n  min_count: 10\n  min_count: 1\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match="Schlüssel 'min_count' steht doppelt") as error:
        compute(tiny_copy)
    assert "Zeile" in str(error.value)


def test_degrees_under_a_prj_that_says_utm_are_refused(tiny_copy):
    path = tiny_copy / "data" / SLUG / "raw" / "gebiete.geojson"
    document = json.loads(path.read_text(encoding="utf-8"))
    for number, feature in enumerate(document["features"]):
        x0 = 9.40 + 0.01 * number
        feature["geometry"]["coordinates"] = [[[x0, 54.78], [x0 + 0.01, 54.78], [x0 + 0.01, 54.79], [x0, 54.79],
                                                [x0, 54.78]]]
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(InputError, match="Längen- und Breitengrade"):
        compute(tiny_copy)


def test_an_area_missing_from_a_table_is_a_finding_that_names_file_and_area(tiny_copy):
    raw = tiny_copy / "data" / SLUG / "raw" / "leistungen.csv"
    lines = raw.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.startswith("2021,2,")]
    assert len(kept) == len(lines) - 1
    raw.write_text("\n".join(kept) + "\n", encoding="utf-8")
    findings = compute(tiny_copy).findings
    missing = findings[findings["kind"] == "area_missing"]
    assert len(missing) == 1
    row = missing.iloc[0]
    assert row["file"].endswith("leistungen.csv") and row["area_id"] == "2" and row["year"] == 2021
    assert "Mitte" in row["message"]


# --- encodings ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("declared, written", [("ANSI", "cp1252"), ("Windows-1252", "cp1252"),
                                               ("Latin-1", "latin-1"), ("UTF-8 mit BOM", "utf-8-sig")])
def test_encodings_by_the_names_windows_users_know(tiny_copy, declared, written):
    raw = tiny_copy / "data" / SLUG / "raw" / "leistungen.csv"
    raw.write_bytes(raw.read_text(encoding="utf-8").encode(written))
    replace_in(city_yml(tiny_copy), "    variables: {unemployed",
               f"    encoding: \"{declared}\"\n    variables: {{unemployed")
    assert compute(tiny_copy).value("arbeitslosenanteil", "1", 2022) > 0


def test_an_unknown_encoding_is_refused_with_a_hint(tiny_copy):
    replace_in(city_yml(tiny_copy), "    variables: {unemployed",
               "    encoding: Klingonisch\n    variables: {unemployed")
    with pytest.raises(InputError, match="Zeichenkodierung 'Klingonisch' ist unbekannt") as error:
        compute(tiny_copy)
    assert "sources/1/encoding" in str(error.value) and "ANSI" in str(error.value)


# --- size ---------------------------------------------------------------------------------------------

def test_an_oversized_file_is_refused_before_it_is_read_and_the_pack_may_raise_the_limit(tiny_copy, monkeypatch):
    path = city_yml(tiny_copy)
    original = path.read_text(encoding="utf-8")
    path.write_text(original + "limits:\n  max_file_mb: 0.0001\n", encoding="utf-8")
    read = []
    monkeypatch.setattr(sources, "_decode", lambda *args: read.append(args) or "")   # reading would fail the test
    with pytest.raises(InputError, match="Grenze liegt bei") as error:
        compute(tiny_copy)
    assert "bevoelkerung.csv" in str(error.value) and "max_file_mb" in str(error.value) and not read
    monkeypatch.undo()
    path.write_text(original + "limits:\n  max_file_mb: 5\n", encoding="utf-8")
    assert compute(tiny_copy).pack.limits.max_file_mb == 5


# --- hostile names ------------------------------------------------------------------------------------

def test_a_formula_as_area_name_is_neutralised_in_geojson_and_datapackage(tiny_copy, tmp_path):
    hostile = '=HYPERLINK("http://example.org","klick")'
    replace_in(city_yml(tiny_copy), "{id: \"2\", name: Mitte}", f"{{id: \"2\", name: '{hostile}'}}")
    replace_in(city_yml(tiny_copy), "name: Kleinstadt", "name: \"+Kleinstadt\"")
    edition = compute(tiny_copy)
    collection = downloads.areas_geojson(edition)
    names = [feature["properties"]["gebiet"] for feature in collection["features"]]
    assert "'" + hostile in names
    package = downloads.datapackage(edition)
    assert package["title"].startswith("Sozialbericht +Kleinstadt")   # not at the start of a cell: harmless
    assert not any(isinstance(v, str) and downloads.is_formula(v) for v in _strings(package))
    target = tmp_path / "gebiete.geojson"
    target.write_text(json.dumps(collection), encoding="utf-8")
    assert audit_download("gebiete.geojson", target, edition.rules) == []


def _strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    else:
        yield value


def test_a_workbook_holds_the_same_xml_as_xlsxwriter_writes_row_by_row(tmp_path):
    """The rows are written into XlsxWriter's sheets afterwards (3.6 times faster): every part of the
    workbook is the one XlsxWriter writes itself, escapes, whitespace, gaps, types and extents included."""
    import zipfile

    import numpy as np
    import pandas as pd

    tables = {
        "Indikatoren": pd.DataFrame({
            "jahr": np.array([2022, 2023, 2024, 2025], dtype="int64"),
            "text": ["Nord & Süd", " Leer ", "<Platz>", "a_x0041_b\x01\x1f\ufffe"],
            "wert": [1.5, np.nan, -3.0, 1e-05], "gross": [12345678901234567, 0, -1, 2 ** 40],
            "flag": [True, False, np.bool_(True), None], "leer": [None, "", None, np.nan],
            "gemischt": pd.Series([np.float64(2.5), np.int64(7), "x\n", pd.NA], dtype=object)}),
        "Ohne Namen": pd.DataFrame({"": [None, 1], "b": ["x", None]}),
        "Ohne Köpfe": pd.DataFrame({"": [None, 5]}),
        "Leer": pd.DataFrame({"a": [], "b": []}),
        "Nur Lücken": pd.DataFrame({"a": [None, None], "b": [np.nan, np.nan]}),
    }
    downloads.write_workbook(tmp_path / "schnell.xlsx", tables)
    downloads._write_workbook_with_xlsxwriter(tmp_path / "zeilenweise.xlsx", tables, with_rows=True)
    with zipfile.ZipFile(tmp_path / "schnell.xlsx") as fast, zipfile.ZipFile(tmp_path / "zeilenweise.xlsx") as slow:
        assert fast.namelist() == slow.namelist()
        for name in fast.namelist():
            if name != "docProps/core.xml":   # the time of writing
                assert fast.read(name) == slow.read(name), name


def test_a_workbook_keeps_text_as_text_numbers_as_numbers_and_gaps_empty(tmp_path):
    """Even a text that escaped neutralising is not run as a formula, read as a number or made a link."""
    import numpy as np
    import pandas as pd
    from openpyxl import load_workbook

    table = pd.DataFrame({"jahr": np.array([2022, 2023], dtype="int64"), "wert": [12.5, np.nan],
                          "text": ["=1+1", "0049"], "link": ["https://example.org", "."]})
    downloads.write_workbook(tmp_path / "t.xlsx", {"Indikatoren": table, "Leer": table.iloc[:0]})
    book = load_workbook(tmp_path / "t.xlsx")
    rows = list(book["Indikatoren"].iter_rows(values_only=True))
    assert rows == [("jahr", "wert", "text", "link"), (2022, 12.5, "=1+1", "https://example.org"),
                    (2023, None, "0049", ".")]
    assert book["Indikatoren"]["C2"].data_type == "s" and book["Indikatoren"]["D2"].hyperlink is None
    assert book["Indikatoren"]["A1"].font.b and list(book["Leer"].iter_rows(values_only=True)) == [tuple(table.columns)]
