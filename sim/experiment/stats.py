"""Paired differences with t confidence intervals: the statistics of a comparison."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Interval:
    mean: float
    low: float
    high: float
    n: int

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2

    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0


def mean_interval(values: np.ndarray, confidence: float = CONFIDENCE) -> Interval:
    """Student-t interval for the mean of `values` (NaN bounds with fewer than two values)."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    mean = float(values.mean()) if n else math.nan
    if n < 2:
        return Interval(mean, math.nan, math.nan, n)
    sd = float(values.std(ddof=1))
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)
    return Interval(mean, mean - half, mean + half, n)


def paired_difference(
    treatment: np.ndarray, baseline: np.ndarray, confidence: float = CONFIDENCE
) -> Interval:
    """Interval for the mean of treatment - baseline over paired replications."""
    treatment, baseline = np.asarray(treatment, float), np.asarray(baseline, float)
    if treatment.shape != baseline.shape:
        raise ValueError(
            f"paired samples need equal lengths, got {treatment.shape} and {baseline.shape}"
        )
    return mean_interval(treatment - baseline, confidence)
