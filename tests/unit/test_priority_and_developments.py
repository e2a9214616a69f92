"""The points grid, disclosure of supply tables, and what a housing development needs: hand examples, and
the synthetic three-area pack (squares of 1 km side by side, so area 1 borders 2, and 2 borders 1 and 3)."""
from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from test_facilities import LAYER, ROWS, with_layer

from analysis.cli import main
from analysis.errors import InputError
from analysis.pack.model import CITY_AREA_ID, DisclosureRules, NeedPlan, PriorityGrid
from analysis.planning import priority
from analysis.planning.need import withhold
from analysis.report import infrastructure_views

from synthetic import counts

GRID = {
    "source": "Handbeispiel",
    "criteria": [
        {"id": "sgb2", "title": "SGB II", "indicator": "sgb2_quote", "compare": "city",
         "steps": [{"at_least": 1.2, "points": 1}, {"at_least": 1.5, "points": 2}]},
        {"id": "versorgung", "title": "Versorgung", "supply": "places_per", "compare": "target",
         "steps": [{"at_most": 1.0, "points": 1}, {"at_most": 0.5, "points": 2}]},
        {"id": "ohne", "title": "Keine Einrichtung", "supply": "facilities", "steps": [{"at_most": 0, "points": 3}]},
    ],
    "tie_break": [{"by": "gap", "order": "ascending"}],
}


def hand_plan() -> NeedPlan:
    return NeedPlan.of({"facility": "kitas", "title": "Kitas", "target_population": "kinder", "target_group": "Kinder",
                        "target_ratio": {"value": 50, "per": 100, "source": "Hand"},
                        "catchment": {"distance_m": 500, "source": "Hand"}, "priority": GRID})


def test_a_points_grid_on_a_hand_example():
    """a: SGB II 2,0× → 2, supply 0,4× target → 2: 4 points. b: no facility → 3, c: 1,5× → 2 and 0,6× → 1:
    3 points each; the tie goes to c, whose gap is larger (ascending). d and e: 1 point each (SGB II 1,3×),
    equal in everything, so the pack's order decides. f: its SGB II value is withheld, no points for it."""
    areas = ["a", "b", "c", "d", "e", "f"]
    supply = pd.DataFrame({"places_per": [20, 60, 30, 80, 80, 80, 50], "facilities": [1, 0, 2, 3, 3, 3, 12],
                           "gap": [-30, -5, -20, 10, 10, 10, -35]}, index=[*areas, CITY_AREA_ID])
    sgb2 = pd.Series([20, 10, 15, 13, 13, np.nan, 10], index=[*areas, CITY_AREA_ID])
    ranked = priority.rank(SimpleNamespace(area_ids=areas), hand_plan(), supply, {"sgb2_quote": sgb2})
    assert list(ranked.index) == ["a", "c", "b", "d", "e", "f"]
    assert list(ranked["rank"]) == [1, 2, 3, 4, 5, 6]
    assert ranked.loc["a", ["sgb2_points", "versorgung_points", "ohne_points", "points"]].tolist() == [2, 2, 0, 4]
    assert ranked.loc["b", ["sgb2_points", "versorgung_points", "ohne_points", "points"]].tolist() == [0, 0, 3, 3]
    assert ranked.loc["c", ["sgb2_points", "versorgung_points", "ohne_points", "points"]].tolist() == [2, 1, 0, 3]
    assert ranked.at["a", "sgb2_compared"] == pytest.approx(2.0)
    assert ranked.at["c", "versorgung_compared"] == pytest.approx(0.6)
    assert ranked.at["f", "points"] == 0 and math.isnan(ranked.at["f", "sgb2_compared"])


def test_the_tie_rule_is_followed_in_its_declared_order():
    areas = ["b", "c"]
    supply = pd.DataFrame({"places_per": [60, 30], "facilities": [0, 2], "gap": [-5, -20]}, index=areas)
    sgb2 = pd.Series([10, 15, 10], index=[*areas, CITY_AREA_ID])
    plan = hand_plan()
    descending = NeedPlan(**{**plan.__dict__, "priority": PriorityGrid.of(
        {**GRID, "criteria": GRID["criteria"][2:], "tie_break": [{"by": "gap", "order": "descending"}]})})
    ascending = NeedPlan(**{**plan.__dict__, "priority": PriorityGrid.of({**GRID, "criteria": GRID["criteria"][2:]})})
    # both have points from "ohne" only for b (3): b first whatever the rule; drop it to see the rule decide
    supply["facilities"] = [2, 2]
    pack = SimpleNamespace(area_ids=areas)
    assert list(priority.rank(pack, ascending, supply, {"sgb2_quote": sgb2}).index) == ["c", "b"]
    assert list(priority.rank(pack, descending, supply, {"sgb2_quote": sgb2}).index) == ["b", "c"]


