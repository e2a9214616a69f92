"""'Was hat sich geändert': comparisons against the previous edition."""
import copy

import pytest

from analysis.catalog.model import load_catalog_document
from analysis.compute.edition import Edition
from analysis.pack.model import CITY_AREA_ID
from analysis.report import changes


@pytest.fixture
def edition(flensburg_2022_copy):
    """Flensburg 2022 in a copy without archive: the 2021 edition is recomputed from today's inputs."""
    return flensburg_2022_copy


def test_previous_edition_is_the_declared_one_before(edition):
    assert edition.previous.year == 2021
    assert not edition.previous.from_archive
    assert edition.previous.tidy["year"].max() == 2021


def test_indicator_changes_compare_each_editions_latest_value(edition):
    frame = changes.indicator_changes(edition).set_index(["indicator", "area_id"])
    neustadt = frame.loc[("sgb2_quote", "2")]
    assert neustadt["year_before"] == 2021 and neustadt["year_now"] == 2022
    assert neustadt["now"] == pytest.approx(1014 / (5052 - 370) * 100)
    assert neustadt["change"] == pytest.approx(neustadt["now"] - neustadt["before"])


def test_largest_changes_are_sorted_by_change_relative_to_the_spread(edition):
    all_changes = changes.indicator_changes(edition)
    top = all_changes[all_changes["area_id"] != CITY_AREA_ID].sort_values(
        ["spread_share", "indicator", "area_id"], ascending=[False, True, True])
    table = changes.largest_area_changes(edition)
    assert len(table) == 10
    assert table["Indikator"].iloc[0] == edition.indicator(top["indicator"].iloc[0]).title


def test_no_revisions_when_inputs_are_the_same(edition):
    assert changes.data_revisions(edition).empty
    # Recomputed from today's inputs, revisions cannot be seen, and the page must not claim there are none.
    assert changes.section_texts(edition)["revisions"].startswith("Nicht prüfbar")
    edition.previous.from_archive = True
    assert "keine Datenrevisionen" in changes.section_texts(edition)["revisions"]


def test_revised_added_and_removed_values_are_found(edition):
    tidy = edition.previous.tidy.copy()
    altstadt_2020 = (tidy["variable"] == "residents_total") & (tidy["area_id"] == "1") & (tidy["year"] == 2020)
    tidy.loc[altstadt_2020, "value"] = 3700.0
    births_2019 = (tidy["variable"] == "births") & (tidy["year"] == 2019) & (tidy["area_id"] == "2")
    removed = tidy[births_2019]
    edition.previous.tidy = tidy[~births_2019]
    revisions = changes.data_revisions(edition)
    assert len(revisions) == 2
    revised = revisions[revisions["variable"] == "residents_total"].iloc[0]
    assert (revised["before"], revised["now"]) == (3700.0, 3739.0)
    added = revisions[revisions["variable"] == "births"].iloc[0]
    assert added["before"] != added["before"] and added["now"] == removed["value"].iloc[0]  # NaN before


def test_catalogue_changes_list_new_removed_and_changed_definitions():
    before = load_catalog_document()
    after = copy.deepcopy(before)
    sgb2 = next(i for i in after["indicators"] if i["id"] == "sgb2_quote")
    sgb2["denominator"] = "residents_total"
    removed = after["indicators"].pop()
    added = copy.deepcopy(sgb2) | {"id": "sgb2_neu", "title": "Neue Quote"}
    after["indicators"].append(added)
    table = changes.catalog_changes(before, after)
    rows = {(r["Indikator"], r["Änderung"], r["Feld"]) for _, r in table.iterrows()}
    assert ("Neue Quote", "neu", "") in rows
    assert (removed["title"], "entfallen", "") in rows
    assert (sgb2["title"], "geändert", "Nenner") in rows
    assert len(table) == 3


def test_first_edition_has_nothing_to_compare(pack_copy):
    first = Edition.compute("flensburg", 2019, pack_copy("flensburg"))
    assert first.previous is None
    assert changes.indicator_changes(first).empty
    assert "erste Ausgabe" in changes.section_texts(first)["intro"]
