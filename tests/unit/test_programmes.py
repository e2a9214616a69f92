"""Programme areas, the register of measures, the effect estimator and local knowledge: synthetic data only
(fixed seeds), so every number is known. The real Flensburg register is tested in the component layer."""
from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from analysis.compute import programmes as figures
from analysis.compute.archive import StoredEdition
from analysis.compute.edition import Edition
from analysis.errors import InputError
from analysis.pack.loader import load_city
from analysis.programmes import effects
from analysis.programmes.register import changes
from analysis.report import programme_views

from synthetic import SIDE, counts


def panel(effect: float, seed: int, areas: int = 40, treated: int = 4, years=range(2012, 2023), start: int = 2017):
    """Rates of `areas` areas with their own level and trend and yearly noise; the first `treated` areas get
    `effect` added from the start year on (negative: the rate falls)."""
    rng = np.random.default_rng(seed)
    level = rng.normal(12, 3, areas)
    trend = rng.normal(-0.1, 0.05, areas)
    values = {year: level + trend * (year - 2012) + rng.normal(0, 0.3, areas) for year in years}
    frame = pd.DataFrame(values, index=[f"a{n}" for n in range(areas)])
    frame.loc[frame.index[:treated], [y for y in years if y >= start]] += effect
    return frame, list(frame.index[:treated]), list(frame.index[treated:])


def test_the_estimator_finds_a_planted_effect():
    values, treated, controls = panel(effect=-2.0, seed=1)
    result = effects.difference_in_differences(values, treated, controls, 2017, "decrease")
    assert result.verdict == effects.FAVOURABLE
    assert result.before_year == 2016 and result.after_year == 2022
    assert abs(result.estimate + 2.0) < 0.5 and result.high < 0
    # the same fall is unfavourable for a measure that wants the rate to rise
    rising = effects.difference_in_differences(values, treated, controls, 2017, "increase")
    assert rising.verdict == effects.UNFAVOURABLE


@pytest.mark.parametrize("seed", [2, 3, 4, 5, 6])
def test_the_estimator_reports_no_difference_where_none_was_planted(seed):
    values, treated, controls = panel(effect=0.0, seed=seed)
    result = effects.difference_in_differences(values, treated, controls, 2017, "decrease")
    assert result.verdict == effects.NO_DIFFERENCE
    assert result.low < 0 < result.high


def test_too_early_and_no_data_before_the_start():
    values, treated, controls = panel(effect=-2.0, seed=1)
    assert effects.difference_in_differences(values, treated, controls, 2021, "decrease").verdict == effects.TOO_EARLY
    assert effects.difference_in_differences(values, treated, controls, 2012, "decrease").verdict == effects.NO_BEFORE


def with_programmes(root, programme: str, register: str | None = None, entries: dict | None = None) -> Edition:
    pack = root / "data" / "kleinstadt"
    text = (pack / "city.yml").read_text(encoding="utf-8") + programme
    if register is not None:
        (pack / "measures.yml").write_text(register, encoding="utf-8")
        text += "measures_file: measures.yml\n"
    if entries is not None:
        (pack / "vor_ort").mkdir()
        for name, body in entries.items():
            (pack / "vor_ort" / name).write_text(body, encoding="utf-8")
        text += "local_knowledge: {folder: vor_ort, max_age_years: 2, collection: Testeinträge}\n"
    (pack / "city.yml").write_text(text, encoding="utf-8")
    load_city.cache_clear()
    return Edition.compute("kleinstadt", 2022, root, with_previous=False)


PROGRAMME = """
programme_areas:
  - id: hafen
    name: Hafenviertel
    programme: Sozialer Zusammenhalt
    start_year: 2020
    source: Testdaten
    areas: [{id: "1", coverage: whole}, {id: "2", coverage: part, share: 0.25}]
    comparison: {method: similar, k: 1}
"""


