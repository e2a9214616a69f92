"""The social index of one edition, configured in the city pack (social_index: …).

Status = the configured indicators in the latest year all of them have; dynamics = their change over
`dynamics_years` years (percentage points for percentages), as in the MSS. Adds the uncertainty of each
area's status class from a Poisson bootstrap of the underlying counts."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.catalog.model import Catalog, load_catalog
from analysis.errors import InputError, did_you_mean
from analysis.pack.model import CITY_AREA_ID, CityPack
from analysis.social_index.classes import STATUS_THRESHOLDS
from analysis.social_index.method import class_probability, compute_index


@dataclass
class DistrictIndex:
    method: str
    year: int
    dynamics_from: int | None          # base year of the dynamics, None where the data do not reach back
    status: list[str]                   # indicator ids used
    unavailable: list[str]              # configured, but without values in this edition
    min_population: float
    excluded: list[str]
    replicates: int
    seed: int
    table: pd.DataFrame                 # per area: values, index, classes, probability, interval, note
    alternatives: dict[str, pd.DataFrame] = field(default_factory=dict)
    from_counts: bool = True            # False: supplied shares without counts, so no bootstrap

    @property
    def dynamic_columns(self) -> list[str]:
        return [f"{i}_change" for i in self.status] if self.dynamics_from else []


def area_values(indicators: pd.DataFrame, indicator_id: str, year: int, column: str = "value") -> pd.Series:
    rows = indicators[(indicators["indicator"] == indicator_id) & (indicators["year"] == year)
                      & (indicators["area_id"] != CITY_AREA_ID)]
    return rows.set_index("area_id")[column]


def check_configured(pack: CityPack, indicator_ids: list[str], where: str, need_only: bool = False) -> None:
    """Configured indicators must be in the catalogue (with the pack's own); status indicators must measure
    need."""
    shown = f"data/{pack.slug}/city.yml"
    full = load_catalog(pack)
    ids = [i.id for i in full.indicators]
    for position, indicator_id in enumerate(indicator_ids):
        if indicator_id not in ids:
            raise InputError(f"Indikator '{indicator_id}' steht nicht im Katalog.", file=shown,
                             column=f"{where}/{position}", hint=did_you_mean(indicator_id, ids))
        if need_only and full.get(indicator_id).polarity != "higher_is_worse":
            raise InputError(f"Statusindikator '{indicator_id}' muss 'höherer Wert = ungünstiger' sein.",
                             file=shown, column=f"{where}/{position}")


def compute(pack: CityPack, catalog: Catalog, indicators: pd.DataFrame) -> DistrictIndex | None:
    config = pack.social_index
    if not config:
        return None
    shown = f"data/{pack.slug}/city.yml"
    check_configured(pack, config.status, "social_index/status", need_only=True)
    known = {i.id for i in catalog.indicators}
    status = [i for i in config.status if i in known]
    unavailable = [i for i in config.status if i not in known]
    if not status:
        return None
    years = [set(indicators.loc[indicators["indicator"] == i, "year"]) for i in status]
    common = set.intersection(*years)
    if not common:
        return None
    year = max(common)
    frame = pd.DataFrame({i: area_values(indicators, i, year) for i in status}).reindex(pack.area_ids)
    span = config.dynamics_years
    dynamics_from = year - span if all((year - span) in y for y in years) else None
    if dynamics_from:
        for i in status:
            frame[f"{i}_change"] = frame[i] - area_values(indicators, i, dynamics_from).reindex(pack.area_ids)
    population = config.population_indicator
    if population and population in known:
        frame["population"] = area_values(indicators, population, year).reindex(pack.area_ids)
    method = config.method
    min_population = pack.disclosure.index_min_population
    exclude = list(config.exclude)
    dynamic_columns = [f"{i}_change" for i in status] if dynamics_from else []
    population_column = "population" if "population" in frame else None
    weights = config.imd_weights
    result = compute_index(frame, status, dynamic_columns, population_column, min_population, exclude, method,
                           weights if method == "imd" else None, shown_as=shown)
    table = frame.join(result)
    replicates, seed = config.replicates, config.seed
    withheld = pd.DataFrame({i: area_values(indicators, i, year, "suppressed") for i in status}).reindex(table.index)
    withheld = withheld.fillna(False).astype(bool).any(axis=1) & table["note"].str.startswith("fehlender Wert")
    table.loc[withheld, "note"] = "Wert aus Datenschutzgründen nicht veröffentlicht, nicht im Index"

    table["probability"] = np.nan
    table["index_low"] = np.nan
    table["index_high"] = np.nan
    table["near_threshold"] = False
    alternatives = {}
    for other in config.alternatives:
        if other != method:
            alternatives[other] = compute_index(frame, status, dynamic_columns, population_column, min_population,
                                                exclude, other, weights if other == "imd" else None,
                                                shown_as=shown)
    from_counts = all(catalog.get(i).kind != "external" for i in status)
    result = DistrictIndex(method, year, dynamics_from, status, unavailable, min_population, exclude, replicates,
                           seed, table, alternatives, from_counts)
    if from_counts:
        _add_class_certainty(result, catalog, indicators, method, weights)
    return result


def _add_class_certainty(index: DistrictIndex, catalog: Catalog, indicators: pd.DataFrame, method: str,
                         weights: dict | None) -> None:
    """Probability of staying in the status class and the index's 95 % range, from a Poisson bootstrap."""
    table, status, year = index.table, index.status, index.year
    included = table["status_index"].notna()
    numerators = np.column_stack([area_values(indicators, i, year, "numerator").reindex(table.index[included])
                                  for i in status])
    denominators = np.column_stack([area_values(indicators, i, year, "denominator").reindex(table.index[included])
                                    for i in status])
    scales = np.array([catalog.get(i).scale for i in status], dtype=float)
    weight_array = np.array([float(weights.get(i, 1.0)) for i in status]) if weights and method == "imd" else None
    probability, interval = class_probability(numerators, denominators, scales,
                                              table.loc[included, "status_index"].to_numpy(float), method,
                                              weight_array, index.replicates, index.seed)
    table.loc[included, "probability"] = probability
    table.loc[included, "index_low"] = interval[:, 0]
    table.loc[included, "index_high"] = interval[:, 1]
    crosses = np.zeros(included.sum(), dtype=bool)
    # An area is "within reach of a threshold" when the 95 % range of its bootstrapped index crosses one.
    for threshold in STATUS_THRESHOLDS:
        crosses |= (interval[:, 0] < threshold) & (interval[:, 1] > threshold)
    table.loc[included, "near_threshold"] = crosses
