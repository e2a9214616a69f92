"""A heading whose section turned out empty after execution is dropped before the book is built."""
from nbformat.v4 import new_code_cell, new_markdown_cell, new_output

from analysis.build.pipeline import without_empty_sections


def _chart():
    cell = new_code_cell("figures.trends(edition, area_id)")
    cell.outputs = [new_output("display_data", data={"image/png": "iVBORw0KGgo="})]
    return cell


def test_empty_sections_go_and_filled_ones_stay():
    cells = [new_markdown_cell("# Profil"),
             new_markdown_cell("## Entwicklung"), new_code_cell("figures.trends(edition, area_id)"),   # no output
             new_markdown_cell("## Einordnung"), _chart(),
             new_markdown_cell("## Lebenslagen"), new_markdown_cell("### Gruppen"),                   # nested, empty
             new_markdown_cell("## Daten"), new_markdown_cell("### Dateien"), new_markdown_cell("Die CSV.")]
    kept = [c.source for c in without_empty_sections(cells) if c.cell_type == "markdown"]
    assert kept == ["# Profil", "## Einordnung", "## Daten", "### Dateien", "Die CSV."]


def test_a_removed_output_is_no_content():
    checked = _chart()
    checked.metadata["tags"] = ["remove-cell"]
    assert without_empty_sections([new_markdown_cell("## Karte"), checked]) == [checked]
