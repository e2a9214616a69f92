"""Supply next to need, per area (`need_plan:` in the city pack).

For each area: the target population in the latest year, the places of the facilities in the area (a
capacity field, optionally only the share of it that serves the target group), places per `per` of the
target group, the places the declared target ratio (if any) asks for and the gap, the share of the area's
surface within the catchment of a facility, and the change of the target population over five years.

Distances are measured in a metric CRS, never in degrees: the catchment is a circle of the walking
distance divided by the declared detour factor, an approximation the report names as such."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.pack.model import CITY_AREA_ID, CityPack, DisclosureRules, NeedPlan
from analysis.planning.facilities import Facilities

SUPPLY_COLUMNS = ["target_population", "population_year", "places", "places_per", "target_places", "gap",
                  "catchment_share", "trend_from", "population_change", "population_change_share", "facilities",
                  "withheld", "count_withheld"]
# Withheld with a target population below the disclosure rules' minimum denominator: every figure that
# would let a reader recompute it (places per, target places, gap, change).
REVEALING_COLUMNS = ["places_per", "target_places", "gap", "population_change", "population_change_share"]
TREND_YEARS = 5   # the trend reaches back at most this far, to the earliest year the data have


def counted_facilities(plan: NeedPlan, facilities: Facilities) -> gpd.GeoDataFrame:
    """The facilities the plan counts (all, or those whose `select_flag` field is set)."""
    points = facilities.points
    return points[points[plan.select_flag] > 0] if plan.select_flag else points


def facility_places(plan: NeedPlan, facilities: Facilities) -> pd.Series:
    """Places per counted facility that serve the plan's target group."""
    points = counted_facilities(plan, facilities)
    if plan.capacity is None:
        return pd.Series(1.0, index=points.index)
    places = points[plan.capacity].astype(float)
    if plan.share_fields:
        groups = points[list(plan.share_fields)].astype(float).sum(axis=1)
        total = points[plan.share_total].astype(float)
        # a record whose groups add up to more than its total still has only its places
        places = places * (groups / total.where(total > 0)).fillna(0.0).clip(upper=1.0)
    return places


def covered_surface(areas: gpd.GeoDataFrame, points: gpd.GeoDataFrame, radius_m: float,
                    metric_crs: str) -> tuple[pd.Series, pd.Series]:
    """(surface within `radius_m` of any facility, whole surface) per area in m², measured in `metric_crs`."""
    metric = areas.to_crs(metric_crs)
    if not metric.crs.is_projected or metric.crs.axis_info[0].unit_name not in ("metre", "meter"):
        raise InputError(f"{metric_crs} misst nicht in Metern; Einzugsbereiche brauchen ein metrisches System.",
                         column="need_plan/catchment/metric_crs", hint="z. B. EPSG:25832 (UTM 32N) angeben.")
    surface = metric.geometry.area
    if points.empty:
        return pd.Series(0.0, index=areas.index), surface
    reach = points.to_crs(metric_crs).buffer(radius_m).union_all()
    return metric.geometry.intersection(reach).area, surface


def supply_table(pack: CityPack, plan: NeedPlan, facilities: Facilities, areas: gpd.GeoDataFrame,
                 tidy: pd.DataFrame) -> pd.DataFrame:
    """One row per area (index area_id, pack order) plus the city (CITY_AREA_ID), columns SUPPLY_COLUMNS."""
    rows = tidy[tidy["variable"] == plan.target_population]
    if rows.empty:
        raise InputError(f"need_plan '{plan.title}': Die Variable '{plan.target_population}' hat keine Werte.",
                         file=f"data/{pack.slug}/city.yml", column="need_plan/target_population")
    year = int(rows["year"].max())
    population = rows[rows["year"] == year].set_index("area_id")["value"].reindex(pack.area_ids)
    trend_from = int(rows.loc[rows["year"] >= year - TREND_YEARS, "year"].min())
    earlier = rows[rows["year"] == trend_from].set_index("area_id")["value"].reindex(pack.area_ids)
    places_each = facility_places(plan, facilities)
    counted = counted_facilities(plan, facilities)
    area_of = counted["area_id"]
    places = places_each.groupby(area_of).sum().reindex(pack.area_ids, fill_value=0.0)
    count = area_of.value_counts().reindex(pack.area_ids, fill_value=0)
    table = pd.DataFrame(index=pd.Index(pack.area_ids, name="area_id"))
    table["target_population"] = population
    table["population_year"] = year
    table["places"] = places
    table["facilities"] = count
    covered, surface = covered_surface(areas.loc[pack.area_ids], counted, plan.straight_line_m,
                                       plan.metric_crs)
    table["catchment_share"] = (covered / surface).clip(0, 1)
    table["trend_from"] = trend_from
    table["population_change"] = (population - earlier) if trend_from < year else np.nan
    city = pd.DataFrame({"target_population": population.sum(min_count=len(population)),
                         "population_year": year, "places": places.sum(), "facilities": count.sum(),
                         "catchment_share": min(1.0, covered.sum() / surface.sum()),
                         "trend_from": trend_from,
                         "population_change": ((population - earlier).sum(min_count=len(population))
                                               if trend_from < year else np.nan)},
                        index=pd.Index([CITY_AREA_ID], name="area_id"))
    table = pd.concat([table, city])
    base = table["target_population"] - table["population_change"]
    table["population_change_share"] = table["population_change"] / base.where(base > 0)
    table["places_per"] = table["places"] / table["target_population"].where(table["target_population"] > 0) \
        * plan.target_per
    target = np.nan if plan.target_value is None else plan.target_value
    table["target_places"] = table["target_population"] * target / plan.target_per
    table["gap"] = table["places"] - table["target_places"]
    return withhold(table, pack.disclosure)[SUPPLY_COLUMNS]


def withhold(table: pd.DataFrame, rules: DisclosureRules) -> pd.DataFrame:
    """Disclosure control: a target population below the minimum denominator withholds every figure that
    reveals it (`withheld`); a small count is itself withheld (`count_withheld`), and when it is the only
    one, the next smallest area's too, so that the city total does not give it away."""
    table = table.copy()
    table["count_withheld"] = [rules.is_small_count(v) for v in table["target_population"]]
    areas = table.drop(CITY_AREA_ID)
    if rules.secondary and areas["count_withheld"].sum() == 1:
        others = areas.loc[~areas["count_withheld"], "target_population"].dropna()
        if len(others):
            table.loc[others.idxmin(), "count_withheld"] = True
    table["withheld"] = (table["target_population"] < rules.min_denominator) | table["count_withheld"]
    table.loc[table["withheld"], REVEALING_COLUMNS] = np.nan
    return table
