"""Sozialraumtypen: areas grouped by their whole profile, not by one index.

Ward's hierarchical clustering of the standardised indicators (z-values over the areas, population SD).
The number of types is the one with the highest mean silhouette among min_types … max_types (default
3 … 6): the grouping in which areas are, on average, most clearly closer to their own type than to the
next one. Two types would mostly split "more need" from "less need", which the index already does."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import pdist, squareform

from analysis.catalog.model import Catalog
from analysis.pack.model import CITY_AREA_ID, CityPack
from analysis.social_index.district_index import check_configured
from analysis.social_index.method import standardise

TYPE_LETTERS = "ABCDEFGHIJ"


@dataclass
class DistrictTypes:
    indicators: list[str]             # indicator ids used
    unavailable: list[str]            # configured, but without values for every area in this edition
    years: dict[str, int]             # indicator id → year used (each indicator's latest)
    silhouettes: dict[int, float]     # number of types → mean silhouette
    labels: pd.Series                 # area id → type letter
    profiles: pd.DataFrame            # type letter × indicator: mean z-value

    @property
    def count(self) -> int:
        return len(self.profiles)


def silhouette(distances: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette width (Rousseeuw 1987); areas alone in their type count 0."""
    widths = []
    for i, label in enumerate(labels):
        own = labels == label
        if own.sum() <= 1:
            widths.append(0.0)
            continue
        inside = distances[i, own].sum() / (own.sum() - 1)
        outside = min(distances[i, labels == other].mean() for other in set(labels) - {label})
        widths.append((outside - inside) / max(inside, outside))
    return float(np.mean(widths))


MIN_TYPED_SHARE = 0.95   # an indicator is used when at least this share of the areas has a value


def compute(pack: CityPack, catalog: Catalog, indicators: pd.DataFrame) -> DistrictTypes | None:
    config = pack.district_types
    if config is None:
        return None
    wanted = list(config.indicators) or [i.id for i in catalog.indicators if i.kind != "count"]
    check_configured(pack, wanted, "district_types/indicators")
    columns, years = {}, {}
    for indicator_id in wanted:
        rows = indicators[(indicators["indicator"] == indicator_id) & (indicators["area_id"] != CITY_AREA_ID)]
        if rows.empty:
            continue
        year = int(rows["year"].max())
        values = rows[rows["year"] == year].set_index("area_id")["value"].reindex(pack.area_ids)
        # Areas without residents have no rates: they stay untyped, as long as they are few.
        if values.notna().mean() >= MIN_TYPED_SHARE and values.std() > 0:
            columns[indicator_id], years[indicator_id] = values, year
    used = list(columns)
    frame = pd.DataFrame(columns).dropna()
    if len(used) < 2 or len(frame) < 4:
        return None
    z = pd.DataFrame(standardise(frame.to_numpy(float)), index=frame.index, columns=frame.columns)
    tree = linkage(z.to_numpy(), method="ward")
    distances = squareform(pdist(z.to_numpy()))
    limit = min(config.max_types, len(frame) - 1)
    lowest = min(config.min_types, limit)
    silhouettes = {k: silhouette(distances, fcluster(tree, k, criterion="maxclust"))
                   for k in range(lowest, limit + 1)}
    best = max(silhouettes, key=lambda k: (round(silhouettes[k], 6), -k))
    clusters = pd.Series(fcluster(tree, best, criterion="maxclust"), index=frame.index)
    # Letters by the types' mean need (mean z of indicators where higher is worse): A = most need.
    need = [i for i in used if catalog.get(i).polarity == "higher_is_worse"] or used
    order = z[need].mean(axis=1).groupby(clusters).mean().sort_values(ascending=False).index
    letters = {cluster: TYPE_LETTERS[position] for position, cluster in enumerate(order)}
    labels = clusters.map(letters)
    profiles = z.groupby(labels).mean().sort_index()
    return DistrictTypes(used, [i for i in wanted if i not in used], years, silhouettes, labels, profiles)
