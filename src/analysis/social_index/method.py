"""Social index: the Berlin MSS method and two alternatives, classes, and how certain each class is.

MSS (Monitoring Soziale Stadtentwicklung, Indikatorenheft 2021): over the included areas each status
indicator is z-standardised (unweighted mean, population SD), the z-values are summed, and the sum is
standardised again. Status classes: hoch < −1 ≤ mittel ≤ 1 < niedrig ≤ 1,5 < sehr niedrig. The same for
the dynamics (changes over two years): positiv < −1 ≤ stabil ≤ 1 < negativ. Higher values mean more need.

Alternatives (same thresholds on their standardised score, so that only the scoring differs):
- imd: IMD-style. Each indicator is ranked, the scaled rank is put through the exponential transform of
  the English Indices of Deprivation (which stretches the most deprived end), and the results are
  combined with weights.
- svi: SVI-style. Each indicator becomes a percentile rank (0–1); the ranks are summed.

Every score function works on arrays shaped (..., areas, indicators), so the bootstrap can run many
replicates at once."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.errors import InputError, did_you_mean
from analysis.pack.model import DisclosureRules
from analysis.social_index.classes import (
    DYNAMIC_CLASSES,
    DYNAMIC_THRESHOLDS,
    METHODS,
    STATUS_CLASSES,
    STATUS_THRESHOLDS,
)

DEFAULT_MIN_POPULATION = DisclosureRules.index_min_population
MIN_AREAS = 3
IMD_SHAPE = 23.0  # the English IMD's exponential transform: X = −23 ln(1 − R (1 − e^(−100/23)))
OUTPUT_COLUMNS = ["status_sum", "status_index", "status_class", "dynamic_sum", "dynamic_index", "dynamic_class",
                  "combined_class", "note"]


def class_codes(index: np.ndarray, thresholds: tuple[float, ...]) -> np.ndarray:
    """Class number per value: the lowest threshold belongs to the class above it, every other threshold
    to the class below it (MSS: −1 is "mittel", 1 is "mittel", 1,5 is "niedrig")."""
    index = np.asarray(index)
    codes = (index >= thresholds[0]).astype(np.int8)
    for threshold in thresholds[1:]:
        codes += index > threshold
    return codes


def status_codes(index: np.ndarray) -> np.ndarray:
    """0 hoch (< −1), 1 mittel (−1 … 1), 2 niedrig (> 1 … 1,5), 3 sehr niedrig (> 1,5)."""
    return class_codes(index, STATUS_THRESHOLDS)


def dynamic_codes(index: np.ndarray) -> np.ndarray:
    """0 positiv (< −1), 1 stabil (−1 … 1), 2 negativ (> 1)."""
    return class_codes(index, DYNAMIC_THRESHOLDS)


def standardise(values: np.ndarray, axis: int = -2) -> np.ndarray:
    """z = (x − mean) / SD over the areas, unweighted mean and population SD (ddof = 0), as MSS does."""
    mean = values.mean(axis=axis, keepdims=True)
    spread = values.std(axis=axis, keepdims=True)
    return (values - mean) / np.where(spread > 0, spread, np.nan)


def _ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n over the areas (axis −2), ties averaged; rank n = most need."""
    return stats.rankdata(values, axis=-2)


def score(values: np.ndarray, method: str, weights: np.ndarray | None = None) -> np.ndarray:
    """Combined score per area from values shaped (..., areas, indicators)."""
    if method == "mss":
        return standardise(values).sum(axis=-1)
    n = values.shape[-2]
    if method == "imd":
        scaled = _ranks(values) / n
        transformed = -IMD_SHAPE * np.log(1 - scaled * (1 - np.exp(-100 / IMD_SHAPE)))
        w = np.full(values.shape[-1], 1 / values.shape[-1]) if weights is None else weights / weights.sum()
        return (transformed * w).sum(axis=-1)
    if method == "svi":
        return ((_ranks(values) - 1) / max(n - 1, 1)).sum(axis=-1)
    raise InputError(f"unbekannte Indexmethode '{method}'.", hint=did_you_mean(method, METHODS))


