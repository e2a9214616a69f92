"""Programme areas over the report's areas: which share of each area's counts belongs to a programme area
(declared, or overlaid from a polygon file by surface share: an approximation the report names), and the
group of areas it is compared with."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.errors import InputError, did_you_mean
from analysis.pack.model import CityPack, ProgrammeArea, confined_path

MIN_OVERLAY_SHARE = 0.01   # slivers from digitising differences are not part of a programme area


def counted_shares(pack: CityPack, programme: ProgrammeArea, areas: gpd.GeoDataFrame) -> pd.Series:
    """Share of each area's counts in the programme area (area id → 0 < share ≤ 1); areas named as `part`
    without a share are not counted."""
    shown = f"data/{pack.slug}/city.yml"
    if programme.polygon_file:
        return overlay_shares(pack, programme, areas)
    shares = {}
    for position, cover in enumerate(programme.areas):
        if cover.area_id not in pack.area_names:
            raise InputError(f"Fördergebiet '{programme.id}': Gebiet '{cover.area_id}' gibt es nicht.", file=shown,
                             column=f"programme_areas/{programme.id}/areas/{position}/id",
                             hint=did_you_mean(cover.area_id, pack.area_ids))
        share = 1.0 if cover.coverage == "whole" else cover.share
        if share:
            shares[cover.area_id] = float(share)
    if not shares:
        raise InputError(f"Fördergebiet '{programme.id}' hat kein Gebiet, das gezählt werden kann.", file=shown,
                         column=f"programme_areas/{programme.id}/areas",
                         hint="Ein Gebiet mit coverage: whole angeben oder für coverage: part einen share.")
    return pd.Series(shares, name="share")


def overlay_shares(pack: CityPack, programme: ProgrammeArea, areas: gpd.GeoDataFrame) -> pd.Series:
    """Surface share of each area that lies in the programme area's polygons, measured in a metric CRS."""
    shown = pack.display_path(programme.polygon_file)
    path = confined_path(pack.folder, programme.polygon_file, shown)
    if not path.is_file():
        raise InputError("Die Grenzen des Fördergebiets fehlen.", file=shown)
    pack.limits.check_size(path, shown)
    try:
        polygons = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise InputError(f"Datei nicht lesbar: {exc}", file=shown) from None
    if polygons.crs is None:
        raise InputError("Die Datei nennt kein Koordinatensystem.", file=shown)
    metric_crs = areas.estimate_utm_crs() if not areas.crs.is_projected else areas.crs
    metric = areas.to_crs(metric_crs).geometry
    programme_shape = polygons.to_crs(metric_crs).geometry.union_all()
    shares = metric.intersection(programme_shape).area / metric.area
    shares = shares[shares >= MIN_OVERLAY_SHARE].clip(upper=1.0)
    if shares.empty:
        raise InputError(f"Fördergebiet '{programme.id}' liegt in keinem Gebiet der Stadt.", file=shown)
    return shares.rename("share")


def similar_areas(values: pd.DataFrame, target: pd.Series, candidates: list[str], k: int) -> list[str]:
    """The k candidates closest to `target` on the columns of `values` (z-standardised over the candidates),
    nearest first."""
    frame = values.loc[candidates].dropna()
    spread = frame.std(ddof=0).replace(0, np.nan)
    z = (frame - frame.mean()) / spread
    z_target = (target[frame.columns] - frame.mean()) / spread
    distance = np.sqrt(((z - z_target) ** 2).sum(axis=1, min_count=1))
    return list(distance.sort_values(kind="stable").index[:k])


def same_type_areas(labels: pd.Series, programme_areas: list[str]) -> list[str]:
    """Areas of the Sozialraumtyp of the programme area's first counted area, outside the programme area."""
    wanted = labels.get(programme_areas[0])
    return [a for a, label in labels.items() if label == wanted and a not in programme_areas]
