"""A priority list by a declared points grid (`need_plan.priority:`), after the pattern of Braunschweig's
needs plan for neighbourhood centres: each criterion gives points by thresholds, the areas rank by the sum,
and ties are broken by declared rules, then by the pack's order of areas.

Every value, compared value and point per criterion stays in the table, so that a reader can retrace the
ranking from the page."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.errors import InputError, did_you_mean
from analysis.pack.model import CITY_AREA_ID, SUPPLY_MEASURES, CityPack, NeedPlan, PriorityCriterion

POINTS_TOTAL = "points"


def criterion_values(plan: NeedPlan, criterion: PriorityCriterion, supply: pd.DataFrame,
                     indicators: dict[str, pd.Series]) -> tuple[pd.Series, pd.Series]:
    """(value, compared value) per area and the city; withheld values are missing and earn no points."""
    values = supply[criterion.supply] if criterion.supply else indicators[criterion.indicator]
    values = values.astype(float)
    if criterion.compare == "city":
        city = values.get(CITY_AREA_ID, np.nan)
        compared = values / city if city and not np.isnan(city) else values * np.nan
    elif criterion.compare == "target":
        compared = values / plan.target_value
    else:
        compared = values
    return values, compared


def check_grid(pack: CityPack, plan: NeedPlan, number: int, indicator_ids: set[str]) -> None:
    """Clear errors for a grid that cannot be computed (the schema checks the shape)."""
    grid, where = plan.priority, f"need_plan/{number}/priority"
    shown = f"data/{pack.slug}/city.yml"
    ids = [c.id for c in grid.criteria]
    for position, criterion in enumerate(grid.criteria):
        if criterion.indicator and criterion.indicator not in indicator_ids:
            raise InputError(f"Kriterium '{criterion.id}': Indikator '{criterion.indicator}' gibt es in dieser "
                             f"Ausgabe nicht.", file=shown, column=f"{where}/criteria/{position}/indicator",
                             hint=did_you_mean(criterion.indicator, sorted(indicator_ids)))
        if criterion.compare == "target" and (criterion.supply != "places_per" or plan.target_value is None):
            raise InputError(f"Kriterium '{criterion.id}': 'compare: target' braucht 'supply: places_per' und "
                             f"einen Richtwert (target_ratio/value).", file=shown,
                             column=f"{where}/criteria/{position}/compare")
    if len(set(ids)) < len(ids):
        raise InputError("Zwei Kriterien haben dieselbe id.", file=shown, column=f"{where}/criteria")
    for position, rule in enumerate(grid.tie_break):
        if rule.by not in ids and rule.by not in SUPPLY_MEASURES:
            raise InputError(f"Regel bei Gleichstand: '{rule.by}' ist weder ein Kriterium noch eine Kennzahl der "
                             f"Versorgungstabelle.", file=shown, column=f"{where}/tie_break/{position}/by",
                             hint=did_you_mean(rule.by, ids))


def rank(pack: CityPack, plan: NeedPlan, supply: pd.DataFrame, indicators: dict[str, pd.Series]) -> pd.DataFrame:
    """One row per area in rank order: per criterion `<id>_value`, `<id>_compared`, `<id>_points`; then
    `points` and `rank` (1 = highest priority)."""
    grid = plan.priority
    table = pd.DataFrame(index=pd.Index(pack.area_ids, name="area_id"))
    tie_keys = {}
    for criterion in grid.criteria:
        values, compared = criterion_values(plan, criterion, supply, indicators)
        compared = compared.reindex(pack.area_ids)
        table[f"{criterion.id}_value"] = values.reindex(pack.area_ids)
        table[f"{criterion.id}_compared"] = compared
        table[f"{criterion.id}_points"] = [criterion.points(v) for v in compared]
        tie_keys[criterion.id] = compared
    table[POINTS_TOTAL] = table[[f"{c.id}_points" for c in grid.criteria]].sum(axis=1)
    # Sort keys: points first, then each tie rule (missing values last), then the pack's order.
    keys = pd.DataFrame({"points": -table[POINTS_TOTAL]}, index=table.index)
    for position, rule in enumerate(grid.tie_break):
        values = tie_keys.get(rule.by, supply[rule.by].reindex(pack.area_ids) if rule.by in supply else None)
        values = values.astype(float)
        keys[f"tie{position}"] = (-values if rule.order == "descending" else values).fillna(np.inf)
    keys["order"] = range(len(keys))
    order = keys.sort_values(list(keys.columns), kind="stable").index
    table = table.loc[order]
    table["rank"] = range(1, len(table) + 1)
    return table
