"""The crosswalk of an area change and the apportioning of counts, on hand-made areas.

Earlier areas (metres, EPSG:25833): A = [0,2]×[0,1], split at x = 1.5 into A1 (75 % of its territory) and
A2 (25 %); B = [0,1]×[1,2] and C = [1,2]×[1,2], merged into BC = [0,2]×[1,2]."""
from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from analysis.inputs.back_series import apportion
from analysis.pack import crosswalk as cw

CRS = "EPSG:25833"
SPLIT = 1.5   # A1 reaches to x = 1.5: 75 % of A


def frame(shapes: dict) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"geometry": list(shapes.values())}, index=pd.Index(list(shapes), name="area_id"),
                            crs=CRS)


OLD = frame({"A": box(0, 0, 2, 1), "B": box(0, 1, 1, 2), "C": box(1, 1, 2, 2)})
# Today's areas drawn a little off the earlier lines, as two digitisations are: slivers under 2 %.
NEW = frame({"A1": box(0, 0, SPLIT, 1.01), "A2": box(SPLIT, 0, 2, 1.01), "BC": box(0, 1.01, 2, 2)})


def shares_of(walk: cw.Crosswalk) -> dict[tuple[str, str], float]:
    return {(r.old_id, r.new_id): r.share for r in walk.shares.itertuples()}


def test_the_overlay_splits_by_territory_and_drops_slivers():
    overlay = cw.overlay_shares(OLD, NEW, CRS, tolerance=0.02)
    shares = {(r.old_id, r.new_id): r.share for r in overlay.itertuples()}
    assert shares == pytest.approx({("A", "A1"): 0.75, ("A", "A2"): 0.25, ("B", "BC"): 1.0, ("C", "BC"): 1.0})
    # without the tolerance the 1 % slivers of B and C in A1/A2 would count as territory
    raw = cw.overlay_shares(OLD, NEW, CRS, tolerance=0.0)
    assert len(raw) > len(overlay)


def test_split_and_merge_apportion_whole_counts_that_add_up_exactly():
    walk = cw.combine(cw.overlay_shares(OLD, NEW, CRS, 0.02), {})
    counts = pd.DataFrame({"year": [2019] * 3 + [2020] * 3, "area_id": ["A", "B", "C"] * 2,
                           "variable": "residents_total", "value": [7.0, 5.0, 6.0, 101.0, 0.0, 3.0]})
    result = apportion(counts, walk.shares).set_index(["year", "area_id"])["value"]
    # 7 × 0.75 = 5.25 → 5, 7 × 0.25 = 1.75 → 1, the one left over goes to the larger remainder (A2)
    assert result[(2019, "A1")] == 5 and result[(2019, "A2")] == 2
    assert result[(2019, "BC")] == 11   # a merge of whole areas: the plain sum
    assert result[(2020, "A1")] == 76 and result[(2020, "A2")] == 25   # 75.75 → 76, 25.25 → 25
    assert (result.groupby(level="year").sum() == counts.groupby("year")["value"].sum()).all()
    assert result.map(float.is_integer).all()
    assert walk.exact_areas() == {"BC"}   # A1 and A2 carry estimates


def test_a_missing_earlier_count_leaves_the_areas_it_feeds_missing():
    walk = cw.combine(cw.overlay_shares(OLD, NEW, CRS, 0.02), {})
    counts = pd.DataFrame({"year": 2020, "area_id": ["A", "B", "C"], "variable": "residents_total",
                           "value": [10.0, float("nan"), 4.0]})
    result = apportion(counts, walk.shares).set_index("area_id")["value"]
    assert pd.isna(result["BC"]) and result["A1"] + result["A2"] == 10


def test_exact_matches_take_precedence_and_a_disagreement_is_recorded():
    overlay = cw.overlay_shares(OLD, NEW, CRS, 0.02)
    # The published correspondence puts all of A into A1, though a quarter of its territory lies in A2.
    walk = cw.combine(overlay, {"A": ("A1",), "B": ("BC",)})
    assert shares_of(walk)[("A", "A1")] == 1.0 and ("A", "A2") not in shares_of(walk)
    assert walk.shares.set_index(["old_id", "new_id"]).at[("A", "A1"), "basis"] == cw.BASIS_MATCH
    assert walk.shares.set_index(["old_id", "new_id"]).at[("C", "BC"), "basis"] == cw.BASIS_OVERLAY
    assert [d.old_id for d in walk.disagreements] == ["A"]   # B's match agrees with the overlay
    message = walk.disagreements[0].message({"A": "Altstadt"}, {"A1": "Nord", "A2": "Süd"})
    assert "A1 Nord" in message and "A2 Süd (25,0 %)" in message and "Es gilt die Zuordnung" in message
    # A1 and A2 are now in doubt: their earlier values are estimates, BC's stay sums
    assert walk.exact_areas() == {"BC"}


def test_a_split_named_by_the_matches_is_weighed_by_the_overlay():
    walk = cw.combine(cw.overlay_shares(OLD, NEW, CRS, 0.02), {"A": ("A1", "A2")})
    assert shares_of(walk)[("A", "A1")] == pytest.approx(0.75) and not walk.disagreements


def test_a_higher_level_that_holds_the_whole_split_is_exact():
    walk = cw.combine(cw.overlay_shares(OLD, NEW, CRS, 0.02), {})
    district = {"A1": "1", "A2": "1", "BC": "2"}.get
    assert walk.exact_areas(district) == {"1", "2"}
