"""Lebenslagen: the catalogue's axes, long and city-level tables, published shares with a base, the partition
rule of disclosure control, and the deviations behind the heat maps (on the synthetic pack and hand-made
tables; every expected number is written out)."""
import copy

import numpy as np
import pandas as pd
import pytest

from analysis.catalog.model import load_catalog, load_catalog_document, parse_catalog, with_current_axes
from analysis.compute import disclosure, lebenslagen
from analysis.compute.edition import Edition
from analysis.compute.indicators import compute_indicators
from analysis.errors import InputError
from analysis.pack.model import CITY_AREA_ID, DisclosureRules
from analysis.report import lebenslagen_views
from tests.synthetic import counts

# --- catalogue axes ----------------------------------------------------------------------------------------------


def test_every_indicator_has_a_declared_field_and_declared_groups():
    catalog = load_catalog()
    fields = {f.id for f in catalog.fields}
    assert fields == {"bevoelkerung", "bildung", "arbeit", "armut", "wohnen", "pflege", "gesundheit", "integration"}
    for indicator in catalog.indicators:
        assert indicator.field in fields
        assert set(indicator.groups) <= set(catalog.groups)
    assert catalog.groups["migrationsgeschichte"] == "Menschen mit Migrationsgeschichte"


@pytest.mark.parametrize("change, column", [
    (lambda d: d["indicators"][3].update(field="sport"), "indicators/3/field"),
    (lambda d: d["indicators"][1].update(groups=["kinder", "senioren"]), "indicators/1/groups/1"),
    (lambda d: d["indicators"][0].update(base="residents_total"), "indicators/0/base"),
    (lambda d: d["group_pages"][0].update(population=["anteil_unter_99"]), "group_pages/0/population"),
])
def test_an_undeclared_axis_is_an_error_naming_the_entry(change, column):
    document = copy.deepcopy(load_catalog_document())
    change(document)
    with pytest.raises(InputError) as error:
        parse_catalog(document)
    assert error.value.column == column


def test_a_missing_field_is_caught_by_the_schema():
    document = copy.deepcopy(load_catalog_document())
    del document["indicators"][2]["field"]
    with pytest.raises(InputError, match="field"):
        parse_catalog(document)


def test_a_catalogue_archived_before_the_axes_gets_todays_axes():
    document = copy.deepcopy(load_catalog_document())
    for entry in document["indicators"]:
        del entry["field"], entry["groups"]
    del document["fields"], document["groups"]
    document["indicators"].append({**document["indicators"][0], "id": "entfallen"})
    catalog = parse_catalog(with_current_axes(document))
    assert catalog.get("kinderarmut_sgb2").field == "armut"
    assert catalog.get("kinderarmut_sgb2").groups == ("kinder", "familien")
    assert catalog.get("entfallen").field == "bevoelkerung" and catalog.get("entfallen").groups == ()


# --- published shares with a base --------------------------------------------------------------------------------


def _wide(rows: dict) -> pd.DataFrame:
    """(year, area_id) → variables, as wide_with_city makes (the city row given explicitly)."""
    index = pd.MultiIndex.from_tuples(list(rows), names=["year", "area_id"])
    return pd.DataFrame(list(rows.values()), index=index)


def test_a_published_share_with_a_base_implies_a_count_and_a_weighted_city_value():
    catalog = load_catalog().restricted_to({"arbeitslose_anteil_unter_25"})
    wide = _wide({(2022, "a"): {"unemployed_share_under_25": 10.0, "unemployed_by_characteristics": 200.0},
                  (2022, "b"): {"unemployed_share_under_25": 2.5, "unemployed_by_characteristics": 80.0},
                  (2022, CITY_AREA_ID): {"unemployed_share_under_25": np.nan, "unemployed_by_characteristics": 280.0}})
    table = compute_indicators(wide, catalog).set_index("area_id")
    assert table.at["a", "numerator"] == pytest.approx(20.0)    # 10 % of 200
    assert table.at["b", "numerator"] == pytest.approx(2.0)     # 2,5 % of 80: a count of 2
    assert table.at[CITY_AREA_ID, "value"] == pytest.approx((20 + 2) / 280 * 100)
    published = disclosure.apply(table.reset_index(), {"arbeitslose_anteil_unter_25": "external"},
                                 DisclosureRules(secondary=False),
                                 rank_signs=catalog.rank_signs).indicators.set_index("area_id")
    assert bool(published.at["b", "suppressed"]) and np.isnan(published.at["b", "value"])
    assert not published.at["a", "suppressed"]


