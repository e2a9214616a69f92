"""Disclosure control on the real Flensburg pack with stricter rules declared in city.yml (the real data hold
no counts of 1 or 2: the source withholds below 4)."""
import pandas as pd
import pytest

from analysis.compute.disclosure import FOOTNOTE
from analysis.compute.edition import Edition
from analysis.pack.loader import load_city
from analysis.pack.model import CITY_AREA_ID
from analysis.report import downloads, tables
from analysis.site.audit import audit_html
from analysis.text import SUPPRESSED


@pytest.fixture(scope="module")
def strict(tmp_path_factory):
    """The real pack declaring min_count 10: the homelessness counts of 4–8 households are then withheld."""
    import shutil
    from pathlib import Path

    root = tmp_path_factory.mktemp("strict")
    original = Path(__file__).resolve().parents[2]
    (root / "_toc.yml").write_text((original / "_toc.yml").read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copytree(original / "data" / "flensburg", root / "data" / "flensburg")
    city = root / "data" / "flensburg" / "city.yml"
    city.write_text(city.read_text(encoding="utf-8").replace("  min_count: 3\n", "  min_count: 10\n"),
                    encoding="utf-8")
    load_city.cache_clear()
    edition = Edition.compute("flensburg", 2022, root, with_previous=False)
    yield edition
    load_city.cache_clear()


def test_rules_come_from_the_city_pack(strict):
    assert strict.rules.min_count == 10
    primary, secondary = strict.withheld_cells
    assert primary > 0
    withheld = strict.indicators[strict.indicators["suppressed"]]
    assert set(withheld["indicator"]) >= {"wohnungslosigkeit_bedroht"}
    assert withheld["value"].isna().all()


def test_secondary_suppression_holds_on_the_real_table(strict):
    published = strict.indicators
    for (indicator, year), group in published[published.area_id != CITY_AREA_ID].groupby(["indicator", "year"]):
        city = published[(published.indicator == indicator) & (published.year == year)
                         & (published.area_id == CITY_AREA_ID)]
        if len(city) and city["value"].notna().all():
            assert group["suppressed"].sum() != 1, (indicator, year)


def test_tables_profiles_downloads_and_findings_show_the_mark_and_its_footnote(strict):
    withheld = strict.indicators[strict.indicators["suppressed"] & (strict.indicators["year"] == 2022)]
    area = withheld["area_id"].iloc[0]
    topic = tables.topic(strict, "wohnen")
    assert SUPPRESSED in topic.to_numpy() and FOOTNOTE in topic.attrs["note"]
    profile = tables.profile(strict, area)
    row = profile[profile["Indikator"] == strict.indicator(withheld["indicator"].iloc[0]).title].iloc[0]
    assert row[strict.area_name(area)] == SUPPRESSED and row["95-%-Intervall"] == SUPPRESSED
    download = downloads.indicator_table(strict)
    assert (download["wert"] == SUPPRESSED).sum() == strict.indicators["suppressed"].sum()
    messages = " ".join(strict.findings["message"])
    assert "20 → 5" not in messages and ". → ." in messages  # Neustadt 2021: 5 households
    for table in (topic, profile, tables.findings(strict)):
        assert audit_html("t.html", tables.styled(table).to_html(), strict.rules) == []


def test_value_texts_for_the_prose_use_the_mark(strict):
    row = strict.indicators[strict.indicators["suppressed"]].iloc[-1]
    assert strict.value_text(row["indicator"], row["area_id"], int(row["year"])) == SUPPRESSED


def test_profile_chart_tables_mark_withheld_values_with_the_point(strict):
    from analysis.report import figures

    row = strict.indicators[strict.indicators["suppressed"] & (strict.indicators["area_id"] != CITY_AREA_ID)].iloc[0]
    indicator = strict.indicator(row["indicator"])
    chart = figures.trends(strict, row["area_id"], [indicator.id])
    table = chart.data.set_index("Jahr")
    assert table.at[str(int(row["year"])), strict.area_name(row["area_id"])] == SUPPRESSED
    # "–" means "no value"; it never stands for a withheld one
    withheld_years = set(strict.indicators[(strict.indicators["indicator"] == indicator.id)
                                           & (strict.indicators["area_id"] == row["area_id"])
                                           & strict.indicators["suppressed"]]["year"].astype(int).astype(str))
    assert all(table.at[year, strict.area_name(row["area_id"])] == SUPPRESSED for year in withheld_years)


def test_an_edition_archived_under_looser_rules_is_shown_by_todays_rules(pack_copy):
    """2021 built with min_count 3, then the rule raised to 10 and 2022 built: what 2022 shows of 2021
    (the page "Was hat sich geändert") obeys the rule of 2022."""
    from analysis.compute import archive
    from analysis.report import changes

    root = pack_copy("flensburg")
    before = Edition.compute("flensburg", 2021, root, with_previous=False)
    archive.write(archive.folder(root, "flensburg", 2021), before.tidy, before.indicators, before.catalog_document,
                  {"built": "2022-03-01T10:00:00+01:00"})
    small = before.indicators[(before.indicators["numerator"] > 0) & (before.indicators["numerator"] < 10)]
    assert len(small) and not small["suppressed"].any()   # published in 2021 under min_count 3
    city = root / "data" / "flensburg" / "city.yml"
    city.write_text(city.read_text(encoding="utf-8").replace("  min_count: 3\n", "  min_count: 10\n"), encoding="utf-8")
    load_city.cache_clear()
    now = Edition.compute("flensburg", 2022, root)
    assert now.previous.from_archive
    previous = now.previous.indicators.set_index(["indicator", "area_id", "year"])
    for row in small.itertuples():
        cell = previous.loc[(row.indicator, row.area_id, row.year)]
        assert cell["suppressed"] and pd.isna(cell["value"]) and pd.isna(cell["numerator"])
    compared = changes.indicator_changes(now).set_index(["indicator", "area_id"])
    for row in small[small["year"] == 2021].itertuples():
        if (row.indicator, row.area_id) in compared.index:
            assert pd.isna(compared.loc[(row.indicator, row.area_id), "before"])
