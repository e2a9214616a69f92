"""All indicators × areas × years at once: values, city reference, changes, ranks."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.catalog.model import Catalog, parse_terms
from analysis.compute import uncertainty
from analysis.pack.model import CITY_AREA_ID, REPORTED_CITY_AREA_ID, UNASSIGNED_AREA_ID, CityPack

INDICATOR_COLUMNS = ["year", "area_id", "indicator", "value", "numerator", "denominator", "ci_low", "ci_high",
                     "unstable", "change_1y", "change_5y", "rank", "rank_of"]
# Edition.compute adds "estimated": a value of a year before an area change, apportioned (edition.estimated_cells).


def wide_with_city(tidy: pd.DataFrame, pack: CityPack) -> pd.DataFrame:
    """Variables as columns, one row per (year, area_id): the areas, plus a computed city total.

    The city total is the sum of all areas plus the rows no area could be assigned to. It is
    missing where any area's value is missing: a partial sum would understate the city. A variable only a
    city-level source delivers keeps the reported city value. Areas the pack
    declares with a `first_year` are not expected before it."""
    wide = tidy.pivot_table(index=["year", "area_id"], columns="variable", values="value",
                            aggfunc="first", dropna=False)
    years = sorted(tidy["year"].unique())
    full_index = pd.MultiIndex.from_product([years, pack.area_ids], names=["year", "area_id"])
    areas = wide.reindex(full_index)
    expected = pd.Series({year: sum(1 for a in pack.areas if (a.first_year or 0) <= year) for year in years})
    complete = (areas.notna().groupby(level="year").sum()).eq(expected, axis=0)
    city = areas.groupby(level="year").sum(min_count=1)
    if UNASSIGNED_AREA_ID in wide.index.get_level_values("area_id"):
        unassigned = wide.xs(UNASSIGNED_AREA_ID, level="area_id").reindex(city.index)
        city = city.add(unassigned.fillna(0), fill_value=0)
    city = city.where(complete)
    not_counts = [v for v in pack.non_count_variables if v in city.columns]
    city[not_counts] = np.nan  # shares and other supplied values do not add up to a city value
    city_only = [v for v in pack.city_only_variables if v in wide.columns]
    if city_only and REPORTED_CITY_AREA_ID in wide.index.get_level_values("area_id"):
        # A variable no area has: the city's value is the one the source reports.
        city[city_only] = wide.xs(REPORTED_CITY_AREA_ID, level="area_id")[city_only].reindex(city.index)
    city.index = pd.MultiIndex.from_product([city.index, [CITY_AREA_ID]], names=["year", "area_id"])
    return pd.concat([areas, city]).sort_index()


def _evaluate(wide: pd.DataFrame, expression: str | None) -> pd.Series:
    if expression is None:
        return pd.Series(np.nan, index=wide.index)
    total = pd.Series(0.0, index=wide.index)
    for sign, name in parse_terms(expression):
        column = wide[name] if name in wide.columns else pd.Series(np.nan, index=wide.index)
        total = total + sign * column
    return total


def _external(wide: pd.DataFrame, indicator, supplied: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Value, numerator and denominator of a supplied share. With a base, the numerator is the count the
    share implies (so disclosure control can check it) and the city value is the areas' base-weighted mean;
    the city value stays empty when any area lacks its share or base."""
    nothing = pd.Series(np.nan, index=wide.index)
    if indicator.base is None:
        return supplied, nothing, nothing
    base = _evaluate(wide, indicator.base)
    implied = supplied * base / indicator.scale
    is_city = wide.index.get_level_values("area_id") == CITY_AREA_ID
    years = wide.index.get_level_values("year")
    areas = pd.DataFrame({"year": years[~is_city], "implied": implied[~is_city].to_numpy(),
                          "base": base[~is_city].to_numpy()})
    complete = areas.groupby("year")[["implied", "base"]].sum(min_count=1).where(
        areas.groupby("year")[["implied", "base"]].count().eq(areas.groupby("year").size(), axis=0))
    city_implied = pd.Series(years, index=wide.index).map(complete["implied"])
    city_base = pd.Series(years, index=wide.index).map(complete["base"])
    value = supplied.where(~is_city, city_implied / city_base.where(city_base > 0) * indicator.scale)
    return value, implied.where(~is_city, city_implied), base.where(~is_city, city_base)


