"""Disclosure control on the real Flensburg pack with stricter rules declared in city.yml (the real data hold
no counts of 1 or 2: the source withholds below 4)."""
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
