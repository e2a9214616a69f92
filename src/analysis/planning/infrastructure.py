"""Social infrastructure of one edition: every facility layer of the pack and every need plan, computed
once with the edition."""
from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from analysis.errors import InputError, did_you_mean
from analysis.inputs.validate import Finding
from analysis.pack.model import CITY_AREA_ID, CityPack, NeedPlan
from analysis.planning import priority
from analysis.planning.development import check_developments
from analysis.planning.facilities import Facilities, read_layer
from analysis.planning.need import supply_table


@dataclass
class Infrastructure:
    layers: dict[str, Facilities] = field(default_factory=dict)
    supply: list[tuple[NeedPlan, pd.DataFrame]] = field(default_factory=list)
    unavailable: list[NeedPlan] = field(default_factory=list)   # no target population yet in this edition
    findings: list[Finding] = field(default_factory=list)
    priorities: dict[str, pd.DataFrame] = field(default_factory=dict)   # by facility layer id, in rank order

    def plan_of(self, facility: str) -> tuple[NeedPlan, pd.DataFrame]:
        return next((plan, table) for plan, table in self.supply if plan.facility == facility)


def compute(pack: CityPack, areas: gpd.GeoDataFrame, tidy: pd.DataFrame) -> Infrastructure | None:
    """None for a pack without facility layers."""
    if not pack.facilities:
        return None
    result = Infrastructure()
    for layer in pack.facilities:
        used = tuple(f for plan in pack.need_plan if plan.facility == layer.id for f in plan.numeric_fields)
        facilities, findings = read_layer(pack, layer, areas, used)
        result.layers[layer.id] = facilities
        result.findings += findings
    variables = {v for source in pack.sources for v in source.variables} | set(pack.derived_variables)
    planned = [plan.facility for plan in pack.need_plan]
    for number, plan in enumerate(pack.need_plan):
        if planned.index(plan.facility) != number:
            raise InputError(f"Für die Einrichtungsebene '{plan.facility}' gibt es schon einen Bedarfsplan.",
                             file=f"data/{pack.slug}/city.yml", column=f"need_plan/{number}/facility",
                             hint="Je Einrichtungsebene ein Eintrag unter need_plan.")
        if plan.facility not in result.layers:
            raise InputError(f"need_plan '{plan.title}': Einrichtungsebene '{plan.facility}' ist nicht deklariert.",
                             file=f"data/{pack.slug}/city.yml", column=f"need_plan/{number}/facility",
                             hint=did_you_mean(plan.facility, list(result.layers)))
        if plan.target_population not in variables:
            raise InputError(f"need_plan '{plan.title}': Variable '{plan.target_population}' liefert keine Quelle.",
                             file=f"data/{pack.slug}/city.yml", column=f"need_plan/{number}/target_population",
                             hint=did_you_mean(plan.target_population, sorted(variables)))
        if plan.variable in variables:
            raise InputError(f"need_plan '{plan.title}': Variable '{plan.variable}' liefert schon eine Quelle.",
                             file=f"data/{pack.slug}/city.yml", column=f"need_plan/{number}/variable",
                             hint="Einen eigenen Namen für die Plätze des Plans wählen, z. B. 'kita_places'.")
        if tidy.loc[tidy["variable"] == plan.target_population, "value"].notna().any():
            result.supply.append((plan, supply_table(pack, plan, result.layers[plan.facility], areas, tidy)))
        else:
            result.unavailable.append(plan)
    check_developments(pack)
    return result


def add_priorities(result: Infrastructure, pack: CityPack, indicators: pd.DataFrame) -> None:
    """Rank the areas of every plan with a points grid, on the published indicator values (a withheld value
    counts as missing) of each indicator's latest year."""
    known = set(indicators["indicator"])
    latest = indicators[indicators["year"] == indicators.groupby("indicator")["year"].transform("max")]
    for number, plan in enumerate(pack.need_plan):
        if plan.priority is None or plan in result.unavailable:
            continue
        priority.check_grid(pack, plan, number, known)
        values = {}
        for criterion in plan.priority.criteria:
            if criterion.indicator:
                rows = latest[latest["indicator"] == criterion.indicator].set_index("area_id")
                values[criterion.indicator] = rows["value"].where(~rows["suppressed"].astype(bool))
        result.priorities[plan.facility] = priority.rank(pack, plan, result.plan_of(plan.facility)[1], values)


def supply_variables(result: Infrastructure) -> pd.DataFrame | None:
    """Tidy rows (year, area_id, variable, value) of every plan that declares a `variable`: its places per area
    in the year of its target population, for the catalogue's supply indicators. None when no plan declares one."""
    rows = []
    for plan, table in result.supply:
        if plan.variable is None:
            continue
        areas = table.drop(CITY_AREA_ID)
        rows.append(pd.DataFrame({"year": areas["population_year"].astype(int).to_numpy(),
                                  "area_id": areas.index.to_numpy(), "variable": plan.variable,
                                  "value": areas["places"].astype(float).to_numpy()}))
    return pd.concat(rows, ignore_index=True) if rows else None
