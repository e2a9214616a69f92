"""Spatial levels above the pack's areas (e.g. Planungsraum → Bezirksregion → Prognoseraum → Bezirk).

A parent's id is the start of its areas' ids (declared per level as `id_length`); the hierarchy is checked
against the polygons. Counts are summed up the levels and every rate is computed again from the summed
counts, never averaged. Supplied values without counts (sources with `counts: false`) do not go up."""
from __future__ import annotations

import dataclasses

import geopandas as gpd
import pandas as pd

from analysis.errors import InputError
from analysis.pack.geometry import areas_from_geometry, geometry_kind, load_areas, read_features
from analysis.pack.model import CITY_AREA_ID, REPORTED_CITY_AREA_ID, UNASSIGNED_AREA_ID, Area, CityPack, Level


def parent_id(area_id: str, level: Level) -> str:
    return level.parent_of(area_id)


def parents_of(base: CityPack, pack: CityPack, level: Level) -> dict[str, str]:
    """Area of `pack` (the base or a level pack) → its parent on `level`, found through the base areas: a
    parent-id template reads the base ids, not the ids of a level in between."""
    return {(pack.level.parent_of(a) if pack.level else a): level.parent_of(a) for a in base.area_ids}


def level_pack(base: CityPack, level_id: str) -> CityPack:
    """The pack as seen from a higher level: its areas are the parents, named from the level's geometry (or
    its declared names, for a level dissolved from the areas)."""
    level = base.get_level(level_id)
    wanted = list(dict.fromkeys(parent_id(a.id, level) for a in base.areas))
    if level.geometry is None:
        names = {p: level.names.get(p, f"{level.label} {p}") for p in wanted}
    else:
        names = dict(areas_from_geometry(base.folder, base.slug, level.geometry, base.limits))
    unknown = [p for p in wanted if p not in names]
    if unknown:
        child = next(a for a in base.areas if parent_id(a.id, level) == unknown[0])
        raise InputError(f"{level.label} '{unknown[0]}' (aus der ID von {base.area_label} {child.id}, "
                         f"{child.name}) fehlt in der Geometrie.", file=base.display_path(level.geometry.file),
                         column=level.geometry.id_field,
                         hint=f"id_length oder parent_id der Ebene '{level.id}' in city.yml prüfen.")
    firsts = {}
    for area in base.areas:
        parent = parent_id(area.id, level)
        firsts[parent] = min(firsts.get(parent, area.first_year or 0), area.first_year or 0)
    areas = tuple(Area(p, names[p], p, firsts[p] or None) for p in wanted)
    # A dissolved level keeps the areas' file: its polygons are made from it (level_areas).
    geometry = dataclasses.replace(level.geometry, name_field=None) if level.geometry else base.geometry
    return dataclasses.replace(base, areas=areas, geometry=geometry, area_label=level.label,
                               area_label_plural=level.label_plural, level=level, base=base,
                               declared_profiles_title=level.profiles_title)


def aggregate(tidy: pd.DataFrame, base: CityPack, level: Level) -> pd.DataFrame:
    """The tidy table summed to the level's areas. A parent is missing in a year where one of its expected
    areas is missing (a partial sum would understate it). City and unassigned rows stay as they are."""
    counts = tidy[~tidy["variable"].isin(base.non_count_variables)]
    is_area = ~counts["area_id"].isin([CITY_AREA_ID, REPORTED_CITY_AREA_ID, UNASSIGNED_AREA_ID])
    first_year = {a.id: a.first_year or 0 for a in base.areas}
    grid = counts.loc[is_area, ["year", "variable"]].drop_duplicates().merge(
        pd.DataFrame({"area_id": base.area_ids}), how="cross")
    grid = grid[grid["year"] >= grid["area_id"].map(first_year)]
    areas = grid.merge(counts[is_area], on=["year", "area_id", "variable"], how="left")
    areas["area_id"] = areas["area_id"].map({a: parent_id(a, level) for a in base.area_ids})
    areas["missing"] = areas["value"].isna()
    summed = areas.groupby(["year", "area_id", "variable"], sort=False).agg(
        value=("value", "sum"), missing=("missing", "any"))
    summed["value"] = summed["value"].where(~summed["missing"])
    parents = summed["value"].reset_index()
    return pd.concat([parents, counts[~is_area]], ignore_index=True)[list(tidy.columns)]