def test_a_small_target_population_withholds_what_would_reveal_it():
    rules = DisclosureRules(min_count=3, min_denominator=30)
    table = pd.DataFrame({"target_population": [2, 25, 400, 500, 927], "places_per": [50.0, 40, 30, 20, 25],
                          "target_places": [1.0, 12.5, 200, 250, 463.5], "gap": [0.0, -2.5, -80, -150, -232.5],
                          "population_change": [1.0, 3, 10, 20, 34],
                          "population_change_share": [1.0, .1, .03, .04, .04]},
                         index=["1", "2", "3", "4", CITY_AREA_ID])
    published = withhold(table, rules)
    # area 1 is a small count; as the only one, the next smallest (area 2) is withheld too (the city total)
    assert published["count_withheld"].tolist() == [True, True, False, False, False]
    assert published["withheld"].tolist() == [True, True, False, False, False]
    assert published.loc[["1", "2"], ["places_per", "target_places", "gap", "population_change"]].isna().all().all()
    assert published.at["3", "places_per"] == 30


DEMAND = """
development_demand:
  persons_per_flat: {value: 2.0, source: Testannahme}
  places:
    - facility: kitas
      title: Kita-Plätze
      source: Testannahme
      children:
        - {group: unter 3 Jahren, per_flat: 0.14, care_rate: 0.48}
        - {group: 3 bis unter 6 Jahren, per_flat: 0.14, care_rate: 0.85}
    - facility: kitas
      title: Plätze nach Berliner Modell
      source: Testannahme
      per_100_flats: 14
"""
PROJECT = """
developments:
  - {name: Neues Quartier am Hafen, area_ids: ["1"], flats: 200, completion_year: 2027, source: Testdaten}
"""


def test_a_development_projection_checked_by_hand(tiny_copy):
    edition = with_layer(tiny_copy, layer=LAYER + DEMAND + PROJECT)
    project, = edition.pack.developments
    result = infrastructure_views.assessment(edition, project)
    children = {area: counts()[(2022, area)]["unter_18"] for area in ("1", "2", "3")}
    assert result.residents == 400
    assert result.neighbours == ("2",)
    kitas, berlin = result.demands
    assert dict(kitas.children) == {"unter 3 Jahren": pytest.approx(28), "3 bis unter 6 Jahren": pytest.approx(28)}
    assert kitas.places_needed == pytest.approx(200 * (0.14 * 0.48 + 0.14 * 0.85))   # 37.24
    assert berlin.places_needed == pytest.approx(28)
    # area 1 has the Kitas k1 and k2 (100 places); target 50 per 100 children under 18
    assert kitas.spare_in_area == pytest.approx(100 - children["1"] * 0.5)
    assert kitas.spare_nearby == pytest.approx(0 - children["2"] * 0.5)
    assert kitas.after == pytest.approx(100 - children["1"] * 0.5 - 37.24)
    text = infrastructure_views.developments_text(edition)
    assert "Neues Quartier am Hafen" in text and "400 Einwohnerinnen" in text and "37,2 Plätze" in text


def test_the_development_command_prints_the_same_statement(tiny_copy, monkeypatch, capsys):
    with_layer(tiny_copy, layer=LAYER + DEMAND)   # the pack declares no project: the command needs none
    monkeypatch.chdir(tiny_copy)
    assert main(["development", "--city", "kleinstadt", "--area", "1", "--flats", "200", "--year", "2027",
                 "--name", "Anfrage Hafen"]) == 0
    printed = capsys.readouterr().out
    assert "# Anfrage Hafen" in printed and "400 Einwohnerinnen" in printed and "37,2 Plätze" in printed
    assert "in den angrenzenden Gebieten (Mitte) zusammen" in " ".join(printed.split())
    assert main(["development", "--city", "kleinstadt", "--area", "7", "--flats", "20", "--year", "2027"]) == 2
    assert "Gebiet '7' gibt es in" in capsys.readouterr().err


@pytest.mark.parametrize("layer, message, where", [
    (LAYER + DEMAND + PROJECT.replace('["1"]', '["9"]'), "Gebiet '9' gibt es nicht", "developments/0/area_ids"),
    (LAYER + PROJECT, "keine Kennzahlen je Wohnung", "development_demand"),
    (LAYER + DEMAND.replace("- facility: kitas\n      title: Kita-Plätze", "- facility: horte\n      title: Horte"),
     "'horte' ist nicht deklariert", "development_demand/places/0/facility"),
    (LAYER.replace("catchment: {distance_m: 650, detour_factor: 1.3, source: Testannahme}",
                   "catchment: {distance_m: 650, detour_factor: 1.3, source: Testannahme}\n"
                   "    priority:\n      source: Test\n      criteria:\n"
                   "        - {id: armut, title: Armut, indicator: armut_quote, steps: [{at_least: 1, points: 1}]}"),
     "Indikator 'armut_quote' gibt es", "need_plan/0/priority/criteria/0/indicator"),
], ids=["unknown area", "no ratios", "unknown layer", "unknown indicator"])
def test_bad_development_and_grid_declarations_give_clear_errors(tiny_copy, layer, message, where):
    with pytest.raises(InputError, match=message) as error:
        with_layer(tiny_copy, rows=ROWS, layer=layer)
    assert "city.yml" in str(error.value) and where in str(error.value)


def test_the_schema_offers_exactly_the_supply_measures_the_grid_knows():
    from analysis.pack.loader import city_schema
    from analysis.pack.model import SUPPLY_MEASURES

    criterion = city_schema()["properties"]["need_plan"]["items"]["properties"]["priority"]["properties"]["criteria"]
    assert tuple(criterion["items"]["properties"]["supply"]["enum"]) == SUPPLY_MEASURES
