"""How the audit reads what is published: HTML with lxml (what counts as a count, what is prose, what is not
read at all) and workbooks (as openpyxl reads them, formulas as formulas)."""
from analysis.pack.model import DisclosureRules
from analysis.site.audit import audit_html

RULES = DisclosureRules()   # minimum count 3


def _found(document: str) -> list[tuple[str, str]]:
    return [(v.kind, v.place) for v in audit_html("seite.html", document, RULES)]


def test_a_small_count_in_a_count_column_is_found_with_row_and_column():
    page = ("<html><body><main><table><thead><tr><th>Gebiet</th><th>Einwohner</th><th>Quote</th></tr></thead>"
            "<tbody><tr><td>Nord</td><td>1.234</td><td>2,0 %</td></tr>"
            "<tr><td>Süd</td><td>2</td><td>1,5 %</td></tr></tbody></table></main></body></html>")
    assert _found(page) == [("kleine Fallzahl", "Tabelle 1, Zeile „Süd“, Spalte „Einwohner“")]


def test_a_cell_marked_as_count_and_a_header_row_of_th_cells_are_understood():
    page = ("<main><table><tr><th>Gebiet</th><th>Wert</th></tr>"
            '<tr><td>Nord</td><td class="rechts anzahl">1</td></tr></table></main>')
    assert _found(page) == [("kleine Fallzahl", "Tabelle 1, Zeile „Nord“, Spalte „Wert“")]


def test_prose_is_read_around_a_script_but_not_the_script_nor_what_lies_outside_main():
    page = ("<html><body><nav><p>2 Personen im Menü</p></nav><main>"
            "<p>Vorher <script>var x = '2 Kinder';</script>und nachher 2 Kinder.</p></main></body></html>")
    assert _found(page) == [("kleine Fallzahl", "Text „Vorher und nachher 2 Kinder.“")]


def test_an_image_text_is_read_and_a_nested_block_only_once():
    page = '<main><ul><li><p>Es sind 2 Haushalte.</p></li></ul><img src="a.png" alt="1 Kind, 2 Kinder"></main>'
    assert _found(page) == [("kleine Fallzahl", "Text „Es sind 2 Haushalte.“"),
                            ("kleine Fallzahl", "Alternativtext eines Bildes")]


def test_a_declared_encoding_does_not_stop_the_reading_and_an_empty_fragment_is_clean():
    assert _found('<?xml version="1.0" encoding="utf-8"?><p>Maß: 2 Kinder</p>') == [
        ("kleine Fallzahl", "Text „Maß: 2 Kinder“")]
    assert _found("") == [] and _found("<!-- nichts -->") == []


def _openpyxl_rows(path):
    from openpyxl import load_workbook

    return [[tuple(row) for row in sheet.iter_rows(values_only=True)]
            for sheet in load_workbook(path, read_only=True, data_only=False).worksheets]


def _workbook(path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["jahr", "gebiet", "wert", "gueltig"])
    sheet.append([2022, "@SUM(A1)", 1.5, True])
    sheet.append([])
    sheet.append([None, "=1+2", -3, "Straße & <Platz>"])
    sheet.append(["", "leer davor", 0, False])
    second = book.create_sheet("Zwei")
    second["C3"] = "spät"
    second["A1"] = 7
    book.save(path)


def test_a_workbook_is_read_as_openpyxl_reads_it_formulas_as_formulas(tmp_path):
    from analysis.site.audit import _workbook_sheets

    _workbook(tmp_path / "tabelle.xlsx")
    sheets = _workbook_sheets(tmp_path / "tabelle.xlsx")
    assert sheets == _openpyxl_rows(tmp_path / "tabelle.xlsx")
    assert sheets[0][3] == (None, "=1+2", -3, "Straße & <Platz>") and sheets[1][2] == (None, None, "spät")


def test_a_sheet_laid_out_otherwise_is_read_by_openpyxl(tmp_path):
    import re
    import zipfile

    from analysis.site.audit import _workbook_sheets

    _workbook(tmp_path / "tabelle.xlsx")
    with zipfile.ZipFile(tmp_path / "tabelle.xlsx") as source, \
            zipfile.ZipFile(tmp_path / "ohne-bezug.xlsx", "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":   # cells without their reference
                data = re.sub(rb' r="[A-Z]+\d+"', b"", data)
            target.writestr(item, data)
    assert _workbook_sheets(tmp_path / "ohne-bezug.xlsx") == _openpyxl_rows(tmp_path / "ohne-bezug.xlsx")


def test_a_workbook_with_shared_strings_is_read_as_openpyxl_reads_it(tmp_path):
    import xlsxwriter

    from analysis.site.audit import _workbook_sheets

    book = xlsxwriter.Workbook(tmp_path / "geteilt.xlsx")   # strings in xl/sharedStrings.xml
    sheet = book.add_worksheet()
    for number, row in enumerate([["gebiet", "wert"], ["Nord & Süd", 3], ["Nord & Süd", 2.5], ["", -1]]):
        sheet.write_row(number, 0, row)
    sheet.write_formula(4, 1, "=SUM(B2:B4)")
    book.close()
    assert _workbook_sheets(tmp_path / "geteilt.xlsx") == _openpyxl_rows(tmp_path / "geteilt.xlsx")


def test_a_workbook_as_the_downloads_write_it_is_read_in_the_plain_layout_as_openpyxl_reads_it(tmp_path):
    import zipfile

    import pandas as pd

    from analysis.report.downloads import write_workbook
    from analysis.site.audit import _plain_cells, _workbook_sheets

    table = pd.DataFrame({"jahr": [2022, 2023, 2024], "gebiet": ["Nord & Süd", " Leerzeichen ", "<Platz>"],
                          "wert": [1.5, None, -3.0], "anzahl": [3, 0, 12], "gueltig": [True, False, True]})
    write_workbook(tmp_path / "indikatoren.xlsx", {"Indikatoren": table, "Hinweise": table.head(1)})
    with zipfile.ZipFile(tmp_path / "indikatoren.xlsx") as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert _plain_cells(sheet, []) is not None   # the quick path, not the general one
    sheets = _workbook_sheets(tmp_path / "indikatoren.xlsx")
    assert sheets == _openpyxl_rows(tmp_path / "indikatoren.xlsx")
    assert sheets[0][1] == (2022, "Nord & Süd", 1.5, 3, True) and sheets[0][2][1:3] == (" Leerzeichen ", None)