def check_against_polygons(base: CityPack, base_areas: gpd.GeoDataFrame) -> None:
    """Every area must lie in the polygon of the parent its id names, on every declared level."""
    if geometry_kind(base_areas) != "polygons":
        return
    points = base_areas.geometry.representative_point()
    for level in (lv for lv in base.levels if lv.geometry is not None):
        shown = base.display_path(level.geometry.file)
        frame, _ = read_features(base.folder, shown, level.geometry, base.limits)
        polygons = frame.set_index(level.geometry.id_field).geometry.to_crs(base_areas.crs)
        for area_id, point in points.items():
            parent = parent_id(area_id, level)
            if parent in polygons.index and polygons[parent].contains(point):
                continue
            holders = [p for p, polygon in polygons.items() if polygon.contains(point)]
            found = f"liegt aber in {level.label} {holders[0]}" if holders else "liegt in keiner"
            raise InputError(f"{base.area_label} {area_id} ({base.area_names[area_id]}) gehört nach seiner ID zu "
                             f"{level.label} {parent}, {found}.", file=shown, column=level.geometry.id_field,
                             hint="IDs oder Geometrie prüfen; eine falsch vergebene ID unter geometry: corrections "
                                  "berichtigen.")


def level_areas(pack: CityPack, base_areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The polygons of a level pack: from its own file, or the union of its areas' polygons."""
    if pack.level.geometry is not None:
        return load_areas(pack)
    if geometry_kind(base_areas) != "polygons":   # points or nothing: a level has no shape to draw
        without = gpd.GeoDataFrame({"area_id": pack.area_ids, "name": [pack.area_names[a] for a in pack.area_ids]},
                                   geometry=gpd.GeoSeries([None] * len(pack.area_ids)), crs=None)
        without = without.set_index("area_id")
        without.attrs.update(corrections=[], repairs=[], unlocated=[])
        return without
    parents = [parent_id(area_id, pack.level) for area_id in base_areas.index]
    dissolved = base_areas[["geometry"]].reset_index(drop=True).assign(area_id=parents).dissolve(by="area_id")
    areas = dissolved.reindex(pack.area_ids)
    areas.insert(0, "name", [pack.area_names[a] for a in pack.area_ids])
    areas.attrs.update(corrections=[], repairs=[], unlocated=[])
    return areas


@dataclasses.dataclass
class Hierarchy:
    """For each area of the edition: its parent on every higher level, with the parents' published values."""
    levels: tuple[Level, ...]
    parents: pd.DataFrame                 # index area_id, one column per level id (parent id)
    names: dict[str, dict[str, str]]      # level id → parent id → name
    indicators: dict[str, pd.DataFrame]   # level id → published indicator table of the parents

    _published: dict = dataclasses.field(default_factory=dict, repr=False, compare=False)

    def parent(self, area_id: str, level_id: str) -> tuple[str, str]:
        parent = self.parents.at[area_id, level_id]
        return parent, self.names[level_id][parent]

    def published(self, level_id: str, indicator_id: str, year: int, parent: str) -> dict | None:
        """A parent's published row (value, unstable, suppressed), or None; looked up in an index built
        once per level, since every one of hundreds of profiles asks for each indicator."""
        if level_id not in self._published:
            frame = self.indicators[level_id]
            keys = zip(frame["indicator"], frame["year"].astype(int), frame["area_id"])
            rows = frame[["value", "unstable", "suppressed"]].to_dict("records")
            self._published[level_id] = dict(zip(keys, rows))
        return self._published[level_id].get((indicator_id, int(year), parent))
