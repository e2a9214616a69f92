"""Benchmark (not a test): the social index at the scale of England's IMD, 32,844 areas.

Synthetic data (fixed seed): 4 status indicators as counts over populations of 1,000–3,000, as in
English LSOAs. Times the index with classes, and 1,000 Poisson bootstrap replicates of the whole
index. Usage: python benchmarks/social_index.py [--areas N] [--replicates R] [--workers W]"""
from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from analysis.social_index.method import class_probability, compute_index


def synthetic(areas: int, seed: int = 20240101) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    population = rng.integers(1000, 3000, size=(areas, 1)).astype(float)
    denominators = np.repeat(population, 4, axis=1) * rng.uniform(0.15, 0.7, size=(areas, 4))
    need = rng.gamma(2.0, 1.0, size=(areas, 1))  # a shared deprivation factor
    rates = np.clip(need * rng.uniform(0.02, 0.08, size=(areas, 4)), 0.001, 0.9)
    return rng.poisson(rates * denominators).astype(float), np.round(denominators)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--areas", type=int, default=32_844)
    parser.add_argument("--replicates", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    numerators, denominators = synthetic(args.areas)
    scales = np.full(4, 100.0)
    values = pd.DataFrame(numerators / denominators * 100, columns=["s1", "s2", "s3", "s4"])

    started = time.perf_counter()
    result = compute_index(values, ["s1", "s2", "s3", "s4"])
    index_seconds = time.perf_counter() - started
    started = time.perf_counter()
    probability, _ = class_probability(numerators, denominators, scales, result["status_index"].to_numpy(),
                                       replicates=args.replicates, workers=args.workers)
    bootstrap_seconds = time.perf_counter() - started
    total = index_seconds + bootstrap_seconds
    print(f"areas: {args.areas:,}  replicates: {args.replicates:,}  workers: {args.workers}")
    print(f"index and classes:        {index_seconds:6.2f} s")
    print(f"bootstrap (whole index):  {bootstrap_seconds:6.2f} s")
    print(f"total:                    {total:6.2f} s  (target ≤ 10 s)")
    print(f"areas keeping their class in ≥ 90 % of replicates: {np.mean(probability >= 0.9):.1%}")


if __name__ == "__main__":
    main()
