"""The Lebenslagen indicators on the real Flensburg pack: each new indicator against one row computed by hand
from the raw CSV files (the numbers in the comments are the cells of data/flensburg/raw/), the coverage the
issue asks for, and the group pages' parts."""
import pytest

from analysis.compute import lebenslagen
from analysis.pack.model import CITY_AREA_ID
from analysis.report import lebenslagen_views

NEUSTADT = "2"

# (indicator, area, year, value by hand)
HAND_CHECKED = [
    # fl_age_groups_by_district 2022/2: age_18_to_under_30 1605; fl_residents_by_district: 5052
    ("anteil_18_bis_29", NEUSTADT, 2022, 1605 / 5052 * 100),
    # age_80_and_above 89; fl_residents_age_65_and_above_by_district: 370
    ("hochaltrige_unter_aelteren", NEUSTADT, 2022, 89 / 370 * 100),
    # fl_beneficiaries_characteristics_by_district 2022/2: employability 735; 18 to under 65: 3889
    ("elb_quote", NEUSTADT, 2022, 735 / 3889 * 100),
    # the same row's published shares, taken over as published
    ("sgb2_anteil_frauen", NEUSTADT, 2022, 43.5),
    ("sgb2_anteil_alleinerziehende", NEUSTADT, 2022, 9.9),
    ("sgb2_anteil_auslaender", NEUSTADT, 2022, 40.7),
    # fl_unemployed_residents_categorized_by_district 2022/2: 350 unemployed, 79.1 / 33.1 / 32.3 / 10.6 %
    ("arbeitslose_anteil_sgb2", NEUSTADT, 2022, 79.1),
    ("arbeitslose_anteil_auslaender", NEUSTADT, 2022, 33.1),
    ("arbeitslose_anteil_frauen", NEUSTADT, 2022, 32.3),
    ("arbeitslose_anteil_unter_25", NEUSTADT, 2022, 10.6),
    # fl_basic_benefits_income_by_district 2022/2: age_18_to_under_65 117
    ("grundsicherung_erwerbsminderung", NEUSTADT, 2022, 117 / 3889 * 100),
    # fl_housing_assistance_cases_by_district 2022/2: 116 consultations, 6 terminations, 11 suits, 4 evictions
    ("wohnhilfe_beratungen", NEUSTADT, 2022, 116 / 5052 * 1000),
    ("kuendigungen_mietrueckstand", NEUSTADT, 2022, 6 / 5052 * 1000),
    ("raeumungsklagen", NEUSTADT, 2022, 11 / 5052 * 1000),
    ("raeumungen", "7", 2022, 8 / 4324 * 1000),       # Südstadt: 8 evictions, 4324 residents
    # fl_child_education_support 2022: §30 61 + §31 155 + §32 16; §33 103 + §34 142; §35a 184;
    # under 18 in the 13 Stadtteile 2022: 15295
    ("hze_ambulant", CITY_AREA_ID, 2022, (61 + 155 + 16) / 15295 * 1000),
    ("hze_stationaer", CITY_AREA_ID, 2022, (103 + 142) / 15295 * 1000),
    ("eingliederungshilfe_35a", CITY_AREA_ID, 2022, 184 / 15295 * 1000),
    # fl_debt_counseling_residents 2022, household types 1..7: 386, 238, 4, 210, 138, 198, 61; residents 99341
    ("schuldnerberatung", CITY_AREA_ID, 2022, (386 + 238 + 4 + 210 + 138 + 198 + 61) / 99341 * 1000),
    ("schuldnerberatung_anteil_alleinerziehende", CITY_AREA_ID, 2022, (4 + 210) / 1235 * 100),
    # fl_non_german_nationals_residence_status 2021: permanent 10178, without 4868, asylum 143, tolerated 276
    ("aufenthalt_ohne_dauerrecht", CITY_AREA_ID, 2021, 4868 / (10178 + 4868) * 100),
    ("aufenthalt_gestattung", CITY_AREA_ID, 2021, 143 / (10178 + 4868) * 100),
    ("aufenthalt_duldung", CITY_AREA_ID, 2021, 276 / (10178 + 4868) * 100),
]


def _value(edition, indicator_id, area_id, year):
    if edition.has(indicator_id):
        return edition.value(indicator_id, area_id, year)
    return edition.city_series(indicator_id).loc[year, "value"]


@pytest.mark.parametrize("indicator_id, area_id, year, expected", HAND_CHECKED, ids=[r[0] for r in HAND_CHECKED])
def test_each_new_indicator_matches_a_row_computed_by_hand(flensburg_2022, indicator_id, area_id, year, expected):
    assert _value(flensburg_2022, indicator_id, area_id, year) == pytest.approx(expected, rel=1e-9)


