"""Did a measure's areas develop better than comparable areas? A difference in differences with a
permutation interval, and a verdict in plain words that never claims a cause.

The estimate is the mean change of the measure's areas from the last year before the start to the latest
year, minus the mean change of the comparison areas. Its interval comes from the permutation
distribution: the same difference for every way of picking as many areas from the pooled areas (all, or
a fixed-seed sample); under a constant effect, [estimate − upper quantile, estimate − lower quantile]."""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

LEVEL = 0.9                 # the interval's coverage; few areas make 95 % intervals uninformative
MAX_PERMUTATIONS = 5000
MIN_YEARS_AFTER = 2         # fewer years of data after the start: too early to say
SEED = 16
FAVOURABLE = "entwickelt sich günstiger als vergleichbare Gebiete"
UNFAVOURABLE = "entwickelt sich ungünstiger als vergleichbare Gebiete"
NO_DIFFERENCE = "kein belastbarer Unterschied"
TOO_EARLY = "zu früh"
NO_BEFORE = "keine Vorher-Daten"
NO_DATA = "keine Daten in dieser Ausgabe"


@dataclass(frozen=True)
class Effect:
    verdict: str
    before_year: int | None = None
    after_year: int | None = None
    treated_change: float = math.nan
    control_change: float = math.nan
    estimate: float = math.nan
    low: float = math.nan
    high: float = math.nan
    permutations: int = 0


def _difference(changes: np.ndarray, chosen: np.ndarray) -> float:
    mask = np.zeros(len(changes), dtype=bool)
    mask[list(chosen)] = True
    return float(changes[mask].mean() - changes[~mask].mean())


def difference_in_differences(values: pd.DataFrame, treated: list[str], controls: list[str], start_year: int,
                              direction: str, level: float = LEVEL, seed: int = SEED) -> Effect:
    """`values`: one row per area, one column per year (an indicator's values; missing = withheld).
    `direction`: "decrease" or "increase", what the measure aims for."""
    years = sorted(int(y) for y in values.columns)
    before = [y for y in years if y < start_year]
    after = [y for y in years if y > start_year]
    if not before:
        return Effect(NO_BEFORE, after_year=years[-1] if years else None)
    if len(after) < MIN_YEARS_AFTER:
        return Effect(TOO_EARLY, before_year=before[-1], after_year=years[-1])
    first, last = before[-1], years[-1]
    change = (values[last] - values[first]).astype(float)
    pool = [a for a in [*treated, *controls] if not math.isnan(change.get(a, math.nan))]
    treated_in = [a for a in treated if a in pool]
    controls_in = [a for a in controls if a in pool]
    if not treated_in or not controls_in:
        return Effect(NO_DIFFERENCE, first, last)
    changes = change[pool].to_numpy()
    size = len(treated_in)
    estimate = _difference(changes, np.arange(size))
    total = math.comb(len(pool), size)
    if total <= MAX_PERMUTATIONS:
        draws = (np.array(c) for c in itertools.combinations(range(len(pool)), size))
    else:
        rng = np.random.default_rng(seed)
        draws = (rng.choice(len(pool), size, replace=False) for _ in range(MAX_PERMUTATIONS))
    null = np.array([_difference(changes, chosen) for chosen in draws])
    upper, lower = np.quantile(null, [(1 + level) / 2, (1 - level) / 2])
    low, high = estimate - upper, estimate - lower
    if low > 0 or high < 0:
        better = (estimate < 0) == (direction == "decrease")
        verdict = FAVOURABLE if better else UNFAVOURABLE
    else:
        verdict = NO_DIFFERENCE
    return Effect(verdict, first, last, float(change[treated_in].mean()), float(change[controls_in].mean()),
                  estimate, float(low), float(high), len(null))