def _shifted(frame: pd.DataFrame, years_back: int) -> pd.Series:
    earlier = frame[["year", "area_id", "indicator", "value"]].copy()
    earlier["year"] += years_back
    merged = frame[["year", "area_id", "indicator"]].merge(earlier, how="left",
                                                             on=["year", "area_id", "indicator"])
    return merged["value"].to_numpy()


def compute_indicators(wide: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """Long table with one row per (year, area or city, indicator), from `wide_with_city`."""
    parts = []
    for indicator in catalog.indicators:
        numerator = _evaluate(wide, indicator.numerator)
        if indicator.kind == "external":  # a value as supplied: no counts behind it, unless a base is named
            value, numerator, denominator = _external(wide, indicator, numerator)
            low = high = pd.Series(np.nan, index=wide.index)
            flagged = pd.Series(False, index=wide.index)
        elif indicator.denominator is None:
            denominator = pd.Series(np.nan, index=wide.index)
            value = numerator
            low = high = pd.Series(np.nan, index=wide.index)
            flagged = pd.Series(False, index=wide.index)
        else:
            denominator = _evaluate(wide, indicator.denominator)
            value = numerator / denominator.where(denominator > 0) * indicator.scale
            low, high = uncertainty.rate_interval(numerator, denominator, indicator.scale,
                                                  is_share=indicator.kind == "share")
            flagged = pd.Series(uncertainty.unstable(numerator), index=wide.index) & value.notna()
        parts.append(pd.DataFrame({"indicator": indicator.id, "value": value, "numerator": numerator,
                                   "denominator": denominator, "ci_low": low, "ci_high": high,
                                   "unstable": flagged}))
    result = pd.concat(parts).reset_index()
    result = result.dropna(subset=["value"]).reset_index(drop=True)
    return with_changes_and_ranks(result, catalog.rank_signs)[INDICATOR_COLUMNS]


def need_ordered(indicators: pd.Series, values: pd.Series, rank_signs: dict[str, int]) -> pd.Series:
    """Values turned so that the larger one is the less favourable (Catalog.rank_signs), as ranks in the
    direction of need ask; structure indicators keep their values (Rang 1 = höchster Wert)."""
    return values * indicators.map(rank_signs).fillna(1)


def with_changes_and_ranks(result: pd.DataFrame, rank_signs: dict[str, int]) -> pd.DataFrame:
    """Changes against 1 and 5 years earlier and the rank among the areas, from the values present
    (a missing or withheld value leaves the changes that reach back to it empty). Rang 1 is the least
    favourable value (Indicator.rank_meaning), the same convention on every page."""
    result = result.copy()
    result["change_1y"] = result["value"] - _shifted(result, 1)
    result["change_5y"] = result["value"] - _shifted(result, 5)
    is_area = (result["area_id"] != CITY_AREA_ID) & result["value"].notna()
    result["_ordered"] = need_ordered(result["indicator"], result["value"], rank_signs)
    ranks = result[is_area].groupby(["year", "indicator"])["_ordered"]
    result["rank"] = np.nan
    result["rank_of"] = np.nan
    result.loc[is_area, "rank"] = ranks.rank(ascending=False, method="min")
    result.loc[is_area, "rank_of"] = ranks.transform("count")
    return result.drop(columns="_ordered")


def table(indicators: pd.DataFrame, indicator_id: str, year: int) -> pd.DataFrame:
    """One indicator in one year: a row per area and the city, indexed by area_id."""
    selected = indicators[(indicators["indicator"] == indicator_id) & (indicators["year"] == year)]
    return selected.set_index("area_id")
