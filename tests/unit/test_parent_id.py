"""A level's parent-id template turns an area id into its parent's id."""
import pytest

from analysis.pack.model import Level


@pytest.mark.parametrize("template, area, parent", [
    ("00{id[0]}", "101", "001"), ("STGT{id[4:6]}", "STBZ011", "STGT01"), ("{id[-2:]}-x", "12345", "45-x"),
    ("{id}", "07", "07"), ("{id[]}", "abc", "abc"), ("{id[9]}", "12", ""),
])
def test_templates(template, area, parent):
    assert Level("stufe", "Stufe", "Stufen", parent_id=template).parent_of(area) == parent


def test_without_template_the_first_characters():
    assert Level("bezirk", "Bezirk", "Bezirke", id_length=2).parent_of("01011101") == "01"