def test_a_published_share_has_no_city_value_when_an_area_lacks_it():
    catalog = load_catalog().restricted_to({"arbeitslose_anteil_unter_25"})
    wide = _wide({(2022, "a"): {"unemployed_share_under_25": 10.0, "unemployed_by_characteristics": 200.0},
                  (2022, "b"): {"unemployed_share_under_25": np.nan, "unemployed_by_characteristics": 80.0},
                  (2022, CITY_AREA_ID): {"unemployed_share_under_25": np.nan, "unemployed_by_characteristics": 280.0}})
    table = compute_indicators(wide, catalog).set_index("area_id")
    assert CITY_AREA_ID not in table.index


# --- partitions: the secondary rule holds within groups that add up -------------------------------------------


def test_a_small_part_of_a_partition_cannot_be_recomputed_from_the_total_and_the_other_part():
    """SGB II: all beneficiaries = employable + non-employable (a partition of the catalogue). In area 'a' the
    non-employable are 2: withheld, and the rule must withhold one more quantity of that area and year,
    otherwise total − employable gives the 2 back."""
    catalog = load_catalog().restricted_to({"sgb2_quote", "elb_quote", "kinderarmut_sgb2"})
    wide = _wide({
        (2022, "a"): {"sgb2_recipients": 60, "sgb2_employable": 58, "sgb2_non_employable": 2, "residents_total": 900,
                      "residents_65_plus": 150, "residents_18_to_64": 600, "residents_under_18": 150},
        (2022, "b"): {"sgb2_recipients": 400, "sgb2_employable": 300, "sgb2_non_employable": 100,
                      "residents_total": 3000, "residents_65_plus": 500, "residents_18_to_64": 2000,
                      "residents_under_18": 500},
        (2022, "c"): {"sgb2_recipients": 350, "sgb2_employable": 250, "sgb2_non_employable": 100,
                      "residents_total": 2800, "residents_65_plus": 400, "residents_18_to_64": 1900,
                      "residents_under_18": 500},
    })
    totals = wide.sum()
    wide.loc[(2022, CITY_AREA_ID), :] = totals
    table = compute_indicators(wide.sort_index(), catalog)
    kinds = {i.id: i.kind for i in catalog.indicators}
    result = disclosure.apply(table, kinds, DisclosureRules(), disclosure.linkage_of(catalog),
                              rank_signs=catalog.rank_signs)
    published = result.indicators.set_index(["area_id", "indicator"])["suppressed"]
    assert published[("a", "kinderarmut_sgb2")]
    # within the partition of area a: not exactly one quantity withheld
    assert published[("a", "sgb2_quote")] or published[("a", "elb_quote")]
    # and across the areas: no indicator with exactly one withheld area while the city is published
    for indicator in kinds:
        column = result.indicators[(result.indicators["indicator"] == indicator)
                                   & (result.indicators["area_id"] != CITY_AREA_ID)]
        city_published = not published[(CITY_AREA_ID, indicator)]
        assert not (city_published and column["suppressed"].sum() == 1), indicator


def test_the_catalogue_declares_the_sgb2_partition():
    partitions = {(p.total, p.parts) for p in load_catalog().partitions}
    assert ("sgb2_recipients", ("sgb2_employable", "sgb2_non_employable")) in partitions


# --- long tables and city-level sources --------------------------------------------------------------------------

DEBT_SOURCE = """
  - file: raw/schuldnerberatung.csv
    title: Beratene nach Haushaltstyp
    year_column: jahr
    level: city
    category_column: haushalt
    city_level_reason: Die Beratungsstelle zählt nur für die ganze Stadt.
    variables:
      debt_counselled_men_alone: beratene[1]
      debt_counselled_women_alone: beratene[2]
      debt_counselled_single_fathers: beratene[3]
      debt_counselled_single_mothers: beratene[4]
      debt_counselled_couples: beratene[5]
      debt_counselled_couples_with_children: beratene[6]
      debt_counselled_other: beratene[7]
"""
DEBT_ROWS = {1: 40, 2: 30, 3: 5, 4: 25, 5: 20, 6: 15, 7: 5}   # 140 counselled in 2022


def _with_debt_table(root, rows: str) -> None:
    pack = root / "data" / "kleinstadt"
    with open(pack / "city.yml", "a", encoding="utf-8") as handle:
        handle.write(DEBT_SOURCE)
    (pack / "raw" / "schuldnerberatung.csv").write_text("jahr,haushalt,beratene\n" + rows, encoding="utf-8")


