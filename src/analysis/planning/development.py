"""What a housing development will need (`developments:` and `development_demand:` in the city pack):
expected residents and children from the declared ratios per flat, the Kita and school places they need,
and the spare or missing places in the project's areas and their neighbours, from the need plans.

The same assessment serves the chapter (one statement per declared project) and the command
`sozialbericht development`, for a project not yet in the pack."""
from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from analysis.errors import InputError, did_you_mean
from analysis.pack.model import CityPack, Development, NeedPlan, PlaceDemand

NEIGHBOUR_TOLERANCE_M = 1.0   # polygons that come this close count as neighbours (digitising gaps)
RATIOS_HINT = "development_demand mit persons_per_flat und places angeben."


@dataclass(frozen=True)
class DemandAssessment:
    demand: PlaceDemand
    children: tuple[tuple[str, float], ...]   # (age group, expected children); empty for places per 100 flats
    places_needed: float
    plan: NeedPlan | None                    # the need plan of the facility type, if the pack has one
    places_in_area: float                    # places (or facilities) the plan counts in the project's areas
    spare_in_area: float                     # places above the target ratio; negative: missing; NaN: unknown
    spare_nearby: float                      # the same over the neighbouring areas
    population_year: int | None

    @property
    def known(self) -> bool:
        """Whether spare places can be given: a plan with a target ratio, and its gap published."""
        return not math.isnan(self.spare_in_area)

    @property
    def after(self) -> float:
        """Spare places in the project's areas once the project is occupied (negative: missing)."""
        return self.spare_in_area - self.places_needed

    @property
    def neighbours_cover(self) -> bool:
        """Whether the neighbouring areas' spare places cover what the project's areas then lack."""
        return not math.isnan(self.spare_nearby) and self.spare_nearby + self.after >= 0


@dataclass(frozen=True)
class Assessment:
    development: Development
    residents: float
    neighbours: tuple[str, ...]
    demands: tuple[DemandAssessment, ...]


def check_developments(pack: CityPack) -> None:
    """Clear errors for declared projects and ratios that name what the pack does not have."""
    shown = f"data/{pack.slug}/city.yml"
    if pack.developments and pack.development_demand is None:
        raise InputError("Vorhaben sind deklariert, aber keine Kennzahlen je Wohnung.", file=shown,
                         column="development_demand", hint=RATIOS_HINT)
    layers = [layer.id for layer in pack.facilities]
    for position, demand in enumerate(pack.development_demand.places if pack.development_demand else ()):
        if demand.facility not in layers:
            raise InputError(f"Einrichtungsebene '{demand.facility}' ist nicht deklariert.", file=shown,
                             column=f"development_demand/places/{position}/facility",
                             hint=did_you_mean(demand.facility, layers))
    for position, development in enumerate(pack.developments):
        check_areas(pack, development.area_ids, f"developments/{position}/area_ids")


def check_areas(pack: CityPack, area_ids: tuple[str, ...], where: str) -> None:
    for area_id in area_ids:
        if area_id not in pack.area_names:
            raise InputError(f"Gebiet '{area_id}' gibt es nicht.", file=f"data/{pack.slug}/city.yml", column=where,
                             hint=did_you_mean(area_id, pack.area_ids) or "IDs der Gebiete siehe areas in city.yml.")


def neighbours(areas: gpd.GeoDataFrame, area_ids: tuple[str, ...], metric_crs: str) -> tuple[str, ...]:
    """Areas whose polygon touches one of `area_ids` (within NEIGHBOUR_TOLERANCE_M), in the areas' order."""
    metric = areas.to_crs(metric_crs).geometry
    project = metric.loc[list(area_ids)].buffer(NEIGHBOUR_TOLERANCE_M).union_all()
    touching = metric.intersects(project) & ~metric.index.isin(area_ids)
    return tuple(metric.index[touching])


def _spare(table: pd.DataFrame, area_ids) -> float:
    """Sum of the gap to the target over areas; NaN when the plan has no target or a gap is withheld."""
    gaps = table.loc[list(area_ids), "gap"]
    return float(gaps.sum()) if len(gaps) and gaps.notna().all() else math.nan


def assess(pack: CityPack, development: Development, supply: list[tuple[NeedPlan, pd.DataFrame]],
           areas: gpd.GeoDataFrame) -> Assessment:
    ratios = pack.development_demand
    if ratios is None:
        raise InputError("Für Vorhaben fehlen die Kennzahlen je Wohnung.", file=f"data/{pack.slug}/city.yml",
                         column="development_demand", hint=RATIOS_HINT)
    check_areas(pack, development.area_ids, "area_ids")
    metric_crs = supply[0][0].metric_crs if supply else "EPSG:25832"
    nearby = neighbours(areas, development.area_ids, metric_crs)
    plans = {plan.facility: (plan, table) for plan, table in supply}   # one plan per layer (checked)
    demands = []
    for demand in ratios.places:
        children = tuple((c.group, development.flats * c.per_flat) for c in demand.children)
        plan, table = plans.get(demand.facility, (None, None))
        demands.append(DemandAssessment(
            demand, children, development.flats * demand.per_flat, plan,
            float(table.loc[list(development.area_ids), "places"].sum()) if plan else math.nan,
            _spare(table, development.area_ids) if plan else math.nan,
            _spare(table, nearby) if plan else math.nan,
            int(table["population_year"].iloc[0]) if plan else None))
    return Assessment(development, development.flats * ratios.persons_per_flat, nearby, tuple(demands))
