"""The open-data downloads of a built edition open in the tools readers use and say the same as the report."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil

import openpyxl
import pandas as pd
import pytest

from analysis.report import downloads


def _csv_rows(path, delimiter=",", encoding="utf-8"):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding=encoding), newline=""), delimiter=delimiter))


def test_xlsx_opens_with_openpyxl_and_holds_the_csv_values(built_site):
    from openpyxl import load_workbook

    folder = built_site / downloads.FOLDER
    rows = _csv_rows(folder / downloads.INDICATORS_CSV)
    book = load_workbook(folder / downloads.XLSX, read_only=True)
    assert book.sheetnames == ["Indikatoren", "Katalog"]
    sheet = list(book["Indikatoren"].iter_rows(values_only=True))
    header, body = list(sheet[0]), sheet[1:]
    assert header == list(rows[0].keys())
    assert len(body) == len(rows) > 1000
    value = header.index("wert")
    numbers = [r for r in body if isinstance(r[value], (int, float))]
    assert numbers and all(r[value] in (".", None) for r in body if r not in numbers)  # numbers, or "." withheld
    by_key = {(r["jahr"], r["gebiet_id"], r["indikator_id"]): r["wert"] for r in rows}
    for row in numbers[:: max(1, len(numbers) // 200)]:
        assert float(by_key[(str(row[0]), str(row[1]), row[3])]) == pytest.approx(row[value])


def test_excel_csv_has_bom_semicolons_and_decimal_commas(built_site):
    folder = built_site / downloads.FOLDER
    raw = (folder / downloads.EXCEL_CSV).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    excel = _csv_rows(folder / downloads.EXCEL_CSV, ";", "utf-8-sig")
    plain = _csv_rows(folder / downloads.INDICATORS_CSV)
    assert len(excel) == len(plain)
    for mine, theirs in zip(excel, plain):
        if theirs["wert"] not in ("", "."):
            assert "." not in mine["wert"]
            assert float(mine["wert"].replace(",", ".")) == pytest.approx(float(theirs["wert"]))
        else:
            assert mine["wert"] == theirs["wert"]


def test_datapackage_is_valid_frictionless_and_a_broken_file_is_not(built_site, tmp_path):
    from frictionless import validate

    folder = built_site / downloads.FOLDER
    report = validate(str(folder / downloads.DATAPACKAGE))
    assert report.valid, report.flatten(["type", "message"])[:5]
    package = json.loads((folder / downloads.DATAPACKAGE).read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == "CC0-1.0"
    resources = {r["name"]: r for r in package["resources"]}
    assert resources["indikator-sgb2-quote"]["title"] == "SGB-II-Quote"
    per_indicator = [r for r in package["resources"] if r["path"].startswith(downloads.PER_INDICATOR + "/")]
    assert per_indicator and all(r["sources"][0]["title"] and "Einheit:" in r["description"] for r in per_indicator)

    broken = tmp_path / "daten"
    shutil.copytree(folder, broken)
    excel = broken / downloads.EXCEL_CSV
    text = excel.read_text(encoding="utf-8-sig").splitlines()
    text[5] = re.sub(r";[^;]*$", ";zwölf", text[5])
    excel.write_text("\n".join(text) + "\n", encoding="utf-8-sig")
    assert not validate(str(broken / downloads.DATAPACKAGE)).valid


def test_geojson_has_every_area_in_wgs84_without_counts(built_site, root):
    from analysis.catalog.model import load_catalog

    collection = json.loads((built_site / downloads.FOLDER / downloads.AREAS_GEOJSON).read_text(encoding="utf-8"))
    features = collection["features"]
    assert len(features) == 13
    counts = {i.id for i in load_catalog().indicators if i.kind == "count"}
    for feature in features:
        x, y = feature["geometry"]["coordinates"][0][0][:2] if feature["geometry"]["type"] == "Polygon" \
            else feature["geometry"]["coordinates"][0][0][0][:2]
        assert 9.3 < x < 9.6 and 54.7 < y < 54.9   # Flensburg in longitude/latitude
        assert not counts & set(feature["properties"])
    neustadt = next(f for f in features if f["properties"]["gebiet"] == "Neustadt")
    assert isinstance(neustadt["properties"]["sgb2_quote"], float)


def test_daten_page_links_every_download_and_methods_link_each_indicator(built_site):
    page = (built_site / "generated" / "daten.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="\.\./daten/([^"]+)"', page))
    for name in (downloads.INDICATORS_CSV, downloads.EXCEL_CSV, downloads.XLSX, downloads.AREAS_GEOJSON,
                 downloads.DATAPACKAGE, downloads.CATALOGUE_CSV):
        assert name in links
    for link in links:
        assert (built_site / downloads.FOLDER / link).is_file(), link
    methods = (built_site / "generated" / "methoden.html").read_text(encoding="utf-8")
    per_indicator = re.findall(r'href="\.\./daten/indikatoren/([^"]+)\.csv"', methods)
    assert len(per_indicator) >= 15
    assert all((built_site / downloads.FOLDER / downloads.indicator_file(i)).is_file() for i in per_indicator)


def test_supply_and_facility_downloads_match_the_report_and_leave_out_personal_data(built_site, root):
    folder = built_site / downloads.FOLDER
    supply = pd.read_csv(folder / downloads.SUPPLY_CSV, dtype={"gebiet_id": str})
    neustadt = supply[(supply["indikator_id"] == "kitas_versorgung") & (supply["gebiet_id"] == "2")]
    assert neustadt["wert"].astype(float).tolist() == [24.3]
    kitas = json.loads((folder / downloads.facility_file("kitas", "geojson")).read_text(encoding="utf-8"))
    assert len(kitas["features"]) == 70
    schools = pd.read_csv(folder / downloads.facility_file("schulen", "csv"), dtype=str)
    assert len(schools) == 30 and "Schulleiter" not in schools.columns and "Tel" not in schools.columns
    workbook = openpyxl.load_workbook(folder / downloads.SUPPLY_XLSX, read_only=True)
    assert workbook.sheetnames == ["Versorgung", "kitas", "schulen", "spielplaetze"]
    # The heads' names and phone numbers are in the raw files, and nowhere in the published site.
    raw = pd.read_csv(root / "data" / "flensburg" / "raw" / "facilities" / "schulen_flensburg.csv", dtype=str)
    kita_file = root / "data" / "flensburg" / "raw" / "facilities" / "kitas_in_flensburg.geojson"
    kita_heads = [f["properties"] for f in json.loads(kita_file.read_text(encoding="utf-8"))["features"]]
    personal = ({v for v in raw["Schulleiter"].dropna() if len(v) > 6} | set(raw["Tel"].dropna())
                | {k["director"] for k in kita_heads if len(k.get("director") or "") > 6}
                | {k.get("phone_number") for k in kita_heads if k.get("phone_number")})
    for path in built_site.rglob("*"):
        if path.suffix in (".html", ".csv", ".geojson", ".json", ".ipynb"):
            text = path.read_text(encoding="utf-8", errors="replace")
            assert not [v for v in personal if v in text], path