def test_a_programme_area_sums_counts_with_their_shares_and_never_averages_rates(tiny_copy):
    edition = with_programmes(tiny_copy, PROGRAMME)
    area = edition.pack.programme_areas[0]
    table = figures.programme_figures(edition, area)
    raw = counts()
    for year in (2019, 2022):
        sgb2 = raw[(year, "1")]["sgb2"] + 0.25 * raw[(year, "2")]["sgb2"]
        working = (raw[(year, "1")]["einwohner"] - raw[(year, "1")]["ab_65"]
                   + 0.25 * (raw[(year, "2")]["einwohner"] - raw[(year, "2")]["ab_65"]))
        programme = table[(table["group"] == "programme") & (table["indicator"] == "sgb2_quote")
                          & (table["year"] == year)]["value"].iloc[0]
        assert programme == pytest.approx(sgb2 / working * 100, rel=1e-6)
    assert figures.comparison(edition, area).area_ids == ("3",)   # the only area outside


def test_a_polygon_overlay_checked_by_hand(tiny_copy):
    """The programme polygon covers the east half of square 1 and the west quarter of square 2."""
    polygon = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:25832"}},
               "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[
                   [500000 + SIDE * 0.5, 6000000], [500000 + SIDE * 1.25, 6000000], [500000 + SIDE * 1.25, 6001000],
                   [500000 + SIDE * 0.5, 6001000], [500000 + SIDE * 0.5, 6000000]]]}}]}
    (tiny_copy / "data" / "kleinstadt" / "raw" / "hafen.geojson").write_text(json.dumps(polygon), encoding="utf-8")
    declared = 'areas: [{id: "1", coverage: whole}, {id: "2", coverage: part, share: 0.25}]'
    edition = with_programmes(tiny_copy, PROGRAMME.replace(declared, "polygon_file: raw/hafen.geojson"))
    shares = figures.shares(edition, edition.pack.programme_areas[0])
    assert shares.to_dict() == pytest.approx({"1": 0.5, "2": 0.25})


REGISTER = """
measures:
  - id: lotsen
    title: Bildungslotsen
    programme_area: hafen
    field_of_action: Bildung
    target_group: Familien
    start: "2020-03"
    end: unbekannt
    status: in Umsetzung
    status_date: "2021-06-30"
    budget: 50.000 EUR je Jahr
    office: Jugendamt
    decision: DS 2020/017
    target_indicators: [{indicator: kinderarmut_sgb2, direction: decrease}]
    source: Testdaten
"""


@pytest.mark.parametrize("change, message, where", [
    (("programme_area: hafen", "areas: ['7']"), "Gebiet '7' gibt es nicht", "measures/0/areas"),
    (('start: "2020-03"', 'start: "März 2020"'), "does not match", "measures/0/start"),
    (("status: in Umsetzung", "status: läuft"), "läuft", "measures/0/status"),
    (("programme_area: hafen", "programme_area: werft"), "Fördergebiet 'werft'", "measures/0/programme_area"),
    (("indicator: kinderarmut_sgb2", "indicator: kinderarmut"), "Zielindikator 'kinderarmut'", "target_indicators"),
    (('end: unbekannt', 'end: "2019"'), r"Das Ende \(2019\) liegt vor dem Beginn", "measures/0/end"),
], ids=["unknown area", "bad date", "unknown status", "unknown programme area", "unknown indicator", "end before"])
def test_register_errors_name_file_line_and_field(tiny_copy, change, message, where):
    with pytest.raises(InputError, match=message) as error:
        with_programmes(tiny_copy, PROGRAMME, REGISTER.replace(*change))
    assert "measures.yml" in str(error.value) and where in str(error.value)


ENTRY = """---
areas: ["1"]
kind: Beobachtung
field_of_action: Bildung
author: Stadtteilkonferenz Nordhafen
date: "2021-05-04"
source: Stadtteilkonferenz 2021-05-04
indicators: [anteil_unter_18]
contact: sprecherin@example.org
---
Viele Familien mit kleinen Kindern ziehen zu; die Kitas haben Wartelisten. <script>alert(1)</script>
"""


