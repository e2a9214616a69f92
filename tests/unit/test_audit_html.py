"""The audit's reading of HTML (lxml): what counts as a count, what is prose, what is not read at all."""
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
