import numpy as np
import pytest

from sim.processes.arrivals import arrival_times


def test_counts_and_placement_follow_the_rate():
    segments = [(0.0, 60.0, 0.5), (60.0, 120.0, 2.0), (120.0, 130.0, 0.0)]
    rng = np.random.Generator(np.random.PCG64(11))
    first, second = [], []
    for _ in range(2000):
        times = arrival_times(segments, rng)
        assert np.all(np.diff(times) >= 0)
        assert np.all(times < 120.0)
        first.append(np.sum(times < 60))
        second.append(np.sum(times >= 60))
    # Poisson(30) and Poisson(120): the mean of 2000 days is within a few standard errors.
    assert np.mean(first) == pytest.approx(30, abs=4 * np.sqrt(30 / 2000))
    assert np.mean(second) == pytest.approx(120, abs=4 * np.sqrt(120 / 2000))
    assert np.var(second) == pytest.approx(120, rel=0.15)


def test_no_segments_no_arrivals():
    assert arrival_times([], np.random.Generator(np.random.PCG64(1))).size == 0