def test_an_entry_is_shown_apart_escaped_dated_and_without_its_contact(tiny_copy):
    edition = with_programmes(tiny_copy, PROGRAMME, entries={"2021-nordhafen.md": ENTRY})
    entry, = edition.knowledge
    assert not hasattr(entry, "contact")
    box = programme_views.profile_knowledge(edition, "1")
    assert box.startswith(":::{admonition} Einschätzung vor Ort")
    assert "Stadtteilkonferenz Nordhafen" in box and "sprecherin@example.org" not in box
    assert "<script>" not in box and "Möglicherweise überholt" not in box   # 2021 is within 2 years of 2022
    assert f"Kinder und Jugendliche 2022: {edition.value_text('anteil_unter_18', '1')}" in box
    assert entry.dated(2024, 2)


@pytest.mark.parametrize("change, message", [
    (('areas: ["1"]', 'areas: ["9"]'), "Gebiet '9' gibt es nicht"),
    (('date: "2021-05-04"', 'date: "2021-13-04"'), "Datum '2021-13-04' gibt es nicht"),
    (("contact: sprecherin@example.org", "contact: bitte anrufen"), "weder eine E-Mail-Adresse"),
    (("kind: Beobachtung", "kind: Gerücht"), "Gerücht"),
], ids=["unknown area", "bad date", "bad contact", "unknown kind"])
def test_local_knowledge_errors_name_the_file(tiny_copy, change, message):
    with pytest.raises(InputError, match=message) as error:
        with_programmes(tiny_copy, PROGRAMME, entries={"2021-nordhafen.md": ENTRY.replace(*change)})
    assert "vor_ort/2021-nordhafen.md" in str(error.value)


def test_register_changes_between_editions():
    before = [{"id": "a", "title": "A", "status": "beschlossen", "status_date": "2021"},
              {"id": "b", "title": "B", "status": "in Umsetzung", "status_date": "2021"},
              {"id": "c", "title": "C", "status": "in Umsetzung", "status_date": "2021"}]
    after = [{"id": "a", "title": "A", "status": "in Umsetzung", "status_date": "2022-02"},
             {"id": "b", "title": "B", "status": "abgeschlossen", "status_date": "2022-12"},
             {"id": "d", "title": "D", "status": "geplant", "status_date": "2022"}]
    found = {(c.measure_id, c.kind, c.before, c.after) for c in changes(before, after)}
    assert found == {("a", "Status geändert", "beschlossen", "in Umsetzung"),
                     ("b", "abgeschlossen", "in Umsetzung", "abgeschlossen"),
                     ("d", "neu", "", "geplant"), ("c", "nicht mehr im Register", "in Umsetzung", "")}


def test_a_status_change_appears_on_the_implementation_page(tiny_copy):
    edition = with_programmes(tiny_copy, PROGRAMME, REGISTER)
    earlier = [{**edition.measures[0].record(), "status": "beschlossen", "status_date": "2020-01-15"}]
    edition.previous = StoredEdition(2021, edition.tidy, edition.indicators, {}, None, True, earlier)
    table = programme_views.implementation_table(edition)
    assert table.iloc[0][["Maßnahme", "Änderung", "vorher", "jetzt"]].tolist() == [
        "Bildungslotsen", "Status geändert", "beschlossen", "in Umsetzung"]
    assert "1 × Status geändert" in programme_views.implementation_text(edition)
    edition.previous = replace(edition.previous, measures=None)
    assert "kein Maßnahmenregister archiviert" in programme_views.implementation_text(edition)


def test_a_group_value_is_withheld_when_one_of_its_areas_is(tiny_copy):
    edition = with_programmes(tiny_copy, PROGRAMME)
    indicators = edition.indicators.copy()
    hit = (indicators["indicator"] == "sgb2_quote") & (indicators["area_id"] == "1") & (indicators["year"] == 2022)
    indicators.loc[hit, "suppressed"] = True
    edition.indicators = indicators
    values = figures.group_values(edition, pd.Series({"1": 1.0, "2": 0.25}), ["sgb2_quote"])
    assert np.isnan(values.at[2022, "sgb2_quote"]) and not np.isnan(values.at[2021, "sgb2_quote"])
