"""Every edition the pack declares renders: all prose and tables of every chapter, without notebooks.

Early editions lack indicators (SGB II from 2018, foreigners' share later); this catches chapter code
that assumes the newest edition's data."""
import pytest

from analysis.compute.edition import Edition
from analysis.pack.loader import load_city
from analysis.report import changes, comparison, figures, index_views, narrative, tables

YEARS = load_city("flensburg").editions


@pytest.mark.parametrize("year", YEARS)
def test_all_chapter_texts_and_tables_render(year, flensburg_project, flensburg_2022):
    edition = flensburg_2022 if year == 2022 else Edition.compute("flensburg", year, flensburg_project)
    texts = [narrative.key_findings(edition), narrative.social_situation(edition),
             index_views.summary_text(edition), index_views.method_text(edition),
             index_views.certainty_text(edition), index_views.unstable_text(edition),
             index_views.comparison_text(edition), index_views.types_text(edition),
             index_views.type_profiles_text(edition), index_views.types_method_text(edition),
             narrative.development_intro(edition), comparison.comparison_tool(edition).html,
             *changes.section_texts(edition).values()]
    assert all(isinstance(t, str) and t for t in texts)
    frames = [tables.overview(edition), index_views.matrix(edition), index_views.area_table(edition),
              index_views.comparison_table(edition), figures.type_profiles(edition).data]
    frames += [tables.topic(edition, topic) for topic in edition.catalog.by_topic()]
    frames += [figures.areas_over_time(edition, i).data for i in figures.key_indicators(edition)]
    assert all(len(f) for f in frames)
    for area_id in edition.pack.area_ids:
        assert edition.area_name(area_id) in index_views.profile_text(edition, area_id)
        assert len(tables.profile(edition, area_id))
