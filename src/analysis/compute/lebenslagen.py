"""Lebenslagen: social groups across fields of action, per area (the three axes of Oldenburg's strategic
social planning).

Every indicator with a direction of need is turned into a standardised deviation from the city, signed so
that a positive value always means more need: z = sign × (area value − city value) ÷ standard deviation of
the areas. A field's (or group's) deviation is the mean z of its indicators. Only published values enter:
a withheld cell is missing, so nothing here narrows a withheld value down.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.catalog.model import GroupPage, Indicator, load_catalog
from analysis.compute.edition import Edition
from analysis.pack.model import CITY_AREA_ID, CityPack

# A mean deviation of at least this many standard deviations counts as a clear concentration of need.
CLEAR_DEVIATION = 1.0
# A profile names a field from this deviation on.
NOTABLE_DEVIATION = 0.5


def need_indicators(edition: Edition) -> list[Indicator]:
    """Area indicators with a direction of need."""
    return [i for i in edition.catalog.indicators if i.is_need]


def deviations(edition: Edition) -> pd.DataFrame:
    """Standardised deviation in the direction of need: a row per area (pack order), a column per need
    indicator, each in its latest year. The reference is the city value, or the mean of the areas where the
    source publishes none; an indicator whose areas do not vary has no column. Computed once per edition
    (every profile asks for it)."""
    return edition.remembered("lebenslagen-deviations", lambda: _deviations(edition))


def _deviations(edition: Edition) -> pd.DataFrame:
    columns = {}
    for indicator in need_indicators(edition):
        published = edition.table(indicator.id)["value"]   # withheld values are blank already
        areas = published.reindex(edition.pack.area_ids)
        spread = areas.std(ddof=0)
        if not np.isfinite(spread) or spread == 0 or areas.notna().sum() < 2:
            continue
        reference = published.get(CITY_AREA_ID, np.nan)
        if not np.isfinite(reference):
            reference = areas.mean()
        columns[indicator.id] = indicator.need_sign * (areas - reference) / spread
    return pd.DataFrame(columns, index=pd.Index(edition.pack.area_ids, name="area_id"))


@dataclass(frozen=True)
class Matrix:
    """Mean deviation per area (rows) and axis entry (columns: field or group ids), with the indicator that
    deviates most in each cell (for the link) and the number of indicators behind each column."""
    values: pd.DataFrame
    strongest: pd.DataFrame
    indicator_count: dict[str, int]
    titles: dict[str, str]

    def clearest(self, limit: int = 5) -> pd.DataFrame:
        """The cells with the clearest concentration of need (mean deviation ≥ CLEAR_DEVIATION), largest
        first: columns area_id, column, value."""
        stacked = self.values.stack().rename("value").reset_index()
        stacked.columns = ["area_id", "column", "value"]
        clear = stacked[stacked["value"] >= CLEAR_DEVIATION]
        return clear.sort_values(["value", "area_id"], ascending=[False, True]).head(limit).reset_index(drop=True)

    def area_order(self) -> list[str]:
        """Areas by their mean deviation over all columns, most need first (areas without values last)."""
        overall = self.values.mean(axis=1)
        return list(overall.sort_values(ascending=False, na_position="last").index)


def _matrix(z: pd.DataFrame, members: dict[str, list[str]], titles: dict[str, str]) -> Matrix:
    values, strongest, counts = {}, {}, {}
    for key, indicator_ids in members.items():
        present = [i for i in indicator_ids if i in z.columns]
        if not present:
            continue
        block = z[present]
        values[key] = block.mean(axis=1)
        strongest[key] = block.dropna(how="all").idxmax(axis=1).reindex(z.index)
        counts[key] = len(present)
    index = z.index
    return Matrix(pd.DataFrame(values, index=index), pd.DataFrame(strongest, index=index), counts,
                  {k: titles[k] for k in values})


def by_field(edition: Edition, z: pd.DataFrame | None = None) -> Matrix:
    """Areas × fields of action (of the edition's deviations: computed once)."""
    if z is None:
        return edition.remembered("lebenslagen-fields", lambda: by_field(edition, deviations(edition)))
    members = {f.id: [i.id for i in edition.catalog.indicators if i.field == f.id] for f in edition.catalog.fields}
    return _matrix(z, members, {f.id: f.title for f in edition.catalog.fields})


def by_group(edition: Edition, z: pd.DataFrame | None = None) -> Matrix:
    """Areas × social groups (an indicator counts for every group it describes)."""
    z = deviations(edition) if z is None else z
    members = {g: [i.id for i in edition.catalog.indicators if g in i.groups] for g in edition.catalog.groups}
    return _matrix(z, members, dict(edition.catalog.groups))


# --- group pages ---------------------------------------------------------------------------------------------
def available_pages(pack: CityPack) -> list[GroupPage]:
    """The group pages a pack can fill: at least one indicator describing the page's groups is computable
    from the variables the pack declares (the same pages for every edition of the pack)."""
    computable = load_catalog(pack).computable(pack.declared_variables)
    return [p for p in computable.group_pages if computable.describing(p.groups)]


def page_of(edition: Edition, page_id: str) -> GroupPage:
    return next(p for p in edition.catalog.group_pages if p.id == page_id)


def population_indicator(edition: Edition, page: GroupPage) -> Indicator | None:
    """The indicator that counts the group in each area (the first of the page's candidates the edition has)."""
    return next((edition.indicator(i) for i in page.population if edition.has(i)), None)


def group_indicators(edition: Edition, page: GroupPage) -> dict[str, list[Indicator]]:
    """The indicators describing the page's groups, by field (area and city-level ones, catalogue order)."""
    described = edition.all_indicators.describing(page.groups)
    return {f.id: [i for i in described if i.field == f.id] for f in edition.catalog.fields
            if any(i.field == f.id for i in described)}


def key_indicators(edition: Edition, page: GroupPage) -> list[Indicator]:
    """One map per key indicator: where the group lives, then per field its first area indicator with a
    direction of need."""
    keys = [population_indicator(edition, page)]
    for indicators in group_indicators(edition, page).values():
        keys.append(next((i for i in indicators if i.is_need and edition.has(i.id)), None))
    return [i for i in dict.fromkeys(keys) if i is not None]


def concentration(edition: Edition, page: GroupPage, z: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per area: how strongly the group is present (standardised share, where a population indicator exists)
    and how disadvantaged it is (mean deviation of the group's need indicators). Sorted by their sum, most
    first; `both` marks areas above the city in both."""
    z = deviations(edition) if z is None else z
    need_ids = [i.id for i in edition.catalog.describing(page.groups) if i.id in z.columns]
    result = pd.DataFrame(index=z.index)
    result["need"] = z[need_ids].mean(axis=1) if need_ids else np.nan
    result["indicators"] = z[need_ids].notna().sum(axis=1) if need_ids else 0
    population = population_indicator(edition, page)
    if population is not None:
        share = edition.table(population.id)["value"]
        areas = share.reindex(edition.pack.area_ids)
        spread = areas.std(ddof=0)
        reference = share.get(CITY_AREA_ID, areas.mean())
        result["presence"] = (areas - reference) / spread if spread and np.isfinite(spread) else np.nan
    else:
        result["presence"] = np.nan
    result["score"] = result[["presence", "need"]].sum(axis=1, min_count=1)
    result["both"] = (result["presence"] > 0) & (result["need"] > 0)
    return result.sort_values(["score", "need"], ascending=False, na_position="last")


@dataclass(frozen=True)
class FieldPosition:
    """One indicator of a group in a field, compared with the city."""
    indicator: Indicator
    year: int
    city: float              # NaN where the source gives no city value
    lowest: tuple[str, float] | None     # (area_id, value); None for a city-level indicator
    highest: tuple[str, float] | None
    worse_than_city: int | None          # areas on the side of need; None without direction or city value
    compared: int | None
    first_year: int | None = None        # city-level indicators: the series' first year and value
    first_value: float | None = None


def positions(edition: Edition, page: GroupPage) -> dict[str, list[FieldPosition]]:
    """The group's position in each field: for area indicators the city value, the range of the areas and
    how many areas lie on the side of need; for city-level indicators the latest value and the first one."""
    result = {}
    for field_id, indicators in group_indicators(edition, page).items():
        rows = []
        for indicator in indicators:
            if edition.has(indicator.id):
                rows.append(_area_position(edition, indicator))
            else:
                rows.append(_city_position(edition, indicator))
        result[field_id] = [r for r in rows if r is not None]
    return {k: v for k, v in result.items() if v}


def _area_position(edition: Edition, indicator: Indicator) -> FieldPosition | None:
    year = edition.latest_year(indicator.id)
    published = edition.table(indicator.id, year)["value"]
    areas = published.reindex(edition.pack.area_ids).dropna()
    if areas.empty:
        return None
    city = float(published.get(CITY_AREA_ID, np.nan))
    worse = compared = None
    if indicator.is_need and np.isfinite(city):
        compared = len(areas)
        worse = int((indicator.need_sign * (areas - city) > 0).sum())
    return FieldPosition(indicator, year, city, (areas.idxmin(), float(areas.min())),
                         (areas.idxmax(), float(areas.max())), worse, compared)


def _city_position(edition: Edition, indicator: Indicator) -> FieldPosition | None:
    series = edition.city_series(indicator.id)
    values = series["value"].dropna()
    if values.empty:
        return None
    return FieldPosition(indicator, int(values.index[-1]), float(values.iloc[-1]), None, None, None, None,
                         int(values.index[0]), float(values.iloc[0]))


# --- profiles --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProfileField:
    """A field where the area deviates notably from the city: its mean deviation, the indicators behind it
    (most need first) and the groups they describe."""
    field_id: str
    value: float
    indicators: list[tuple[Indicator, float]]
    groups: list[str]


def profile_fields(edition: Edition, area_id: str, matrix: Matrix | None = None, z: pd.DataFrame | None = None,
                   limit: int = 3) -> list[ProfileField]:
    """The fields where the area has most need compared with the city (mean deviation ≥ NOTABLE_DEVIATION)."""
    z = deviations(edition) if z is None else z
    matrix = by_field(edition, z) if matrix is None else matrix
    if area_id not in matrix.values.index:
        return []
    row = matrix.values.loc[area_id].dropna().sort_values(ascending=False)
    result = []
    for field_id, value in row[row >= NOTABLE_DEVIATION].head(limit).items():
        members = [i for i in edition.catalog.indicators if i.field == field_id and i.id in z.columns]
        scored = sorted(((i, float(z.at[area_id, i.id])) for i in members if np.isfinite(z.at[area_id, i.id])),
                        key=lambda pair: -pair[1])
        above = [(i, v) for i, v in scored if v > 0]
        groups = list(dict.fromkeys(g for i, v in above if v >= NOTABLE_DEVIATION for g in i.groups))
        result.append(ProfileField(field_id, float(value), above, groups))
    return result
