"""`sozialbericht audit`: the built edition passes; each kind of violation planted into a copy is caught."""
import json
import re
import shutil

import pytest

from analysis.cli import main
from analysis.pack.model import DisclosureRules
from analysis.site.audit import audit_site

RULES = DisclosureRules()


@pytest.fixture
def copy(built_site, tmp_path):
    target = tmp_path / "site"
    shutil.copytree(built_site, target)
    return target


def _edit(path, change):
    text = path.read_text(encoding="utf-8")
    changed = change(text)
    assert changed != text, f"nothing planted in {path.name}"
    path.write_text(changed, encoding="utf-8")


def _in_main(text, html):
    """Insert html as the first paragraph of the page's main content."""
    start = text.index("<p>", text.index("<main"))
    return text[:start] + html + text[start:]


@pytest.mark.integration
def test_the_built_edition_passes_and_the_command_says_so(built_site, capsys):
    assert audit_site(built_site, RULES) == []
    assert main(["audit", str(built_site)]) == 0
    assert "keine Verstöße" in capsys.readouterr().out


PLANTS = {
    "count cell in a table": ("notebooks/bevoelkerung.html",
                              lambda t: re.sub(r'(class="[^"]*anzahl[^"]*"[^>]*>)[^<]*', r"\g<1>2 Personen", t,
                                               count=1),
                              "kleine Fallzahl", "Einwohner"),
    "count in the prose": ("profiles/02-neustadt.html",
                           lambda t: _in_main(t, "<p>Im Stadtteil leben 2 Kinder in Bedarfsgemeinschaften.</p>"),
                           "kleine Fallzahl", "2 Kinder"),
    "count in a finding": ("notebooks/datenqualitaet.html",
                           lambda t: t.replace("32 → 123", "1 → 123", 1), "kleine Fallzahl", "1 → 123"),
    "count in an image's alt text": ("notebooks/ueberblick.html",
                                     lambda t: t.replace('alt="', 'alt="2 Haushalte ', 1),
                                     "kleine Fallzahl", "Alternativtext"),
    "lone withheld cell beside the total": ("notebooks/soziale_lage.html",
                                            lambda t: re.sub(r"(<td[^>]*>)\d+,\d\u202f%", r"\g<1>.", t, count=1),
                                            "rückrechenbar", "Gesamtstadt"),
}


@pytest.mark.integration
@pytest.mark.parametrize("name", PLANTS)
def test_a_planted_violation_in_a_page_is_found_with_page_and_place(copy, name, capsys):
    page, change, kind, place = PLANTS[name]
    _edit(copy / page, change)
    found = audit_site(copy, RULES)
    assert [v.page for v in found] == [page], found
    assert found[0].kind == kind and place in str(found[0]), found[0]
    assert main(["audit", str(copy)]) == 1
    assert page in capsys.readouterr().out


def _download_rows(copy):
    path = copy / "daten" / "indikatoren.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    return path, lines


@pytest.mark.integration
def test_a_small_count_in_the_csv_download_is_found(copy):
    path, lines = _download_rows(copy)
    number = next(i for i, line in enumerate(lines) if ",einwohner," in line and ",stadt," not in line)
    lines[number] = lines[number].rsplit(",", 1)[0] + ",2"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = audit_site(copy, RULES)
    assert [(v.kind, v.place) for v in found] == [("kleine Fallzahl", f"Zeile {number + 1}, Spalte „wert“")]


@pytest.mark.integration
def test_a_lone_withheld_value_in_the_download_is_found_as_recomputable(copy):
    path, lines = _download_rows(copy)
    number = next(i for i, line in enumerate(lines) if ",sgb2_quote," in line and line.startswith("2022,3,"))
    lines[number] = lines[number].rsplit(",", 1)[0] + ",."
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert [v.kind for v in audit_site(copy, RULES)] == ["rückrechenbar"]


@pytest.mark.integration
def test_a_formula_in_a_download_is_found(copy):
    path, lines = _download_rows(copy)
    lines[1] = lines[1].replace(",Altstadt,", ',"=HYPERLINK(""http://example.org"")",', 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert [v.kind for v in audit_site(copy, RULES)] == ["Formel"]


@pytest.mark.integration
def test_xlsx_and_geojson_downloads_are_read_too(copy):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["jahr", "gebiet_id", "gebiet", "indikator_id", "art", "wert"])
    sheet.append([2022, "1", "Altstadt", "einwohner", "anzahl", 1])
    sheet.append([2022, "2", "@SUM(A1)", "einwohner", "anzahl", 5000])
    book.save(copy / "daten" / "indikatoren.xlsx")
    features = [{"type": "Feature", "geometry": None,
                 "properties": {"jahr": 2022, "gebiet_id": "1", "indikator_id": "einwohner", "art": "anzahl",
                                "wert": 2}}]
    (copy / "daten" / "gebiete.geojson").write_text(json.dumps({"type": "FeatureCollection",
                                                                "features": features}), encoding="utf-8")
    found = sorted((v.page, v.kind) for v in audit_site(copy, RULES))
    assert found == [("daten/gebiete.geojson", "kleine Fallzahl"), ("daten/indikatoren.xlsx", "Formel"),
                     ("daten/indikatoren.xlsx", "kleine Fallzahl")]


def test_a_small_count_in_a_published_notebook_source_is_found(copy):
    """A published notebook (a site built with html_copy_source offers each page's executed notebook in
    _sources/; ours no longer does) is read too: prose and outputs."""
    path = copy / "_sources" / "notebooks" / "bevoelkerung.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    notebook = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    notebook["cells"].append({"cell_type": "markdown", "metadata": {}, "source": ["Betroffen sind 2 Haushalte."]})
    output = {"output_type": "display_data", "metadata": {}, "data": {"text/html": [
        '<table><thead><tr><th>Stadtteil</th><th>Personen</th></tr></thead>'
        '<tbody><tr><td>Altstadt</td><td class="anzahl">1</td></tr></tbody></table>']}}
    notebook["cells"].append({"cell_type": "code", "metadata": {}, "source": "", "execution_count": 1,
                              "outputs": [output]})
    path.write_text(json.dumps(notebook), encoding="utf-8")
    found = [v for v in audit_site(copy, RULES) if v.page.startswith("_sources/notebooks/bevoelkerung.ipynb")]
    assert {v.kind for v in found} == {"kleine Fallzahl"}
    assert any("2 Haushalte" in v.detail for v in found) and any("Zelle" in v.page for v in found)


def test_a_small_count_in_the_pdf_is_found_on_its_page(copy):
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    pdf = next(copy.glob("*.pdf"))
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(pdf) as document:
        for text in ("Sozialbericht", "In Weiche leben 2 Kinder in Bedarfsgemeinschaften."):
            page = Figure(figsize=(8.27, 11.69))
            page.text(0.1, 0.9, text)
            document.savefig(page)
    found = [v for v in audit_site(copy, RULES) if v.page == pdf.name]
    assert [(v.place, v.kind) for v in found] == [("Seite 2", "kleine Fallzahl")]


def test_a_small_count_in_a_chart_drawn_as_svg_is_found(copy):
    """A profile's time series is an SVG file whose labels are text: it is read like a page."""
    chart = next((copy / "_images").glob("*.svg"))
    _edit(chart, lambda text: text.replace("</svg>", "<text x=\"5\" y=\"20\">In Weiche leben 2 Kinder.</text></svg>"))
    found = [v for v in audit_site(copy, RULES) if v.page == chart.relative_to(copy).as_posix()]
    assert [(v.place, v.kind) for v in found] == [("Grafik", "kleine Fallzahl")]
