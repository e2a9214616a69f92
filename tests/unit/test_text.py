import math

from analysis.catalog.model import load_catalog
from analysis.text import dative_plural, format_change, format_number, format_value, signed


def test_german_grouping_and_decimal_comma():
    assert format_number(1234.5, 1) == "1.234,5"
    assert format_number(1234567) == "1.234.567"
    assert format_number(-1234.56, 1) == "−1.234,6"


def test_commercial_rounding_not_bankers():
    assert format_number(5.55, 1) == "5,6"
    assert format_number(0.05, 1) == "0,1"
    assert format_number(2.5) == "3"


def test_negative_zero_is_shown_as_zero():
    assert format_number(-0.01, 1) == "0,0"
    assert signed(-0.01, 1) == "±0,0"


def test_missing_is_a_dash():
    assert format_number(math.nan, 1) == "–"
    assert format_number(None) == "–"


def test_values_and_changes_carry_units():
    catalog = load_catalog()
    sgb2 = catalog.get("sgb2_quote")
    assert format_value(11.6206, sgb2) == "11,6\u202f%"
    assert format_change(-2.135, sgb2) == "−2,1 Prozentpunkte"
    assert format_value(2.2, catalog.get("wohnungslosigkeit_bedroht")) == "2,2 je 1.000"
    assert format_value(99341, catalog.get("einwohner")) == "99.341 Personen"


def test_dative_plural():
    assert dative_plural("Stadtteile") == "Stadtteilen"
    assert dative_plural("Planungsräume") == "Planungsräumen"
    assert dative_plural("Bezirksregionen") == "Bezirksregionen"


def test_glued_text_survives_myst_nb_literal_eval():
    from myst_nb.core.variables import format_plain_text

    from analysis.text import Prose

    for text in ["3.890", "99.341", "2022", "12,4\u202f%", "Jürgensby"]:
        assert format_plain_text(repr(Prose(text)), "") == text


def test_prose_keeps_a_reference_role_but_escapes_html_and_escaped_roles_from_data():
    from analysis.text import Prose, markdown_literal
    text = "Siehe {ref}`Kita-Plätze <indikator-kita-plaetze-je-100>`; " + markdown_literal("<b>{ref}`x <y>`</b>")
    rendered = Prose(text)._repr_markdown_()
    assert "{ref}`Kita-Plätze <indikator-kita-plaetze-je-100>`" in rendered
    assert "<b>" not in rendered and "<y>" not in rendered
    for role in ("{datei}`Steckbrief als CSV <steckbriefe/02-neustadt.csv>`",
                 "{lesetitel}`Kinderarmut (SGB II) <Nicht erwerbsfähige Leistungsberechtigte & Co>`"):
        rendered = Prose(f"Text {role} & mehr <i>")._repr_markdown_()
        assert role in rendered and "&amp; mehr &lt;i&gt;" in rendered
    forged = Prose("x " + markdown_literal("{datei}`a <b>` <script>"))._repr_markdown_()
    assert "<b>" not in forged and "<script>" not in forged