def test_kita_places_per_100_children_are_the_need_plans_supply(flensburg_2022):
    _, supply = next((p, t) for p, t in flensburg_2022.infrastructure.supply if p.facility == "kitas")
    for area_id in (NEUSTADT, "10", CITY_AREA_ID):
        assert flensburg_2022.value("kita_plaetze_je_100", area_id, 2022) == pytest.approx(
            supply.at[area_id, "places_per"])
    assert round(flensburg_2022.value("kita_plaetze_je_100", NEUSTADT, 2022), 1) == 24.3


def test_an_adopted_share_implies_its_count_and_the_city_value_is_weighted_by_the_base(flensburg_2022):
    row = flensburg_2022.table("sgb2_anteil_alleinerziehende", 2022)
    assert row.at[NEUSTADT, "numerator"] == pytest.approx(9.9 * 735 / 100)
    # the 13 Stadtteile 2022: sum of share × employable = 108557 (per cent × persons), employable 7176
    assert row.at[CITY_AREA_ID, "value"] == pytest.approx(108557 / 7176)


def test_flensburg_has_at_least_40_indicators_in_at_least_6_fields(flensburg_2022):
    indicators = flensburg_2022.all_indicators
    assert len(indicators.indicators) >= 40
    assert len(indicators.by_field()) >= 6
    assert {i.id for i in flensburg_2022.city_catalog.indicators} == {
        "hze_ambulant", "hze_stationaer", "eingliederungshilfe_35a", "schuldnerberatung",
        "schuldnerberatung_anteil_alleinerziehende", "aufenthalt_ohne_dauerrecht", "aufenthalt_gestattung",
        "aufenthalt_duldung"}


def test_the_six_tables_the_report_did_not_use_are_read(flensburg_2022):
    used = {source.file.split("/")[-1] for source in flensburg_2022.pack.sources}
    assert {"fl_beneficiaries_characteristics_by_district.csv", "fl_unemployed_residents_categorized_by_district.csv",
            "fl_housing_assistance_cases_by_district.csv", "fl_child_education_support.csv",
            "fl_debt_counseling_residents.csv", "fl_non_german_nationals_residence_status.csv"} <= used


def test_a_source_withheld_value_stays_missing_and_keeps_the_city_total_empty(flensburg_2022):
    # fl_housing_assistance_cases_by_district 2022: evictions in Altstadt are NULL (under 4 in the source)
    table = flensburg_2022.table("raeumungen", 2022)
    assert "1" not in table.index
    assert CITY_AREA_ID not in table.index


def test_group_pages_for_the_groups_the_data_carry(flensburg_2022):
    pages = [p.id for p in lebenslagen.available_pages(flensburg_2022.pack)]
    assert pages[:4] == ["kinder-und-jugendliche", "junge-erwachsene", "aeltere-menschen", "alleinerziehende"]
    assert "migrationsgeschichte" in pages


def test_the_alleinerziehende_page_says_why_it_has_no_counts_and_shows_city_series(flensburg_2022):
    page = lebenslagen.page_of(flensburg_2022, "alleinerziehende")
    assert lebenslagen_views.where_table(flensburg_2022, page) is None
    assert "geben die Daten nicht her" in lebenslagen_views.where_note(flensburg_2022, page)
    city_level = lebenslagen_views.city_level_indicators(flensburg_2022, page)
    assert [i.id for i in city_level] == ["schuldnerberatung_anteil_alleinerziehende"]
    assert "Schuldnerberatung" in lebenslagen_views.city_level_notes(flensburg_2022, city_level)


def test_the_overview_names_neustadt_among_the_clearest_concentrations(flensburg_2022):
    z = lebenslagen.deviations(flensburg_2022)
    fields = lebenslagen.by_field(flensburg_2022, z)
    clearest = fields.clearest()
    assert NEUSTADT in set(clearest["area_id"])
    text = lebenslagen_views.concentrations_text(flensburg_2022, fields, lebenslagen.by_group(flensburg_2022, z))
    assert "Neustadt: Armut +1,4" in text


def test_the_heatmap_links_every_cell_and_pages_many_rows(flensburg_2022):
    matrix = lebenslagen.by_field(flensburg_2022)
    html = lebenslagen_views.field_heatmap(flensburg_2022, matrix)._repr_html_()
    cells = int(matrix.values.notna().sum().sum())
    assert html.count('href="../generated/methoden.html#indikator-') == cells
    assert "<details" not in html            # 13 areas: one table
    many = lebenslagen.Matrix(
        matrix.values.sample(n=120, replace=True, random_state=7).set_axis([f"x{i}" for i in range(120)]),
        matrix.strongest.sample(n=120, replace=True, random_state=7).set_axis([f"x{i}" for i in range(120)]),
        matrix.indicator_count, matrix.titles)
    paged = lebenslagen_views.Heatmap(flensburg_2022, many, "Test")._repr_html_()
    assert paged.count("<details") == 3 and paged.count("<table") == 3