def test_a_long_city_level_table_becomes_a_city_indicator_with_its_reason(tiny_copy):
    _with_debt_table(tiny_copy, "".join(f"2022,{k},{v}\n" for k, v in DEBT_ROWS.items()))
    edition = Edition.compute("kleinstadt", 2022, tiny_copy, with_previous=False)
    assert not edition.has("schuldnerberatung")          # no area values: not on maps and in area tables
    residents = sum(counts()[(2022, area)]["einwohner"] for area in ("1", "2", "3"))
    series = edition.city_series("schuldnerberatung")
    assert series.loc[2022, "value"] == pytest.approx(140 / residents * 1000)
    assert edition.city_series("schuldnerberatung_anteil_alleinerziehende").loc[2022, "value"] == \
        pytest.approx((5 + 25) / 140 * 100)
    page = lebenslagen.page_of(edition, "alleinerziehende")
    indicator = edition.indicator("schuldnerberatung_anteil_alleinerziehende")
    assert indicator in lebenslagen_views.city_level_indicators(edition, page)
    reason = lebenslagen_views.city_level_reason(edition, indicator)
    assert reason == "Die Beratungsstelle zählt nur für die ganze Stadt."


def test_an_undeclared_category_is_an_error_naming_file_row_and_column(tiny_copy):
    _with_debt_table(tiny_copy, "2022,1,40\n2022,8,3\n")
    with pytest.raises(InputError) as error:
        Edition.compute("kleinstadt", 2022, tiny_copy, with_previous=False)
    assert (error.value.file.endswith("schuldnerberatung.csv"), error.value.row, error.value.column) == \
        (True, 3, "haushalt")
    assert "'8'" in str(error.value)


def test_a_repeated_category_row_is_an_error(tiny_copy):
    _with_debt_table(tiny_copy, "2022,1,40\n2022,1,41\n")
    with pytest.raises(InputError, match="doppelte Zeile") as error:
        Edition.compute("kleinstadt", 2022, tiny_copy, with_previous=False)
    assert error.value.row == 3


# --- deviations and the heat map ---------------------------------------------------------------------------------


def test_deviations_are_standardised_differences_from_the_city_in_the_direction_of_need(tiny_edition):
    z = lebenslagen.deviations(tiny_edition)
    frame = tiny_edition.table("sgb2_quote")
    areas = frame["value"].reindex(["1", "2", "3"])
    expected = (areas - frame.at[CITY_AREA_ID, "value"]) / areas.std(ddof=0)
    assert z["sgb2_quote"].to_numpy() == pytest.approx(expected.to_numpy())
    # area 1 has the most need by construction (tests/synthetic.py)
    assert z["sgb2_quote"].idxmax() == "1"
    assert "anteil_unter_18" not in z.columns       # structure, no direction of need


def test_a_field_is_the_mean_deviation_of_its_indicators_and_names_the_strongest(tiny_edition):
    z = lebenslagen.deviations(tiny_edition)
    matrix = lebenslagen.by_field(tiny_edition, z)
    armut = [i.id for i in tiny_edition.catalog.indicators if i.field == "armut" and i.id in z.columns]
    assert sorted(armut) == ["kinderarmut_sgb2", "sgb2_quote"]
    assert matrix.values.at["1", "armut"] == pytest.approx(z.loc["1", armut].mean())
    assert matrix.strongest.at["1", "armut"] == z.loc["1", armut].idxmax()
    assert matrix.area_order()[0] == "1"
    clearest = matrix.clearest()
    assert (clearest["value"] >= lebenslagen.CLEAR_DEVIATION).all()


def test_a_higher_is_better_indicator_counts_against_need():
    indicator = load_catalog().get("beschaeftigtenquote")
    assert indicator.need_sign == -1 and load_catalog().get("sgb2_quote").need_sign == 1
    assert load_catalog().get("anteil_unter_18").need_sign == 0


def test_profile_fields_name_the_fields_above_the_threshold_with_their_groups(tiny_edition):
    z = lebenslagen.deviations(tiny_edition)
    fields = lebenslagen.profile_fields(tiny_edition, "1", z=z)
    matrix = lebenslagen.by_field(tiny_edition, z)
    expected = matrix.values.loc["1"][matrix.values.loc["1"] >= lebenslagen.NOTABLE_DEVIATION]
    assert [f.field_id for f in fields] == list(expected.sort_values(ascending=False).index)
    armut = next(f for f in fields if f.field_id == "armut")
    assert "kinder" in armut.groups          # kinderarmut_sgb2 describes children
    assert lebenslagen.profile_fields(tiny_edition, "3", z=z) == [] or all(
        f.value >= lebenslagen.NOTABLE_DEVIATION for f in lebenslagen.profile_fields(tiny_edition, "3", z=z))
