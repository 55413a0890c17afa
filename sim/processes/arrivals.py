"""Customer arrivals: a non-homogeneous Poisson process from the calendar's traffic profile.

With a piecewise-constant rate the process is exact by drawing, for each piece, a Poisson
count and placing that many arrivals uniformly in it. Each day is drawn at its start, from
the store's own `arrivals/<store>` stream, so other stores and devices never shift it.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def arrival_times(
    segments: Iterable[tuple[float, float, float]], rng: np.random.Generator
) -> np.ndarray:
    """Sorted arrival times for (start, end, rate per minute) pieces of time."""
    chunks = []
    for start, end, rate in segments:
        count = rng.poisson(rate * (end - start))
        chunks.append(rng.uniform(start, end, count))
    if not chunks:
        return np.empty(0)
    return np.sort(np.concatenate(chunks))
