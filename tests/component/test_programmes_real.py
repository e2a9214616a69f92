"""The Flensburg register, programme area and local knowledge, as the pack declares them from public sources."""
from __future__ import annotations

from analysis.compute import programmes as figures
from analysis.programmes import effects
from analysis.report import programme_views


def test_the_flensburg_register_keeps_what_the_sources_do_not_say_unknown(flensburg_2022):
    measures = {m.id: m for m in flensburg_2022.measures}
    assert measures["verfuegungsfonds-neustadt"].start == "2015"
    assert measures["quartiersmanagement-neustadt"].start == "unbekannt"
    assert measures["stadtumbau-fruerlund"].area_ids == ("10",)
    assert all(m.source for m in measures.values())


def test_neustadt_is_compared_and_the_programme_began_before_the_data(flensburg_2022):
    area = flensburg_2022.pack.programme_areas[0]
    chosen = figures.comparison(flensburg_2022, area)
    assert chosen.before_data and "2" not in chosen.area_ids and "3" not in chosen.area_ids
    assert len(chosen.area_ids) == 3
    table = figures.programme_figures(flensburg_2022, area)
    programme = table[(table["group"] == "programme") & (table["indicator"] == "sgb2_quote") & (table["year"] == 2022)]
    # Neustadt is counted whole and Nordstadt not at all: the programme's figure is Neustadt's own
    assert programme["value"].iloc[0] == flensburg_2022.value("sgb2_quote", "2", 2022)
    text = programme_views.honest_text(flensburg_2022, area.id)
    assert "Einen Vergleich vor und nach dem Start gibt es daher nicht" in text and "Nordstadt" in text
    verdicts = {e.verdict for m in flensburg_2022.measures for _, e in figures.measure_effects(flensburg_2022, m)}
    assert verdicts == {effects.NO_BEFORE}


def test_the_neustadt_assessment_stands_in_the_neustadt_profile_only(flensburg_2022):
    assert "Jugendmigrationsdienst" in programme_views.profile_knowledge(flensburg_2022, "2")
    assert "Jugendmigrationsdienst" not in programme_views.profile_knowledge(flensburg_2022, "5")
