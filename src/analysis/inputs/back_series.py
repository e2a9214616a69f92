"""The years before an area change, on today's areas: read on the earlier areas, then apportioned.

Each count of an earlier area is split among today's areas by the crosswalk (pack/crosswalk.py) in whole
numbers: the shares are rounded down and the rest handed out by the largest remainders, so the parts of
every earlier count add up to it exactly, and so do the city totals. Rates are computed afterwards from
the apportioned counts, never apportioned themselves; supplied values without counts (`counts: false`) do
not cross the change. Today's areas that are not made of whole earlier areas carry estimates."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.inputs import sources
from analysis.inputs.sources import TIDY_COLUMNS
from analysis.inputs.validate import Finding
from analysis.pack import crosswalk as cw
from analysis.pack.model import CityPack


@dataclass
class BackSeries:
    tidy: pd.DataFrame                   # year, area_id, variable, value on today's areas, years before the change
    crosswalk: cw.Crosswalk
    estimated_areas: set[str]            # today's areas whose earlier values are estimates
    first_years: dict[str, int] = field(default_factory=dict)   # today's areas without values before this year
    findings: list[Finding] = field(default_factory=list)


def apportion(tidy: pd.DataFrame, shares: pd.DataFrame) -> pd.DataFrame:
    """Counts of earlier areas (year, area_id, variable, value) split among today's areas by `shares`
    (old_id, new_id, share; each earlier area's shares sum to 1), in whole numbers that add up exactly to
    each earlier count. A missing earlier value leaves the areas it feeds missing in that year."""
    rows = tidy.merge(shares[["old_id", "new_id", "share"]], left_on="area_id", right_on="old_id")
    rows = rows.sort_values(["year", "variable", "old_id", "new_id"], kind="stable").reset_index(drop=True)
    exact = rows["value"] * rows["share"]
    rows["part"] = np.floor(exact + 1e-9)
    remainder = exact - rows["part"]
    group = rows.groupby(["year", "variable", "old_id"], sort=False)
    short = (rows["value"] - group["part"].transform("sum")).round()
    # The largest remainders get one more each until the earlier count is reached (ties: in id order).
    order = remainder.groupby([rows["year"], rows["variable"], rows["old_id"]], sort=False).rank(
        method="first", ascending=False)
    rows["part"] += (order <= short).astype(float)
    rows["missing"] = rows["value"].isna()
    summed = rows.groupby(["year", "new_id", "variable"], sort=True).agg(value=("part", "sum"),
                                                                         missing=("missing", "any"))
    summed["value"] = summed["value"].where(~summed["missing"])
    return summed.reset_index().rename(columns={"new_id": "area_id"})[TIDY_COLUMNS]


def compute(pack: CityPack) -> BackSeries:
    """The pack's earlier years apportioned to today's areas, with the crosswalk and its findings."""
    earlier = pack.before_change()
    walk = cw.compute(pack)
    tidy = sources.tidy_variables(sources.read_all(earlier))
    tidy = tidy[~tidy["variable"].isin(pack.non_count_variables)]
    is_area = tidy["area_id"].isin(earlier.area_ids)
    apportioned = apportion(tidy[is_area], walk.shares)
    # City totals the sources report, and rows no area could take, are the same city: they stay.
    back = pd.concat([apportioned, tidy[~is_area][TIDY_COLUMNS]], ignore_index=True)
    with_values = apportioned.dropna(subset=["value"]).groupby("area_id")["year"].min()
    first_year = pack.area_change.first_year
    earliest = int(tidy["year"].min()) if len(tidy) else first_year
    first_years = {a: int(with_values.get(a, first_year)) for a in pack.area_ids
                   if with_values.get(a, first_year) > earliest}
    return BackSeries(back, walk, set(pack.area_ids) - walk.exact_areas(), first_years,
                      _findings(pack, earlier, walk, first_years))


def _findings(pack: CityPack, earlier: CityPack, walk: cw.Crosswalk, first_years: dict[str, int]) -> list[Finding]:
    change = pack.area_change
    shown = pack.display_path(change.matches_file) if change.matches_file else pack.display_path(change.geometry.file)
    found = [Finding("crosswalk_disagrees", shown, None, d.old_id, None, None,
                     d.message(earlier.area_names, pack.area_names)) for d in walk.disagreements]
    for area_id, year in sorted(first_years.items()):
        found.append(Finding("area_without_back_series", shown, None, None, None, area_id,
                             f"{pack.area_names[area_id]}: kein früheres Gebiet trägt nach der Zuordnung Fläche bei; "
                             f"Werte erst ab {year}." if year >= change.first_year else
                             f"{pack.area_names[area_id]}: die früheren Gebiete, aus denen es entsteht, gibt es "
                             f"erst ab {year}; Werte ab {year}."))
    return found