def index_from(values: np.ndarray, method: str, weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(score, index): the score standardised again over the areas."""
    combined = score(values, method, weights)
    return combined, standardise(combined[..., None], axis=-2)[..., 0]


def _check_columns(frame: pd.DataFrame, columns: list[str], role: str, shown_as: str) -> None:
    for column in columns:
        if column not in frame.columns:
            raise InputError(f"Spalte '{column}' ({role}) fehlt.", file=shown_as, column=column,
                             hint=did_you_mean(column, list(frame.columns))
                             or f"Vorhandene Spalten: {', '.join(map(str, frame.columns))}")
        if not pd.api.types.is_numeric_dtype(frame[column]):
            raise InputError(f"Spalte '{column}' ({role}) enthält keine Zahlen.", file=shown_as, column=column)


def compute_index(frame: pd.DataFrame, status: list[str], dynamic: list[str] | None = None,
                  population: str | None = None, min_population: float = DEFAULT_MIN_POPULATION,
                  exclude: list[str] | None = None, method: str = "mss", weights: dict[str, float] | None = None,
                  shown_as: str = "Eingabetabelle") -> pd.DataFrame:
    """Index and classes per area (the frame's index holds the area ids; higher values = more need).

    Areas below `min_population`, areas in `exclude` (named outliers) and areas with a missing status
    value are left out of the standardisation; their row keeps a `note` saying why."""
    dynamic = list(dynamic or [])
    if method not in METHODS:
        raise InputError(f"unbekannte Indexmethode '{method}'.", hint=did_you_mean(method, METHODS))
    if not status:
        raise InputError("Es ist kein Statusindikator angegeben.", file=shown_as)
    _check_columns(frame, status, "Status", shown_as)
    _check_columns(frame, dynamic, "Dynamik", shown_as)
    if population:
        _check_columns(frame, [population], "Einwohner", shown_as)
    notes = pd.Series("", index=frame.index, dtype=object)
    excluded = {str(e) for e in (exclude or [])}
    unknown = excluded - set(map(str, frame.index))
    if unknown:
        raise InputError(f"auszuschließende Gebiete nicht in der Tabelle: {', '.join(sorted(unknown))}.",
                         file=shown_as)
    notes[[str(i) in excluded for i in frame.index]] = "als Ausreißer ausgeschlossen"
    if population:
        small = frame[population] < min_population
        for area in frame.index[small & (notes == "")]:
            notes[area] = (f"weniger als {min_population:g} Einwohner "
                           f"({frame.at[area, population]:g}), nicht im Index")
    missing = frame[status].isna().any(axis=1) & (notes == "")
    for area in frame.index[missing]:
        gaps = [c for c in status if pd.isna(frame.at[area, c])]
        notes[area] = f"fehlender Wert ({', '.join(gaps)}), nicht im Index"
    included = notes == ""
    if included.sum() < MIN_AREAS:
        raise InputError(f"Nur {int(included.sum())} Gebiete sind für den Index gültig; nötig sind mindestens "
                         f"{MIN_AREAS}.", file=shown_as,
                         hint="Mindesteinwohnerzahl, ausgeschlossene Gebiete und fehlende Werte prüfen.")
    weight_array = None
    if weights:
        weight_array = np.array([float(weights.get(c, 1.0)) for c in status])
    result = pd.DataFrame(index=frame.index, columns=OUTPUT_COLUMNS, dtype=object)
    rows = frame.loc[included]
    status_sum, status_index = index_from(rows[status].to_numpy(float), method, weight_array)
    result.loc[included, "status_sum"] = status_sum
    result.loc[included, "status_index"] = status_index
    result.loc[included, "status_class"] = np.array(STATUS_CLASSES)[status_codes(status_index)]
    if dynamic:
        complete = rows[dynamic].notna().all(axis=1)
        if complete.sum() >= MIN_AREAS:
            dynamic_rows = rows.loc[complete, dynamic].to_numpy(float)
            dynamic_sum, dynamic_index = index_from(dynamic_rows, method)
            ids = rows.index[complete]
            result.loc[ids, "dynamic_sum"] = dynamic_sum
            result.loc[ids, "dynamic_index"] = dynamic_index
            result.loc[ids, "dynamic_class"] = np.array(DYNAMIC_CLASSES)[dynamic_codes(dynamic_index)]
    has_both = result["status_class"].notna() & result["dynamic_class"].notna()
    result.loc[has_both, "combined_class"] = ("Status " + result.loc[has_both, "status_class"] + ", Dynamik "
                                              + result.loc[has_both, "dynamic_class"])
    only_status = result["status_class"].notna() & ~has_both
    result.loc[only_status, "combined_class"] = "Status " + result.loc[only_status, "status_class"]
    result["note"] = notes
    for column in ("status_sum", "status_index", "dynamic_sum", "dynamic_index"):
        result[column] = pd.to_numeric(result[column])
    return result


@dataclass(frozen=True)
class Bootstrap:
    replicates: int
    seed: int
    probability: pd.Series          # share of replicates in which the area keeps its status class
    interval: pd.DataFrame          # 2.5 % and 97.5 % quantiles of the status index


def class_probability(numerators: np.ndarray, denominators: np.ndarray, scales: np.ndarray,
                      observed_index: np.ndarray, method: str = "mss", weights: np.ndarray | None = None,
                      replicates: int = 1000, seed: int = 20240101, workers: int = 2,
                      chunk: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """Resample every count as Poisson(observed), recompute the rates and the whole index, and return
    (probability of keeping the observed status class, 2.5/97.5 % quantiles of the index) per area.

    Arrays are (areas, indicators) for the included areas. Each chunk of replicates has its own random
    stream spawned from `seed`, so the result does not depend on the number of threads."""
    observed = status_codes(observed_index)
    numerators = np.asarray(numerators, dtype=np.float64)
    rates_per_count = (np.asarray(scales, dtype=np.float32) / np.asarray(denominators, dtype=np.float32))
    sizes = [min(chunk, replicates - start) for start in range(0, replicates, chunk)]
    streams = np.random.SeedSequence(seed).spawn(len(sizes))

    def run(job: tuple[int, np.random.SeedSequence]) -> tuple[np.ndarray, np.ndarray]:
        size, stream = job
        draws = np.random.default_rng(stream).poisson(numerators, size=(size, *numerators.shape))
        values = draws.astype(np.float32) * rates_per_count
        _, index = index_from(values, method, weights)
        return (status_codes(index) == observed).sum(axis=0), index.astype(np.float32)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(run, zip(sizes, streams)))
    kept = sum(r[0] for r in results)
    indices = np.concatenate([r[1] for r in results], axis=0)
    quantiles = np.nanquantile(indices, [0.025, 0.975], axis=0).T
    return kept / replicates, quantiles
