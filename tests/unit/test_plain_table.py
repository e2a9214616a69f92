"""Report tables without an index are written without pandas' Styler, in the HTML Styler writes."""
import html

import numpy as np
import pandas as pd
import pytest

from analysis.report import tables


def _by_styler(frame: pd.DataFrame, uuid: str) -> str:
    styler = frame.style.format(escape="html").format_index(escape="html", axis=0).format_index(
        escape="html", axis=1).hide(axis="index")
    if "count_cells" in frame.attrs:
        styler = styler.set_td_classes(frame.attrs["count_cells"].replace({True: "anzahl", False: ""}))
    if frame.attrs.get("note"):
        styler = styler.set_caption(html.escape(frame.attrs["note"]))
    classes = " ".join(["table", "sozialbericht", *filter(None, [frame.attrs.get("css_class")])])
    return styler.set_table_attributes(f'class="{classes}"').set_uuid(uuid).to_html()


def _tricky() -> pd.DataFrame:
    frame = pd.DataFrame({"Indikator": ["A & B", "<x>", "\"q\" 'a'"], "Jahr": [2022, 2023, 2024],
                          "Wert": [1.5, np.nan, 2.0], 2024: [None, pd.NA, 3],
                          "Zahl": pd.Series([1, 2, 3], dtype="Int64")}, index=[5, 3, 9])
    frame.attrs["count_cells"] = pd.DataFrame([[False, False, True, False, False], [False] * 5,
                                               [True, False, False, False, True]], columns=frame.columns,
                                              index=[5, 3, 9])
    frame.attrs["note"] = "Hinweis & <b>"
    frame.attrs["css_class"] = "befunde"
    return frame


@pytest.mark.parametrize("frame", [_tricky(), pd.DataFrame({"a": [], "b": []}),
                                   pd.DataFrame({"gemischt": [np.float32(1.25), True, "t", None]})],
                         ids=["escapes-gaps-counts-caption", "no-rows", "mixed-column"])
def test_a_table_without_index_is_the_html_styler_writes(frame):
    written = tables.styled(frame).html_of_table
    assert isinstance(written, tables.PlainTable)
    assert written.to_html() == _by_styler(frame, written.uuid)


def test_a_table_with_its_index_is_left_to_styler():
    assert not isinstance(tables.styled(_tricky(), index=True).html_of_table, tables.PlainTable)
