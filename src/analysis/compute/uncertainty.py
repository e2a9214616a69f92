"""How certain is a rate computed from counts? 95 % intervals and the flag for small numerators.

Shares (the numerator is part of the denominator, e.g. SGB II recipients among residents under 65)
get the Wilson score interval: it stays inside 0–100 % and keeps close to its nominal coverage even
for small counts and rates near 0, where the textbook normal interval fails. Rates and ratios whose
numerator is not part of the denominator (births per 1,000 residents, children in SGB II per 100
under-18s) treat the numerator as a Poisson count and get the exact (Garwood) interval."""
from __future__ import annotations

import numpy as np
from scipy import stats

CONFIDENCE = 0.95
MIN_STABLE_EVENTS = 20
_Z = float(stats.norm.ppf(0.5 + CONFIDENCE / 2))


def wilson(events: np.ndarray, trials: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for the proportion events / trials (arrays; NaN where undefined)."""
    events, trials = np.asarray(events, dtype=float), np.asarray(trials, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = events / trials
        centre = (p + _Z**2 / (2 * trials)) / (1 + _Z**2 / trials)
        half = _Z * np.sqrt(p * (1 - p) / trials + _Z**2 / (4 * trials**2)) / (1 + _Z**2 / trials)
    valid = (trials > 0) & (events >= 0) & (events <= trials)
    return np.where(valid, centre - half, np.nan), np.where(valid, centre + half, np.nan)


def poisson_exact(events: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) interval for a Poisson count."""
    events = np.asarray(events, dtype=float)
    alpha = 1 - CONFIDENCE
    with np.errstate(invalid="ignore"):
        low = np.where(events > 0, stats.chi2.ppf(alpha / 2, 2 * events) / 2, 0.0)
        high = stats.chi2.ppf(1 - alpha / 2, 2 * (events + 1)) / 2
    valid = events >= 0
    return np.where(valid, low, np.nan), np.where(valid, high, np.nan)


def rate_interval(numerator, denominator, scale: float, is_share: bool) -> tuple[np.ndarray, np.ndarray]:
    """95 % interval of numerator / denominator × scale. A 'share' whose numerator exceeds its
    denominator (a data error, reported elsewhere) falls back to the Poisson interval."""
    numerator, denominator = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        counts_low, counts_high = poisson_exact(numerator)
        poisson_low, poisson_high = counts_low / denominator * scale, counts_high / denominator * scale
    if not is_share:
        return poisson_low, poisson_high
    share_low, share_high = wilson(numerator, denominator)
    use_wilson = ~np.isnan(share_low)
    return (np.where(use_wilson, share_low * scale, poisson_low),
            np.where(use_wilson, share_high * scale, poisson_high))


def unstable(numerator) -> np.ndarray:
    """Fewer than 20 events: the rate can swing widely by chance and is flagged."""
    return np.asarray(numerator, dtype=float) < MIN_STABLE_EVENTS
